//! Who notifications go to: teachers of classes new to them, district admins.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{EnrollmentRole, Role, Status};
use crate::error::StoreResult;
use crate::tables::{classes, enrollments, people, person_roles};

/// Active teacher enrollments in active classes of the district created at or after `since`
/// (µs), as (teacher id, class id), ordered by teacher then class.
pub async fn teacher_enrollments_since(
    conn: &mut Conn,
    district_id: &str,
    since: i64,
) -> StoreResult<Vec<(String, String)>> {
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .inner_join(classes::table)
            .inner_join(people::table)
            .filter(enrollments::district_id.eq(district_id))
            .filter(enrollments::role.eq(EnrollmentRole::Teacher))
            .filter(enrollments::status.eq(Status::Active))
            .filter(enrollments::created_at.ge(since))
            .filter(classes::status.eq(Status::Active))
            .filter(people::status.eq(Status::Active))
            .order((enrollments::person_id.asc(), enrollments::class_id.asc()))
            .select((enrollments::person_id, enrollments::class_id))
            .load(c)
            .await?
    }))
}

/// Active people of the district holding `role`, by id.
pub async fn people_with_role(
    conn: &mut Conn,
    district_id: &str,
    role: Role,
) -> StoreResult<Vec<String>> {
    Ok(with_conn!(conn, |c| {
        person_roles::table
            .inner_join(people::table)
            .filter(person_roles::district_id.eq(district_id))
            .filter(person_roles::role.eq(role))
            .filter(people::status.eq(Status::Active))
            .select(person_roles::person_id)
            .distinct()
            .order(person_roles::person_id.asc())
            .load(c)
            .await?
    }))
}
