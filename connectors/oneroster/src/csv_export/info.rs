//! A summary of an export, without reading its data.

use serde::Serialize;

use super::mode::{ExportMode, FileMode};
use crate::version::OneRosterVersion;

/// What an export holds, from its manifest and file list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportInfo {
    /// The declared (or inferred) OneRoster version.
    pub version: OneRosterVersion,
    /// Bulk (a complete snapshot) or delta (a change set).
    pub mode: ExportMode,
    /// Whether `manifest.csv` was present.
    pub has_manifest: bool,
    /// How each file Homeroom reads is to be read (`users.csv` → bulk, …).
    pub files: Vec<(String, FileMode)>,
}
