//! Resending and revoking invitations, and resetting an unreachable contact point.

use homeroom_schema::enums::{AccountState, InvitationStatus, Reachability, TokenRole};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{ContactPoint, Invitation};
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{
    classes as store_classes, districts, families, invitations, outbox, people,
};
use homeroom_schema::{Conn, Store};
use serde_json::json;

use super::Families;
use super::fallback;
use crate::UserError;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

/// Most resends of one invitation.
pub const MAX_RESENDS: i32 = 5;
/// Most resends in one district per hour.
pub const DISTRICT_RESENDS_PER_HOUR: i64 = 500;
const HOUR_MICROS: i64 = 3_600_000_000;
const DAY_MICROS: i64 = 86_400_000_000;

/// May the caller act on this invitation? Admins (district, or school admin of its class's
/// school), the person who sent it, and teachers of the class it came from.
async fn may_manage(conn: &mut Conn, principal: &Principal, inv: &Invitation) -> ServiceResult<()> {
    if principal.role == TokenRole::DistrictAdmin {
        return Ok(());
    }
    if principal.person_id.is_some() && principal.person_id == inv.invited_by {
        return Ok(());
    }
    if let Some(class_id) = &inv.class_id
        && let Some(class) = store_classes::get(conn, &inv.district_id, class_id).await?
        && crate::auth::policy::manages(conn, principal, &class).await?
    {
        return Ok(());
    }
    Err(ServiceError::Forbidden(
        "only admins, the inviter and the class's teachers manage this invitation".into(),
    ))
}

async fn load(conn: &mut Conn, principal: &Principal, id: &str) -> ServiceResult<Invitation> {
    let inv = invitations::get(conn, &principal.district_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("invitation".into()))?;
    may_manage(conn, principal, &inv).await?;
    Ok(inv)
}

fn audit_event<'a>(
    principal: &'a Principal,
    actor: &'a str,
    action: &'a str,
    inv: &'a Invitation,
) -> NewEvent<'a> {
    NewEvent {
        district_id: &principal.district_id,
        actor_kind: principal.actor().0,
        actor_id: Some(actor),
        action,
        target_kind: "invitation",
        target_id: &inv.id,
        before: None,
        after: Some(
            json!({"status": inv.status, "channel": inv.channel, "expires_at": inv.expires_at}),
        ),
    }
}

/// Sends an invitation again (same invitation; links already sent keep working) and extends its
/// expiry. Rate-limited per invitation and per district.
pub async fn resend(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Result<Invitation, UserError>> {
    let outcome = store
        .transaction(async |conn| {
            let mut inv = load(conn, principal, id).await?;
            if matches!(
                inv.status,
                InvitationStatus::Accepted | InvitationStatus::Revoked
            ) {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "NOT_OPEN",
                    format!("the invitation was {}; it cannot be sent again", inv.status),
                )));
            }
            let now = now_micros();
            if inv.resend_count >= MAX_RESENDS {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "RATE_LIMITED",
                    format!("this invitation was already sent again {MAX_RESENDS} times"),
                )));
            }
            let district = districts::get(conn, &principal.district_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("district".into()))?;
            let settings = district.settings();
            let interval = i64::from(settings.resend_interval_minutes) * 60_000_000;
            let last = inv.last_resent_at.unwrap_or(inv.created_at);
            if now - last < interval {
                let wait = (interval - (now - last)) / 60_000_000 + 1;
                return Ok(Err(UserError::new(
                    Some("id"),
                    "RATE_LIMITED",
                    format!("this invitation was sent moments ago; try again in {wait} min"),
                )));
            }
            if invitations::resends_since(conn, &principal.district_id, now - HOUR_MICROS).await?
                >= DISTRICT_RESENDS_PER_HOUR
            {
                return Ok(Err(UserError::new(
                    None,
                    "RATE_LIMITED",
                    "the district sent too many invitations again this hour; try later",
                )));
            }
            let Some(_message) = fallback::requeue(
                conn,
                &mut inv,
                &families_svc.public_url,
                settings.preferred_channel,
                &[],
            )
            .await?
            else {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "NO_REACHABLE_CONTACT_POINT",
                    "the guardian has no reachable email or phone; reset one first",
                )));
            };
            inv.status = InvitationStatus::Pending;
            inv.last_error = None;
            inv.expires_at = now + i64::from(settings.invitation_expiry_days.max(1)) * DAY_MICROS;
            inv.resend_count += 1;
            inv.last_resent_at = Some(now);
            invitations::save(conn, &inv).await?;
            let (_, actor) = principal.actor();
            audit::record(
                conn,
                audit_event(principal, &actor, "invitation.resend", &inv),
            )
            .await?;
            Ok::<_, ServiceError>(Ok(inv))
        })
        .await?;
    if outcome.is_ok() {
        families_svc.queued();
    }
    Ok(outcome)
}

/// Revokes an invitation: every link it sent stops working, queued messages are cancelled.
pub async fn revoke(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Result<Invitation, UserError>> {
    store
        .transaction(async |conn| {
            let mut inv = load(conn, principal, id).await?;
            if inv.status == InvitationStatus::Accepted {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "ALREADY_ACCEPTED",
                    "the guardian already accepted this invitation",
                )));
            }
            if inv.status != InvitationStatus::Revoked {
                inv.status = InvitationStatus::Revoked;
                inv.revoked_at = Some(now_micros());
                invitations::save(conn, &inv).await?;
                outbox::cancel_for_invitation(conn, &inv.id).await?;
                let others =
                    invitations::of_people(conn, std::slice::from_ref(&inv.person_id)).await?;
                let still_open = others
                    .iter()
                    .any(|o| o.id != inv.id && invitations::OPEN.contains(&o.status));
                let person = people::get(conn, &inv.district_id, &inv.person_id).await?;
                if !still_open && person.map(|p| p.account_state) == Some(AccountState::Invited) {
                    families::set_account_state(conn, &inv.person_id, AccountState::None).await?;
                }
                let (_, actor) = principal.actor();
                audit::record(
                    conn,
                    audit_event(principal, &actor, "invitation.revoke", &inv),
                )
                .await?;
            }
            Ok::<_, ServiceError>(Ok(inv))
        })
        .await
}

/// Marks an unreachable contact point reachable again (after the family fixed their mailbox or
/// phone). Admins, and teachers who can see its holder.
pub async fn set_reachable(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<ContactPoint> {
    if !matches!(
        principal.role,
        TokenRole::DistrictAdmin | TokenRole::SchoolAdmin | TokenRole::Teacher | TokenRole::Aide
    ) {
        return Err(ServiceError::Forbidden(
            "only staff reset contact points".into(),
        ));
    }
    store
        .transaction(async |conn| {
            let cp = families::contact_point(conn, &principal.district_id, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("contact point".into()))?;
            if !homeroom_schema::scope::sees_person(conn, &principal.scope()?, &cp.person_id)
                .await?
            {
                return Err(ServiceError::NotFound("contact point".into()));
            }
            families::set_reachability(conn, &cp.id, Reachability::Ok, None).await?;
            let (actor_kind, actor) = principal.actor();
            audit::record(
                conn,
                NewEvent {
                    district_id: &principal.district_id,
                    actor_kind,
                    actor_id: Some(&actor),
                    action: "contact_point.reset",
                    target_kind: "contact_point",
                    target_id: &cp.id,
                    before: Some(
                        json!({"reachability": cp.reachability, "reason": cp.unreachable_reason}),
                    ),
                    after: Some(json!({"reachability": Reachability::Ok})),
                },
            )
            .await?;
            families::contact_point(conn, &principal.district_id, id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("contact point".into()))
        })
        .await
}
