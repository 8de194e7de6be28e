//! Bulk, delta, absent.

use std::fmt;

use serde::Serialize;

/// How the manifest declares one file (`file.users=bulk`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileMode {
    /// The file holds every current row. A blank `status` means active; `tobedeleted` rows are
    /// emitted with [`homeroom_connector_core::RecordStatus::ToBeDeleted`].
    Bulk,
    /// The file holds changed rows only. `status` is required; `tobedeleted` (or 1.0's
    /// `inactive`) rows become [`homeroom_connector_core::Deleted`] records at the end of the
    /// stream.
    Delta,
    /// The file is not part of the export.
    Absent,
}

impl FileMode {
    /// Reads `bulk`, `delta` or `absent` in any case.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "bulk" => Some(FileMode::Bulk),
            "delta" => Some(FileMode::Delta),
            "absent" => Some(FileMode::Absent),
            _ => None,
        }
    }

    /// `bulk`, `delta` or `absent`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileMode::Bulk => "bulk",
            FileMode::Delta => "delta",
            FileMode::Absent => "absent",
        }
    }
}

impl fmt::Display for FileMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an export as a whole is complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportMode {
    /// No file is declared `delta`: the export is a complete snapshot.
    Bulk,
    /// At least one file is declared `delta`: the export is a change set and can only be read
    /// by [`homeroom_connector_core::Connector::delta`].
    Delta,
}
