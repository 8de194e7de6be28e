//! What a finished run tells others: notices to teachers and admins, and the
//! `SYNC_RUN_FINISHED` webhook. Never fails the run: a problem here is logged.

use homeroom_schema::Conn;
use homeroom_schema::models::SyncRun;
use serde_json::json;

use homeroom_core::ids::{NodeKind, encode};
use homeroom_sync::{RunListener, RunSummary};

use crate::error::ServiceResult;
use crate::notifications::{admins, teachers};
use crate::webhooks::{self, WebhookEvent};

/// Queues the notices and webhook deliveries of a run that just ended.
#[derive(Debug, Clone, Copy, Default)]
pub struct Announcer;

#[async_trait::async_trait]
impl RunListener for Announcer {
    async fn run_finished(
        &self,
        conn: &mut Conn,
        run: &SyncRun,
        initial: bool,
        summary: &RunSummary<'_>,
    ) {
        if let Err(e) = announce(conn, run, initial, summary).await {
            tracing::warn!(error = %e, run_id = %run.id, "could not queue the run's notices");
        }
    }
}

async fn announce(
    conn: &mut Conn,
    run: &SyncRun,
    initial: bool,
    summary: &RunSummary<'_>,
) -> ServiceResult<()> {
    let teachers = teachers::after_sync(conn, run, initial).await?;
    let admins = admins::sync_summary(conn, run, summary).await?;
    let hooks = webhooks::emit(
        conn,
        &run.district_id,
        WebhookEvent::SyncRunFinished,
        json!({
            "syncRunId": encode(NodeKind::SyncRun, &run.id),
            "connectorId": encode(NodeKind::Connector, &run.connector_id),
            "mode": run.mode.as_str().to_ascii_uppercase(),
            "dryRun": run.dry_run,
            "status": summary.status.as_str().to_ascii_uppercase(),
            "errors": summary.errors,
            "alerts": summary.alerts,
        }),
    )
    .await?;
    tracing::info!(teachers, admins, webhooks = hooks, "run announced");
    Ok(())
}
