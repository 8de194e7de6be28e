//! `orgs.csv` rows / `org` objects.

use super::ObjectMeta;

/// A OneRoster org.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct OrOrg {
    /// Id, status, last modified.
    pub meta: ObjectMeta,
    /// `name`.
    pub name: Option<String>,
    /// `type`: department, school, district, local, state, national.
    pub org_type: Option<String>,
    /// `identifier` (school number).
    pub identifier: Option<String>,
    /// `parentSourcedId` / `parent.sourcedId`.
    pub parent: Option<String>,
}
