//! Password resets: `requestPasswordReset(email)` gives the same answer whether or not the
//! address has an account, and sends a single-use, 30-minute link to it only when it is a
//! trusted email (verified, or on the school's records) of a claimed account; `resetPassword`
//! sets the new password, ends every other session and starts a new one.

use homeroom_schema::Store;
use homeroom_schema::enums::{ActorKind, ContactKind, ContactSource, Role};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::PasswordReset;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{
    contacts, districts, families, outbox, password_resets, people, tokens,
};
use serde_json::json;

use crate::UserError;
use crate::accounts::{Session, hash_password, password_problem, session_role, session_row};
use crate::auth::token;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::Families;
use homeroom_delivery::message::KIND_PASSWORD_RESET;
use homeroom_delivery::templates::PasswordResetText;

/// How long a reset link works.
pub const LINK_MINUTES: i64 = 30;
/// Most reset emails per account per hour; requests beyond are answered alike and send nothing.
pub const PER_HOUR: i64 = 3;
const HOUR_MICROS: i64 = 3_600_000_000;

/// A reset link for a token.
pub fn link(public_url: &str, token: &str) -> String {
    format!(
        "{}/password-reset/{token}",
        public_url.trim_end_matches('/')
    )
}

/// Handles a reset request for `email`. Returns nothing the caller could tell apart: whether the
/// address has an account, is over the limit or is malformed stays on the server.
pub async fn request(store: &Store, families_svc: &Families, email: &str) -> ServiceResult<()> {
    let Ok(email) = homeroom_connector_core::normalize_email(email) else {
        return Ok(());
    };
    let mut conn = store.conn().await?;
    let holders = contacts::claimed_adults_with_email(&mut conn, &email).await?;
    drop(conn);
    let mut queued = false;
    for person in holders {
        queued |= store
            .transaction(async |conn| {
                let trusted = contacts::of_people(conn, std::slice::from_ref(&person.id))
                    .await?
                    .into_iter()
                    .find(|cp| {
                        cp.kind == ContactKind::Email
                            && cp.value == email
                            && cp.is_adult
                            && (cp.verified_at.is_some() || cp.source == ContactSource::Sis)
                    });
                let Some(contact) = trusted else {
                    return Ok::<_, ServiceError>(false);
                };
                let district = districts::get(conn, &person.district_id)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound("district".into()))?;
                let now = now_micros();
                let secret = token::generate();
                let row = PasswordReset {
                    id: new_id(),
                    district_id: district.id.clone(),
                    person_id: person.id.clone(),
                    contact_point_id: contact.id.clone(),
                    token_hash: token::hash(&secret),
                    sent: false,
                    expires_at: now + LINK_MINUTES * 60_000_000,
                    used_at: None,
                    created_at: now,
                };
                // Record, then count (this one included): concurrent requests cannot all pass
                // a count taken before any of them was recorded.
                password_resets::insert(conn, &row).await?;
                if password_resets::count_since(conn, &person.id, now - HOUR_MICROS).await?
                    > PER_HOUR
                {
                    tracing::warn!(person = %person.id, "password reset requests over the limit");
                    return Ok(false);
                }
                let url = link(&families_svc.public_url, &secret);
                let message = PasswordResetText {
                    district: &district.name,
                    given_name: &person.given_name,
                    link: &url,
                    minutes: LINK_MINUTES,
                }
                .email()
                .into_message(&district.id, KIND_PASSWORD_RESET, &contact.value);
                outbox::enqueue(conn, std::slice::from_ref(&message)).await?;
                password_resets::mark_sent(conn, &row.id).await?;
                audit::record(
                    conn,
                    NewEvent {
                        district_id: &district.id,
                        actor_kind: ActorKind::System,
                        actor_id: None,
                        action: "account.password_reset_requested",
                        target_kind: "person",
                        target_id: &person.id,
                        before: None,
                        after: Some(json!({"contact_point_id": contact.id})),
                    },
                )
                .await?;
                Ok(true)
            })
            .await?;
    }
    if queued {
        families_svc.queued();
    }
    Ok(())
}

/// Sets a new password from a reset link (single use, within its 30 minutes): every session of
/// the person ends, their other reset links die, and a new session starts.
pub async fn reset(
    store: &Store,
    raw_token: &str,
    password: &str,
) -> ServiceResult<Result<Session, Vec<UserError>>> {
    let invalid = || {
        Ok(Err(vec![UserError::new(
            Some("token"),
            "INVALID_TOKEN",
            "this reset link is not valid any more; ask for a new one",
        )]))
    };
    // The link is checked before any hashing (it is taken again inside the transaction).
    let hash = token::hash(raw_token.trim());
    let found = {
        let mut conn = store.conn().await?;
        password_resets::by_token_hash(&mut conn, &hash).await?
    };
    let Some(found) = found.filter(|r| r.sent && r.used_at.is_none()) else {
        return invalid();
    };
    if let Some(problem) = password_problem(password) {
        return Ok(Err(vec![problem]));
    }
    let password_hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??
    };
    store
        .transaction(async |conn| {
            let now = now_micros();
            if !password_resets::take(conn, &found.id, now).await? {
                return invalid();
            }
            let Some(person) = people::get(conn, &found.district_id, &found.person_id).await?
            else {
                return invalid();
            };
            let roles: Vec<Role> = people::roles_of(conn, std::slice::from_ref(&person.id))
                .await?
                .into_iter()
                .map(|r| r.role)
                .collect();
            let Some(role) = session_role(&roles, None) else {
                return invalid();
            };
            families::set_password_hash(conn, &person.id, &password_hash).await?;
            let ended = tokens::revoke_sessions_of(conn, &person.id).await?;
            password_resets::expire_all_of(conn, &person.id, now).await?;
            // The owner proved they hold the address: its failed sign-ins are forgotten.
            if let Some(cp) =
                families::contact_point(conn, &found.district_id, &found.contact_point_id).await?
            {
                families::verify_contact_point(conn, &cp.id).await?;
                families::clear_login_failures(conn, &cp.value).await?;
            }
            let (row, secret) = session_row(&person.district_id, &person.id, role);
            tokens::insert(conn, &row).await?;
            audit::record(
                conn,
                NewEvent {
                    district_id: &person.district_id,
                    actor_kind: ActorKind::Person,
                    actor_id: Some(&person.id),
                    action: "account.password_reset",
                    target_kind: "person",
                    target_id: &person.id,
                    before: None,
                    after: Some(json!({"sessions_ended": ended})),
                },
            )
            .await?;
            Ok(Ok(Session {
                token: secret,
                person,
            }))
        })
        .await
}
