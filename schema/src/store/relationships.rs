//! Guardian–student relationships.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::RelationshipStatus;
use crate::error::StoreResult;
use crate::models::Relationship;
use crate::page::{Page, PageRequest};
use crate::scope::Visible;
use crate::tables::relationships;

/// Filters of the relationship list. Without a status, only active links are listed.
#[derive(Debug, Clone, Default)]
pub struct RelationshipFilter {
    /// Status (default: active).
    pub status: Option<RelationshipStatus>,
    /// Links of this student.
    pub student_id: Option<String>,
    /// Links of this guardian.
    pub guardian_id: Option<String>,
}

macro_rules! filtered_relationships {
    ($district:expr, $visible:expr, $filter:expr) => {{
        let mut q = relationships::table
            .filter(relationships::district_id.eq($district))
            .filter(relationships::status.eq($filter.status.unwrap_or(RelationshipStatus::Active)))
            .into_boxed();
        if let Some(ids) = $visible.as_filter() {
            q = q.filter(relationships::student_id.eq_any(ids.clone()));
            q = q.filter(relationships::guardian_id.eq_any(ids));
        }
        if let Some(student) = &$filter.student_id {
            q = q.filter(relationships::student_id.eq(student.clone()));
        }
        if let Some(guardian) = &$filter.guardian_id {
            q = q.filter(relationships::guardian_id.eq(guardian.clone()));
        }
        q
    }};
}

/// One page of relationships, in id order. A link is visible when both its people are.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    visible_people: &Visible,
    filter: &RelationshipFilter,
    page: &PageRequest,
) -> StoreResult<Page<Relationship>> {
    let limit = page.limit();
    let rows: Vec<Relationship> = with_conn!(conn, |c| {
        let mut q = filtered_relationships!(district_id, visible_people, filter);
        if let Some(after) = &page.after {
            q = q.filter(relationships::id.gt(after));
        }
        q.order(relationships::id.asc())
            .limit(limit + 1)
            .select(Relationship::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// How many relationships match.
pub async fn count(
    conn: &mut Conn,
    district_id: &str,
    visible_people: &Visible,
    filter: &RelationshipFilter,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        filtered_relationships!(district_id, visible_people, filter)
            .count()
            .get_result(c)
            .await?
    }))
}

/// Inserts relationships.
pub async fn insert(conn: &mut Conn, rows: &[Relationship]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(relationships::table).values(values)
        });
    }
    Ok(())
}

/// One relationship by id.
pub async fn get(
    conn: &mut Conn,
    district_id: &str,
    id: &str,
) -> StoreResult<Option<Relationship>> {
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(relationships::district_id.eq(district_id))
            .filter(relationships::id.eq(id))
            .select(Relationship::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Active links where any of `person_ids` is the student or the guardian.
pub async fn active_of_people(
    conn: &mut Conn,
    person_ids: &[String],
) -> StoreResult<Vec<Relationship>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(
                relationships::student_id
                    .eq_any(person_ids)
                    .or(relationships::guardian_id.eq_any(person_ids)),
            )
            .filter(relationships::status.eq(RelationshipStatus::Active))
            .order(relationships::id.asc())
            .select(Relationship::as_select())
            .load(c)
            .await?
    }))
}
