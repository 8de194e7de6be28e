//! `enrollments.csv` rows / `enrollment` objects.

use super::ObjectMeta;

/// A OneRoster enrollment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrEnrollment {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `classSourcedId` / `class.sourcedId`.
    pub class: Option<String>,
    /// `schoolSourcedId` / `school.sourcedId`.
    pub school: Option<String>,
    /// `userSourcedId` / `user.sourcedId`.
    pub user: Option<String>,
    /// `role`: student, teacher, aide, administrator, proctor.
    pub role: Option<String>,
    /// `primary` (boolean or string).
    pub primary: Option<String>,
    /// `beginDate`.
    pub begin_date: Option<String>,
    /// `endDate`.
    pub end_date: Option<String>,
}
