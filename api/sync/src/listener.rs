//! How the engine tells the layers above it that a run ended, without naming them: they
//! implement [`RunListener`] (the service layer queues notices and webhook deliveries).

use homeroom_schema::Conn;
use homeroom_schema::enums::SyncStatus;
use homeroom_schema::models::SyncRun;

/// How a run ended, for those told about it.
#[derive(Debug, Clone)]
pub struct RunSummary<'a> {
    /// Final status.
    pub status: SyncStatus,
    /// Why it failed or was held.
    pub reason: Option<&'a str>,
    /// Errors in the report (records rejected).
    pub errors: usize,
    /// Alerts in the report.
    pub alerts: usize,
}

/// Told when a run has ended and its result is recorded.
#[async_trait::async_trait]
pub trait RunListener: Send + Sync {
    /// Called on a connection of the run's database once the run's status is stored.
    /// `initial`: the connector had never synced successfully before this run. A problem here
    /// never fails the run: implementations log it.
    async fn run_finished(
        &self,
        conn: &mut Conn,
        run: &SyncRun,
        initial: bool,
        summary: &RunSummary<'_>,
    );
}

/// A listener that tells nobody (tools and tests that run the engine alone).
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

#[async_trait::async_trait]
impl RunListener for Silent {
    async fn run_finished(&self, _: &mut Conn, _: &SyncRun, _: bool, _: &RunSummary<'_>) {}
}
