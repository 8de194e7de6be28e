//! Connectors and sync runs.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Enum, ID, Json, Object, Result, SimpleObject};
use homeroom_schema::enums as db;
use homeroom_schema::models;
use homeroom_schema::store::sync_runs;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, encode};
use homeroom_service::error::ServiceError;
use homeroom_service::sync::EntityCounts;

/// Kind of SIS connector.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::ConnectorKind")]
pub enum ConnectorKind {
    /// Clever Data API v3.
    Clever,
    /// ClassLink Roster Server (OneRoster 1.1).
    #[graphql(name = "CLASSLINK")]
    ClassLink,
    /// OneRoster 1.1/1.2 REST.
    #[graphql(name = "ONEROSTER_REST")]
    OneRosterRest,
    /// OneRoster CSV files (a folder or a .zip).
    #[graphql(name = "ONEROSTER_CSV")]
    OneRosterCsv,
    /// Aeries SIS API.
    Aeries,
}

/// Full snapshot or delta.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::SyncMode")]
pub enum SyncMode {
    /// A full snapshot; removals apply after a complete one.
    Full,
    /// Changes since the last sync.
    Delta,
}

/// State of a sync run.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::SyncStatus")]
pub enum SyncStatus {
    /// Waiting to run.
    Queued,
    /// Running.
    Running,
    /// Done.
    Succeeded,
    /// Ended by an error; earlier data intact, nothing removed.
    Failed,
    /// Stopped before removing anything; confirm or discard.
    Held,
    /// Stopped (discarded hold, lost lease, or another run was active).
    Aborted,
}

/// Error (record rejected) or alert (accepted but suspect).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::Severity")]
pub enum Severity {
    /// A record was rejected.
    Error,
    /// A record was accepted but looks wrong.
    Alert,
}

/// `totalCount` of a connector's runs.
pub struct RunsCount(pub String);

#[Object]
impl RunsCount {
    /// Runs over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        Ok(sync_runs::count(&mut conn, &self.0)
            .await
            .map_err(ServiceError::from)?)
    }
}

/// `totalCount` of a run's stored issues.
pub struct IssuesCount(String, Option<db::Severity>, Option<String>);

#[Object]
impl IssuesCount {
    /// Issues over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        Ok(
            sync_runs::count_issues(&mut conn, &self.0, self.1, self.2.as_deref())
                .await
                .map_err(ServiceError::from)?,
        )
    }
}

/// A configured SIS connector. Secrets in its configuration are never returned.
pub struct Connector(pub models::Connector);

#[Object]
impl Connector {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Connector, &self.0.id)
    }
    /// Kind.
    async fn kind(&self) -> ConnectorKind {
        self.0.kind.into()
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Configuration without its secrets.
    async fn config(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.config_public).unwrap_or_default())
    }
    /// Whether secret fields are stored (their values are never returned).
    async fn secret_fields_set(&self) -> bool {
        self.0.config_secret.is_some()
    }
    /// Cron schedule.
    async fn schedule(&self) -> Option<&str> {
        self.0.schedule.as_deref()
    }
    /// Whether it syncs.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Last successful sync (RFC 3339).
    async fn last_success_at(&self) -> Option<String> {
        self.0.last_success_at.map(crate::time::rfc3339)
    }
    /// True when the connector has not synced successfully for 90 days.
    async fn stale(&self) -> bool {
        homeroom_service::sync::is_stale(&self.0)
    }
    /// Runs, newest first.
    async fn sync_runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, SyncRun, RunsCount, EmptyFields>> {
        let page = page_request(first, after.as_deref())?;
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        let rows = sync_runs::list(&mut conn, &self.0.id, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            RunsCount(self.0.id.clone()),
            |r| r.id.clone(),
            SyncRun,
        ))
    }
}

/// Counts of one entity kind in a run.
#[derive(SimpleObject)]
pub struct SyncCounts {
    /// Entity kind (`person`, `class`, `enrollment`, …).
    pub entity: String,
    /// New local rows.
    pub created: i64,
    /// Changed rows.
    pub updated: i64,
    /// Records identical to the last run.
    pub unchanged: i64,
    /// Rows archived because the SIS dropped them.
    pub archived: i64,
    /// Records joined to an existing person by the identity rules.
    pub merged: i64,
    /// Records rejected.
    pub rejected: i64,
}

impl From<&EntityCounts> for SyncCounts {
    fn from(e: &EntityCounts) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        SyncCounts {
            entity: e.entity.clone(),
            created: n(e.counts.created),
            updated: n(e.counts.updated),
            unchanged: n(e.counts.unchanged),
            archived: n(e.counts.archived),
            merged: n(e.counts.merged),
            rejected: n(e.counts.rejected),
        }
    }
}

/// One issue of a run's report.
#[derive(SimpleObject)]
pub struct SyncIssue {
    /// Error or alert.
    pub severity: Severity,
    /// Stable code, e.g. `unknown_reference`, `shared_phone`.
    pub code: String,
    /// Entity kind of the record.
    pub entity_kind: Option<String>,
    /// The record's id in the SIS.
    pub external_id: Option<String>,
    /// What happened.
    pub message: String,
}

/// How many issues of one code a run raised (exact: the stored examples may be capped).
#[derive(SimpleObject)]
pub struct IssueCount {
    /// Stable code, e.g. `invalid_value`, `duplicate_student_number`.
    pub code: String,
    /// Error (records rejected) or alert (accepted but suspect).
    pub severity: Severity,
    /// How many the run raised.
    pub count: i64,
}

/// One sync of one connector and its report.
pub struct SyncRun(pub models::SyncRun);

#[Object]
impl SyncRun {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::SyncRun, &self.0.id)
    }
    /// State.
    async fn status(&self) -> SyncStatus {
        self.0.status.into()
    }
    /// Full or delta.
    async fn mode(&self) -> SyncMode {
        self.0.mode.into()
    }
    /// Whether nothing was changed (report only).
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }
    /// Why it failed or was held.
    async fn message(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When it was queued (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// When it started.
    async fn started_at(&self) -> Option<String> {
        self.0.started_at.map(crate::time::rfc3339)
    }
    /// When it ended.
    async fn finished_at(&self) -> Option<String> {
        self.0.finished_at.map(crate::time::rfc3339)
    }
    /// Counts per entity and action.
    async fn counts(&self) -> Vec<SyncCounts> {
        self.0.counts.0.iter().map(SyncCounts::from).collect()
    }
    /// Number of errors (records rejected), exact.
    async fn error_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        Ok(
            sync_runs::issue_total(&mut conn, &self.0.id, db::Severity::Error)
                .await
                .map_err(ServiceError::from)?,
        )
    }
    /// Number of alerts, exact.
    async fn alert_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        Ok(
            sync_runs::issue_total(&mut conn, &self.0.id, db::Severity::Alert)
                .await
                .map_err(ServiceError::from)?,
        )
    }
    /// Every code the run raised with its exact count: errors first, then the most frequent.
    /// Read this first; `issues(code:)` lists a code's examples (up to 5,000 per code are kept).
    async fn issue_summary(&self, ctx: &Context<'_>) -> Result<Vec<IssueCount>> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        Ok(sync_runs::issue_summary(&mut conn, &self.0.id)
            .await
            .map_err(ServiceError::from)?
            .into_iter()
            .map(|c| IssueCount {
                code: c.code,
                severity: c.severity.into(),
                count: c.count,
            })
            .collect())
    }
    /// Errors and alerts kept as examples, in the order they were found; `code` picks one code.
    async fn issues(
        &self,
        ctx: &Context<'_>,
        severity: Option<Severity>,
        code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, SyncIssue, IssuesCount, EmptyFields>> {
        let page = page_request(first, after.as_deref())?;
        let severity = severity.map(Into::into);
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        let rows = sync_runs::issues(&mut conn, &self.0.id, severity, code.as_deref(), &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            IssuesCount(self.0.id.clone(), severity, code),
            |i| i.id.clone(),
            |i| SyncIssue {
                severity: i.severity.into(),
                code: i.code,
                entity_kind: i.entity_kind,
                external_id: i.external_id,
                message: i.message,
            },
        ))
    }
}
