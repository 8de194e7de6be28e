//! Running syncs: queue a run, claim it through the database (one run per connector at a time,
//! across replicas), execute it, and confirm or discard holds.

use std::sync::Arc;

use homeroom_connector_core::Registry;
use homeroom_schema::enums::{SyncMode, SyncStatus};
use homeroom_schema::models::SyncRun;
use homeroom_schema::store::run_lock::RunLock;
use homeroom_schema::store::{connectors, sync_runs};
use homeroom_schema::{Conn, Store, StoreError};

use homeroom_sync::RunListener;
pub use homeroom_sync::report::EntityCounts;
pub use homeroom_sync::runner::{RunOutcome, is_stale};

use crate::announce::Announcer;
use crate::error::{ServiceError, ServiceResult};
use homeroom_core::secrets::SecretKey;
use homeroom_sync::context::RunCtx;
use homeroom_sync::runner::{LEASE_MICROS, execute_run};

/// How long a run, or a hold's confirmation, waits for a run that is ending to release the
/// connector's lock before answering that another sync is running.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
use homeroom_sync::{removals, report::codes};

/// Everything needed to run syncs; cheap to clone.
#[derive(Clone)]
pub struct SyncService {
    /// The database.
    pub store: Store,
    /// Connector kinds.
    pub registry: Arc<Registry>,
    /// Key for connector secrets.
    pub key: Option<SecretKey>,
    /// This replica's lease owner name.
    pub owner: String,
    /// Told when a run ends (notices, webhooks).
    pub listener: Arc<dyn RunListener>,
    /// The only folder file connectors configured over the API may read
    /// (`HOMEROOM_IMPORT_DIR`); `None`: API callers may not configure file connectors.
    pub import_root: Option<std::path::PathBuf>,
}

impl SyncService {
    /// A service for this process.
    pub fn new(store: Store, key: Option<SecretKey>) -> Self {
        let owner = format!(
            "{}-{}-{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "homeroom".into()),
            std::process::id(),
            &homeroom_schema::ids::new_id()[24..]
        );
        SyncService {
            store,
            registry: Arc::new(crate::connectors::registry()),
            key,
            owner,
            listener: Arc::new(Announcer),
            import_root: None,
        }
    }

    /// The same service with file connectors configured over the API confined to `root`
    /// (which the operator creates; while it is missing, no path is accepted).
    #[must_use]
    pub fn with_import_root(mut self, root: std::path::PathBuf) -> Self {
        self.import_root = Some(root);
        self
    }

    /// Queues a run of a connector of `district_id`.
    pub async fn queue(
        &self,
        district_id: &str,
        connector_id: &str,
        mode: SyncMode,
        dry_run: bool,
        requested_by: Option<&str>,
    ) -> ServiceResult<SyncRun> {
        let mut conn = self.store.conn().await?;
        let connector = connectors::get(&mut conn, district_id, connector_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("connector".into()))?;
        if !connector.enabled {
            return Err(ServiceError::BadUserInput(format!(
                "connector {} is disabled",
                connector.name
            )));
        }
        Ok(sync_runs::create(
            &mut conn,
            district_id,
            connector_id,
            mode,
            dry_run,
            requested_by,
        )
        .await?)
    }

    /// Queues and runs the scheduled sync of `connector` that was due since `since` (when its
    /// latest run was queued, or it was created), unless another replica has queued it
    /// meanwhile: every replica's scheduler offers the same occurrence, and only the one that
    /// holds the connector's run lock and still finds no newer run queues it. `None`: not
    /// queued here (another replica ran it, or is running the connector).
    pub async fn run_scheduled(
        &self,
        connector: &homeroom_schema::models::Connector,
        since: i64,
    ) -> ServiceResult<Option<(SyncRun, RunOutcome)>> {
        let Some(lock) = self
            .store
            .lock_runs_within(&connector.id, LOCK_WAIT)
            .await?
        else {
            return Ok(None);
        };
        let latest = {
            let mut conn = self.store.conn().await?;
            sync_runs::latest(&mut conn, &connector.id)
                .await?
                .map_or(connector.created_at, |r| r.created_at)
        };
        if latest != since {
            return Ok(None);
        }
        let mode = if connector.delta_cursor.is_some() {
            SyncMode::Delta
        } else {
            SyncMode::Full
        };
        let run = self
            .queue(
                &connector.district_id,
                &connector.id,
                mode,
                false,
                Some("scheduler"),
            )
            .await?;
        self.execute_locked(&run, lock).await.map(Some)
    }

    /// Claims a queued run and executes it to the end.
    pub async fn execute(&self, run: &SyncRun) -> ServiceResult<(SyncRun, RunOutcome)> {
        // The run lock decides who runs this connector; whoever held it before us is gone,
        // so a run still marked running was interrupted (a crash, kill -9, a lost host).
        let Some(lock) = self
            .store
            .lock_runs_within(&run.connector_id, LOCK_WAIT)
            .await?
        else {
            let mut conn = self.store.conn().await?;
            let message = busy_message(&mut conn, &run.connector_id).await?;
            sync_runs::finish(
                &mut conn,
                &run.id,
                SyncStatus::Aborted,
                &[],
                Some(&message),
                None,
            )
            .await?;
            return Err(ServiceError::BadUserInput(message));
        };
        self.execute_locked(run, lock).await
    }

    /// Executes a queued run while holding its connector's run lock.
    async fn execute_locked(
        &self,
        run: &SyncRun,
        lock: RunLock,
    ) -> ServiceResult<(SyncRun, RunOutcome)> {
        let mut conn = self.store.conn().await?;
        let connector = connectors::get(&mut conn, &run.district_id, &run.connector_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("connector".into()))?;
        for dead in sync_runs::fail_interrupted(&mut conn, &run.connector_id).await? {
            tracing::warn!(
                run_id = %dead.id,
                owner = dead.lease_owner.as_deref().unwrap_or("unknown"),
                "took over from an interrupted sync run"
            );
        }
        let Some(claimed) = sync_runs::claim(&mut conn, &run.id, &self.owner, LEASE_MICROS).await?
        else {
            return Err(ServiceError::BadUserInput(format!(
                "sync run {} is not queued any more",
                run.id
            )));
        };
        drop(conn);
        let live = match crate::connectors::build(&self.registry, self.key.as_ref(), &connector) {
            Ok(live) => live,
            Err(e) => {
                let mut conn = self.store.conn().await?;
                sync_runs::finish(
                    &mut conn,
                    &run.id,
                    SyncStatus::Failed,
                    &[],
                    Some(&e.to_string()),
                    None,
                )
                .await?;
                return Err(e);
            }
        };
        let cursor = match claimed.mode {
            SyncMode::Delta => connector.delta_cursor.clone(),
            SyncMode::Full => None,
        };
        let outcome = execute_run(
            &self.store,
            &claimed,
            &self.owner,
            live.as_ref(),
            cursor,
            self.listener.as_ref(),
        )
        .await?;
        lock.release().await?;
        let mut conn = self.store.conn().await?;
        let after = sync_runs::get(&mut conn, &run.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((after, outcome))
    }

    /// Applies the removals of a held run (it must be the connector's latest run).
    pub async fn confirm_hold(&self, district_id: &str, run_id: &str) -> ServiceResult<SyncRun> {
        let run = self.held_latest(district_id, run_id).await?;
        let _lock = self.lock_idle(&run.connector_id).await?;
        let settings = {
            let mut conn = self.store.conn().await?;
            homeroom_schema::store::districts::get(&mut conn, district_id)
                .await?
                .ok_or(StoreError::NotFound)?
                .settings()
        };
        let mut ctx = RunCtx::new(&run.id, &run.connector_id, &run.district_id, settings);
        let mut counts = run.counts.0.clone();
        self.store
            .transaction(async |conn| {
                removals::apply_all(conn, &mut ctx).await?;
                for (entity, c) in ctx.report.all_counts() {
                    match counts.iter_mut().find(|e| e.entity == *entity) {
                        Some(existing) => existing.counts.archived += c.archived,
                        None => counts.push(EntityCounts {
                            entity: (*entity).to_owned(),
                            counts: *c,
                        }),
                    }
                }
                sync_runs::set_counts(conn, &run.id, &counts).await?;
                ctx.report.flush(conn, &run.id).await?;
                sync_runs::set_status(conn, &run.id, SyncStatus::Held, SyncStatus::Succeeded)
                    .await?;
                connectors::record_success(conn, &run.connector_id, run.delta_cursor.as_deref())
                    .await?;
                Ok::<_, StoreError>(())
            })
            .await?;
        let mut conn = self.store.conn().await?;
        homeroom_schema::store::links::forget_seen(&mut conn).await?;
        Ok(sync_runs::get(&mut conn, run_id)
            .await?
            .ok_or(StoreError::NotFound)?)
    }

    /// Discards a held run: nothing is removed.
    pub async fn discard_hold(&self, district_id: &str, run_id: &str) -> ServiceResult<SyncRun> {
        let run = self.held_latest(district_id, run_id).await?;
        let _lock = self.lock_idle(&run.connector_id).await?;
        let mut conn = self.store.conn().await?;
        let mut report = homeroom_sync::Report::default();
        report.issue(
            &run.id,
            homeroom_schema::enums::Severity::Alert,
            codes::HELD,
            None,
            None,
            "hold discarded: nothing was removed",
        );
        self.store
            .transaction(async |conn| {
                sync_runs::set_status(conn, &run.id, SyncStatus::Held, SyncStatus::Aborted).await?;
                report.flush(conn, &run.id).await
            })
            .await?;
        homeroom_schema::store::links::forget_seen(&mut conn).await?;
        Ok(sync_runs::get(&mut conn, run_id)
            .await?
            .ok_or(StoreError::NotFound)?)
    }

    /// The run lock of a connector with no live run (a hold is confirmed or discarded only
    /// while nothing else writes for that connector).
    async fn lock_idle(&self, connector_id: &str) -> ServiceResult<RunLock> {
        match self.store.lock_runs_within(connector_id, LOCK_WAIT).await? {
            Some(lock) => Ok(lock),
            None => {
                let mut conn = self.store.conn().await?;
                Err(ServiceError::BadUserInput(
                    busy_message(&mut conn, connector_id).await?,
                ))
            }
        }
    }

    async fn held_latest(&self, district_id: &str, run_id: &str) -> ServiceResult<SyncRun> {
        let mut conn = self.store.conn().await?;
        let run = sync_runs::get(&mut conn, run_id)
            .await?
            .filter(|r| r.district_id == district_id)
            .ok_or_else(|| ServiceError::NotFound("sync run".into()))?;
        if run.status != SyncStatus::Held {
            return Err(ServiceError::BadUserInput(format!(
                "sync run is {}, not held",
                run.status
            )));
        }
        let latest = sync_runs::latest(&mut conn, &run.connector_id).await?;
        if latest.map(|l| l.id) != Some(run.id.clone()) {
            return Err(ServiceError::BadUserInput(
                "a newer sync of this connector exists; this hold is stale".into(),
            ));
        }
        Ok(run)
    }
}

/// Why a connector cannot run now: its live run, who runs it and since when.
async fn busy_message(conn: &mut Conn, connector_id: &str) -> ServiceResult<String> {
    Ok(match sync_runs::running(conn, connector_id).await? {
        Some(live) => {
            let since = live.started_at.unwrap_or(live.created_at);
            let minutes = (homeroom_schema::ids::now_micros() - since).max(0) / 60_000_000;
            format!(
                "another sync of this connector is running: run {} ({} {}), started {} min \
                 ago by {}; wait for it to end (it is taken over at once if that process \
                 has died)",
                homeroom_core::ids::encode(homeroom_core::ids::NodeKind::SyncRun, &live.id),
                live.mode,
                if live.dry_run { "dry run" } else { "run" },
                minutes,
                live.lease_owner.as_deref().unwrap_or("an unknown process"),
            )
        }
        None => "another sync of this connector is starting; try again in a moment".into(),
    })
}
