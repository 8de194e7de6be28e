//! Single sign-on: a district's identity providers, sign-ins under way (states) and the
//! one-time codes a callback hands the front end. States and codes are stored only as hashes and
//! taken once, each by one conditional statement (a concurrent second taker finds nothing).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{ConnectorKind, Status};
use crate::error::StoreResult;
use crate::models::{IdentityProvider, SignInCode, SignInState};
use crate::tables::{
    connectors, identity_providers, people, sign_in_codes, sign_in_states, source_links,
};

/// Stores a new provider.
pub async fn insert(conn: &mut Conn, row: &IdentityProvider) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(identity_providers::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// Saves every field of a provider.
pub async fn update(conn: &mut Conn, row: &IdentityProvider) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(identity_providers::table.find(&row.id))
            .set(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// One provider of a district (archived ones included).
pub async fn get(
    conn: &mut Conn,
    district_id: &str,
    id: &str,
) -> StoreResult<Option<IdentityProvider>> {
    Ok(with_conn!(conn, |c| {
        identity_providers::table
            .filter(identity_providers::district_id.eq(district_id))
            .filter(identity_providers::id.eq(id))
            .select(IdentityProvider::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// A provider that may sign people in (not archived), by id, whatever its district.
pub async fn get_active(conn: &mut Conn, id: &str) -> StoreResult<Option<IdentityProvider>> {
    Ok(with_conn!(conn, |c| {
        identity_providers::table
            .filter(identity_providers::id.eq(id))
            .filter(identity_providers::archived_at.is_null())
            .select(IdentityProvider::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// A district's providers, oldest first; archived ones only when `archived`.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    archived: bool,
) -> StoreResult<Vec<IdentityProvider>> {
    Ok(with_conn!(conn, |c| {
        let mut q = identity_providers::table
            .filter(identity_providers::district_id.eq(district_id))
            .into_boxed();
        if !archived {
            q = q.filter(identity_providers::archived_at.is_null());
        }
        q.order((
            identity_providers::created_at.asc(),
            identity_providers::id.asc(),
        ))
        .select(IdentityProvider::as_select())
        .load(c)
        .await?
    }))
}

/// Records a sign-in under way, after dropping expired ones.
pub async fn insert_state(conn: &mut Conn, row: &SignInState, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(sign_in_states::table.filter(sign_in_states::expires_at.le(now)))
            .execute(c)
            .await?;
        diesel::insert_into(sign_in_states::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// Takes a sign-in under way by its state's hash, once: one `DELETE … RETURNING`, so of two
/// concurrent callbacks with the same state only one gets it. `None` when unknown, taken or
/// expired at `now`.
pub async fn take_state(
    conn: &mut Conn,
    state_hash: &str,
    now: i64,
) -> StoreResult<Option<SignInState>> {
    Ok(with_conn!(conn, |c| {
        diesel::delete(
            sign_in_states::table
                .filter(sign_in_states::state_hash.eq(state_hash))
                .filter(sign_in_states::expires_at.gt(now)),
        )
        .returning(SignInState::as_returning())
        .get_result(c)
        .await
        .optional()?
    }))
}

/// Records a one-time code, after dropping expired ones.
pub async fn insert_code(conn: &mut Conn, row: &SignInCode, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(sign_in_codes::table.filter(sign_in_codes::expires_at.le(now)))
            .execute(c)
            .await?;
        diesel::insert_into(sign_in_codes::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// A live code by its hash: unused and not expired at `now`.
pub async fn live_code(
    conn: &mut Conn,
    code_hash: &str,
    now: i64,
) -> StoreResult<Option<SignInCode>> {
    Ok(with_conn!(conn, |c| {
        sign_in_codes::table
            .filter(sign_in_codes::code_hash.eq(code_hash))
            .filter(sign_in_codes::used_at.is_null())
            .filter(sign_in_codes::expires_at.gt(now))
            .select(SignInCode::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Takes a code, once: one conditional `UPDATE`, true only for the first taker of an unused
/// code that has not expired at `now`.
pub async fn take_code(conn: &mut Conn, code_hash: &str, now: i64) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            sign_in_codes::table
                .filter(sign_in_codes::code_hash.eq(code_hash))
                .filter(sign_in_codes::used_at.is_null())
                .filter(sign_in_codes::expires_at.gt(now)),
        )
        .set(sign_in_codes::used_at.eq(now))
        .execute(c)
        .await?
    });
    Ok(n == 1)
}

/// Active people of `district_id` whose live source link of a connector of `kind` (in that
/// district) has `external_id` — how a Clever or ClassLink subject id finds its person.
pub async fn people_by_subject(
    conn: &mut Conn,
    district_id: &str,
    kind: ConnectorKind,
    entity_kind: &str,
    external_id: &str,
) -> StoreResult<Vec<String>> {
    Ok(with_conn!(conn, |c| {
        people::table
            .filter(
                people::id.eq_any(
                    source_links::table
                        .filter(source_links::district_id.eq(district_id))
                        .filter(source_links::entity_kind.eq(entity_kind))
                        .filter(source_links::external_id.eq(external_id))
                        .filter(source_links::removed_at.is_null())
                        .filter(
                            source_links::connector_id.eq_any(
                                connectors::table
                                    .filter(connectors::district_id.eq(district_id))
                                    .filter(connectors::kind.eq(kind))
                                    .select(connectors::id),
                            ),
                        )
                        .select(source_links::local_id),
                ),
            )
            .filter(people::district_id.eq(district_id))
            .filter(people::status.eq(Status::Active))
            .select(people::id)
            .distinct()
            .load(c)
            .await?
    }))
}

/// Active people of `district_id` holding `email` (normalized) as an email contact point.
pub async fn people_by_email(
    conn: &mut Conn,
    district_id: &str,
    email: &str,
) -> StoreResult<Vec<String>> {
    use crate::enums::ContactKind;
    use crate::tables::contact_points;
    Ok(with_conn!(conn, |c| {
        people::table
            .filter(
                people::id.eq_any(
                    contact_points::table
                        .filter(contact_points::district_id.eq(district_id))
                        .filter(contact_points::kind.eq(ContactKind::Email))
                        .filter(contact_points::value.eq(email))
                        .select(contact_points::person_id),
                ),
            )
            .filter(people::district_id.eq(district_id))
            .filter(people::status.eq(Status::Active))
            .select(people::id)
            .distinct()
            .load(c)
            .await?
    }))
}
