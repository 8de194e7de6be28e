//! Guardian–student relationships.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::RelationshipStatus;
use crate::error::StoreResult;
use crate::models::Relationship;
use crate::page::{Page, PageRequest};
use crate::scope::{self, Scope};
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
    ($district:expr, $scope:expr, $filter:expr) => {{
        let mut q = relationships::table
            .filter(relationships::district_id.eq($district))
            .filter(relationships::status.eq($filter.status.unwrap_or(RelationshipStatus::Active)))
            .into_boxed();
        if let Some(rule) = scope::people_ids($scope, "relationships.student_id") {
            q = q.filter(rule);
        }
        if let Some(rule) = scope::people_ids($scope, "relationships.guardian_id") {
            q = q.filter(rule);
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
    scope: &Scope,
    filter: &RelationshipFilter,
    page: &PageRequest,
) -> StoreResult<Page<Relationship>> {
    let limit = page.limit();
    let rows: Vec<Relationship> = with_conn!(conn, |c| {
        let mut q = filtered_relationships!(district_id, scope, filter);
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
    scope: &Scope,
    filter: &RelationshipFilter,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        filtered_relationships!(district_id, scope, filter)
            .count()
            .get_result(c)
            .await?
    }))
}

/// Inserts relationships.
pub async fn insert(conn: &mut Conn, rows: &[Relationship]) -> StoreResult<()> {
    let chunk =
        crate::store::unnest::insert_chunk(conn.backend(), PgInsertRelationships::COLUMNS.len());
    for rows in rows.chunks(chunk) {
        execute_rows!(
            conn,
            rows,
            sqlite: |values| diesel::insert_into(relationships::table).values(values),
            postgres: |batch| PgInsertRelationships::new(batch),
        );
    }
    Ok(())
}

crate::store::unnest::pg_unnest_insert!(
    /// New relationships on PostgreSQL.
    PgInsertRelationships for Relationship => "relationships" {
        id: &'a str as Text = "text" => |r| r.id.as_str(),
        district_id: &'a str as Text = "text" => |r| r.district_id.as_str(),
        guardian_id: &'a str as Text = "text" => |r| r.guardian_id.as_str(),
        student_id: &'a str as Text = "text" => |r| r.student_id.as_str(),
        kind: &'static str as Text = "text" => |r| r.kind.as_str(),
        source: &'static str as Text = "text" => |r| r.source.as_str(),
        source_connector_id: Option<&'a str> as Nullable<Text> = "text"
            => |r| r.source_connector_id.as_deref(),
        lives_with_student: Option<bool> as Nullable<Bool> = "bool" => |r| r.lives_with_student,
        status: &'static str as Text = "text" => |r| r.status.as_str(),
        removed_by: Option<&'a str> as Nullable<Text> = "text" => |r| r.removed_by.as_deref(),
        removed_at: Option<i64> as Nullable<BigInt> = "int8" => |r| r.removed_at,
        created_at: i64 as BigInt = "int8" => |r| r.created_at,
        updated_at: i64 as BigInt = "int8" => |r| r.updated_at,
    }
);

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

/// Relationships (any status) between any of `guardian_ids` and any of `student_ids`.
pub async fn between(
    conn: &mut Conn,
    guardian_ids: &[String],
    student_ids: &[String],
) -> StoreResult<Vec<Relationship>> {
    if guardian_ids.is_empty() || student_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(relationships::guardian_id.eq_any(guardian_ids))
            .filter(relationships::student_id.eq_any(student_ids))
            .select(Relationship::as_select())
            .load(c)
            .await?
    }))
}

/// Sets the SIS-owned fields of many links at once and makes them active again (never call it
/// on tombstones a person made).
pub async fn update_many_from_sis(
    conn: &mut Conn,
    ids: &[String],
    kind: crate::enums::RelationshipKind,
    lives_with_student: Option<bool>,
    now: i64,
) -> StoreResult<()> {
    for chunk in ids.chunks(5_000) {
        with_conn!(conn, |c| {
            diesel::update(relationships::table.filter(relationships::id.eq_any(chunk)))
                .set((
                    relationships::kind.eq(kind),
                    relationships::lives_with_student.eq(lives_with_student),
                    relationships::status.eq(RelationshipStatus::Active),
                    relationships::removed_by.eq(None::<String>),
                    relationships::removed_at.eq(None::<i64>),
                    relationships::updated_at.eq(now),
                ))
                .execute(c)
                .await?
        });
    }
    Ok(())
}

/// Who removes a relationship when the SIS drops it (as opposed to a person's id).
pub const REMOVED_BY_SYNC: &str = "sync";

/// Removes links because the SIS no longer sends them.
pub async fn remove_by_sync(conn: &mut Conn, ids: &[String]) -> StoreResult<usize> {
    let now = crate::ids::now_micros();
    let mut n = 0;
    for chunk in ids.chunks(5_000) {
        n += with_conn!(conn, |c| {
            diesel::update(relationships::table.filter(relationships::id.eq_any(chunk)))
                .filter(relationships::status.eq(RelationshipStatus::Active))
                .set((
                    relationships::status.eq(RelationshipStatus::Removed),
                    relationships::removed_by.eq(REMOVED_BY_SYNC),
                    relationships::removed_at.eq(now),
                    relationships::updated_at.eq(now),
                ))
                .execute(c)
                .await?
        });
    }
    Ok(n)
}

/// Relationships of `ids` that have an invitation in flight or accepted, or whose guardian
/// claimed an account: the family keeps these links when the SIS drops them.
pub async fn kept_by_families(conn: &mut Conn, ids: &[String]) -> StoreResult<Vec<String>> {
    use crate::enums::{AccountState, InvitationStatus};
    use crate::tables::{invitations, people};
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut kept: Vec<String> = with_conn!(conn, |c| {
        invitations::table
            .filter(invitations::relationship_id.eq_any(ids))
            .filter(
                invitations::status.ne_all([InvitationStatus::Revoked, InvitationStatus::Expired]),
            )
            .select(invitations::relationship_id.assume_not_null())
            .load(c)
            .await?
    });
    let claimed: Vec<String> = with_conn!(conn, |c| {
        relationships::table
            .inner_join(people::table.on(people::id.eq(relationships::guardian_id)))
            .filter(relationships::id.eq_any(ids))
            .filter(people::account_state.ne(AccountState::None))
            .select(relationships::id)
            .load(c)
            .await?
    });
    kept.extend(claimed);
    kept.sort();
    kept.dedup();
    Ok(kept)
}

/// Active guardian counts of the given students.
pub async fn active_guardian_counts(
    conn: &mut Conn,
    student_ids: &[String],
) -> StoreResult<Vec<(String, i64)>> {
    if student_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        relationships::table
            .filter(relationships::student_id.eq_any(student_ids))
            .filter(relationships::status.eq(RelationshipStatus::Active))
            .group_by(relationships::student_id)
            .select((relationships::student_id, diesel::dsl::count_star()))
            .load(c)
            .await?
    }))
}

/// Removes a link by hand: a tombstone sync respects until someone restores it.
pub async fn remove_by_person(conn: &mut Conn, id: &str, person_id: &str) -> StoreResult<bool> {
    let now = crate::ids::now_micros();
    let n = with_conn!(conn, |c| {
        diesel::update(relationships::table.find(id))
            .set((
                relationships::status.eq(RelationshipStatus::Removed),
                relationships::removed_by.eq(person_id),
                relationships::removed_at.eq(now),
                relationships::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(n > 0)
}

/// Which of `ids` are tombstones: removed by a person (not by sync).
pub async fn tombstoned_among(
    conn: &mut Conn,
    ids: &[String],
) -> StoreResult<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in ids.chunks(5_000) {
        let rows: Vec<String> = with_conn!(conn, |c| {
            relationships::table
                .filter(relationships::id.eq_any(chunk))
                .filter(relationships::status.eq(RelationshipStatus::Removed))
                .filter(relationships::removed_by.ne(REMOVED_BY_SYNC))
                .select(relationships::id)
                .load(c)
                .await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Removes by hand every active link of the given students (tombstones sync respects), recording
/// `removed_by`; returns the links as they were.
pub async fn remove_all_of_students(
    conn: &mut Conn,
    student_ids: &[String],
    removed_by: &str,
) -> StoreResult<Vec<Relationship>> {
    let mut before = Vec::new();
    for chunk in student_ids.chunks(5_000) {
        let rows: Vec<Relationship> = with_conn!(conn, |c| {
            relationships::table
                .filter(relationships::student_id.eq_any(chunk))
                .filter(relationships::status.eq(RelationshipStatus::Active))
                .order(relationships::id.asc())
                .select(Relationship::as_select())
                .load(c)
                .await?
        });
        before.extend(rows);
    }
    let now = crate::ids::now_micros();
    let ids: Vec<String> = before.iter().map(|r| r.id.clone()).collect();
    for chunk in ids.chunks(5_000) {
        with_conn!(conn, |c| {
            diesel::update(relationships::table.filter(relationships::id.eq_any(chunk)))
                .set((
                    relationships::status.eq(RelationshipStatus::Removed),
                    relationships::removed_by.eq(removed_by),
                    relationships::removed_at.eq(now),
                    relationships::updated_at.eq(now),
                ))
                .execute(c)
                .await?
        });
    }
    Ok(before)
}

/// Makes a removed link active again (by hand or by an import), clearing the tombstone.
pub async fn restore(conn: &mut Conn, id: &str) -> StoreResult<bool> {
    let now = crate::ids::now_micros();
    let n = with_conn!(conn, |c| {
        diesel::update(relationships::table.find(id))
            .filter(relationships::status.eq(RelationshipStatus::Removed))
            .set((
                relationships::status.eq(RelationshipStatus::Active),
                relationships::removed_by.eq(None::<String>),
                relationships::removed_at.eq(None::<i64>),
                relationships::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(n > 0)
}

/// Sets a link's kind and makes it active (an import restating or correcting it).
pub async fn set_kind_active(
    conn: &mut Conn,
    id: &str,
    kind: crate::enums::RelationshipKind,
) -> StoreResult<bool> {
    let now = crate::ids::now_micros();
    let n = with_conn!(conn, |c| {
        diesel::update(relationships::table.find(id))
            .set((
                relationships::kind.eq(kind),
                relationships::status.eq(RelationshipStatus::Active),
                relationships::removed_by.eq(None::<String>),
                relationships::removed_at.eq(None::<i64>),
                relationships::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(n > 0)
}

/// Every link (any status) of the given students in a district.
pub async fn of_students(
    conn: &mut Conn,
    district_id: &str,
    student_ids: &[String],
) -> StoreResult<Vec<Relationship>> {
    let mut out = Vec::new();
    for chunk in student_ids.chunks(5_000) {
        let rows: Vec<Relationship> = with_conn!(conn, |c| {
            relationships::table
                .filter(relationships::district_id.eq(district_id))
                .filter(relationships::student_id.eq_any(chunk))
                .select(Relationship::as_select())
                .load(c)
                .await?
        });
        out.extend(rows);
    }
    Ok(out)
}
