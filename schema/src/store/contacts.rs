//! Contact points: emails and phones, with the one-adult-per-contact-point rule.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};
use diesel_async::RunQueryDsl;

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::ContactKind;
use crate::error::StoreResult;
use crate::models::ContactPoint;
use crate::tables::contact_points;

/// Inserts contact points. An adult's contact point already held by another adult in the
/// district is refused with `StoreError::Conflict`.
pub async fn insert(conn: &mut Conn, rows: &[ContactPoint]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(contact_points::table).values(values)
        });
    }
    Ok(())
}

/// Contact points of the given people.
pub async fn of_people(conn: &mut Conn, person_ids: &[String]) -> StoreResult<Vec<ContactPoint>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        contact_points::table
            .filter(contact_points::person_id.eq_any(person_ids))
            .order(contact_points::id.asc())
            .select(ContactPoint::as_select())
            .load(c)
            .await?
    }))
}

/// The adult holding a normalized contact point in a district, if any.
pub async fn adult_holder(
    conn: &mut Conn,
    district_id: &str,
    kind: ContactKind,
    value: &str,
) -> StoreResult<Option<ContactPoint>> {
    Ok(with_conn!(conn, |c| {
        contact_points::table
            .filter(contact_points::district_id.eq(district_id))
            .filter(contact_points::kind.eq(kind))
            .filter(contact_points::value.eq(value))
            .filter(contact_points::is_adult.eq(true))
            .select(ContactPoint::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Contact points of a district with one of `values` (of `kind`), held by adults (`adult`) or
/// by students.
pub async fn holders(
    conn: &mut Conn,
    district_id: &str,
    kind: ContactKind,
    values: &[String],
    adult: bool,
) -> StoreResult<Vec<ContactPoint>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        contact_points::table
            .filter(contact_points::district_id.eq(district_id))
            .filter(contact_points::kind.eq(kind))
            .filter(contact_points::value.eq_any(values))
            .filter(contact_points::is_adult.eq(adult))
            .select(ContactPoint::as_select())
            .load(c)
            .await?
    }))
}

/// Inserts contact points, skipping any that would break a uniqueness rule; returns how many
/// were inserted.
pub async fn insert_skipping_conflicts(
    conn: &mut Conn,
    rows: &[ContactPoint],
) -> StoreResult<usize> {
    let mut added = 0;
    for chunk in rows.chunks(2_000) {
        added += crate::db::upsert_rows!(
            conn,
            chunk,
            sqlite: |values| diesel::insert_into(contact_points::table)
                .values(values)
                .on_conflict_do_nothing(),
            postgres: |rows| PgInsertContactsSkipping::new(rows),
        );
    }
    Ok(added)
}

crate::store::unnest::pg_unnest_insert!(
    /// New contact points on PostgreSQL, skipping any that break a uniqueness rule.
    PgInsertContactsSkipping for ContactPoint => "contact_points" "ON CONFLICT DO NOTHING" {
        id: &'a str as Text = "text" => |c| c.id.as_str(),
        district_id: &'a str as Text = "text" => |c| c.district_id.as_str(),
        person_id: &'a str as Text = "text" => |c| c.person_id.as_str(),
        kind: &'static str as Text = "text" => |c| c.kind.as_str(),
        value: &'a str as Text = "text" => |c| c.value.as_str(),
        display_value: &'a str as Text = "text" => |c| c.display_value.as_str(),
        is_adult: bool as Bool = "bool" => |c| c.is_adult,
        source: &'static str as Text = "text" => |c| c.source.as_str(),
        verified_at: Option<i64> as Nullable<BigInt> = "int8" => |c| c.verified_at,
        reachability: &'static str as Text = "text" => |c| c.reachability.as_str(),
        unreachable_reason: Option<&'a str> as Nullable<Text> = "text"
            => |c| c.unreachable_reason.as_deref(),
        unreachable_at: Option<i64> as Nullable<BigInt> = "int8" => |c| c.unreachable_at,
        created_at: i64 as BigInt = "int8" => |c| c.created_at,
        updated_at: i64 as BigInt = "int8" => |c| c.updated_at,
    }
);

/// Deletes a person's SIS contact points that are unverified and not in `keep` (kind, value):
/// unverified SIS contact points follow the SIS; verified ones are never touched by sync.
pub async fn drop_stale_sis(
    conn: &mut Conn,
    person_id: &str,
    keep: &[(ContactKind, String)],
) -> StoreResult<usize> {
    let current = of_people(conn, std::slice::from_ref(&person_id.to_owned())).await?;
    let stale: Vec<String> = current
        .into_iter()
        .filter(|cp| cp.source == crate::enums::ContactSource::Sis && cp.verified_at.is_none())
        .filter(|cp| !keep.iter().any(|(k, v)| *k == cp.kind && *v == cp.value))
        .map(|cp| cp.id)
        .collect();
    if stale.is_empty() {
        return Ok(0);
    }
    Ok(with_conn!(conn, |c| {
        diesel::delete(contact_points::table.filter(contact_points::id.eq_any(&stale)))
            .execute(c)
            .await?
    }))
}

/// Claimed, active people of any district who hold `email` (normalized) as an adult.
pub async fn claimed_adults_with_email(
    conn: &mut Conn,
    email: &str,
) -> StoreResult<Vec<crate::models::Person>> {
    use crate::enums::{AccountState, Status};
    use crate::tables::people;
    Ok(with_conn!(conn, |c| {
        people::table
            .filter(
                people::id.eq_any(
                    contact_points::table
                        .filter(contact_points::kind.eq(ContactKind::Email))
                        .filter(contact_points::value.eq(email))
                        .filter(contact_points::is_adult.eq(true))
                        .select(contact_points::person_id),
                ),
            )
            .filter(people::account_state.eq(AccountState::Claimed))
            .filter(people::status.eq(Status::Active))
            .order(people::id.asc())
            .select(crate::models::Person::as_select())
            .load(c)
            .await?
    }))
}
