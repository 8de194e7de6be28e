//! Enrollments: class and person must resolve (else the record is rejected); manual enrollments
//! are never changed by sync.

use std::collections::HashMap;

use homeroom_connector_core::{self as core, EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::enums::{EnrollmentRole, RecordSource, Status};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::Enrollment;
use homeroom_schema::store::classes;

use crate::apply::links::Seen;
use crate::apply::orgs::typed;
use crate::apply::{ApplyResult, Links, resolve};
use crate::context::RunCtx;
use crate::report::codes;

fn role(r: core::EnrollmentRole) -> EnrollmentRole {
    match r {
        core::EnrollmentRole::Student => EnrollmentRole::Student,
        core::EnrollmentRole::Teacher => EnrollmentRole::Teacher,
        core::EnrollmentRole::Aide => EnrollmentRole::Aide,
    }
}

/// Applies enrollment records.
pub async fn apply(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Enrollment(e) => Some(e),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(e, _)| e.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Enrollment, &ids).await?;
    let mut work = Vec::new();
    for (e, hash) in recs {
        match links.classify(ctx, &e.external_id, &hash) {
            Seen::Unchanged => ctx.report.counts(EntityKind::Enrollment).unchanged += 1,
            Seen::Duplicate => {}
            Seen::Changed(_) => work.push((e, hash)),
        }
    }
    if work.is_empty() {
        return links.flush(conn, ctx).await;
    }
    let class_refs: Vec<String> = work
        .iter()
        .map(|(e, _)| e.class_external_id.clone())
        .collect();
    let user_refs: Vec<String> = work
        .iter()
        .map(|(e, _)| e.user_external_id.clone())
        .collect();
    let class_map = resolve(conn, ctx, EntityKind::Class, &class_refs).await?;
    let user_map = resolve(conn, ctx, EntityKind::Person, &user_refs).await?;
    let pairs: Vec<(String, String)> = work
        .iter()
        .filter_map(|(e, _)| {
            Some((
                class_map.get(&e.class_external_id)?.clone(),
                user_map.get(&e.user_external_id)?.clone(),
            ))
        })
        .collect();
    let mut existing: HashMap<(String, String, EnrollmentRole), Enrollment> =
        classes::enrollments_between(conn, &pairs)
            .await?
            .into_iter()
            .map(|e| ((e.class_id.clone(), e.person_id.clone(), e.role), e))
            .collect();
    let run = ctx.run_id.clone();
    let now = now_micros();
    let mut new_rows = Vec::new();
    for (e, hash) in work {
        let (Some(class), Some(person)) = (
            class_map.get(&e.class_external_id),
            user_map.get(&e.user_external_id),
        ) else {
            let what = if class_map.contains_key(&e.class_external_id) {
                format!("user {:?}", e.user_external_id)
            } else {
                format!("class {:?}", e.class_external_id)
            };
            ctx.report.reject(
                &run,
                codes::UNKNOWN_REFERENCE,
                EntityKind::Enrollment,
                &e.external_id,
                format!("{what} is not in the roster; enrollment rejected"),
            );
            continue;
        };
        let key = (class.clone(), person.clone(), role(e.role));
        match existing.get_mut(&key) {
            Some(row) if row.source == RecordSource::Manual => {
                // A teacher added this person by hand: sync leaves it as it is.
                ctx.report.counts(EntityKind::Enrollment).unchanged += 1;
                links.record(ctx, &e.external_id, &row.id.clone(), &hash);
            }
            Some(row) => {
                row.is_primary = e.primary;
                row.begin_date = e.begin_date.map(|d| d.to_string());
                row.end_date = e.end_date.map(|d| d.to_string());
                row.status = Status::Active;
                row.updated_at = now;
                classes::update_enrollment_sis(conn, row).await?;
                ctx.report.counts(EntityKind::Enrollment).updated += 1;
                links.record(ctx, &e.external_id, &row.id.clone(), &hash);
            }
            None => {
                let row = Enrollment {
                    id: new_id(),
                    district_id: ctx.district_id.clone(),
                    class_id: class.clone(),
                    person_id: person.clone(),
                    role: key.2,
                    is_primary: e.primary,
                    begin_date: e.begin_date.map(|d| d.to_string()),
                    end_date: e.end_date.map(|d| d.to_string()),
                    source: RecordSource::Sis,
                    status: Status::Active,
                    created_at: now,
                    updated_at: now,
                };
                ctx.report.counts(EntityKind::Enrollment).created += 1;
                links.record(ctx, &e.external_id, &row.id, &hash);
                existing.insert(key, row.clone());
                new_rows.push(row);
            }
        }
    }
    classes::insert_enrollments(conn, &new_rows).await?;
    links.flush(conn, ctx).await
}
