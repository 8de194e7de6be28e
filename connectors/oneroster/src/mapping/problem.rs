//! A problem with one object.

use super::{Dialect, Field};
use crate::report::{Issue, IssueCode, Severity};

/// Something wrong with one property of one object: a rejection when returned as `Err`, a
/// warning when pushed to the `warnings` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The property.
    pub field: Field,
    /// The kind of problem.
    pub code: IssueCode,
    /// A sentence for an admin.
    pub message: String,
}

impl Problem {
    /// A problem with `field`.
    pub(crate) fn new(field: Field, code: IssueCode, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }

    /// A required value is blank.
    pub(crate) fn missing(field: Field, what: &str) -> Self {
        Self::new(
            field,
            IssueCode::MissingValue,
            format!("{what} is required"),
        )
    }

    /// A value could not be read.
    pub(crate) fn invalid(field: Field, message: impl Into<String>) -> Self {
        Self::new(field, IssueCode::InvalidValue, message)
    }

    /// The issue for the report. `source` is the file or collection, `row` the CSV line.
    pub(crate) fn into_issue(
        self,
        severity: Severity,
        dialect: Dialect,
        source: &str,
        row: Option<u64>,
        sourced_id: Option<&str>,
    ) -> Issue {
        let message = match (severity, dialect) {
            (Severity::Error, Dialect::Csv) => format!("{}; the row is skipped", self.message),
            (Severity::Error, Dialect::Json) => format!("{}; the object is skipped", self.message),
            (Severity::Warning, _) => self.message,
        };
        Issue::new(severity, self.code, source, message)
            .at_row(row)
            .for_id(sourced_id.filter(|id| !id.is_empty()))
            .in_field(self.field.name(dialect))
    }
}
