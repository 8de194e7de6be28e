//! `academicSessions.csv` rows / `academicSession` objects.

use super::ObjectMeta;

/// A OneRoster academic session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrSession {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `title`.
    pub title: Option<String>,
    /// `type`: gradingPeriod, semester, schoolYear, term.
    pub session_type: Option<String>,
    /// `startDate`.
    pub start_date: Option<String>,
    /// `endDate`.
    pub end_date: Option<String>,
    /// `parentSourcedId` / `parent.sourcedId`.
    pub parent: Option<String>,
    /// `schoolYear`.
    pub school_year: Option<String>,
}
