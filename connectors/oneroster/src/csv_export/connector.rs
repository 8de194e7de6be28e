//! The OneRoster CSV connector.

use async_trait::async_trait;
use homeroom_connector_core::{Connector, ConnectorError, ConnectorKind, SyncStream};

use super::config::CsvConfig;
use super::export::Export;
use super::files::CsvFile;
use super::info::ExportInfo;
use super::run::{CsvRun, Purpose};
use super::stream::{Job, page_stream};
use crate::report::{ImportReport, LatestReport, ReportHandle};

/// Reads a OneRoster 1.1 or 1.2 CSV export: a folder or a `.zip` (kind
/// [`ConnectorKind::OneRosterCsv`], configuration [`CsvConfig`]).
///
/// * [`Connector::full_snapshot`] reads a **bulk** export (no file declared `delta`); a delta
///   export is refused with [`ConnectorError::Config`], because a full snapshot lets the sync
///   engine archive whatever it did not contain. An export without usable orgs or users is
///   [`ConnectorError::EmptyRoster`].
/// * [`Connector::delta`] reads any export as a change set: rows of bulk files are upserts,
///   rows of delta files carry their status and their `tobedeleted` rows become
///   [`homeroom_connector_core::Deleted`] records at the end. The cursor is ignored and none is
///   reported: the export itself is the change set.
///
/// OneRoster 1.2 roles come from `roles.csv`, which is read first into a map
/// `userSourcedId → roles` held for the run (every other file is streamed); a user without a
/// usable role row is rejected, so in a 1.2 delta a changed user must come with its role rows.
///
/// Records come in the crate's record order contract; rejected rows and warnings go to
/// [`OneRosterCsv::last_report`].
#[derive(Debug)]
pub struct OneRosterCsv {
    config: CsvConfig,
    latest: LatestReport,
}

impl OneRosterCsv {
    /// A connector for `config`.
    pub fn new(config: CsvConfig) -> Self {
        Self {
            config,
            latest: LatestReport::default(),
        }
    }

    /// A connector from its JSON configuration (`{"path": …}`).
    pub fn from_json(config: serde_json::Value) -> Result<Self, ConnectorError> {
        CsvConfig::from_json(config).map(Self::new)
    }

    /// The configuration.
    pub fn config(&self) -> &CsvConfig {
        &self.config
    }

    /// The report of the latest snapshot or delta (live while it streams), if one was started.
    pub fn last_report(&self) -> Option<ImportReport> {
        self.latest.get()
    }

    /// Reads the manifest and file list (not the data): version, bulk or delta, file modes.
    pub async fn inspect(&self) -> Result<ExportInfo, ConnectorError> {
        let path = self.config.path.clone();
        blocking(move || {
            let export = Export::open(&path, &ReportHandle::discard())?;
            Ok(ExportInfo {
                version: export.version(),
                mode: export.export_mode(),
                has_manifest: export.has_manifest(),
                files: CsvFile::DATA
                    .into_iter()
                    .map(|f| (export.file_name(f), export.mode(f)))
                    .collect(),
            })
        })
        .await
    }

    fn stream(&self, purpose: Purpose) -> SyncStream<'static> {
        let report = self.latest.start();
        let path = self.config.path.clone();
        let run_report = report.clone();
        let job: Job = Box::new(move |sink| {
            let export = Export::open(&path, &run_report)?;
            CsvRun::new(&export, &run_report, purpose).run(sink)
        });
        SyncStream::without_cursor(page_stream(job, self.config.page_size, report))
    }
}

/// Runs blocking file work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ConnectorError> + Send + 'static,
) -> Result<T, ConnectorError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ConnectorError::Other(format!("the OneRoster CSV reader failed: {e}")))?
}

#[async_trait]
impl Connector for OneRosterCsv {
    fn kind(&self) -> ConnectorKind {
        ConnectorKind::OneRosterCsv
    }

    /// Checks that the path is a readable folder or zip with a readable manifest.
    async fn test_credentials(&self) -> Result<(), ConnectorError> {
        self.inspect().await.map(|_| ())
    }

    fn full_snapshot(&self) -> SyncStream<'_> {
        self.stream(Purpose::Full)
    }

    fn supports_delta(&self) -> bool {
        true
    }

    fn delta(&self, _cursor: Option<&str>) -> SyncStream<'_> {
        self.stream(Purpose::Delta)
    }
}
