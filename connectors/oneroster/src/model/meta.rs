//! The properties every OneRoster object carries.

/// `sourcedId`, `status`, `dateLastModified`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ObjectMeta {
    /// The provider's id (blank when the provider sent none; the mapping rejects that).
    pub sourced_id: String,
    /// `active`, `tobedeleted`, … as sent.
    pub status: Option<String>,
    /// The last-modified timestamp as sent.
    pub date_last_modified: Option<String>,
}
