//! The SIS-side status every record carries.

string_enum! {
    /// Whether the SIS still considers a record live.
    ///
    /// OneRoster's `tobedeleted` (and 1.0's `inactive`) map to [`RecordStatus::ToBeDeleted`];
    /// SIS without such a flag always send [`RecordStatus::Active`].
    #[derive(Default)]
    pub enum RecordStatus {
        /// The record is current.
        #[default]
        Active => "active",
        /// The SIS marked the record for deletion (a soft delete).
        ToBeDeleted => "to_be_deleted",
    }
}

impl RecordStatus {
    /// Whether this is [`RecordStatus::Active`].
    pub fn is_active(self) -> bool {
        self == Self::Active
    }
}
