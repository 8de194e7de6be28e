//! Password reset links: one row per request (only the token's hash), counted for the rate
//! limit, taken once.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::models::PasswordReset;
use crate::tables::password_resets;

/// Records a request.
pub async fn insert(conn: &mut Conn, row: &PasswordReset) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(password_resets::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// Requests for a person since `since` (µs), the one just recorded included.
pub async fn count_since(conn: &mut Conn, person_id: &str, since: i64) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        password_resets::table
            .filter(password_resets::person_id.eq(person_id))
            .filter(password_resets::created_at.ge(since))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Marks a request as sent (under the limit, its message queued).
pub async fn mark_sent(conn: &mut Conn, id: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(password_resets::table.find(id))
            .set(password_resets::sent.eq(true))
            .execute(c)
            .await?
    });
    Ok(())
}

/// The request behind a token hash, if any.
pub async fn by_token_hash(conn: &mut Conn, hash: &str) -> StoreResult<Option<PasswordReset>> {
    Ok(with_conn!(conn, |c| {
        password_resets::table
            .filter(password_resets::token_hash.eq(hash))
            .select(PasswordReset::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Takes a link for use in one statement: true only for the first taker of a sent, unused link
/// that has not expired at `now` (a concurrent second use finds it taken).
pub async fn take(conn: &mut Conn, id: &str, now: i64) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            password_resets::table
                .filter(password_resets::id.eq(id))
                .filter(password_resets::sent.eq(true))
                .filter(password_resets::used_at.is_null())
                .filter(password_resets::expires_at.gt(now)),
        )
        .set(password_resets::used_at.eq(now))
        .execute(c)
        .await?
    });
    Ok(n == 1)
}

/// Ends every unused link of a person (a password changed another way, or a new one was used).
pub async fn expire_all_of(conn: &mut Conn, person_id: &str, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(
            password_resets::table
                .filter(password_resets::person_id.eq(person_id))
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(now))
        .execute(c)
        .await?
    });
    Ok(())
}
