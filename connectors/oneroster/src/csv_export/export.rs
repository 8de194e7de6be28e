//! An opened export: its files, its manifest and its version.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use homeroom_connector_core::ConnectorError;

use super::files::{ALL_ONEROSTER_FILES, CsvFile};
use super::manifest::Manifest;
use super::mode::{ExportMode, FileMode};
use super::sink::Halt;
use super::source::{Entry, ExportSource};
use super::table::Table;
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::version::OneRosterVersion;

/// A OneRoster CSV export, ready to be read file by file.
#[derive(Debug)]
pub(crate) struct Export {
    source: ExportSource,
    entries: BTreeMap<String, Entry>,
    manifest: Option<Manifest>,
    version: OneRosterVersion,
}

impl Export {
    /// Opens the folder or zip at `path` and reads its manifest.
    ///
    /// * Without `manifest.csv` every file present is read as bulk (a warning says so) and the
    ///   version is 1.2 when `roles.csv` is present, else 1.1.
    /// * A file that is present but not declared (or declared `absent`), or that is no OneRoster
    ///   file at all, is reported as a warning and ignored.
    /// * A file Homeroom reads that the manifest declares `bulk` or `delta` but that is missing
    ///   is [`ConnectorError::Malformed`].
    pub(crate) fn open(path: &Path, report: &ReportHandle) -> Result<Self, ConnectorError> {
        let source = ExportSource::open(path)?;
        let entries = source.csv_entries()?;
        let manifest = match entries.get("manifest") {
            Some(entry) => Some(source.read_entry(entry, |reader| {
                Manifest::read(reader, entry.file_name(), report)
            })?),
            None => {
                report.issue(Issue::new(
                    Severity::Warning,
                    IssueCode::NoManifest,
                    "manifest.csv",
                    "the export has no manifest.csv; every file present is read as bulk",
                ));
                None
            }
        };
        let version =
            manifest
                .as_ref()
                .and_then(|m| m.version)
                .unwrap_or(if entries.contains_key("roles") {
                    OneRosterVersion::V1p2
                } else {
                    OneRosterVersion::V1p1
                });
        let export = Self {
            source,
            entries,
            manifest,
            version,
        };
        export.check_files(report)?;
        Ok(export)
    }

    fn check_files(&self, report: &ReportHandle) -> Result<(), ConnectorError> {
        for (stem, entry) in &self.entries {
            if stem == "manifest" {
                continue;
            }
            let known = ALL_ONEROSTER_FILES
                .iter()
                .find(|f| f.eq_ignore_ascii_case(stem));
            let message = match (known, &self.manifest) {
                (None, _) => format!(
                    "{} is not a OneRoster file; it is ignored",
                    entry.file_name()
                ),
                (Some(known), Some(manifest))
                    if manifest
                        .declared(stem)
                        .is_none_or(|m| m == FileMode::Absent) =>
                {
                    format!(
                        "{} is in the export but manifest.csv does not declare `file.{known}` as bulk or delta; it is ignored",
                        entry.file_name()
                    )
                }
                _ => continue,
            };
            report.issue(Issue::new(
                Severity::Warning,
                IssueCode::UndeclaredFile,
                entry.file_name(),
                message,
            ));
        }
        if let Some(manifest) = &self.manifest {
            for file in CsvFile::DATA {
                let stem = file.stem().to_ascii_lowercase();
                let declared = manifest.declared(&stem).unwrap_or(FileMode::Absent);
                if declared != FileMode::Absent && !self.entries.contains_key(&stem) {
                    return Err(ConnectorError::malformed(
                        format!("{} in {}", file.file_name(), self.source.describe()),
                        format!(
                            "manifest.csv declares `file.{}` as {declared} but the export has no such file",
                            file.stem()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The OneRoster version (declared or inferred).
    pub(crate) fn version(&self) -> OneRosterVersion {
        self.version
    }

    /// How `file` is to be read. With a manifest: as declared (undeclared = absent). Without:
    /// bulk when present.
    pub(crate) fn mode(&self, file: CsvFile) -> FileMode {
        let stem = file.stem().to_ascii_lowercase();
        match &self.manifest {
            Some(manifest) => manifest.declared(&stem).unwrap_or(FileMode::Absent),
            None if self.entries.contains_key(&stem) => FileMode::Bulk,
            None => FileMode::Absent,
        }
    }

    /// The data files declared `delta`.
    pub(crate) fn delta_files(&self) -> Vec<CsvFile> {
        CsvFile::DATA
            .into_iter()
            .filter(|f| self.mode(*f) == FileMode::Delta)
            .collect()
    }

    /// Bulk unless some file is declared `delta`.
    pub(crate) fn export_mode(&self) -> ExportMode {
        if self.delta_files().is_empty() {
            ExportMode::Bulk
        } else {
            ExportMode::Delta
        }
    }

    /// Whether the manifest was present.
    pub(crate) fn has_manifest(&self) -> bool {
        self.manifest.is_some()
    }

    /// Where the export is, for messages.
    pub(crate) fn describe(&self) -> String {
        self.source.describe()
    }

    /// The file name as stored (`users.csv`, `Users.CSV`), for messages.
    pub(crate) fn file_name(&self, file: CsvFile) -> String {
        self.entries
            .get(&file.stem().to_ascii_lowercase())
            .map_or_else(|| file.file_name(), |e| e.file_name().to_owned())
    }

    /// Opens `file` (which must not be absent) as a [`Table`] and runs `read` on it. Header
    /// problems go to `report`.
    pub(crate) fn read<T>(
        &self,
        file: CsvFile,
        report: &ReportHandle,
        read: impl FnOnce(&mut Table<&mut dyn Read>) -> Result<T, Halt>,
    ) -> Result<T, Halt> {
        let stem = file.stem().to_ascii_lowercase();
        let entry = self.entries.get(&stem).ok_or_else(|| {
            ConnectorError::malformed(
                self.describe(),
                format!("the export has no {}", file.file_name()),
            )
        })?;
        self.source.read_entry(entry, |reader| {
            let mut table = Table::open(reader, entry.file_name(), file.spec(), report)?;
            read(&mut table)
        })
    }
}
