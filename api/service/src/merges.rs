//! Merging duplicate people (district admins), undoing a merge exactly, and the merge
//! suggestions sync alerts point at.

use std::collections::{HashMap, HashSet};

use homeroom_schema::enums::{AccountState, Status};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{AuditEvent, Person};
use homeroom_schema::page::{Page, PageRequest};
use homeroom_schema::store::merges::{self, MergeImage};
use homeroom_schema::store::{audit, people, suggestions};
use homeroom_schema::{Conn, Store, StoreError};
use serde_json::json;

use crate::UserError;
use crate::audit_log;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use crate::webhooks::{self, WebhookEvent};
use homeroom_core::ids::{NodeKind, encode};
use homeroom_sync::report::codes;

/// Audit action of a merge.
pub const MERGE: &str = "person.merge";
/// Audit action of an undone merge.
pub const UNMERGE: &str = "person.unmerge";

/// Sync alert codes that suggest two people are one.
pub const SUGGESTING_CODES: &[&str] = &[
    codes::MERGE_SUGGESTION,
    codes::CONTACT_CONFLICT,
    codes::CONTACT_POINT_TAKEN,
    codes::SHARED_PHONE,
];

/// Why a transaction stopped: a refusal the client sees (rolled back), or a failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
    #[error("refused: {0:?}")]
    Refused(UserError),
    #[error(transparent)]
    Api(#[from] ServiceError),
}

impl From<StoreError> for Stop {
    fn from(e: StoreError) -> Self {
        Stop::Api(e.into())
    }
}

pub(crate) fn settle<T>(outcome: Result<T, Stop>) -> ServiceResult<Result<T, UserError>> {
    match outcome {
        Ok(v) => Ok(Ok(v)),
        Err(Stop::Refused(e)) => Ok(Err(e)),
        Err(Stop::Api(e)) => Err(e),
    }
}

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.is_district_admin() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins merge people".into(),
        ))
    }
}

/// Why two people may not be merged, if they may not.
pub fn refusal(survivor: &Person, duplicate: &Person) -> Option<UserError> {
    if survivor.id == duplicate.id {
        return Some(UserError::new(
            Some("duplicateId"),
            "SAME_PERSON",
            "a person cannot be merged with themselves",
        ));
    }
    if survivor.is_student != duplicate.is_student {
        return Some(UserError::new(
            Some("duplicateId"),
            "STUDENT_ADULT",
            "a student and an adult are never the same person",
        ));
    }
    if survivor.is_student
        && let (Some(a), Some(b)) = (&survivor.student_number, &duplicate.student_number)
        && a != b
    {
        return Some(UserError::new(
            Some("duplicateId"),
            "DIFFERENT_STUDENT_NUMBERS",
            "two students with different student numbers are different students",
        ));
    }
    None
}

fn linked_to_each_other(image: &MergeImage) -> bool {
    let pair = [image.survivor.id.as_str(), image.duplicate.id.as_str()];
    image
        .relationships
        .iter()
        .any(|r| pair.contains(&r.guardian_id.as_str()) && pair.contains(&r.student_id.as_str()))
}

/// Merges `duplicate_id` into `survivor_id`; returns the survivor and the audit event that
/// holds the before-image (its id undoes the merge).
pub async fn merge(
    store: &Store,
    principal: &Principal,
    survivor_id: &str,
    duplicate_id: &str,
) -> ServiceResult<Result<(Person, AuditEvent), UserError>> {
    require_admin(principal)?;
    let outcome = store
        .transaction(async |conn| merge_in(conn, principal, survivor_id, duplicate_id).await)
        .await;
    settle(outcome)
}

/// The merge itself, inside the caller's transaction, with `principal` as the audited actor
/// (an admin, or a guardian confirming a suggestion about themselves).
pub(crate) async fn merge_in(
    conn: &mut Conn,
    principal: &Principal,
    survivor_id: &str,
    duplicate_id: &str,
) -> Result<(Person, AuditEvent), Stop> {
    let image =
        match merges::snapshot(conn, &principal.district_id, survivor_id, duplicate_id).await {
            Ok(image) => image,
            Err(StoreError::NotFound) => {
                return Err(Stop::Refused(UserError::new(
                    None,
                    "NOT_FOUND",
                    "no such person",
                )));
            }
            Err(e) => return Err(e.into()),
        };
    if let Some(refused) = refusal(&image.survivor, &image.duplicate) {
        return Err(Stop::Refused(refused));
    }
    if image.duplicate.status == Status::Archived || image.survivor.status == Status::Archived {
        return Err(Stop::Refused(UserError::new(
            None,
            "ARCHIVED",
            "restore archived people before merging them",
        )));
    }
    if linked_to_each_other(&image) {
        return Err(Stop::Refused(UserError::new(
            Some("duplicateId"),
            "LINKED_PEOPLE",
            "the two people are linked as guardian and student",
        )));
    }
    let summary = match merges::merge(conn, &image, now_micros()).await {
        Ok(s) => s,
        Err(StoreError::Conflict(why)) => {
            tracing::warn!(%why, "merge refused by a constraint");
            return Err(Stop::Refused(UserError::new(
                None,
                "MERGE_CONFLICT",
                "the two records cannot be combined as they are",
            )));
        }
        Err(e) => return Err(e.into()),
    };
    let event = audit_log::record(
        conn,
        principal,
        MERGE,
        ("person", survivor_id),
        Some(serde_json::to_value(&image).map_err(StoreError::from)?),
        Some(json!({
            "survivor_id": survivor_id,
            "duplicate_id": duplicate_id,
            "summary": summary,
        })),
    )
    .await?;
    webhooks::emit(
        conn,
        &principal.district_id,
        WebhookEvent::PersonMerged,
        json!({
            "survivorId": encode(NodeKind::Person, survivor_id),
            "duplicateId": encode(NodeKind::Person, duplicate_id),
            "auditEventId": encode(NodeKind::AuditEvent, &event.id),
        }),
    )
    .await?;
    let person = people::get(conn, &principal.district_id, survivor_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    tracing::info!(
        survivor = survivor_id,
        duplicate = duplicate_id,
        "people merged"
    );
    Ok((person, event))
}

fn undone_merge_id(event: &AuditEvent) -> Option<String> {
    let after: serde_json::Value = serde_json::from_str(event.after.as_deref()?).ok()?;
    after["merge_event_id"].as_str().map(str::to_owned)
}

/// Undoes a merge from its audit event: every affected row goes back to its before-image.
/// Returns both people and the unmerge's own audit event.
pub async fn unmerge(
    store: &Store,
    principal: &Principal,
    event_id: &str,
) -> ServiceResult<Result<(Person, Person, AuditEvent), UserError>> {
    require_admin(principal)?;
    let outcome = store
        .transaction(async |conn| {
            let refused = |code: &str, msg: &str| {
                Stop::Refused(UserError::new(Some("auditEventId"), code, msg))
            };
            let event = audit::get(conn, &principal.district_id, event_id)
                .await?
                .filter(|e| e.action == MERGE)
                .ok_or_else(|| refused("NOT_A_MERGE", "the audit event is not a merge"))?;
            let image: MergeImage = serde_json::from_str(event.before.as_deref().unwrap_or(""))
                .map_err(StoreError::from)?;
            let survivor = image.survivor.id.clone();
            let duplicate = image.duplicate.id.clone();
            let mut history = audit::for_target(conn, &survivor).await?;
            history.extend(audit::for_target(conn, &duplicate).await?);
            let undone: HashSet<String> = history
                .iter()
                .filter(|e| e.action == UNMERGE)
                .filter_map(undone_merge_id)
                .collect();
            if undone.contains(&event.id) {
                return Err(refused("ALREADY_UNDONE", "this merge was already undone"));
            }
            if history
                .iter()
                .any(|e| e.action == MERGE && e.id > event.id && !undone.contains(&e.id))
            {
                return Err(refused(
                    "LATER_MERGE",
                    "undo the later merges of these people first",
                ));
            }
            match merges::restore(conn, &image).await {
                Ok(()) => {}
                Err(StoreError::Conflict(why)) => {
                    tracing::warn!(%why, "unmerge refused");
                    return Err(refused(
                        "CHANGED_SINCE",
                        "the records changed since the merge in a way that cannot be undone",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            let record = audit_log::record(
                conn,
                principal,
                UNMERGE,
                ("person", &survivor),
                None,
                Some(json!({
                    "merge_event_id": event.id,
                    "survivor_id": survivor,
                    "duplicate_id": duplicate,
                })),
            )
            .await?;
            webhooks::emit(
                conn,
                &principal.district_id,
                WebhookEvent::PersonUnmerged,
                json!({
                    "survivorId": encode(NodeKind::Person, &survivor),
                    "duplicateId": encode(NodeKind::Person, &duplicate),
                    "mergeAuditEventId": encode(NodeKind::AuditEvent, &event.id),
                }),
            )
            .await?;
            Ok((image.survivor, image.duplicate, record))
        })
        .await;
    let (survivor, duplicate, record) = match settle(outcome)? {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let mut conn = store.conn().await?;
    let reload = async |conn: &mut homeroom_schema::Conn, p: &Person| -> ServiceResult<Person> {
        Ok(people::get(conn, &principal.district_id, &p.id)
            .await?
            .ok_or(StoreError::NotFound)?)
    };
    let survivor = reload(&mut conn, &survivor).await?;
    let duplicate = reload(&mut conn, &duplicate).await?;
    Ok(Ok((survivor, duplicate, record)))
}

/// Two people a sync alert suggests are one.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The first alert that suggested it (the cursor key).
    pub id: String,
    /// The alert code.
    pub code: String,
    /// The alert text.
    pub message: String,
    /// Who would remain: a claimed account first, else the older record.
    pub survivor: Person,
    /// Who would be merged into the survivor.
    pub duplicate: Person,
    /// The normalized contact points the alerts matched on (what a guardian confirming the
    /// suggestion must prove they hold).
    pub contact_values: Vec<String>,
}

fn same_names(a: &Person, b: &Person) -> bool {
    a.given_name
        .trim()
        .eq_ignore_ascii_case(b.given_name.trim())
        && a.family_name
            .trim()
            .eq_ignore_ascii_case(b.family_name.trim())
}

/// Open merge suggestions of a district: pairs named by sync alerts that are both active and
/// could be merged (a shared phone counts only when the names agree), oldest first.
pub async fn district_suggestions(
    conn: &mut Conn,
    district_id: &str,
) -> ServiceResult<Vec<Suggestion>> {
    let alerts = suggestions::person_alerts(conn, district_id, SUGGESTING_CODES).await?;
    let mut ids: Vec<String> = alerts
        .iter()
        .flat_map(|a| [a.person_id.clone(), a.related_id.clone()])
        .collect();
    ids.sort();
    ids.dedup();
    let found: HashMap<String, Person> = people::get_many(conn, &ids)
        .await?
        .into_iter()
        .filter(|p| p.district_id == district_id && p.status == Status::Active)
        .map(|p| (p.id.clone(), p))
        .collect();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut all: Vec<Suggestion> = Vec::new();
    for alert in alerts {
        let (Some(a), Some(b)) = (found.get(&alert.person_id), found.get(&alert.related_id)) else {
            continue;
        };
        if refusal(a, b).is_some() || (alert.code == codes::SHARED_PHONE && !same_names(a, b)) {
            continue;
        }
        let key = if a.id < b.id {
            (a.id.clone(), b.id.clone())
        } else {
            (b.id.clone(), a.id.clone())
        };
        if let Some(&i) = index.get(&key) {
            if let Some(v) = alert.contact_value
                && !all[i].contact_values.contains(&v)
            {
                all[i].contact_values.push(v);
            }
            continue;
        }
        let a_first = match (
            a.account_state == AccountState::Claimed,
            b.account_state == AccountState::Claimed,
        ) {
            (true, false) => true,
            (false, true) => false,
            _ => a.id < b.id,
        };
        let (survivor, duplicate) = if a_first { (a, b) } else { (b, a) };
        index.insert(key, all.len());
        all.push(Suggestion {
            id: alert.issue_id,
            code: alert.code,
            message: alert.message,
            survivor: survivor.clone(),
            duplicate: duplicate.clone(),
            contact_values: alert.contact_value.into_iter().collect(),
        });
    }
    Ok(all)
}

/// Open merge suggestions of the caller's district (district admins), oldest first.
pub async fn suggestions(
    store: &Store,
    principal: &Principal,
    page: &PageRequest,
) -> ServiceResult<(Page<Suggestion>, i64)> {
    require_admin(principal)?;
    let mut conn = store.conn().await?;
    let all = district_suggestions(&mut conn, &principal.district_id).await?;
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let rows: Vec<Suggestion> = all
        .into_iter()
        .filter(|s| page.after.as_ref().is_none_or(|after| &s.id > after))
        .take(usize::try_from(page.limit() + 1).unwrap_or(usize::MAX))
        .collect();
    Ok((Page::from_overfetch(rows, page.limit()), total))
}
