//! What a run rejected or found suspicious, for the sync report.
//!
//! The core [`Record`](homeroom_connector_core::Record) stream has no item for "this row was
//! rejected", so each connector run fills an [`ImportReport`] alongside its stream. The report
//! is shared through a [`ReportHandle`] between the run (which writes) and the connector's
//! `last_report()` (which reads a copy at any time, also while the run is still going).

use std::fmt;
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// How many issues a report keeps in full; further ones are only counted, so a broken
/// 500k-row file cannot fill memory with messages.
pub const MAX_STORED_ISSUES: usize = 1_000;

/// How many issues of one code and severity a run holds between two pages; the rest are counted
/// (and handed to the engine as a count), so a file of bad rows cannot fill memory.
pub const PENDING_PER_CODE: usize = 1_000;

/// How serious an [`Issue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row or object was rejected: nothing was emitted for it (a sync-report *error*).
    Error,
    /// The row was kept but something was ignored or looks wrong (a sync-report *alert*).
    Warning,
}

/// What kind of problem an [`Issue`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueCode {
    /// A CSV header names a column OneRoster does not define (often a misspelling); its values
    /// are ignored.
    UnknownColumn,
    /// A CSV header cell is empty; the values under it are ignored.
    UnnamedColumn,
    /// A file is present in the export but its manifest does not declare it (or declares it
    /// `absent`); it is ignored.
    UndeclaredFile,
    /// The export has no `manifest.csv`; every file present is read as bulk.
    NoManifest,
    /// A value Homeroom needs is blank.
    MissingValue,
    /// A value could not be understood (a bad date, boolean, status or id list).
    InvalidValue,
    /// A role OneRoster does not define.
    UnknownRole,
    /// A role OneRoster defines but Homeroom cannot use here (an `administrator` enrollment).
    UnsupportedRole,
    /// A REST object does not have the shape OneRoster defines (a number where a list belongs).
    MalformedObject,
    /// A user lists itself among its agents.
    SelfReference,
    /// A `roles.csv` row names a user that `users.csv` does not contain.
    OrphanRole,
}

impl IssueCode {
    /// The stable snake_case name (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::UnknownColumn => "unknown_column",
            IssueCode::UnnamedColumn => "unnamed_column",
            IssueCode::UndeclaredFile => "undeclared_file",
            IssueCode::NoManifest => "no_manifest",
            IssueCode::MissingValue => "missing_value",
            IssueCode::InvalidValue => "invalid_value",
            IssueCode::UnknownRole => "unknown_role",
            IssueCode::UnsupportedRole => "unsupported_role",
            IssueCode::MalformedObject => "malformed_object",
            IssueCode::SelfReference => "self_reference",
            IssueCode::OrphanRole => "orphan_role",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `text`, cut to `max` characters with `…` (a message must stay readable whatever the
/// source held).
fn bounded(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// One rejected row or one warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Rejected ([`Severity::Error`]) or kept with a warning ([`Severity::Warning`]).
    pub severity: Severity,
    /// What went wrong.
    pub code: IssueCode,
    /// Where: a CSV file name (`users.csv`) or a REST collection (`users`).
    pub source: String,
    /// The CSV row number, counting the header as row 1; `None` for REST objects and for
    /// problems of a whole file.
    pub row: Option<u64>,
    /// The row's `sourcedId`, when it has one.
    pub sourced_id: Option<String>,
    /// The column (CSV) or property (JSON) at fault, if one is.
    pub field: Option<String>,
    /// A sentence for an admin.
    pub message: String,
}

impl Issue {
    /// The issue as the sync engine's report takes it.
    pub fn into_source_issue(self) -> homeroom_connector_core::SourceIssue {
        use homeroom_connector_core::{EntityKind, IssueSeverity};
        let stem = self.source.trim_end_matches(".csv").to_ascii_lowercase();
        let entity_kind = match stem.as_str() {
            "orgs" => Some(EntityKind::Org),
            "academicsessions" | "terms" | "gradingperiods" => Some(EntityKind::Term),
            "courses" => Some(EntityKind::Course),
            "classes" => Some(EntityKind::Class),
            "users" | "roles" | "students" | "teachers" => Some(EntityKind::Person),
            "enrollments" => Some(EntityKind::Enrollment),
            _ => None,
        };
        homeroom_connector_core::SourceIssue {
            severity: match self.severity {
                Severity::Error => IssueSeverity::Error,
                Severity::Warning => IssueSeverity::Warning,
            },
            code: self.code.as_str().to_owned(),
            entity_kind,
            external_id: self.sourced_id.clone(),
            message: self.to_string(),
            more: 0,
        }
    }

    /// A new issue about `source` with no row, id or field yet.
    pub fn new(
        severity: Severity,
        code: IssueCode,
        source: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity,
            code,
            source: source.into(),
            row: None,
            sourced_id: None,
            field: None,
            message: bounded(message.into(), 1_000),
        }
    }

    /// Sets the row (CSV row number).
    pub fn at_row(mut self, row: Option<u64>) -> Self {
        self.row = row;
        self
    }

    /// Sets the `sourcedId`.
    pub fn for_id(mut self, sourced_id: Option<&str>) -> Self {
        self.sourced_id = sourced_id.map(str::to_owned);
        self
    }

    /// Sets the column / property.
    pub fn in_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(bounded(field.into(), 100));
        self
    }
}

impl fmt::Display for Issue {
    /// `users.csv row 7, column `role` (sourcedId u-9): unknown role `wizard` [unknown_role; row rejected]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", column `{field}`")?;
        }
        if let Some(id) = &self.sourced_id {
            write!(f, " (sourcedId {id})")?;
        }
        let outcome = match self.severity {
            Severity::Error => "rejected",
            Severity::Warning => "warning",
        };
        write!(f, ": {} [{}; {outcome}]", self.message, self.code)
    }
}

/// The issues of one connector run, with counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Canonical records emitted so far.
    pub records: u64,
    /// Rows / objects rejected (issues of severity [`Severity::Error`]).
    pub rejected: u64,
    /// Warnings recorded.
    pub warnings: u64,
    /// The first [`MAX_STORED_ISSUES`] issues, in the order they were found.
    pub issues: Vec<Issue>,
    /// Issues counted but not stored because the list was full.
    pub issues_not_stored: u64,
    /// Whether the run has ended (successfully or not).
    pub finished: bool,
    /// Issues not yet handed to the engine with a page: up to [`PENDING_PER_CODE`] of each
    /// code and severity, every one counted.
    #[serde(skip)]
    pub(crate) pending: Vec<Issue>,
    /// Issues beyond [`PENDING_PER_CODE`] since the last page, per code and severity.
    #[serde(skip)]
    pub(crate) pending_more: std::collections::BTreeMap<(IssueCode, Severity), (usize, u64)>,
}

/// The report of the CSV connector (the same type as the REST connector's).
pub type CsvReport = ImportReport;

impl ImportReport {
    /// The stored issues of one severity.
    pub fn issues_of(&self, severity: Severity) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.severity == severity)
    }

    /// The stored issues with one code.
    pub fn issues_with(&self, code: IssueCode) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.code == code)
    }
}

/// Shared access to the report of one run. A *discarding* handle drops everything (used when a
/// file is read a second time, so its problems are not reported twice).
#[derive(Clone, Debug, Default)]
pub(crate) struct ReportHandle(Option<Arc<Mutex<ImportReport>>>);

impl ReportHandle {
    /// A handle to a fresh, empty report.
    pub(crate) fn new() -> Self {
        Self(Some(Arc::default()))
    }

    /// A handle that records nothing.
    pub(crate) fn discard() -> Self {
        Self(None)
    }

    /// Records an issue, logging it with `tracing::warn!` while the stored list has room.
    pub(crate) fn issue(&self, issue: Issue) {
        let Some(report) = &self.0 else { return };
        let mut report = lock(report);
        match issue.severity {
            Severity::Error => report.rejected += 1,
            Severity::Warning => report.warnings += 1,
        }
        // Every issue reaches the engine's report (which counts each code exactly): up to
        // PENDING_PER_CODE of a code as themselves, the rest as a count.
        let held = report
            .pending_more
            .entry((issue.code, issue.severity))
            .or_default();
        held.0 += 1;
        if held.0 > PENDING_PER_CODE {
            held.1 += 1;
        } else {
            report.pending.push(issue.clone());
        }
        if report.issues.len() < MAX_STORED_ISSUES {
            tracing::warn!(target: "homeroom_oneroster", "{issue}");
            report.issues.push(issue);
        } else {
            report.issues_not_stored += 1;
        }
    }

    /// Counts emitted records.
    pub(crate) fn count_records(&self, n: usize) {
        if let Some(report) = &self.0 {
            lock(report).records += n as u64;
        }
    }

    /// Marks the run as ended and logs a summary when issues were not stored.
    pub(crate) fn finish(&self) {
        if let Some(report) = &self.0 {
            let mut report = lock(report);
            report.finished = true;
            if report.issues_not_stored > 0 {
                tracing::warn!(
                    target: "homeroom_oneroster",
                    rejected = report.rejected,
                    warnings = report.warnings,
                    not_stored = report.issues_not_stored,
                    "more issues than the report keeps"
                );
            }
        }
    }

    /// The issues recorded since the last call, for the next page (the engine's sync report).
    pub(crate) fn take_source_issues(&self) -> Vec<homeroom_connector_core::SourceIssue> {
        let Some(report) = &self.0 else {
            return Vec::new();
        };
        let mut report = lock(report);
        let more = std::mem::take(&mut report.pending_more);
        let mut out: Vec<homeroom_connector_core::SourceIssue> =
            std::mem::take(&mut report.pending)
                .into_iter()
                .map(Issue::into_source_issue)
                .collect();
        // The last listed issue of a code stands for those only counted.
        for ((code, severity), (_, n)) in more.into_iter().filter(|(_, (_, n))| *n > 0) {
            let wanted = match severity {
                Severity::Error => homeroom_connector_core::IssueSeverity::Error,
                Severity::Warning => homeroom_connector_core::IssueSeverity::Warning,
            };
            if let Some(last) = out
                .iter_mut()
                .rev()
                .find(|i| i.code == code.as_str() && i.severity == wanted)
            {
                last.more += n;
            }
        }
        out
    }

    /// A copy of the report as it stands (empty for a discarding handle).
    pub(crate) fn snapshot(&self) -> ImportReport {
        self.0.as_ref().map(|r| lock(r).clone()).unwrap_or_default()
    }
}

fn lock(report: &Mutex<ImportReport>) -> std::sync::MutexGuard<'_, ImportReport> {
    report.lock().unwrap_or_else(|e| e.into_inner())
}

/// The connector-side slot holding the handle of the latest run.
#[derive(Debug, Default)]
pub(crate) struct LatestReport(Mutex<Option<ReportHandle>>);

impl LatestReport {
    /// Starts a new run's report and makes it the latest.
    pub(crate) fn start(&self) -> ReportHandle {
        let handle = ReportHandle::new();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle.clone());
        handle
    }

    /// A copy of the latest run's report, if a run was started.
    pub(crate) fn get(&self) -> Option<ImportReport> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(ReportHandle::snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_caps_issues() {
        let handle = ReportHandle::new();
        for i in 0..(MAX_STORED_ISSUES + 5) {
            handle.issue(
                Issue::new(
                    Severity::Error,
                    IssueCode::UnknownRole,
                    "users.csv",
                    "unknown role",
                )
                .at_row(Some(i as u64 + 2)),
            );
        }
        handle.issue(Issue::new(
            Severity::Warning,
            IssueCode::UnknownColumn,
            "users.csv",
            "x",
        ));
        handle.count_records(3);
        handle.finish();
        let report = handle.snapshot();
        assert_eq!(report.rejected, MAX_STORED_ISSUES as u64 + 5);
        assert_eq!(report.warnings, 1);
        assert_eq!(report.issues.len(), MAX_STORED_ISSUES);
        assert_eq!(report.issues_not_stored, 6);
        assert_eq!(report.records, 3);
        assert!(report.finished);
    }

    #[test]
    fn discarding_handle_records_nothing() {
        let handle = ReportHandle::discard();
        handle.issue(Issue::new(
            Severity::Error,
            IssueCode::InvalidValue,
            "a",
            "b",
        ));
        assert_eq!(handle.snapshot(), ImportReport::default());
    }

    #[test]
    fn displays_where_and_what() {
        let issue = Issue::new(
            Severity::Error,
            IssueCode::UnknownRole,
            "users.csv",
            "unknown role `wizard`",
        )
        .at_row(Some(7))
        .for_id(Some("u-9"))
        .in_field("role");
        assert_eq!(
            issue.to_string(),
            "users.csv row 7, column `role` (sourcedId u-9): unknown role `wizard` [unknown_role; rejected]"
        );
    }
}
