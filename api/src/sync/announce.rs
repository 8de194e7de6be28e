//! What a finished run tells others: notices to teachers and admins, and the
//! `SYNC_RUN_FINISHED` webhook. Never fails the run: a problem here is logged.

use homeroom_schema::Conn;
use homeroom_schema::models::SyncRun;
use serde_json::json;

use crate::error::ApiResult;
use crate::graphql::ids::{NodeKind, encode};
use crate::service::notifications::admins::{self, RunSummary};
use crate::service::notifications::teachers;
use crate::service::webhooks::{self, WebhookEvent};

/// Queues the notices and webhook deliveries of a run that just ended (`initial`: the
/// connector had never synced successfully before it).
pub async fn run_finished(conn: &mut Conn, run: &SyncRun, initial: bool, summary: &RunSummary<'_>) {
    if let Err(e) = announce(conn, run, initial, summary).await {
        tracing::warn!(error = %e, run_id = %run.id, "could not queue the run's notices");
    }
}

async fn announce(
    conn: &mut Conn,
    run: &SyncRun,
    initial: bool,
    summary: &RunSummary<'_>,
) -> ApiResult<()> {
    let teachers = teachers::after_sync(conn, run, initial).await?;
    let admins = admins::sync_summary(conn, run, summary).await?;
    let hooks = webhooks::emit(
        conn,
        &run.district_id,
        WebhookEvent::SyncRunFinished,
        json!({
            "syncRunId": encode(NodeKind::SyncRun, &run.id).0,
            "connectorId": encode(NodeKind::Connector, &run.connector_id).0,
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
