//! Schools, districts and other organisations.

use serde::{Deserialize, Serialize};

use super::RecordStatus;

string_enum! {
    /// What kind of organisation an [`Org`] is.
    pub enum OrgType {
        /// A school (OneRoster `school`, Clever school, Aeries school code).
        School => "school",
        /// The district itself (OneRoster `district`, Clever district).
        District => "district",
        /// Anything else the SIS models (OneRoster `department`, `local`, `state`, `national`).
        Other => "other",
    }
}

/// A school, district or other organisation from the SIS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// The SIS's id for the org (Clever id, OneRoster `sourcedId`, Aeries school code).
    pub external_id: String,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
    /// Display name.
    pub name: String,
    /// Human-facing code (school number, OneRoster `identifier`), if any.
    pub identifier: Option<String>,
    /// School, district or other.
    pub org_type: OrgType,
    /// External id of the parent org (a school's district), if any.
    pub parent_external_id: Option<String>,
}

impl Org {
    /// An active org with no identifier and no parent.
    pub fn new(external_id: impl Into<String>, name: impl Into<String>, org_type: OrgType) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            name: name.into(),
            identifier: None,
            org_type,
            parent_external_id: None,
        }
    }
}
