//! One-time codes that prove a person holds a contact point.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::models::VerificationCode;
use crate::tables::verification_codes;

/// Stores a new code, closing the person's earlier open codes for the same purpose and subject
/// (only the newest code works).
pub async fn replace(conn: &mut Conn, row: &VerificationCode) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(
            verification_codes::table
                .filter(verification_codes::person_id.eq(&row.person_id))
                .filter(verification_codes::purpose.eq(&row.purpose))
                .filter(verification_codes::subject_id.eq(&row.subject_id))
                .filter(verification_codes::used_at.is_null()),
        )
        .set(verification_codes::used_at.eq(row.created_at))
        .execute(c)
        .await?;
        diesel::insert_into(verification_codes::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// The person's open (unused) code for a purpose and subject, if any.
pub async fn open(
    conn: &mut Conn,
    person_id: &str,
    purpose: &str,
    subject_id: &str,
) -> StoreResult<Option<VerificationCode>> {
    Ok(with_conn!(conn, |c| {
        verification_codes::table
            .filter(verification_codes::person_id.eq(person_id))
            .filter(verification_codes::purpose.eq(purpose))
            .filter(verification_codes::subject_id.eq(subject_id))
            .filter(verification_codes::used_at.is_null())
            .order(verification_codes::id.desc())
            .select(VerificationCode::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Counts a wrong guess.
pub async fn add_attempt(conn: &mut Conn, id: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(verification_codes::table.filter(verification_codes::id.eq(id)))
            .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Marks a code used (it never works again).
pub async fn mark_used(conn: &mut Conn, id: &str, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(verification_codes::table.filter(verification_codes::id.eq(id)))
            .set(verification_codes::used_at.eq(now))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Codes sent to a person for a purpose since `since` (µs): the send rate limit.
pub async fn sent_since(
    conn: &mut Conn,
    person_id: &str,
    purpose: &str,
    since: i64,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        verification_codes::table
            .filter(verification_codes::person_id.eq(person_id))
            .filter(verification_codes::purpose.eq(purpose))
            .filter(verification_codes::created_at.ge(since))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Counts one attempt at a code unless `max` were already made, in one statement (concurrent
/// attempts cannot race past the limit). `false` when the limit was reached.
pub async fn take_attempt(conn: &mut Conn, id: &str, max: i32) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            verification_codes::table
                .filter(verification_codes::id.eq(id))
                .filter(verification_codes::attempts.lt(max)),
        )
        .set(verification_codes::attempts.eq(verification_codes::attempts + 1))
        .execute(c)
        .await?
    });
    Ok(n > 0)
}
