//! Removals: what the SIS stopped sending is archived (never deleted), only after a complete
//! full snapshot or an explicit delete, and a run that would remove too much is held instead.

use homeroom_connector_core::EntityKind;
use homeroom_schema::Conn;
use homeroom_schema::enums::{Severity, Status};
use homeroom_schema::models::SourceLink;
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::store::{classes, links, relationships};

use crate::apply::ApplyResult;
use crate::context::RunCtx;
use crate::report::codes;

/// Order in which removals apply: dependents before what they depend on.
pub const REMOVAL_ORDER: [EntityKind; 7] = [
    EntityKind::Enrollment,
    EntityKind::Relationship,
    EntityKind::Class,
    EntityKind::Course,
    EntityKind::Term,
    EntityKind::Person,
    EntityKind::Org,
];

/// Fewer removals than this never hold a run, whatever the share (tiny rosters).
pub const MIN_HELD_REMOVALS: i64 = 5;

/// What a full snapshot would remove, per kind: (kind, not seen, live links).
#[derive(Debug, Clone, Default)]
pub struct Plan(pub Vec<(EntityKind, i64, i64)>);

impl Plan {
    /// Counts the links this run did not see.
    pub async fn compute(conn: &mut Conn, ctx: &RunCtx) -> ApplyResult<Plan> {
        let mut out = Vec::new();
        for kind in REMOVAL_ORDER {
            let live = links::count_live(conn, &ctx.connector_id, kind.as_str()).await?;
            // A kind this run linked from nothing has no link the run did not see; counting
            // them is an anti-join over every link of the kind (a second apiece at 500k).
            let unseen = if ctx.first_import.is_fresh(kind) {
                0
            } else {
                links::count_unseen(conn, &ctx.connector_id, kind.as_str(), &ctx.run_id).await?
            };
            out.push((kind, unseen, live));
        }
        Ok(Plan(out))
    }

    /// Why the plan must be held, if it removes more than `threshold_pct` of any kind.
    pub fn hold_reason(&self, threshold_pct: f64) -> Option<String> {
        self.0
            .iter()
            .filter(|(_, unseen, live)| {
                *unseen >= MIN_HELD_REMOVALS
                    && (*unseen as f64) * 100.0 > threshold_pct * (*live as f64)
            })
            .map(|(kind, unseen, live)| {
                format!(
                    "would remove {unseen} of {live} {} records, more than the {threshold_pct}% threshold",
                    kind.as_str()
                )
            })
            .reduce(|a, b| format!("{a}; {b}"))
    }

    /// Total records the plan removes.
    pub fn total(&self) -> i64 {
        self.0.iter().map(|(_, n, _)| n).sum()
    }

    /// Removes what the plan counted, skipping kinds with nothing to remove (each listing is a
    /// scan of the kind's live links, the slowest part of finishing an unchanged re-sync).
    pub async fn apply(&self, conn: &mut Conn, ctx: &mut RunCtx) -> ApplyResult<()> {
        let mut kinds = Vec::new();
        for (kind, unseen, _) in &self.0 {
            if *unseen > 0 {
                kinds.push(*kind);
            }
        }
        apply_kinds(conn, ctx, &kinds).await
    }
}

/// Lists every record a held run would remove as an alert.
pub async fn list_would_remove(conn: &mut Conn, ctx: &mut RunCtx) -> ApplyResult<()> {
    let run = ctx.run_id.clone();
    for kind in REMOVAL_ORDER {
        let mut after: Option<String> = None;
        loop {
            let page = links::unseen(
                conn,
                &ctx.connector_id,
                kind.as_str(),
                &ctx.run_id,
                after.as_deref(),
                2_000,
            )
            .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id.clone());
            for link in &page {
                ctx.report.issue(
                    &run,
                    Severity::Alert,
                    codes::WOULD_REMOVE,
                    Some(kind),
                    Some(&link.external_id),
                    format!("{} {} would be removed", kind.as_str(), link.external_id),
                );
            }
        }
    }
    Ok(())
}

/// Removes everything the run did not see (after a complete full snapshot, or a confirmed hold).
pub async fn apply_all(conn: &mut Conn, ctx: &mut RunCtx) -> ApplyResult<()> {
    apply_kinds(conn, ctx, &REMOVAL_ORDER).await
}

/// Removes the unseen records of `kinds`, in the order given.
async fn apply_kinds(conn: &mut Conn, ctx: &mut RunCtx, kinds: &[EntityKind]) -> ApplyResult<()> {
    for &kind in kinds {
        loop {
            let page = links::unseen(
                conn,
                &ctx.connector_id,
                kind.as_str(),
                &ctx.run_id,
                None,
                2_000,
            )
            .await?;
            if page.is_empty() {
                break;
            }
            remove(conn, ctx, kind, &page).await?;
        }
    }
    Ok(())
}

/// Removes the local rows behind `gone` (links of one kind) and marks the links removed.
pub async fn remove(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    kind: EntityKind,
    gone: &[SourceLink],
) -> ApplyResult<()> {
    let locals: Vec<String> = gone.iter().map(|l| l.local_id.clone()).collect();
    let archived = match kind {
        EntityKind::Enrollment => classes::end_sis_enrollments(conn, &locals).await?,
        EntityKind::Relationship => {
            // A link the SIS now names under another id (a Clever contact re-created with a new
            // id points at the same guardian) still holds the relationship.
            let gone_ids: Vec<String> = gone.iter().map(|l| l.id.clone()).collect();
            let relinked = links::still_linked(conn, &locals, &gone_ids).await?;
            let locals: Vec<String> = locals
                .into_iter()
                .filter(|l| !relinked.contains(l))
                .collect();
            let kept = relationships::kept_by_families(conn, &locals).await?;
            let run = ctx.run_id.clone();
            for link in gone.iter().filter(|l| kept.contains(&l.local_id)) {
                ctx.report.alert_once(
                    &run,
                    codes::RELATIONSHIP_KEPT,
                    EntityKind::Relationship,
                    &link.external_id,
                    "the SIS dropped this link, but the family was invited or claimed an account; kept",
                );
            }
            let drop: Vec<String> = locals.into_iter().filter(|l| !kept.contains(l)).collect();
            relationships::remove_by_sync(conn, &drop).await?
        }
        EntityKind::Class => {
            status::set(conn, Archivable::Class, &locals, Status::Archived).await?
        }
        EntityKind::Course => {
            status::set(conn, Archivable::Course, &locals, Status::Archived).await?
        }
        EntityKind::Term => status::set(conn, Archivable::Term, &locals, Status::Archived).await?,
        EntityKind::Org => status::set(conn, Archivable::Org, &locals, Status::Archived).await?,
        EntityKind::Person => {
            let gone_ids: Vec<String> = gone.iter().map(|l| l.id.clone()).collect();
            let kept = links::still_linked(conn, &locals, &gone_ids).await?;
            let archive: Vec<String> = locals.into_iter().filter(|l| !kept.contains(l)).collect();
            status::set(conn, Archivable::Person, &archive, Status::Archived).await?
        }
    };
    ctx.report.counts(kind).archived += archived as u64;
    let ids: Vec<String> = gone.iter().map(|l| l.id.clone()).collect();
    links::mark_removed(conn, &ids).await?;
    Ok(())
}
