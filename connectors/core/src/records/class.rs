//! Classes (sections).

use serde::{Deserialize, Serialize};

use super::RecordStatus;

/// A class / section taught at a school.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Class {
    /// The SIS's id for the class.
    pub external_id: String,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
    /// The SIS title ("Algebra I - P3"). The local title override lives in the store, not here.
    pub title: String,
    /// Class code / section number, if any.
    pub class_code: Option<String>,
    /// External id of the school the class belongs to.
    pub school_external_id: String,
    /// External id of the course, if any.
    pub course_external_id: Option<String>,
    /// External ids of the terms the class runs in.
    #[serde(default)]
    pub term_external_ids: Vec<String>,
}

impl Class {
    /// An active class with no code, course or terms.
    pub fn new(
        external_id: impl Into<String>,
        title: impl Into<String>,
        school_external_id: impl Into<String>,
    ) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            title: title.into(),
            class_code: None,
            school_external_id: school_external_id.into(),
            course_external_id: None,
            term_external_ids: Vec::new(),
        }
    }
}
