//! Courses in the catalogue.

use serde::{Deserialize, Serialize};

use super::RecordStatus;

/// A course (the catalogue entry that classes are sections of).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    /// The SIS's id for the course.
    pub external_id: String,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
    /// Course title.
    pub title: String,
    /// Course code / number, if any.
    pub code: Option<String>,
    /// External id of the org offering the course (school or district), if known.
    pub org_external_id: Option<String>,
}

impl Course {
    /// An active course with no code or org.
    pub fn new(external_id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            title: title.into(),
            code: None,
            org_external_id: None,
        }
    }
}
