//! Guardian–student links: both people must resolve (else the record is rejected), the guardian
//! side must be a guardian and the student side a student (else an alert, no link), and a link a
//! person removed by hand stays removed (a tombstone, alerted).

use std::collections::{HashMap, HashSet};

use homeroom_connector_core::{self as core, EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::enums::{RelationshipKind, RelationshipSource, RelationshipStatus, Role};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::Relationship;
use homeroom_schema::store::{people, relationships};

use crate::apply::links::Seen;
use crate::apply::orgs::typed;
use crate::apply::{ApplyResult, Links, resolve};
use crate::context::RunCtx;
use crate::report::codes;

/// A student with this many active guardians or more is flagged.
pub const MANY_GUARDIANS: i64 = 6;

fn kind(k: core::RelationshipKind) -> RelationshipKind {
    match k {
        core::RelationshipKind::Parent => RelationshipKind::Parent,
        core::RelationshipKind::Guardian => RelationshipKind::Guardian,
        core::RelationshipKind::Relative => RelationshipKind::Relative,
        core::RelationshipKind::Aide => RelationshipKind::Aide,
        core::RelationshipKind::Other => RelationshipKind::Other,
    }
}

/// Applies relationship records.
pub async fn apply(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Relationship(rel) => Some(rel),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(r, _)| r.external_id()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Relationship, &ids).await?;
    let mut work = Vec::new();
    // Links the SIS still sends unchanged, to check for tombstones (local id → external id).
    let mut still_sent: Vec<(String, String)> = Vec::new();
    for (rel, hash) in recs {
        // A link named only from the student's side says nothing the link does not already hold:
        // it keeps an existing link alive but never rewrites it.
        if rel.kind_inferred && links.is_live(&rel.external_id()) {
            links.touch(&rel.external_id());
            if let Some(local) = links.local_id(&rel.external_id()) {
                still_sent.push((local.to_owned(), rel.external_id()));
            }
            ctx.report.counts(EntityKind::Relationship).unchanged += 1;
            continue;
        }
        match links.classify(ctx, &rel.external_id(), &hash) {
            Seen::Unchanged => {
                ctx.report.counts(EntityKind::Relationship).unchanged += 1;
                if let Some(local) = links.local_id(&rel.external_id()) {
                    still_sent.push((local.to_owned(), rel.external_id()));
                }
            }
            Seen::Duplicate => {}
            Seen::Changed(_) => work.push((rel, hash)),
        }
    }
    alert_tombstones(conn, ctx, &still_sent).await?;
    if work.is_empty() {
        return links.flush(conn, ctx).await;
    }
    let person_refs: Vec<String> = work
        .iter()
        .flat_map(|(r, _)| {
            [
                r.guardian_external_id.clone(),
                r.student_external_id.clone(),
            ]
        })
        .collect();
    let people_map = resolve(conn, ctx, EntityKind::Person, &person_refs).await?;
    let locals: Vec<String> = people_map.values().cloned().collect();
    let mut roles: HashMap<String, HashSet<Role>> = HashMap::new();
    for r in people::roles_of(conn, &locals).await? {
        roles.entry(r.person_id).or_default().insert(r.role);
    }
    let guardians: Vec<String> = work
        .iter()
        .filter_map(|(r, _)| people_map.get(&r.guardian_external_id).cloned())
        .collect();
    let students: Vec<String> = work
        .iter()
        .filter_map(|(r, _)| people_map.get(&r.student_external_id).cloned())
        .collect();
    let mut existing: HashMap<(String, String), Relationship> =
        relationships::between(conn, &guardians, &students)
            .await?
            .into_iter()
            .map(|r| ((r.guardian_id.clone(), r.student_id.clone()), r))
            .collect();

    let run = ctx.run_id.clone();
    let now = now_micros();
    let mut new_rows: Vec<Relationship> = Vec::new();
    let mut touched_students: Vec<String> = Vec::new();
    // Changed links, grouped by their new SIS fields: one statement per group.
    let mut updates: HashMap<(RelationshipKind, Option<bool>), Vec<String>> = HashMap::new();
    for (rel, hash) in work {
        let ext = rel.external_id();
        let (Some(guardian), Some(student)) = (
            people_map.get(&rel.guardian_external_id),
            people_map.get(&rel.student_external_id),
        ) else {
            let missing = if people_map.contains_key(&rel.guardian_external_id) {
                &rel.student_external_id
            } else {
                &rel.guardian_external_id
            };
            ctx.report.reject(
                &run,
                codes::UNKNOWN_REFERENCE,
                EntityKind::Relationship,
                &ext,
                format!("person {missing:?} is not in the roster"),
            );
            continue;
        };
        let guardian_roles = roles.get(guardian).cloned().unwrap_or_default();
        let student_roles = roles.get(student).cloned().unwrap_or_default();
        if !guardian_roles.contains(&Role::Guardian) {
            let what = if guardian_roles.contains(&Role::Teacher) {
                "a teacher"
            } else if guardian_roles.contains(&Role::Student) {
                "a student"
            } else {
                "not a guardian"
            };
            ctx.report.alert_once(
                &run,
                codes::AGENT_NOT_GUARDIAN,
                EntityKind::Relationship,
                &ext,
                format!(
                    "{:?} is listed as a guardian of {:?} but is {what}; no link made",
                    rel.guardian_external_id, rel.student_external_id
                ),
            );
            links.touch(&ext);
            continue;
        }
        if !student_roles.contains(&Role::Student) {
            ctx.report.alert_once(
                &run,
                codes::AGENT_NOT_STUDENT,
                EntityKind::Relationship,
                &ext,
                format!(
                    "{:?} is linked to {:?} as a student but is not one; no link made",
                    rel.guardian_external_id, rel.student_external_id
                ),
            );
            links.touch(&ext);
            continue;
        }
        let key = (guardian.clone(), student.clone());
        match existing.get_mut(&key) {
            Some(row)
                if row.status == RelationshipStatus::Removed
                    && row.removed_by.as_deref() != Some(relationships::REMOVED_BY_SYNC) =>
            {
                ctx.report.alert_once(
                    &run,
                    codes::TOMBSTONED_RELATIONSHIP,
                    EntityKind::Relationship,
                    &ext,
                    "the SIS still sends a link removed by hand; it stays removed until restored",
                );
                links.record(ctx, &ext, &row.id.clone(), &hash);
            }
            Some(row) => {
                let new_kind = if rel.kind_inferred {
                    row.kind
                } else {
                    kind(rel.kind)
                };
                let new_lives = rel.lives_with_student.or(row.lives_with_student);
                if row.status == RelationshipStatus::Active
                    && row.kind == new_kind
                    && row.lives_with_student == new_lives
                {
                    // The SIS restated the link (e.g. from the guardian's side): nothing to write.
                    ctx.report.counts(EntityKind::Relationship).unchanged += 1;
                } else {
                    row.kind = new_kind;
                    row.lives_with_student = new_lives;
                    row.updated_at = now;
                    updates
                        .entry((new_kind, new_lives))
                        .or_default()
                        .push(row.id.clone());
                    ctx.report.counts(EntityKind::Relationship).updated += 1;
                }
                links.record(ctx, &ext, &row.id.clone(), &hash);
            }
            None => {
                let row = Relationship {
                    id: new_id(),
                    district_id: ctx.district_id.clone(),
                    guardian_id: guardian.clone(),
                    student_id: student.clone(),
                    kind: kind(rel.kind),
                    source: RelationshipSource::Sis,
                    source_connector_id: Some(ctx.connector_id.clone()),
                    lives_with_student: rel.lives_with_student,
                    status: RelationshipStatus::Active,
                    removed_by: None,
                    removed_at: None,
                    created_at: now,
                    updated_at: now,
                };
                ctx.report.counts(EntityKind::Relationship).created += 1;
                links.record(ctx, &ext, &row.id, &hash);
                touched_students.push(student.clone());
                existing.insert(key, row.clone());
                new_rows.push(row);
            }
        }
    }
    for ((kind, lives), ids) in &updates {
        relationships::update_many_from_sis(conn, ids, *kind, *lives, now).await?;
    }
    relationships::insert(conn, &new_rows).await?;
    links.flush(conn, ctx).await?;
    flag_many_guardians(conn, ctx, &touched_students).await
}

/// Alerts for links the SIS still sends although a person removed them by hand.
async fn alert_tombstones(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    still_sent: &[(String, String)],
) -> ApplyResult<()> {
    if still_sent.is_empty() {
        return Ok(());
    }
    let locals: Vec<String> = still_sent.iter().map(|(l, _)| l.clone()).collect();
    let tombstoned = relationships::tombstoned_among(conn, &locals).await?;
    let run = ctx.run_id.clone();
    for (local, ext) in still_sent {
        if tombstoned.contains(local) {
            ctx.report.alert_once(
                &run,
                codes::TOMBSTONED_RELATIONSHIP,
                EntityKind::Relationship,
                ext,
                "the SIS still sends a link removed by hand; it stays removed until restored",
            );
        }
    }
    Ok(())
}

async fn flag_many_guardians(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    students: &[String],
) -> ApplyResult<()> {
    let mut students = students.to_vec();
    students.sort();
    students.dedup();
    let counts = relationships::active_guardian_counts(conn, &students).await?;
    let run = ctx.run_id.clone();
    for (student, n) in counts {
        if n >= MANY_GUARDIANS {
            ctx.report.alert_once(
                &run,
                codes::MANY_GUARDIANS,
                EntityKind::Person,
                &student,
                format!("student {student} has {n} guardians"),
            );
        }
    }
    Ok(())
}
