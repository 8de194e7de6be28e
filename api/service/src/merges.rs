//! Merging duplicate people (district admins), undoing a merge exactly, and the merge
//! suggestions sync alerts point at.

use std::collections::{BTreeMap, HashMap, HashSet};

use homeroom_schema::enums::{AccountState, RelationshipStatus, Status};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{AuditEvent, Person};
use homeroom_schema::page::{Page, PageRequest};
use homeroom_schema::store::merges::{self, MergeImage, MergeWrite, SurvivorColumns};
use homeroom_schema::store::{audit, people, suggestions};
use homeroom_schema::{Conn, Store, StoreError};
use serde::{Deserialize, Serialize};
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
    let planned = plan(&image).map_err(|conflict| {
        tracing::warn!(why = %conflict, "merge refused");
        Stop::Refused(UserError::new(
            None,
            "MERGE_CONFLICT",
            "the two records cannot be combined as they are",
        ))
    })?;
    let summary = planned.summary;
    match merges::execute(conn, &planned.writes, now_micros()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(why)) => {
            tracing::warn!(%why, "merge refused by a constraint");
            return Err(Stop::Refused(UserError::new(
                None,
                "MERGE_CONFLICT",
                "the two records cannot be combined as they are",
            )));
        }
        Err(e) => return Err(e.into()),
    }
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

/// What a merge did, for its audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSummary {
    /// Rows moved to the survivor, per table.
    pub moved: BTreeMap<String, usize>,
    /// Rows of the duplicate dropped because the survivor already held the same thing.
    pub collapsed: BTreeMap<String, usize>,
}

impl MergeSummary {
    fn moved(&mut self, table: &str) {
        *self.moved.entry(table.to_owned()).or_default() += 1;
    }
    fn collapsed(&mut self, table: &str) {
        *self.collapsed.entry(table.to_owned()).or_default() += 1;
    }
}

/// The writes a merge makes, and its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePlan {
    /// In the order the store applies them.
    pub writes: Vec<MergeWrite>,
    /// What moved and what collapsed.
    pub summary: MergeSummary,
}

/// A merge the rows themselves forbid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeConflict {
    /// Merging would make a relationship link a person to themselves.
    #[error("the two people are linked to each other as guardian and student")]
    LinkedToEachOther,
}

/// Decides how `image.duplicate` merges into `image.survivor` (the caller has checked who may be
/// merged: [`refusal`]). The rules:
/// - the duplicate's roles, contact points, enrollments (same class and role) and
///   relationships (same guardian and student once the duplicate is the survivor) that the
///   survivor also holds collapse into the survivor's row: the duplicate's is deleted, and what
///   pointed at it (invitations, source links) points at the survivor's; everything else moves;
/// - a collapsed contact point the duplicate had verified and the survivor had not passes its
///   verification on; a collapsed active enrollment or relationship makes the survivor's twin
///   active again;
/// - claims and tokens move to the survivor;
/// - the duplicate is archived (never deleted: its row keeps what an undo needs), giving up its
///   student number when the survivor has none and takes it;
/// - the survivor keeps each of its own names and ids, taking the duplicate's where it has none,
///   and the further along of the two account states (claimed over invited over none).
pub fn plan(image: &MergeImage) -> Result<MergePlan, MergeConflict> {
    let s = image.survivor.id.as_str();
    let d = image.duplicate.id.as_str();
    let swap = |id: &str| -> String { if id == d { s.to_owned() } else { id.to_owned() } };
    let mut writes = Vec::new();
    let mut summary = MergeSummary::default();
    // Old row id → the survivor's row that replaces it (for re-pointing references).
    let mut replaced: HashMap<String, String> = HashMap::new();

    for role in image.roles.iter().filter(|r| r.person_id == d) {
        let twin = image
            .roles
            .iter()
            .find(|r| r.person_id == s && r.role == role.role && r.org_id == role.org_id);
        if let Some(twin) = twin {
            replaced.insert(role.id.clone(), twin.id.clone());
            writes.push(MergeWrite::DeleteRole {
                id: role.id.clone(),
            });
            summary.collapsed("person_roles");
        } else {
            writes.push(MergeWrite::MoveRole {
                id: role.id.clone(),
                to: s.to_owned(),
            });
            summary.moved("person_roles");
        }
    }

    for cp in image.contact_points.iter().filter(|c| c.person_id == d) {
        let twin = image
            .contact_points
            .iter()
            .find(|c| c.person_id == s && c.kind == cp.kind && c.value == cp.value);
        if let Some(twin) = twin {
            replaced.insert(cp.id.clone(), twin.id.clone());
            if cp.verified_at.is_some() && twin.verified_at.is_none() {
                // The duplicate had proved this contact point: the survivor keeps the proof.
                writes.push(MergeWrite::VerifyContactPoint {
                    id: twin.id.clone(),
                    verified_at: cp.verified_at,
                });
            }
            writes.push(MergeWrite::DeleteContactPoint { id: cp.id.clone() });
            summary.collapsed("contact_points");
        } else {
            writes.push(MergeWrite::MoveContactPoint {
                id: cp.id.clone(),
                to: s.to_owned(),
            });
            summary.moved("contact_points");
        }
    }

    for e in image.enrollments.iter().filter(|e| e.person_id == d) {
        let twin = image
            .enrollments
            .iter()
            .find(|x| x.person_id == s && x.class_id == e.class_id && x.role == e.role);
        if let Some(twin) = twin {
            replaced.insert(e.id.clone(), twin.id.clone());
            if e.status == Status::Active && twin.status != Status::Active {
                writes.push(MergeWrite::ActivateEnrollment {
                    id: twin.id.clone(),
                });
            }
            writes.push(MergeWrite::DeleteEnrollment { id: e.id.clone() });
            summary.collapsed("enrollments");
        } else {
            writes.push(MergeWrite::MoveEnrollment {
                id: e.id.clone(),
                to: s.to_owned(),
            });
            summary.moved("enrollments");
        }
    }

    for rel in image
        .relationships
        .iter()
        .filter(|r| r.guardian_id == d || r.student_id == d)
    {
        let guardian = swap(&rel.guardian_id);
        let student = swap(&rel.student_id);
        if guardian == student {
            return Err(MergeConflict::LinkedToEachOther);
        }
        let twin = image.relationships.iter().find(|x| {
            x.id != rel.id
                && x.guardian_id != d
                && x.student_id != d
                && x.guardian_id == guardian
                && x.student_id == student
        });
        if let Some(twin) = twin {
            replaced.insert(rel.id.clone(), twin.id.clone());
            if rel.status == RelationshipStatus::Active && twin.status != RelationshipStatus::Active
            {
                writes.push(MergeWrite::ActivateRelationship {
                    id: twin.id.clone(),
                });
            }
            writes.push(MergeWrite::DeleteRelationship { id: rel.id.clone() });
            summary.collapsed("relationships");
        } else {
            writes.push(MergeWrite::MoveRelationship {
                id: rel.id.clone(),
                guardian_id: guardian,
                student_id: student,
            });
            summary.moved("relationships");
        }
    }

    let remap = |id: &Option<String>| -> Option<String> {
        id.as_ref()
            .map(|x| replaced.get(x).cloned().unwrap_or_else(|| x.clone()))
    };
    for inv in &image.invitations {
        let person = swap(&inv.person_id);
        let invited_by = inv.invited_by.as_deref().map(swap);
        let relationship = remap(&inv.relationship_id);
        let contact = remap(&inv.contact_point_id);
        if person == inv.person_id
            && invited_by == inv.invited_by
            && relationship == inv.relationship_id
            && contact == inv.contact_point_id
        {
            continue;
        }
        writes.push(MergeWrite::RepointInvitation {
            id: inv.id.clone(),
            person_id: person,
            invited_by,
            relationship_id: relationship,
            contact_point_id: contact,
        });
        summary.moved("invitations");
    }

    for link in &image.source_links {
        let local = if link.local_id == d {
            s.to_owned()
        } else {
            replaced
                .get(&link.local_id)
                .cloned()
                .unwrap_or_else(|| link.local_id.clone())
        };
        if local != link.local_id {
            writes.push(MergeWrite::RepointSourceLink {
                id: link.id.clone(),
                local_id: local,
            });
            summary.moved("source_links");
        }
    }

    for class in image
        .classes
        .iter()
        .filter(|c| c.claimed_by.as_deref() == Some(d))
    {
        writes.push(MergeWrite::MoveClaim {
            class_id: class.id.clone(),
            to: s.to_owned(),
        });
        summary.moved("classes");
    }

    for token in image
        .api_tokens
        .iter()
        .filter(|t| t.person_id.as_deref() == Some(d))
    {
        writes.push(MergeWrite::MoveToken {
            id: token.id.clone(),
            to: s.to_owned(),
        });
        summary.moved("api_tokens");
    }

    // The duplicate first: it gives up the student number the survivor takes.
    let sur = &image.survivor;
    let dup = &image.duplicate;
    let takes_number = sur.student_number.is_none() && dup.student_number.is_some();
    writes.push(MergeWrite::ArchivePerson {
        id: d.to_owned(),
        student_number: dup.student_number.clone().filter(|_| !takes_number),
    });
    let middle = sur.middle_name.clone().or_else(|| dup.middle_name.clone());
    let preferred = sur
        .preferred_name
        .clone()
        .or_else(|| dup.preferred_name.clone());
    let rank = |a: AccountState| match a {
        AccountState::None => 0,
        AccountState::Invited => 1,
        AccountState::Claimed => 2,
    };
    let account_state = if rank(dup.account_state) > rank(sur.account_state) {
        dup.account_state
    } else {
        sur.account_state
    };
    writes.push(MergeWrite::UpdateSurvivor(SurvivorColumns {
        id: s.to_owned(),
        search_text: Person::search_text_for(
            &sur.given_name,
            &sur.family_name,
            middle.as_deref(),
            preferred.as_deref(),
        ),
        middle_name: middle,
        preferred_name: preferred,
        account_state,
        grade: sur.grade.clone().or_else(|| dup.grade.clone()),
        student_number: sur
            .student_number
            .clone()
            .or_else(|| dup.student_number.clone()),
        state_id: sur.state_id.clone().or_else(|| dup.state_id.clone()),
        sis_id: sur.sis_id.clone().or_else(|| dup.sis_id.clone()),
    }));
    Ok(MergePlan { writes, summary })
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
