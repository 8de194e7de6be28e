//! Classes: SIS fields only; local title, join code and claims are never touched.

use homeroom_connector_core::{EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::enums::Status;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::Class;
use homeroom_schema::store::classes;

use crate::apply::links::Seen;
use crate::apply::orgs::{optional_ref, typed};
use crate::apply::{ApplyResult, Links, resolve};
use crate::context::RunCtx;

/// Applies class records.
pub async fn apply(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Class(c) => Some(c),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(c, _)| c.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Class, &ids).await?;
    let schools: Vec<String> = recs
        .iter()
        .map(|(c, _)| c.school_external_id.clone())
        .collect();
    let courses: Vec<String> = recs
        .iter()
        .filter_map(|(c, _)| c.course_external_id.clone())
        .collect();
    let terms: Vec<String> = recs
        .iter()
        .filter_map(|(c, _)| c.term_external_ids.first().cloned())
        .collect();
    let schools = resolve(conn, ctx, EntityKind::Org, &schools).await?;
    let courses = resolve(conn, ctx, EntityKind::Course, &courses).await?;
    let terms = resolve(conn, ctx, EntityKind::Term, &terms).await?;
    let mut new_rows = Vec::new();
    for (c, hash) in recs {
        let existing = match links.classify(ctx, &c.external_id, &hash) {
            Seen::Unchanged => {
                ctx.report.counts(EntityKind::Class).unchanged += 1;
                if let Some(local) = links.local_id(&c.external_id).map(str::to_owned) {
                    ctx.remember(EntityKind::Class, &c.external_id, &local);
                }
                continue;
            }
            Seen::Duplicate => continue,
            Seen::Changed(existing) => existing,
        };
        let local = existing.clone().unwrap_or_else(new_id);
        let id = c.external_id.as_str();
        let school = optional_ref(
            ctx,
            &schools,
            EntityKind::Class,
            id,
            "school",
            Some(&c.school_external_id),
        );
        let course = optional_ref(
            ctx,
            &courses,
            EntityKind::Class,
            id,
            "course",
            c.course_external_id.as_deref(),
        );
        let term = optional_ref(
            ctx,
            &terms,
            EntityKind::Class,
            id,
            "term",
            c.term_external_ids.first().map(String::as_str),
        );
        let now = now_micros();
        let row = Class {
            id: local.clone(),
            district_id: ctx.district_id.clone(),
            school_id: school,
            course_id: course,
            term_id: term,
            sis_title: c.title.clone(),
            local_title: None,
            class_code: c.class_code.clone(),
            join_code: None,
            status: Status::Active,
            claimed_by: None,
            claimed_at: None,
            created_at: now,
            updated_at: now,
        };
        if existing.is_some() {
            classes::update_sis(conn, &row).await?;
            ctx.report.counts(EntityKind::Class).updated += 1;
        } else {
            new_rows.push(row);
            ctx.report.counts(EntityKind::Class).created += 1;
        }
        ctx.remember(EntityKind::Class, &c.external_id, &local);
        links.record(ctx, &c.external_id, &local, &hash);
    }
    classes::insert(conn, &new_rows).await?;
    links.flush(conn, ctx).await
}
