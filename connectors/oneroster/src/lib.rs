//! # homeroom-oneroster
//!
//! The OneRoster 1.1 / 1.2 connectors of Homeroom:
//!
//! * [`OneRosterCsv`] reads a OneRoster CSV export (a folder or a `.zip`), bulk or delta, as
//!   described by its `manifest.csv`;
//! * [`OneRosterRest`] reads a OneRoster REST provider (1.1 signed with OAuth 1.0a HMAC-SHA256,
//!   1.2 with OAuth 2.0 client-credentials tokens), full or delta (`dateLastModified` filter);
//! * [`fake`] (feature `fake`) is a OneRoster REST server on 127.0.0.1 serving a CSV folder,
//!   with switchable faults, for tests.
//!
//! Both connectors turn the wire format into canonical records of
//! [`homeroom_connector_core::records`] and know nothing about the database.
//!
//! ## Record order contract
//!
//! Every stream either connector returns yields its records in this order (the sync engine
//! relies on it, so that references always point backwards):
//!
//! 1. all [`Org`](homeroom_connector_core::Org)s,
//! 2. then [`Term`](homeroom_connector_core::Term)s, then
//!    [`Course`](homeroom_connector_core::Course)s, then
//!    [`Class`](homeroom_connector_core::Class)es,
//! 3. then [`Person`](homeroom_connector_core::Person)s,
//! 4. then [`Relationship`](homeroom_connector_core::Relationship)s,
//! 5. then [`Enrollment`](homeroom_connector_core::Enrollment)s,
//! 6. then [`Deleted`](homeroom_connector_core::Deleted) records (CSV delta files only),
//!    dependents first: enrollments, each user's relationships followed by the user, classes,
//!    courses, terms, orgs.
//!
//! [`RecordStage`] names these stages; [`RecordStage::of`] tells where a record belongs.
//! Records are grouped into pages of a configurable size (default [`DEFAULT_PAGE_SIZE`]); a
//! page may span two stages.
//!
//! ## Rejected rows
//!
//! A file or response that cannot be read at all (bad header, unparsable row, missing required
//! column, broken JSON) ends the stream with [`ConnectorError::Malformed`] naming the file (or
//! endpoint), row and column. A row that can be read but holds a value Homeroom cannot accept
//! (an unknown role, a bad date, a missing class reference) is **rejected**: nothing is emitted
//! for it, it is logged with `tracing::warn!`, and it is recorded as an
//! [`Issue`] of severity [`Severity::Error`] in the connector's [`ImportReport`]
//! (`last_report()` on either connector). Things that are merely suspicious (an unknown column,
//! an ignored bad value, a file the manifest does not declare) are issues of severity
//! [`Severity::Warning`]; the row is kept.
//!
//! ## Reading REST pages
//!
//! A page is read in one pass straight into typed objects (no intermediate JSON tree): the list
//! under the collection's envelope key, any `imsx_StatusInfo` failure in the same body, and
//! nothing else is built. Each property is read leniently (strings, numbers and booleans for
//! text; a GUIDRef or a bare id for references; `null` and blank as absent; a comma-separated
//! string for `grades`); an object holding a property of a type none of these readings fits (a
//! list where text belongs, a number where a list belongs), or an item of the list that is no
//! object, is rejected as a `malformed_object` issue naming the property, and the rest of the
//! page is read. A body that is no JSON object at all fails the page (and the stream).
//!
//! ## Choices where the specifications are silent
//!
//! * A repeated property in a REST object: the last value wins (as a JSON object map keeps it).
//! * A CSV row (the header included) longer than 1 MiB fails the file with an error naming its
//!   row: OneRoster rows are a few hundred bytes, and a longer one is damage or a zip bomb
//!   (tens of megabytes of one cell), refused before it fills memory.
//! * Zip entries are read by their last path segment (`export/users.csv` is `users.csv`) and are
//!   never extracted, so names with `..` or absolute paths are harmless; `__MACOSX/` forks are
//!   skipped.
//! * Values quoted in issues and errors are cut to 100 characters (a rejected cell or property
//!   may be megabytes long); issue messages to 1,000.
//!
//! ## Fuzzing
//!
//! The feature `fuzz` exposes the module `fuzz`: the generators and properties of the CSV and REST
//! readers, which this crate's property tests run a bounded number of times and the
//! `fuzz_parsers` bench of `homeroom-connector-fuzz` runs for as long as asked.
//!
//! [`ConnectorError::Malformed`]: homeroom_connector_core::ConnectorError::Malformed

mod csv_export;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(any(test, feature = "fuzz"))]
pub mod fuzz;
mod mapping;
mod model;
mod register;
mod report;
mod rest;
mod stage;
mod values;
mod version;

pub use crate::csv_export::{CsvConfig, ExportInfo, ExportMode, FileMode, OneRosterCsv};
pub use crate::register::{register, try_register};
pub use crate::report::{CsvReport, ImportReport, Issue, IssueCode, MAX_STORED_ISSUES, Severity};
pub use crate::rest::{
    DEFAULT_DELTA_OVERLAP, DEFAULT_REQUEST_LIMIT, DEFAULT_SCOPE_V1P2, OneRosterRest,
    OneRosterRestConfig, RestCustomization,
};
pub use crate::stage::RecordStage;
pub use crate::version::OneRosterVersion;

/// Records per page unless configured otherwise.
pub const DEFAULT_PAGE_SIZE: usize = 5_000;
