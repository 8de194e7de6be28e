//! Connector and sync-run queries and mutations: district admins and partner tokens with
//! `connectors:write` only.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, InputObject, Json, Object, Result, SimpleObject};
use homeroom_schema::store::{connectors, sync_runs};

use crate::UserError;
use crate::connection::{build, page_request};
use crate::context::{RequestCtx, req};
use crate::ids::{Cursor, NodeKind, decode_as};
use crate::types::sync::{Connector, ConnectorKind, RunsCount, SyncMode, SyncRun};
use homeroom_service::auth::Principal;
use homeroom_service::connectors::{self as svc, NewConnector};
use homeroom_service::error::{ServiceError, ServiceResult};
use homeroom_service::sync::SyncService;

/// The caller, if they may manage connectors.
pub fn connector_admin(r: &RequestCtx) -> ServiceResult<&Principal> {
    let p = r.principal()?;
    homeroom_service::auth::policy::require_connector_admin(p)?;
    Ok(p)
}

fn sync_service(r: &RequestCtx) -> ServiceResult<&SyncService> {
    r.sync
        .as_ref()
        .ok_or_else(|| ServiceError::Internal("sync service unavailable in this context".into()))
}

async fn load_connector(
    r: &RequestCtx,
    p: &Principal,
    id: &ID,
) -> ServiceResult<homeroom_schema::models::Connector> {
    let row = decode_as(NodeKind::Connector, id)?;
    let mut conn = r.store.conn().await?;
    connectors::get(&mut conn, &p.district_id, &row)
        .await?
        .ok_or_else(|| ServiceError::NotFound("connector".into()))
}

async fn load_run(
    r: &RequestCtx,
    p: &Principal,
    id: &ID,
) -> ServiceResult<homeroom_schema::models::SyncRun> {
    let row = decode_as(NodeKind::SyncRun, id)?;
    let mut conn = r.store.conn().await?;
    sync_runs::get(&mut conn, &row)
        .await?
        .filter(|run| run.district_id == p.district_id)
        .ok_or_else(|| ServiceError::NotFound("sync run".into()))
}

/// Connector and sync queries.
#[derive(Default)]
pub struct SyncQuery;

#[Object]
impl SyncQuery {
    /// The district's connectors.
    async fn connectors(&self, ctx: &Context<'_>) -> Result<Vec<Connector>> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = connectors::list(&mut conn, &p.district_id)
            .await
            .map_err(ServiceError::from)?;
        Ok(rows.into_iter().map(Connector).collect())
    }

    /// One connector.
    async fn connector(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Connector>> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        match load_connector(r, p, &id).await {
            Ok(row) => Ok(Some(Connector(row))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs of a connector, newest first.
    async fn sync_runs(
        &self,
        ctx: &Context<'_>,
        connector_id: ID,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, SyncRun, RunsCount, EmptyFields>> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let connector = load_connector(r, p, &connector_id).await?;
        let page = page_request(first, after.as_deref())?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = sync_runs::list(&mut conn, &connector.id, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            RunsCount(connector.id.clone()),
            |x| x.id.clone(),
            SyncRun,
        ))
    }

    /// One sync run and its report.
    async fn sync_run(&self, ctx: &Context<'_>, id: ID) -> Result<Option<SyncRun>> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        match load_run(r, p, &id).await {
            Ok(run) => Ok(Some(SyncRun(run))),
            Err(ServiceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// A new connector.
#[derive(InputObject)]
pub struct CreateConnectorInput {
    /// Kind.
    pub kind: ConnectorKind,
    /// Name, unique in the district.
    pub name: String,
    /// Configuration (JSON); secret fields are encrypted at rest and never returned.
    pub config: Json<serde_json::Value>,
    /// Cron schedule, e.g. `0 2 * * *`.
    pub schedule: Option<String>,
}

/// Changes to a connector.
#[derive(InputObject)]
pub struct UpdateConnectorInput {
    /// The connector.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New configuration (replaces the old one; secrets may be omitted to keep them).
    pub config: Option<Json<serde_json::Value>>,
    /// New schedule (empty string clears it).
    pub schedule: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// Result of creating or changing a connector.
#[derive(SimpleObject)]
pub struct ConnectorPayload {
    /// The connector (null when refused).
    pub connector: Option<Connector>,
    /// Why the change was refused.
    pub user_errors: Vec<UserError>,
}

impl ConnectorPayload {
    fn from(result: ServiceResult<homeroom_schema::models::Connector>) -> Result<Self> {
        match result {
            Ok(row) => Ok(ConnectorPayload {
                connector: Some(Connector(row)),
                user_errors: Vec::new(),
            }),
            Err(ServiceError::BadUserInput(message)) => Ok(ConnectorPayload {
                connector: None,
                user_errors: vec![UserError::new(None, "INVALID", message)],
            }),
            Err(ServiceError::Refused {
                code,
                field,
                message,
            }) => Ok(ConnectorPayload {
                connector: None,
                user_errors: vec![UserError::new(Some(field), code, message)],
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// Result of testing a connector's credentials.
#[derive(SimpleObject)]
pub struct TestConnectorPayload {
    /// Whether the SIS accepted the credentials.
    pub ok: bool,
    /// What the SIS said, when it refused.
    pub message: Option<String>,
}

/// Connector and sync mutations.
#[derive(Default)]
pub struct SyncMutation;

#[Object]
impl SyncMutation {
    /// Adds a connector (its config is checked by building it).
    async fn create_connector(
        &self,
        ctx: &Context<'_>,
        input: CreateConnectorInput,
    ) -> Result<ConnectorPayload> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?;
        let kind = input.kind.into();
        let mut config = input.config.0;
        if let Err(e) = svc::confine_paths(
            &r.store,
            sync.import_root.as_deref(),
            &p.district_id,
            kind,
            &mut config,
        )
        .await
        {
            return ConnectorPayload::from(Err(e));
        }
        ConnectorPayload::from(
            svc::create(
                &r.store,
                &sync.registry,
                sync.key.as_ref(),
                Some(p),
                NewConnector {
                    district_id: Some(p.district_id.clone()),
                    kind,
                    name: input.name,
                    config,
                    schedule: input.schedule,
                },
            )
            .await,
        )
    }

    /// Changes a connector's name, configuration, schedule or state.
    async fn update_connector(
        &self,
        ctx: &Context<'_>,
        input: UpdateConnectorInput,
    ) -> Result<ConnectorPayload> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?;
        let row = load_connector(r, p, &input.id).await?;
        let mut config = input.config.map(|c| c.0);
        if let Some(config) = config.as_mut()
            && let Err(e) = svc::confine_paths(
                &r.store,
                sync.import_root.as_deref(),
                &p.district_id,
                row.kind,
                config,
            )
            .await
        {
            return ConnectorPayload::from(Err(e));
        }
        ConnectorPayload::from(
            svc::update(
                &r.store,
                &sync.registry,
                sync.key.as_ref(),
                p,
                row,
                svc::ConnectorChanges {
                    name: input.name,
                    config,
                    schedule: input.schedule,
                    enabled: input.enabled,
                },
            )
            .await,
        )
    }

    /// Uploads a OneRoster CSV export (a zip, at most 64 MiB) as the file a `oneroster-csv`
    /// connector reads. It is stored in the district's folder on the server (no path is ever
    /// named by the caller), checked as an export first (a bad file leaves the previous one in
    /// place), and the connector is pointed at it; run a sync to read it.
    async fn upload_roster_file(
        &self,
        ctx: &Context<'_>,
        connector_id: ID,
        file: async_graphql::Upload,
    ) -> Result<ConnectorPayload> {
        use std::io::Read as _;
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?;
        let row = load_connector(r, p, &connector_id).await?;
        let limit = homeroom_service::roster_upload::MAX_UPLOAD_BYTES;
        let mut bytes = Vec::new();
        file.value(ctx)?
            .content
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ServiceError::BadUserInput(format!("cannot read the upload: {e}")))?;
        ConnectorPayload::from(
            homeroom_service::roster_upload::upload(
                &r.store,
                &sync.registry,
                sync.key.as_ref(),
                p,
                sync.import_root.as_deref(),
                row,
                &bytes,
            )
            .await,
        )
    }

    /// Stops a connector from syncing.
    async fn disable_connector(&self, ctx: &Context<'_>, id: ID) -> Result<ConnectorPayload> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?;
        let row = load_connector(r, p, &id).await?;
        ConnectorPayload::from(
            svc::update(
                &r.store,
                &sync.registry,
                sync.key.as_ref(),
                p,
                row,
                svc::ConnectorChanges {
                    enabled: Some(false),
                    ..Default::default()
                },
            )
            .await,
        )
    }

    /// Checks the connector's credentials against its SIS.
    async fn test_connector(&self, ctx: &Context<'_>, id: ID) -> Result<TestConnectorPayload> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?;
        let row = load_connector(r, p, &id).await?;
        let live = svc::build(&sync.registry, sync.key.as_ref(), &row)?;
        Ok(match live.test_credentials().await {
            Ok(()) => TestConnectorPayload {
                ok: true,
                message: None,
            },
            // A status and a fixed reason, never what the remote host said.
            Err(e) => TestConnectorPayload {
                ok: false,
                message: Some(e.public_reason()),
            },
        })
    }

    /// Queues a sync and starts it in the background; follow it with `syncRun(id)`.
    async fn run_sync(
        &self,
        ctx: &Context<'_>,
        connector_id: ID,
        mode: Option<SyncMode>,
        dry_run: Option<bool>,
    ) -> Result<SyncRun> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let sync = sync_service(r)?.clone();
        let row = load_connector(r, p, &connector_id).await?;
        let (_, actor) = p.actor();
        let run = sync
            .queue(
                &p.district_id,
                &row.id,
                mode.unwrap_or(SyncMode::Full).into(),
                dry_run.unwrap_or(false),
                Some(&actor),
            )
            .await?;
        let queued = run.clone();
        tokio::spawn(async move {
            if let Err(e) = sync.execute(&queued).await {
                tracing::warn!(run = %queued.id, error = %e, "sync did not run");
            }
        });
        Ok(SyncRun(run))
    }

    /// Applies the removals a held run listed.
    async fn confirm_hold(&self, ctx: &Context<'_>, sync_run_id: ID) -> Result<SyncRun> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let run = load_run(r, p, &sync_run_id).await?;
        let after = sync_service(r)?
            .confirm_hold(&p.district_id, &run.id)
            .await?;
        Ok(SyncRun(after))
    }

    /// Discards a held run: nothing is removed.
    async fn discard_hold(&self, ctx: &Context<'_>, sync_run_id: ID) -> Result<SyncRun> {
        let r = req(ctx);
        let p = connector_admin(r)?;
        let run = load_run(r, p, &sync_run_id).await?;
        let after = sync_service(r)?
            .discard_hold(&p.district_id, &run.id)
            .await?;
        Ok(SyncRun(after))
    }
}
