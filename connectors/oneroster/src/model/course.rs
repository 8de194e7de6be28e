//! `courses.csv` rows / `course` objects.

use super::ObjectMeta;

/// A OneRoster course.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrCourse {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `title`.
    pub title: Option<String>,
    /// `courseCode`.
    pub course_code: Option<String>,
    /// `orgSourcedId` / `org.sourcedId`.
    pub org: Option<String>,
    /// `schoolYearSourcedId` / `schoolYear.sourcedId`.
    pub school_year: Option<String>,
    /// `grades`.
    pub grades: Vec<String>,
    /// `subjects`.
    pub subjects: Vec<String>,
}
