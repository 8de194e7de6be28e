//! Claiming, releasing and editing classes.

use homeroom_schema::models::Class;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::classes::{self as store_classes, ClaimOutcome};
use homeroom_schema::store::people;
use homeroom_schema::{Conn, Store};
use serde_json::json;

use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use crate::webhooks::{self, WebhookEvent};
use crate::{UserError, notifications};
use homeroom_core::ids::{NodeKind, encode};

pub(crate) use crate::auth::policy::administers;

pub(crate) async fn load_class(
    conn: &mut Conn,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Class> {
    store_classes::get(conn, &principal.district_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("class".into()))
}

/// Claims a class. A teacher of the class claims it for themselves; an admin may claim it for
/// a teacher (`teacher_id`) or for themselves.
pub async fn claim(
    store: &Store,
    principal: &Principal,
    class_id: &str,
    teacher_id: Option<&str>,
) -> ServiceResult<Result<Class, UserError>> {
    store
        .transaction(async |conn| {
            let class = load_class(conn, principal, class_id).await?;
            let is_admin = administers(conn, principal, &class).await?;
            let me = principal.person_id.as_deref();
            let claimant = match (teacher_id, me) {
                (Some(t), _) if Some(t) != me && !is_admin => {
                    return Err(ServiceError::Forbidden(
                        "only an admin may claim a class for someone else".into(),
                    ));
                }
                (Some(t), _) => t.to_owned(),
                (None, Some(m)) => m.to_owned(),
                (None, None) => {
                    return Ok(Err(UserError::new(
                        Some("teacherId"),
                        "TEACHER_REQUIRED",
                        "this token is not a person: name the teacher who claims the class",
                    )));
                }
            };
            if !is_admin {
                if !crate::auth::policy::teaches(conn, principal, &class).await? {
                    return Err(ServiceError::Forbidden(
                        "only a teacher of the class or an admin may claim it".into(),
                    ));
                }
            } else if !match people::get(conn, &principal.district_id, &claimant).await? {
                Some(p) => crate::auth::policy::may_hold_claim(conn, &p).await?,
                None => false,
            } {
                return Ok(Err(UserError::new(
                    Some("teacherId"),
                    "NOT_FOUND",
                    "no such teacher",
                )));
            }
            match store_classes::claim(conn, &principal.district_id, &class.id, &claimant).await? {
                ClaimOutcome::Claimed(after) => {
                    if class.claimed_by.as_deref() != Some(claimant.as_str()) {
                        let (actor_kind, actor) = principal.actor();
                        audit::record(
                            conn,
                            NewEvent {
                                district_id: &principal.district_id,
                                actor_kind,
                                actor_id: Some(&actor),
                                action: "class.claim",
                                target_kind: "class",
                                target_id: &class.id,
                                before: Some(json!({ "claimed_by": class.claimed_by })),
                                after: Some(json!({ "claimed_by": claimant })),
                            },
                        )
                        .await?;
                        notifications::families::class_claimed(conn, &after, &claimant).await?;
                        webhooks::emit(
                            conn,
                            &principal.district_id,
                            WebhookEvent::ClassClaimed,
                            json!({
                                "classId": encode(NodeKind::Class, &class.id),
                                "teacherId": encode(NodeKind::Person, &claimant),
                            }),
                        )
                        .await?;
                    }
                    Ok(Ok(after))
                }
                ClaimOutcome::HeldBy(_) => Ok(Err(UserError::new(
                    Some("id"),
                    "ALREADY_CLAIMED",
                    "another teacher has already claimed this class",
                ))),
            }
        })
        .await
}

/// Releases a class's claim: its holder or an admin.
pub async fn release(
    store: &Store,
    principal: &Principal,
    class_id: &str,
) -> ServiceResult<Result<Class, UserError>> {
    store
        .transaction(async |conn| {
            let class = load_class(conn, principal, class_id).await?;
            let Some(holder) = class.claimed_by.clone() else {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "NOT_CLAIMED",
                    "the class is not claimed",
                )));
            };
            let is_holder = principal.person_id.as_deref() == Some(holder.as_str());
            if !is_holder && !administers(conn, principal, &class).await? {
                return Err(ServiceError::Forbidden(
                    "only the teacher who claimed the class or an admin may release it".into(),
                ));
            }
            let after = store_classes::release(conn, &principal.district_id, &class.id).await?;
            let (actor_kind, actor) = principal.actor();
            audit::record(
                conn,
                NewEvent {
                    district_id: &principal.district_id,
                    actor_kind,
                    actor_id: Some(&actor),
                    action: "class.release",
                    target_kind: "class",
                    target_id: &class.id,
                    before: Some(json!({ "claimed_by": holder })),
                    after: Some(json!({ "claimed_by": null })),
                },
            )
            .await?;
            webhooks::emit(
                conn,
                &principal.district_id,
                WebhookEvent::ClassReleased,
                json!({
                    "classId": encode(NodeKind::Class, &class.id),
                    "teacherId": encode(NodeKind::Person, &holder),
                }),
            )
            .await?;
            Ok(Ok(after))
        })
        .await
}

/// Whether `principal` teaches `class` ([`crate::auth::policy::teaches`]).
pub(crate) async fn teaches_or_holds(
    conn: &mut Conn,
    principal: &Principal,
    class: &Class,
) -> ServiceResult<bool> {
    crate::auth::policy::teaches(conn, principal, class).await
}

/// A change to a field that may be left alone, cleared, or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Edit {
    /// Leave the field as it is.
    #[default]
    Keep,
    /// Clear the field.
    Clear,
    /// Set the field.
    Set(String),
}

/// Local changes to a class.
#[derive(Debug, Clone, Default)]
pub struct ClassChanges {
    /// The local title (shown instead of the SIS title).
    pub title: Edit,
    /// The code students join with.
    pub join_code: Edit,
}

/// Longest local title or join code accepted.
const MAX_FIELD: usize = 200;
/// Fewest letters or digits in a join code (guesses are rate-limited per student and one
/// request carries one guess).
pub const MIN_JOIN_CODE: usize = 6;

fn check_field(field: &str, edit: &Edit) -> Result<(), UserError> {
    match edit {
        Edit::Set(v) if v.trim().is_empty() => Err(UserError::new(
            Some(field),
            "BLANK",
            "use null to clear the field",
        )),
        Edit::Set(v) if v.chars().count() > MAX_FIELD => Err(UserError::new(
            Some(field),
            "TOO_LONG",
            format!("at most {MAX_FIELD} characters"),
        )),
        Edit::Set(v) if field == "joinCode" && v.trim().chars().any(char::is_whitespace) => Err(
            UserError::new(Some(field), "INVALID", "a join code has no spaces"),
        ),
        Edit::Set(v)
            if field == "joinCode"
                && !v
                    .trim()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            Err(UserError::new(
                Some(field),
                "INVALID",
                "a join code holds letters, digits and dashes only",
            ))
        }
        Edit::Set(v)
            if field == "joinCode"
                && v.trim().chars().filter(char::is_ascii_alphanumeric).count() < MIN_JOIN_CODE =>
        {
            Err(UserError::new(
                Some(field),
                "TOO_SHORT",
                format!("a join code has at least {MIN_JOIN_CODE} letters or digits"),
            ))
        }
        _ => Ok(()),
    }
}

fn value(edit: &Edit) -> Option<&str> {
    match edit {
        Edit::Set(v) => Some(v.trim()),
        _ => None,
    }
}

/// Sets a class's local title and join code (fields sync never overwrites): a teacher of the
/// class or an admin. One audit event per call that changes something.
pub async fn update(
    store: &Store,
    principal: &Principal,
    class_id: &str,
    changes: ClassChanges,
) -> ServiceResult<Result<Class, UserError>> {
    store
        .transaction(async |conn| {
            let class = load_class(conn, principal, class_id).await?;
            if !administers(conn, principal, &class).await?
                && !teaches_or_holds(conn, principal, &class).await?
            {
                return Err(ServiceError::Forbidden(
                    "only a teacher of the class or an admin may edit it".into(),
                ));
            }
            for (field, edit) in [("title", &changes.title), ("joinCode", &changes.join_code)] {
                if let Err(e) = check_field(field, edit) {
                    return Ok(Err(e));
                }
            }
            if changes.title != Edit::Keep {
                store_classes::set_local_title(conn, &class.id, value(&changes.title)).await?;
            }
            if changes.join_code != Edit::Keep {
                let code = value(&changes.join_code);
                if let Some(code) = code
                    && store_classes::by_join_code(conn, &principal.district_id, code)
                        .await?
                        .is_some_and(|other| other.id != class.id)
                {
                    return Ok(Err(UserError::new(
                        Some("joinCode"),
                        "JOIN_CODE_TAKEN",
                        "another class uses this join code",
                    )));
                }
                store_classes::set_join_code(conn, &class.id, code).await?;
            }
            let after = load_class(conn, principal, class_id).await?;
            if after.local_title != class.local_title || after.join_code != class.join_code {
                crate::audit_log::record(
                    conn,
                    principal,
                    "class.update",
                    ("class", &class.id),
                    Some(json!({ "local_title": class.local_title, "join_code": class.join_code })),
                    Some(json!({ "local_title": after.local_title, "join_code": after.join_code })),
                )
                .await?;
            }
            Ok(Ok(after))
        })
        .await
}
