//! Admin review of the guardian links teachers make. A teacher may invite guardians and link
//! families by hand, but family access is granted only through trusted paths: the SIS, an admin,
//! or an adult accepting their own invitation. So every link a teacher makes gets a review row:
//! with the district's default setting it waits, removed, until a district admin approves it;
//! with approval turned off it counts at once and is listed for admins to revoke.

use homeroom_schema::enums::{InvitationStatus, LinkReviewState, RecordSource, Role};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{LinkReview, Relationship};
use homeroom_schema::page::{Page, PageRequest};
use homeroom_schema::store::{invitations, link_reviews, people, relationships};
use homeroom_schema::{Conn, Store, StoreResult};
use serde_json::json;

use crate::UserError;
use crate::audit_log;
use crate::auth::{Principal, policy};
use crate::error::{ServiceError, ServiceResult};

/// Starts the review of `link`, just made or restored by `principal` (inside the caller's
/// transaction): a `Pending` link is held (removed, waiting for approval); an `Automatic` one
/// keeps its state and is only listed.
pub async fn begin(
    conn: &mut Conn,
    requested_by: Option<&str>,
    link: &Relationship,
    state: LinkReviewState,
) -> StoreResult<()> {
    let now = now_micros();
    if state == LinkReviewState::Pending {
        link_reviews::hold_link(conn, &link.id, now).await?;
    }
    link_reviews::upsert(
        conn,
        &LinkReview {
            relationship_id: link.id.clone(),
            district_id: link.district_id.clone(),
            state,
            requested_by: requested_by.map(str::to_owned),
            decided_by: None,
            decided_at: None,
            created_at: now,
        },
    )
    .await?;
    Ok(())
}

/// Whether a link waits for something before it counts: an admin's approval, or the invited
/// adult's own acceptance. Such a link is changed only by those decisions, never restored by
/// hand or by an import.
pub fn is_waiting(link: &Relationship) -> bool {
    matches!(
        link.removed_by.as_deref(),
        Some(link_reviews::PENDING_APPROVAL) | Some(crate::invitations::invite::PENDING_ACCEPTANCE)
    )
}

/// One page of the district's teacher-made links in `states` (district admins).
pub async fn list(
    store: &Store,
    principal: &Principal,
    states: &[LinkReviewState],
    page: &PageRequest,
) -> ServiceResult<Page<(LinkReview, Relationship)>> {
    policy::require_link_reviewer(principal)?;
    let mut conn = store.conn().await?;
    Ok(link_reviews::list(&mut conn, &principal.district_id, states, page).await?)
}

/// How many of the district's teacher-made links are in `states` (district admins).
pub async fn count(
    store: &Store,
    principal: &Principal,
    states: &[LinkReviewState],
) -> ServiceResult<i64> {
    policy::require_link_reviewer(principal)?;
    let mut conn = store.conn().await?;
    Ok(link_reviews::count(&mut conn, &principal.district_id, states).await?)
}

/// Approves a link waiting for approval (district admins): it becomes active, and its guardian
/// holds the guardian role.
pub async fn approve(
    store: &Store,
    principal: &Principal,
    relationship_id: &str,
) -> ServiceResult<Result<Relationship, UserError>> {
    decide(store, principal, relationship_id, Decision::Approve).await
}

/// Revokes a teacher-made link, waiting or counted (district admins): it is removed by the
/// admin (a tombstone the SIS does not undo) and its open invitations are revoked.
pub async fn revoke(
    store: &Store,
    principal: &Principal,
    relationship_id: &str,
) -> ServiceResult<Result<Relationship, UserError>> {
    decide(store, principal, relationship_id, Decision::Revoke).await
}

#[derive(Clone, Copy)]
enum Decision {
    Approve,
    Revoke,
}

impl Decision {
    /// The review states it may follow, and the one it leaves.
    fn states(self) -> (&'static [LinkReviewState], LinkReviewState) {
        match self {
            Decision::Approve => (&[LinkReviewState::Pending], LinkReviewState::Approved),
            Decision::Revoke => (
                &[
                    LinkReviewState::Pending,
                    LinkReviewState::Automatic,
                    LinkReviewState::Approved,
                ],
                LinkReviewState::Revoked,
            ),
        }
    }
}

/// Takes `decision` on a reviewed link in one transaction: the review changes state in one
/// conditional statement (a concurrent decision finds it taken), the link follows, one audit
/// event records both.
async fn decide(
    store: &Store,
    principal: &Principal,
    relationship_id: &str,
    decision: Decision,
) -> ServiceResult<Result<Relationship, UserError>> {
    policy::require_link_reviewer(principal)?;
    let me = principal.actor().1;
    let (from, to) = decision.states();
    store
        .transaction(async |conn| {
            let (review, link) = load(conn, principal, relationship_id).await?;
            let now = now_micros();
            if !link_reviews::decide(conn, &link.id, from, to, &me, now).await? {
                return Ok(Err(match decision {
                    Decision::Approve => UserError::new(
                        Some("relationshipId"),
                        "NOT_PENDING",
                        format!("this link is {}, not waiting for approval", review.state),
                    ),
                    Decision::Revoke => UserError::new(
                        Some("relationshipId"),
                        "ALREADY_REVOKED",
                        "this link was already revoked",
                    ),
                }));
            }
            let action = match decision {
                Decision::Approve => {
                    if link.removed_by.as_deref() == Some(link_reviews::PENDING_APPROVAL) {
                        relationships::restore(conn, &link.id).await?;
                    }
                    if let Some(guardian) =
                        people::get(conn, &link.district_id, &link.guardian_id).await?
                    {
                        people::add_role(
                            conn,
                            &guardian,
                            Role::Guardian,
                            None,
                            RecordSource::Manual,
                        )
                        .await?;
                    }
                    "relationship.approve"
                }
                Decision::Revoke => {
                    relationships::remove_by_person(conn, &link.id, &me).await?;
                    revoke_open_invitations(conn, &link, now).await?;
                    "relationship.revoke"
                }
            };
            let after = reload(conn, principal, &link.id).await?;
            audit_log::record(
                conn,
                principal,
                action,
                ("relationship", &link.id),
                Some(json!({"state": review.state, "status": link.status})),
                Some(json!({"state": to, "status": after.status})),
            )
            .await?;
            Ok(Ok(after))
        })
        .await
}

/// Revokes the invitations still open for `link`.
async fn revoke_open_invitations(
    conn: &mut Conn,
    link: &Relationship,
    now: i64,
) -> StoreResult<()> {
    for mut inv in invitations::of_people(conn, std::slice::from_ref(&link.guardian_id))
        .await?
        .into_iter()
        .filter(|i| i.relationship_id.as_deref() == Some(link.id.as_str()))
        .filter(|i| invitations::OPEN.contains(&i.status))
    {
        inv.status = InvitationStatus::Revoked;
        inv.updated_at = now;
        invitations::save(conn, &inv).await?;
    }
    Ok(())
}

/// A link of the caller's district and its review; a link nobody reviews reads as unknown.
async fn load(
    conn: &mut Conn,
    principal: &Principal,
    relationship_id: &str,
) -> ServiceResult<(LinkReview, Relationship)> {
    let review = link_reviews::get(conn, &principal.district_id, relationship_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("reviewed link".into()))?;
    let link = reload(conn, principal, relationship_id).await?;
    Ok((review, link))
}

async fn reload(
    conn: &mut Conn,
    principal: &Principal,
    relationship_id: &str,
) -> ServiceResult<Relationship> {
    relationships::get(conn, &principal.district_id, relationship_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("relationship".into()))
}
