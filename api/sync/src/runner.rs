//! Running one sync: stream pages, apply each in its own transaction, then remove what a
//! complete full snapshot no longer holds, or hold the run for an admin.

use futures::StreamExt;
use homeroom_connector_core::{Connector, ConnectorError};
use homeroom_schema::enums::{SyncMode, SyncStatus};
use homeroom_schema::models::SyncRun;
use homeroom_schema::store::{
    connectors, districts, links, planner_stats, sync_runs, transaction_on,
};
use homeroom_schema::{Conn, Store, StoreError};
use tracing::Instrument;

use crate::apply::apply_page;
use crate::context::RunCtx;
use crate::first_import::FirstImport;
use crate::listener::{RunListener, RunSummary};
use crate::removals::{self, Plan};

/// A connector that has not synced successfully for this long raises an alert.
pub const STALE_AFTER_MICROS: i64 = 90 * 24 * 3_600 * 1_000_000;

/// Whether a connector has gone 90 days without a successful sync.
pub fn is_stale(connector: &homeroom_schema::models::Connector) -> bool {
    let since = connector.last_success_at.unwrap_or(connector.created_at);
    homeroom_schema::ids::now_micros() - since > STALE_AFTER_MICROS
}

/// How long a run's lease lasts without renewal; renewed after every page.
pub const LEASE_MICROS: i64 = 5 * 60 * 1_000_000;

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// Applied (or, for a dry run, computed) completely.
    Succeeded,
    /// Stopped before removing anything; an admin must confirm or discard.
    Held(String),
    /// Ended by an error; earlier pages stay applied, nothing was removed.
    Failed(String),
}

impl RunOutcome {
    /// The stored status.
    pub fn status(&self) -> SyncStatus {
        match self {
            RunOutcome::Succeeded => SyncStatus::Succeeded,
            RunOutcome::Held(_) => SyncStatus::Held,
            RunOutcome::Failed(_) => SyncStatus::Failed,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            RunOutcome::Succeeded => None,
            RunOutcome::Held(m) | RunOutcome::Failed(m) => Some(m),
        }
    }
}

/// Executes a claimed run (status running, leased by `owner`) to its end, records the result and
/// tells `listener`.
pub async fn execute_run(
    store: &Store,
    run: &SyncRun,
    owner: &str,
    connector: &dyn Connector,
    cursor: Option<String>,
    listener: &dyn RunListener,
) -> Result<RunOutcome, StoreError> {
    let span = tracing::info_span!(
        "sync_run",
        run_id = %run.id,
        connector_id = %run.connector_id,
        mode = %run.mode,
        dry_run = run.dry_run
    );
    async move {
        let started = std::time::Instant::now();
        let settings = {
            let mut conn = store.conn().await?;
            districts::get(&mut conn, &run.district_id)
                .await?
                .ok_or(StoreError::NotFound)?
                .settings()
        };
        let mut ctx = RunCtx::new(&run.id, &run.connector_id, &run.district_id, settings);
        // An initial sync (the connector never synced successfully) notifies nobody.
        let initial = {
            let mut conn = store.conn().await?;
            let connector_row =
                connectors::get(&mut conn, &run.district_id, &run.connector_id).await?;
            let initial = connector_row
                .as_ref()
                .is_none_or(|c| c.last_success_at.is_none());
            if let Some(c) = connector_row
                && is_stale(&c)
            {
                ctx.report.issue(
                    &run.id,
                    homeroom_schema::enums::Severity::Alert,
                    crate::report::codes::CONNECTOR_STALE,
                    None,
                    None,
                    format!(
                        "connector {} has not synced successfully for 90 days",
                        c.name
                    ),
                );
            }
            initial
        };
        // One connection, in bulk mode, carries the whole run.
        let mut conn = store.bulk_conn().await?;
        if run.dry_run {
            conn.begin().await?;
        }
        ctx.first_import = FirstImport::probe(&mut conn, &run.connector_id).await?;
        let result = drive(store, run, owner, connector, cursor, &mut ctx, &mut conn).await;
        if run.dry_run {
            // A dry run changes nothing: everything it applied is rolled back.
            conn.rollback().await?;
        }
        drop(conn);
        let (outcome, next_cursor) = match result {
            Ok(done) => done,
            Err(e) => {
                tracing::error!(error = %e, "sync run failed on a database error");
                (RunOutcome::Failed(format!("database error: {e}")), None)
            }
        };
        let mut conn = store.conn().await?;
        ctx.report.flush(&mut conn, &run.id).await?;
        sync_runs::finish(
            &mut conn,
            &run.id,
            outcome.status(),
            &ctx.report.entity_counts(),
            outcome.message(),
            next_cursor.as_deref(),
        )
        .await?;
        if outcome == RunOutcome::Succeeded && !run.dry_run {
            connectors::record_success(&mut conn, &run.connector_id, next_cursor.as_deref())
                .await?;
        }
        links::forget_seen(&mut conn).await?;
        let summary = RunSummary {
            status: outcome.status(),
            reason: outcome.message(),
            errors: usize::try_from(ctx.report.error_count()).unwrap_or(usize::MAX),
            alerts: usize::try_from(ctx.report.alert_count()).unwrap_or(usize::MAX),
        };
        listener
            .run_finished(&mut conn, run, initial, &summary)
            .await;
        tracing::info!(
            status = %outcome.status(),
            errors = ctx.report.error_count(),
            alerts = ctx.report.alert_count(),
            seconds = started.elapsed().as_secs_f64(),
            "sync run finished"
        );
        homeroom_core::metrics::sync_run_finished(outcome.status().as_str(), started.elapsed());
        Ok(outcome)
    }
    .instrument(span)
    .await
}

/// Streams and applies; returns the outcome and the next delta cursor.
async fn drive(
    store: &Store,
    run: &SyncRun,
    owner: &str,
    connector: &dyn Connector,
    cursor: Option<String>,
    ctx: &mut RunCtx,
    conn: &mut Conn,
) -> Result<(RunOutcome, Option<String>), StoreError> {
    let dry = run.dry_run;
    let mut mode = run.mode;
    let mut stream = match mode {
        SyncMode::Full => connector.full_snapshot(),
        SyncMode::Delta => connector.delta(cursor.as_deref()),
    };
    let mut records = 0u64;
    let mut stats = StatsSchedule::new(planner_stats::link_estimate(conn).await?);
    while let Some(item) = stream.next().await {
        let page = match item {
            Ok(page) => page,
            // The change window has passed (or the feed is off) before anything was applied:
            // read everything instead; the run then finishes like a full one.
            Err(ConnectorError::CursorExpired(why)) if mode == SyncMode::Delta && records == 0 => {
                tracing::warn!(reason = %why, "delta cursor unusable; running a full snapshot");
                let run_id = ctx.run_id.clone();
                ctx.report.issue(
                    &run_id,
                    homeroom_schema::enums::Severity::Alert,
                    crate::report::codes::DELTA_FELL_BACK_TO_FULL,
                    None,
                    None,
                    format!("the delta cursor could not be used ({why}); a full snapshot was read instead"),
                );
                mode = SyncMode::Full;
                stream = connector.full_snapshot();
                continue;
            }
            Err(ConnectorError::EmptyRoster(what)) => {
                return Ok((
                    RunOutcome::Held(format!(
                        "the source answered with an empty roster ({what}); nothing was removed"
                    )),
                    None,
                ));
            }
            Err(e) => {
                return Ok((
                    RunOutcome::Failed(format!(
                        "the source failed after {records} records: {e}; earlier data is intact and nothing was removed"
                    )),
                    None,
                ));
            }
        };
        records += page.records.len() as u64;
        homeroom_core::metrics::records_processed(page.records.len() as u64);
        if dry {
            apply_page(conn, ctx, page).await?;
        } else {
            transaction_on(conn, async |conn| {
                apply_page(conn, ctx, page).await?;
                ctx.report.flush(conn, &run.id).await?;
                sync_runs::set_counts(conn, &run.id, &ctx.report.entity_counts()).await?;
                Ok::<_, StoreError>(())
            })
            .await?;
            let mut lease_conn = store.conn().await?;
            if !sync_runs::renew(&mut lease_conn, &run.id, owner, LEASE_MICROS).await? {
                return Ok((
                    RunOutcome::Failed("the run lost its lease to another replica".into()),
                    None,
                ));
            }
            stats.after(conn, ctx.report.written()).await;
        }
    }
    let next_cursor = stream.next_cursor().ok().flatten();
    if mode == SyncMode::Delta {
        return Ok((RunOutcome::Succeeded, next_cursor));
    }
    // A complete full snapshot: remove what it no longer holds, unless that is too much.
    let threshold = ctx.settings.removal_threshold_pct;
    let outcome = if dry {
        finish_full(conn, ctx, threshold).await?
    } else {
        transaction_on(conn, async |conn| finish_full(conn, ctx, threshold).await).await?
    };
    Ok((outcome, next_cursor))
}

/// When a run refreshes the planner statistics of the tables it fills: once it has written
/// 10,000 records or as many as the source links already there, whichever is more, then at
/// each fourfold growth. A first import refreshes them a handful of times even for millions of
/// records; a no-change re-sync or a delta into a large district writes too little to need it
/// (see `store::planner_stats` for why it matters).
struct StatsSchedule {
    next: u64,
}

impl StatsSchedule {
    fn new(links_before: u64) -> Self {
        StatsSchedule {
            next: links_before.max(10_000),
        }
    }

    /// Whether `written` records call for a refresh now (and if so, when the next is due).
    fn due(&mut self, written: u64) -> bool {
        if written < self.next {
            return false;
        }
        while self.next <= written {
            self.next = self.next.saturating_mul(4);
        }
        true
    }

    async fn after(&mut self, conn: &mut Conn, written: u64) {
        if !self.due(written) {
            return;
        }
        // Statistics only steer plans: a refusal (e.g. the role does not own the tables) is
        // worth a warning, never a failed run.
        if let Err(e) = planner_stats::refresh(conn).await {
            tracing::warn!(error = %e, "could not refresh planner statistics");
        }
    }
}

async fn finish_full(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    threshold: f64,
) -> Result<RunOutcome, StoreError> {
    let plan = Plan::compute(conn, ctx).await?;
    if let Some(reason) = plan.hold_reason(threshold) {
        removals::list_would_remove(conn, ctx).await?;
        let run = ctx.run_id.clone();
        ctx.report.issue(
            &run,
            homeroom_schema::enums::Severity::Alert,
            crate::report::codes::HELD,
            None,
            None,
            format!("held: {reason}; confirm to remove them or discard"),
        );
        return Ok(RunOutcome::Held(reason));
    }
    plan.apply(conn, ctx).await?;
    Ok(RunOutcome::Succeeded)
}

#[cfg(test)]
mod tests {
    use super::StatsSchedule;

    #[test]
    fn statistics_refresh_as_a_first_import_grows_fourfold() {
        let mut s = StatsSchedule::new(0);
        assert!(!s.due(9_999));
        assert!(s.due(10_000));
        assert!(!s.due(39_999), "next at 40k");
        assert!(s.due(200_000), "past 40k and 160k: one refresh");
        assert!(!s.due(639_999));
        assert!(s.due(640_000));
    }

    #[test]
    fn small_runs_into_large_districts_leave_statistics_alone() {
        // 4.5M links already: a 26k-record delta or a no-change re-sync (nothing written).
        let mut s = StatsSchedule::new(4_500_000);
        assert!(!s.due(0));
        assert!(!s.due(26_000));
        assert!(
            s.due(4_500_000),
            "a run that doubles the district does refresh"
        );
    }
}
