//! Orgs, terms and courses: small, flat entities with optional parent references.

use homeroom_connector_core::{self as core, EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::enums::{OrgType, Status};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{Course, Org, Term};
use homeroom_schema::store::orgs;

use crate::apply::{ApplyResult, Links, resolve};
use crate::context::RunCtx;
use crate::report::codes;

/// Splits a group into (record, content hash) pairs of one type.
pub(super) fn typed<T>(group: Vec<Record>, pick: fn(Record) -> Option<T>) -> Vec<(T, String)> {
    group
        .into_iter()
        .filter_map(|r| {
            let hash = r.content_hash().to_hex();
            pick(r).map(|t| (t, hash))
        })
        .collect()
}

/// Resolves an optional reference, raising an alert when it is given but unknown.
pub(super) fn optional_ref(
    ctx: &mut RunCtx,
    resolved: &std::collections::HashMap<String, String>,
    kind: EntityKind,
    external_id: &str,
    what: &str,
    target: Option<&str>,
) -> Option<String> {
    let target = target.filter(|t| !t.is_empty())?;
    match resolved.get(target) {
        Some(local) => Some(local.clone()),
        None => {
            let run = ctx.run_id.clone();
            ctx.report.issue(
                &run,
                homeroom_schema::enums::Severity::Alert,
                codes::UNRESOLVED_OPTIONAL_REFERENCE,
                Some(kind),
                Some(external_id),
                format!("{what} {target:?} is unknown; the record is kept without it"),
            );
            None
        }
    }
}

fn org_type(t: core::OrgType) -> OrgType {
    match t {
        core::OrgType::School => OrgType::School,
        core::OrgType::District => OrgType::District,
        _ => OrgType::Other,
    }
}

/// Applies org records.
pub async fn apply_orgs(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Org(o) => Some(o),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(o, _)| o.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Org, &ids).await?;
    let parents: Vec<String> = recs
        .iter()
        .filter_map(|(o, _)| o.parent_external_id.clone())
        .collect();
    // Orgs of this batch resolve each other (a school listed before or after its district).
    for (o, _) in &recs {
        let local = links
            .local_id(&o.external_id)
            .map(str::to_owned)
            .unwrap_or_else(new_id);
        ctx.remember(EntityKind::Org, &o.external_id, &local);
    }
    let resolved = resolve(conn, ctx, EntityKind::Org, &parents).await?;
    let mut new_rows = Vec::new();
    for (o, hash) in recs {
        let seen = links.classify(ctx, &o.external_id, &hash);
        let existing = match seen {
            super::links::Seen::Unchanged => {
                ctx.report.counts(EntityKind::Org).unchanged += 1;
                continue;
            }
            super::links::Seen::Duplicate => continue,
            super::links::Seen::Changed(existing) => existing,
        };
        let local = ctx
            .recall(EntityKind::Org, &o.external_id)
            .cloned()
            .unwrap_or_else(new_id);
        let parent = optional_ref(
            ctx,
            &resolved,
            EntityKind::Org,
            &o.external_id,
            "parent org",
            o.parent_external_id.as_deref(),
        )
        .filter(|p| *p != local);
        let now = now_micros();
        let row = Org {
            id: local.clone(),
            district_id: ctx.district_id.clone(),
            name: o.name.clone(),
            identifier: o.identifier.clone(),
            org_type: org_type(o.org_type),
            parent_id: parent,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        if existing.is_some() {
            orgs::update_org(conn, &row).await?;
            ctx.report.counts(EntityKind::Org).updated += 1;
        } else {
            new_rows.push(row);
            ctx.report.counts(EntityKind::Org).created += 1;
        }
        links.record(ctx, &o.external_id, &local, &hash);
    }
    orgs::insert(conn, &new_rows).await?;
    links.flush(conn, ctx).await
}

/// Applies academic-session records.
pub async fn apply_terms(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Term(t) => Some(t),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(t, _)| t.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Term, &ids).await?;
    for (t, _) in &recs {
        let local = links
            .local_id(&t.external_id)
            .map(str::to_owned)
            .unwrap_or_else(new_id);
        ctx.remember(EntityKind::Term, &t.external_id, &local);
    }
    let parents: Vec<String> = recs
        .iter()
        .filter_map(|(t, _)| t.parent_external_id.clone())
        .collect();
    let resolved = resolve(conn, ctx, EntityKind::Term, &parents).await?;
    let mut new_rows = Vec::new();
    for (t, hash) in recs {
        let existing = match links.classify(ctx, &t.external_id, &hash) {
            super::links::Seen::Unchanged => {
                ctx.report.counts(EntityKind::Term).unchanged += 1;
                continue;
            }
            super::links::Seen::Duplicate => continue,
            super::links::Seen::Changed(existing) => existing,
        };
        let local = ctx
            .recall(EntityKind::Term, &t.external_id)
            .cloned()
            .unwrap_or_else(new_id);
        let parent = optional_ref(
            ctx,
            &resolved,
            EntityKind::Term,
            &t.external_id,
            "parent session",
            t.parent_external_id.as_deref(),
        )
        .filter(|p| *p != local);
        let now = now_micros();
        let row = Term {
            id: local.clone(),
            district_id: ctx.district_id.clone(),
            title: t.title.clone(),
            term_type: Some(t.kind.as_str().to_owned()),
            start_date: t.start_date.map(|d| d.to_string()),
            end_date: t.end_date.map(|d| d.to_string()),
            parent_id: parent,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        if existing.is_some() {
            orgs::update_term(conn, &row).await?;
            ctx.report.counts(EntityKind::Term).updated += 1;
        } else {
            new_rows.push(row);
            ctx.report.counts(EntityKind::Term).created += 1;
        }
        links.record(ctx, &t.external_id, &local, &hash);
    }
    orgs::insert_terms(conn, &new_rows).await?;
    links.flush(conn, ctx).await
}

/// Applies course records.
pub async fn apply_courses(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    group: Vec<Record>,
) -> ApplyResult<()> {
    let recs = typed(group, |r| match r {
        Record::Course(c) => Some(c),
        _ => None,
    });
    let ids: Vec<String> = recs.iter().map(|(c, _)| c.external_id.clone()).collect();
    let mut links = Links::load(conn, ctx, EntityKind::Course, &ids).await?;
    let org_refs: Vec<String> = recs
        .iter()
        .filter_map(|(c, _)| c.org_external_id.clone())
        .collect();
    let orgs_resolved = resolve(conn, ctx, EntityKind::Org, &org_refs).await?;
    let mut new_rows = Vec::new();
    for (c, hash) in recs {
        let existing = match links.classify(ctx, &c.external_id, &hash) {
            super::links::Seen::Unchanged => {
                ctx.report.counts(EntityKind::Course).unchanged += 1;
                if let Some(local) = links.local_id(&c.external_id).map(str::to_owned) {
                    ctx.remember(EntityKind::Course, &c.external_id, &local);
                }
                continue;
            }
            super::links::Seen::Duplicate => continue,
            super::links::Seen::Changed(existing) => existing,
        };
        let local = existing.clone().unwrap_or_else(new_id);
        let org = optional_ref(
            ctx,
            &orgs_resolved,
            EntityKind::Course,
            &c.external_id,
            "org",
            c.org_external_id.as_deref(),
        );
        let now = now_micros();
        let row = Course {
            id: local.clone(),
            district_id: ctx.district_id.clone(),
            org_id: org,
            title: c.title.clone(),
            code: c.code.clone(),
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        if existing.is_some() {
            orgs::update_course(conn, &row).await?;
            ctx.report.counts(EntityKind::Course).updated += 1;
        } else {
            new_rows.push(row);
            ctx.report.counts(EntityKind::Course).created += 1;
        }
        ctx.remember(EntityKind::Course, &c.external_id, &local);
        links.record(ctx, &c.external_id, &local, &hash);
    }
    orgs::insert_courses(conn, &new_rows).await?;
    links.flush(conn, ctx).await
}
