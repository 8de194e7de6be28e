//! Subscriptions (over WebSocket at `/graphql/ws`; the bearer token goes in the connection's
//! init payload as `{"Authorization": "Bearer …"}` or `{"token": "…"}`).

use std::time::Duration;

use async_graphql::{Context, ID, Result, SimpleObject, Subscription};
use futures::Stream;
use homeroom_schema::enums::SyncStatus as DbStatus;
use homeroom_schema::store::sync_runs;

use crate::context::req;
use crate::ids::{NodeKind, decode_as};
use crate::sync_api::connector_admin;
use crate::types::sync::{SyncCounts, SyncStatus};
use homeroom_service::error::ServiceError;

/// Progress of a sync run.
#[derive(SimpleObject)]
pub struct SyncRunProgress {
    /// State.
    pub status: SyncStatus,
    /// Records processed so far.
    pub records_processed: i64,
    /// Whether the run has ended (this is then the last message).
    pub finished: bool,
    /// Counts so far.
    pub counts: Vec<SyncCounts>,
}

fn progress(run: &homeroom_schema::models::SyncRun) -> SyncRunProgress {
    let counts = &run.counts.0;
    let processed = counts
        .iter()
        .map(|c| i64::try_from(c.counts.records_seen()).unwrap_or(i64::MAX))
        .sum();
    SyncRunProgress {
        status: run.status.into(),
        records_processed: processed,
        finished: !matches!(run.status, DbStatus::Queued | DbStatus::Running),
        counts: counts.iter().map(SyncCounts::from).collect(),
    }
}

/// The subscription root.
#[derive(Default)]
pub struct Subscription;

#[Subscription]
impl Subscription {
    /// Progress of a sync run until it ends (district admins and `connectors:write` partners).
    async fn sync_run_progress(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = SyncRunProgress>> {
        let r = req(ctx);
        let district = connector_admin(r)?.district_id.clone();
        let run_id = decode_as(NodeKind::SyncRun, &id)?;
        let store = r.store.clone();
        {
            let mut conn = store.conn().await.map_err(ServiceError::from)?;
            sync_runs::get(&mut conn, &run_id)
                .await
                .map_err(ServiceError::from)?
                .filter(|run| run.district_id == district)
                .ok_or_else(|| ServiceError::NotFound("sync run".into()))?;
        }
        Ok(async_stream_progress(store, run_id))
    }
}

fn async_stream_progress(
    store: homeroom_schema::Store,
    run_id: String,
) -> impl Stream<Item = SyncRunProgress> {
    futures::stream::unfold((store, run_id, false), |(store, run_id, done)| async move {
        if done {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut conn = store.conn().await.ok()?;
        let run = sync_runs::get(&mut conn, &run_id).await.ok()??;
        drop(conn);
        let p = progress(&run);
        let finished = p.finished;
        Some((p, (store, run_id, finished)))
    })
}
