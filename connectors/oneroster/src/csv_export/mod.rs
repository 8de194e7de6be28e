//! The OneRoster CSV connector: bulk and delta exports, as a folder or a `.zip`.
//!
//! Reading is streaming throughout ([`table`] wraps the `csv` crate over a folder file or a
//! zip entry being decompressed); [`run`] reads the files in the order of the record order
//! contract, reading `users.csv` twice rather than holding it.

mod config;
mod connector;
mod export;
pub(crate) mod files;
mod info;
mod manifest;
pub(crate) mod mode;
mod role_map;
pub(crate) mod rows;
mod run;
mod sink;
mod source;
mod stream;
pub(crate) mod table;

pub use config::CsvConfig;
pub use connector::OneRosterCsv;
pub use info::ExportInfo;
pub use mode::{ExportMode, FileMode};

#[cfg(any(test, feature = "fake", feature = "fuzz"))]
pub(crate) use export::Export;
#[cfg(any(test, feature = "fuzz"))]
pub(crate) use run::Purpose;
#[cfg(any(test, feature = "fake", feature = "fuzz"))]
pub(crate) use sink::Halt;

/// Reads `export` into `sink` as the connector does (for the fuzz targets).
#[cfg(any(test, feature = "fuzz"))]
pub(crate) fn run_export(
    export: &Export,
    report: &crate::report::ReportHandle,
    purpose: Purpose,
    sink: &mut dyn sink::RecordSink,
) -> Result<(), Halt> {
    run::CsvRun::new(export, report, purpose).run(sink)
}
