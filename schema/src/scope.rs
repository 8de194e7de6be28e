//! What a caller may see, resolved to the rows of one district.
//!
//! The API turns a token into a [`Scope`]; list queries then filter by the [`Visible`] sets
//! computed here, so every query path applies the same rules:
//! - district admins and partners with `roster:read` see the whole district;
//! - a school admin sees their schools' classes, the people with roles at those schools, the
//!   students enrolled there and those students' guardians;
//! - a teacher sees their classes (taught or claimed), the students enrolled in them, those
//!   students' guardians, and their co-teachers;
//! - a guardian sees themselves, their linked students, those students' classes and teachers;
//! - anyone else sees only themselves.

use std::collections::HashSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{EnrollmentRole, RelationshipStatus, Role, Status};
use crate::error::StoreResult;
use crate::tables::{classes, enrollments, person_roles, relationships};

/// Who is asking, as far as visibility goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole district.
    District,
    /// A school admin (person id).
    SchoolAdmin(String),
    /// A teacher or aide (person id).
    Teacher(String),
    /// A guardian (person id).
    Guardian(String),
    /// Only the person themselves (students, staff).
    SelfOnly(String),
}

/// A set of visible ids, or everything in the district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visible {
    /// No restriction within the district.
    All,
    /// Only these ids.
    Ids(HashSet<String>),
}

impl Visible {
    /// Whether `id` is visible.
    pub fn contains(&self, id: &str) -> bool {
        match self {
            Visible::All => true,
            Visible::Ids(ids) => ids.contains(id),
        }
    }

    /// The ids to filter a query by, or `None` for no restriction.
    pub fn as_filter(&self) -> Option<Vec<String>> {
        match self {
            Visible::All => None,
            Visible::Ids(ids) => {
                let mut v: Vec<String> = ids.iter().cloned().collect();
                v.sort();
                Some(v)
            }
        }
    }
}

/// Classes a teacher teaches (active teacher/aide enrollment) or has claimed.
async fn taught_classes(conn: &mut Conn, teacher: &str) -> StoreResult<Vec<String>> {
    let mut ids: Vec<String> = with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::person_id.eq(teacher))
            .filter(enrollments::role.eq_any([EnrollmentRole::Teacher, EnrollmentRole::Aide]))
            .filter(enrollments::status.eq(Status::Active))
            .select(enrollments::class_id)
            .load(c)
            .await?
    });
    let claimed: Vec<String> = with_conn!(conn, |c| {
        classes::table
            .filter(classes::claimed_by.eq(teacher))
            .select(classes::id)
            .load(c)
            .await?
    });
    ids.extend(claimed);
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Classes of a school admin's schools.
async fn school_classes(conn: &mut Conn, admin: &str) -> StoreResult<Vec<String>> {
    let schools = admin_schools(conn, admin).await?;
    Ok(with_conn!(conn, |c| {
        classes::table
            .filter(classes::school_id.eq_any(&schools))
            .select(classes::id)
            .load(c)
            .await?
    }))
}

/// The orgs where a person is school admin.
pub async fn admin_schools(conn: &mut Conn, admin: &str) -> StoreResult<Vec<String>> {
    let ids: Vec<Option<String>> = with_conn!(conn, |c| {
        person_roles::table
            .filter(person_roles::person_id.eq(admin))
            .filter(person_roles::role.eq(Role::SchoolAdmin))
            .select(person_roles::org_id)
            .load(c)
            .await?
    });
    Ok(ids.into_iter().flatten().collect())
}

/// People with an active enrollment of `role` in any of `class_ids`.
async fn enrolled(
    conn: &mut Conn,
    class_ids: &[String],
    roles: &[EnrollmentRole],
) -> StoreResult<Vec<String>> {
    if class_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::class_id.eq_any(class_ids))
            .filter(enrollments::role.eq_any(roles))
            .filter(enrollments::status.eq(Status::Active))
            .select(enrollments::person_id)
            .distinct()
            .load(c)
            .await?
    }))
}

/// Active guardians of `students`.
async fn guardians_of(conn: &mut Conn, students: &[String]) -> StoreResult<Vec<String>> {
    if students.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(relationships::student_id.eq_any(students))
            .filter(relationships::status.eq(RelationshipStatus::Active))
            .select(relationships::guardian_id)
            .distinct()
            .load(c)
            .await?
    }))
}

/// A guardian's actively linked students.
async fn students_of_guardian(conn: &mut Conn, guardian: &str) -> StoreResult<Vec<String>> {
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(relationships::guardian_id.eq(guardian))
            .filter(relationships::status.eq(RelationshipStatus::Active))
            .select(relationships::student_id)
            .load(c)
            .await?
    }))
}

/// Classes the people in `students` are actively enrolled in as students.
async fn classes_of_students(conn: &mut Conn, students: &[String]) -> StoreResult<Vec<String>> {
    if students.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::person_id.eq_any(students))
            .filter(enrollments::role.eq(EnrollmentRole::Student))
            .filter(enrollments::status.eq(Status::Active))
            .select(enrollments::class_id)
            .distinct()
            .load(c)
            .await?
    }))
}

/// Classes visible to `scope`.
pub async fn visible_classes(conn: &mut Conn, scope: &Scope) -> StoreResult<Visible> {
    let ids = match scope {
        Scope::District => return Ok(Visible::All),
        Scope::SchoolAdmin(me) => school_classes(conn, me).await?,
        Scope::Teacher(me) => taught_classes(conn, me).await?,
        Scope::Guardian(me) => {
            let students = students_of_guardian(conn, me).await?;
            classes_of_students(conn, &students).await?
        }
        Scope::SelfOnly(me) => classes_of_students(conn, std::slice::from_ref(me)).await?,
    };
    Ok(Visible::Ids(ids.into_iter().collect()))
}

/// People visible to `scope`.
pub async fn visible_people(conn: &mut Conn, scope: &Scope) -> StoreResult<Visible> {
    let mut ids: HashSet<String> = HashSet::new();
    match scope {
        Scope::District => return Ok(Visible::All),
        Scope::SchoolAdmin(me) => {
            ids.insert(me.clone());
            let schools = admin_schools(conn, me).await?;
            let staff: Vec<String> = with_conn!(conn, |c| {
                person_roles::table
                    .filter(person_roles::org_id.eq_any(&schools))
                    .select(person_roles::person_id)
                    .distinct()
                    .load(c)
                    .await?
            });
            let class_ids = school_classes(conn, me).await?;
            let all_roles = [
                EnrollmentRole::Student,
                EnrollmentRole::Teacher,
                EnrollmentRole::Aide,
            ];
            let enrolled_people = enrolled(conn, &class_ids, &all_roles).await?;
            let students = enrolled(conn, &class_ids, &[EnrollmentRole::Student]).await?;
            let guardians = guardians_of(conn, &students).await?;
            ids.extend(staff);
            ids.extend(enrolled_people);
            ids.extend(guardians);
        }
        Scope::Teacher(me) => {
            ids.insert(me.clone());
            let class_ids = taught_classes(conn, me).await?;
            let students = enrolled(conn, &class_ids, &[EnrollmentRole::Student]).await?;
            let teachers = enrolled(
                conn,
                &class_ids,
                &[EnrollmentRole::Teacher, EnrollmentRole::Aide],
            )
            .await?;
            let guardians = guardians_of(conn, &students).await?;
            ids.extend(students);
            ids.extend(teachers);
            ids.extend(guardians);
        }
        Scope::Guardian(me) => {
            ids.insert(me.clone());
            let students = students_of_guardian(conn, me).await?;
            let class_ids = classes_of_students(conn, &students).await?;
            let teachers = enrolled(
                conn,
                &class_ids,
                &[EnrollmentRole::Teacher, EnrollmentRole::Aide],
            )
            .await?;
            ids.extend(students);
            ids.extend(teachers);
        }
        Scope::SelfOnly(me) => {
            ids.insert(me.clone());
        }
    }
    Ok(Visible::Ids(ids))
}
