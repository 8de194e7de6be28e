//! API tokens. Only a hash of each token is stored; the token itself is shown once.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::models::ApiToken;
use crate::scope::ScopeSql;
use crate::tables::api_tokens;

/// Stores a token row (its `token_hash` already computed by the caller).
pub async fn insert(conn: &mut Conn, row: &ApiToken) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(api_tokens::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// The token's person, when it stands for one, is active in the token's district and holds the
/// token's role. Fixed text, so the statement is prepared once per connection: every request
/// runs it, and text from `diesel::dsl::sql` would be parsed and planned each time.
const PERSON_HOLDS_ROLE: &str = "(api_tokens.person_id IS NULL OR EXISTS (SELECT 1 FROM people tp \
     JOIN person_roles tr ON tr.person_id = tp.id \
     WHERE tp.id = api_tokens.person_id AND tp.district_id = api_tokens.district_id \
     AND tp.status = 'active' AND tr.role = api_tokens.role))";

/// The live token with this hash whose person, when it stands for one, is still active in the
/// token's district and still holds the token's role: everything a request needs to trust a
/// token, in one statement (an index probe on the hash, then one person and role lookup).
/// Archiving a person or taking their role away ends their sessions at once.
pub async fn find_usable(conn: &mut Conn, token_hash: &str) -> StoreResult<Option<ApiToken>> {
    let now = now_micros();
    Ok(with_conn!(conn, |c| {
        api_tokens::table
            .filter(api_tokens::token_hash.eq(token_hash))
            .filter(api_tokens::revoked_at.is_null())
            .filter(
                api_tokens::expires_at
                    .is_null()
                    .or(api_tokens::expires_at.gt(now)),
            )
            .filter(ScopeSql::fixed(PERSON_HOLDS_ROLE))
            .select(ApiToken::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Whether a token last used at `last_used_at` should have its use recorded now (at most once
/// a minute, so reads do not each write).
pub fn use_is_stale(last_used_at: Option<i64>) -> bool {
    last_used_at.is_none_or(|t| t < now_micros() - 60_000_000)
}

/// Records that a token was used (at most once a minute, to spare writes).
pub async fn touch(conn: &mut Conn, id: &str) -> StoreResult<()> {
    let now = now_micros();
    let minute_ago = now - 60_000_000;
    with_conn!(conn, |c| {
        diesel::update(
            api_tokens::table.filter(api_tokens::id.eq(id)).filter(
                api_tokens::last_used_at
                    .is_null()
                    .or(api_tokens::last_used_at.lt(minute_ago)),
            ),
        )
        .set(api_tokens::last_used_at.eq(now))
        .execute(c)
        .await?
    });
    Ok(())
}

/// Revokes a token.
pub async fn revoke(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::district_id.eq(district_id))
                .filter(api_tokens::id.eq(id))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now_micros()))
        .execute(c)
        .await?
    });
    Ok(n > 0)
}

/// Ends every live sign-in session of a person (tokens labelled `session`; tokens an operator
/// minted for them stay). Returns how many ended.
pub async fn revoke_sessions_of(conn: &mut Conn, person_id: &str) -> StoreResult<usize> {
    Ok(with_conn!(conn, |c| {
        diesel::update(
            api_tokens::table
                .filter(api_tokens::person_id.eq(person_id))
                .filter(api_tokens::label.eq("session"))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(now_micros()))
        .execute(c)
        .await?
    }))
}

/// A district's tokens, newest first (revoked ones included).
pub async fn list(conn: &mut Conn, district_id: &str) -> StoreResult<Vec<ApiToken>> {
    Ok(with_conn!(conn, |c| {
        api_tokens::table
            .filter(api_tokens::district_id.eq(district_id))
            .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
            .select(ApiToken::as_select())
            .load(c)
            .await?
    }))
}

/// One token of a district, by id.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<ApiToken>> {
    Ok(with_conn!(conn, |c| {
        api_tokens::table
            .filter(api_tokens::district_id.eq(district_id))
            .filter(api_tokens::id.eq(id))
            .select(ApiToken::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// The district a token belongs to.
pub async fn district_of(conn: &mut Conn, id: &str) -> StoreResult<Option<String>> {
    Ok(with_conn!(conn, |c| {
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .select(api_tokens::district_id)
            .first(c)
            .await
            .optional()?
    }))
}

/// Districts that hold tokens.
pub async fn districts(conn: &mut Conn) -> StoreResult<Vec<String>> {
    Ok(with_conn!(conn, |c| {
        api_tokens::table
            .select(api_tokens::district_id)
            .distinct()
            .load(c)
            .await?
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enums::Status;

    #[test]
    fn the_role_check_names_the_active_status() {
        let active = format!("tp.status = '{}'", Status::Active.as_str());
        assert!(PERSON_HOLDS_ROLE.contains(&active), "{PERSON_HOLDS_ROLE}");
    }
}
