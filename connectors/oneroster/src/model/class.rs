//! `classes.csv` rows / `class` objects.

use super::ObjectMeta;

/// A OneRoster class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrClass {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `title`.
    pub title: Option<String>,
    /// `classCode`.
    pub class_code: Option<String>,
    /// `classType`: homeroom, scheduled.
    pub class_type: Option<String>,
    /// `location`.
    pub location: Option<String>,
    /// `schoolSourcedId` / `school.sourcedId`.
    pub school: Option<String>,
    /// `courseSourcedId` / `course.sourcedId`.
    pub course: Option<String>,
    /// `termSourcedIds` / `terms[].sourcedId`.
    pub terms: Vec<String>,
    /// `grades`.
    pub grades: Vec<String>,
    /// `subjects`.
    pub subjects: Vec<String>,
    /// `periods`.
    pub periods: Vec<String>,
}
