//! Spreadsheet import jobs: state, progress, counts, invalid rows and the preview.

use async_graphql::{Enum, ID, Object, SimpleObject};
use homeroom_schema::enums as db;
use homeroom_schema::models;

use crate::ids::{NodeKind, encode};
use crate::types::enums::RelationshipKind;
use homeroom_service::imports::JobCounts;
use homeroom_service::imports::csv_file::RowError;
use homeroom_service::imports::validate::{self, PlannedRow};

/// State of an import job.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::ImportState")]
pub enum ImportState {
    /// A dry run: validated and previewed, nothing imported.
    Validated,
    /// The file or some rows were invalid: nothing imported.
    Rejected,
    /// Waiting for a runner.
    Queued,
    /// Being applied.
    Running,
    /// Applied.
    Succeeded,
    /// Stopped with an error (chunks already applied stay applied).
    Failed,
}

/// What importing one row changes.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "validate::Change")]
pub enum ImportChange {
    /// A new link.
    New,
    /// The link exists with another kind.
    KindChange,
    /// A removed link is restored.
    Restore,
    /// Already present as written.
    AlreadyPresent,
}

/// Counts of link changes.
#[derive(SimpleObject)]
pub struct ImportChangeCounts {
    /// New links.
    pub created: i64,
    /// Kind changes.
    pub kind_changed: i64,
    /// Removed links restored.
    pub restored: i64,
    /// Already present.
    pub unchanged: i64,
}

impl From<validate::ChangeCounts> for ImportChangeCounts {
    fn from(c: validate::ChangeCounts) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        ImportChangeCounts {
            created: n(c.created),
            kind_changed: n(c.kind_changed),
            restored: n(c.restored),
            unchanged: n(c.unchanged),
        }
    }
}

/// Row counts and change counts of a job.
#[derive(SimpleObject)]
pub struct ImportCounts {
    /// Data rows in the file.
    pub total_rows: i64,
    /// Valid rows.
    pub valid_rows: i64,
    /// Invalid rows.
    pub invalid_rows: i64,
    /// Valid rows applied so far.
    pub processed: i64,
    /// Changes the preview announced.
    pub planned: ImportChangeCounts,
    /// Changes applied so far.
    pub applied: ImportChangeCounts,
}

/// An invalid row (or, with a null row, the whole file) and why.
#[derive(SimpleObject)]
pub struct ImportRowError {
    /// Line in the file (the header is line 1).
    pub row: Option<i64>,
    /// The column at fault.
    pub field: Option<String>,
    /// Stable code, e.g. `PARENT_NOT_FOUND`, `DUPLICATE_ROW`, `BAD_ENCODING`.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl From<RowError> for ImportRowError {
    fn from(e: RowError) -> Self {
        ImportRowError {
            row: e.row.map(|r| i64::try_from(r).unwrap_or(i64::MAX)),
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}

/// One valid row and what importing it changes.
#[derive(SimpleObject)]
pub struct ImportPreviewRow {
    /// Line in the file.
    pub row: i64,
    /// The parent's email as written.
    pub parent_email: String,
    /// The student's id or email as written.
    pub student: String,
    /// The guardian.
    pub guardian_id: ID,
    /// The student.
    pub student_id: ID,
    /// Kind in the file.
    pub kind: RelationshipKind,
    /// The existing link's kind, if any.
    pub old_kind: Option<RelationshipKind>,
    /// What changes.
    pub change: ImportChange,
}

impl From<PlannedRow> for ImportPreviewRow {
    fn from(p: PlannedRow) -> Self {
        ImportPreviewRow {
            row: i64::try_from(p.row).unwrap_or(i64::MAX),
            parent_email: p.parent_email,
            student: p.student,
            guardian_id: encode(NodeKind::Person, &p.guardian_id),
            student_id: encode(NodeKind::Person, &p.student_id),
            kind: p.kind.into(),
            old_kind: p.old_kind.map(Into::into),
            change: p.change.into(),
        }
    }
}

/// What an import changes (or changed).
#[derive(SimpleObject)]
pub struct ImportPreview {
    /// Changes by kind.
    pub counts: ImportChangeCounts,
    /// Rows that change something (all valid rows with `includeUnchanged`), in file order.
    pub rows: Vec<ImportPreviewRow>,
    /// Whether more rows follow (page with `offset`).
    pub has_more: bool,
}

/// A relationship spreadsheet import.
pub struct ImportJob(pub models::ImportJob);

impl ImportJob {
    fn counts_json(&self) -> JobCounts {
        self.0.counts.0
    }
}

fn window(first: Option<i32>, offset: Option<i32>) -> (usize, usize) {
    let first = first.unwrap_or(100).clamp(0, 1_000);
    let offset = offset.unwrap_or(0).max(0);
    (
        usize::try_from(first).unwrap_or(0),
        usize::try_from(offset).unwrap_or(0),
    )
}

#[Object]
impl ImportJob {
    /// Opaque id (for `importJob(id)`).
    async fn id(&self) -> ID {
        encode(NodeKind::ImportJob, &self.0.id)
    }
    /// Where the job is.
    async fn state(&self) -> ImportState {
        self.0.state.into()
    }
    /// Share of the valid rows applied, 0 to 1.
    async fn progress(&self) -> f64 {
        match self.0.state {
            db::ImportState::Succeeded => 1.0,
            _ if self.0.valid_rows == 0 => 0.0,
            _ => self.0.processed as f64 / self.0.valid_rows as f64,
        }
    }
    /// Row and change counts.
    async fn counts(&self) -> ImportCounts {
        let c = self.counts_json();
        ImportCounts {
            total_rows: self.0.total_rows,
            valid_rows: self.0.valid_rows,
            invalid_rows: self.0.invalid_rows,
            processed: self.0.processed,
            planned: c.planned.into(),
            applied: c.applied.into(),
        }
    }
    /// Invalid rows with their reasons, in file order (a file-level error has no row).
    async fn errors(&self, first: Option<i32>, offset: Option<i32>) -> Vec<ImportRowError> {
        let (first, offset) = window(first, offset);
        let all: Vec<RowError> = serde_json::from_str(&self.0.errors).unwrap_or_default();
        all.into_iter()
            .skip(offset)
            .take(first)
            .map(Into::into)
            .collect()
    }
    /// Exactly what the import changes: new links, kind changes, restored links (and, with
    /// `includeUnchanged`, rows already present).
    async fn preview(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
        include_unchanged: Option<bool>,
    ) -> ImportPreview {
        let (first, offset) = window(first, offset);
        let plan: Vec<PlannedRow> = serde_json::from_str(&self.0.plan).unwrap_or_default();
        let all = include_unchanged.unwrap_or(false);
        let mut rows = plan
            .into_iter()
            .filter(|p| all || p.change != validate::Change::AlreadyPresent)
            .skip(offset);
        let page: Vec<ImportPreviewRow> = rows.by_ref().take(first).map(Into::into).collect();
        ImportPreview {
            counts: self.counts_json().planned.into(),
            rows: page,
            has_more: rows.next().is_some(),
        }
    }
    /// Validated and previewed only.
    async fn dry_run(&self) -> bool {
        self.0.dry_run
    }
    /// Import the valid rows even though some are invalid.
    async fn only_valid_rows(&self) -> bool {
        self.0.only_valid_rows
    }
    /// Invite the imported families once the import commits.
    async fn invite(&self) -> bool {
        self.0.invite
    }
    /// The uploaded file's name.
    async fn file_name(&self) -> Option<&str> {
        self.0.file_name.as_deref()
    }
    /// A summary for people (why it was rejected, what was imported, why it failed).
    async fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }
    /// Runner claims so far.
    async fn attempts(&self) -> i64 {
        self.0.attempts
    }
    /// When it was submitted.
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// When it ended.
    async fn finished_at(&self) -> Option<String> {
        self.0.finished_at.map(crate::time::rfc3339)
    }
}
