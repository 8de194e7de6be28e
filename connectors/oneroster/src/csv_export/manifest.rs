//! `manifest.csv`: the OneRoster version and how each file is declared.

use std::collections::HashMap;
use std::io::Read;

use homeroom_connector_core::ConnectorError;

use super::files::CsvFile;
use super::mode::FileMode;
use super::table::Table;
use crate::report::{Issue, IssueCode, ReportHandle, Severity};
use crate::values::quote;
use crate::version::OneRosterVersion;

/// What `manifest.csv` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Manifest {
    /// `oneroster.version`, when given.
    pub version: Option<OneRosterVersion>,
    /// `file.<stem>` declarations, keyed by the lower-cased stem.
    files: HashMap<String, FileMode>,
}

impl Manifest {
    /// Reads the manifest. Keys are matched case-insensitively. A `file.*` entry with no value
    /// is read as `absent` with a warning; any other unknown mode, or an unsupported version, is
    /// [`ConnectorError::Malformed`] (the export cannot be interpreted without them).
    pub(crate) fn read(
        reader: &mut dyn Read,
        file: &str,
        report: &ReportHandle,
    ) -> Result<Self, ConnectorError> {
        let mut table = Table::open(reader, file, CsvFile::Manifest.spec(), report)?;
        let mut manifest = Manifest::default();
        while let Some(row) = table.next_row()? {
            let Some(key) = row.get("propertyName") else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            let value = row.get("value");
            let at = || format!("{file} row {}, column `value`", row.number);
            if key == "oneroster.version" {
                let text = value.unwrap_or_default();
                let version = text
                    .parse()
                    .map_err(|e: crate::version::UnsupportedVersion| {
                        ConnectorError::malformed(at(), e.to_string())
                    })?;
                manifest.version = Some(version);
            } else if let Some(stem) = key.strip_prefix("file.") {
                let mode = match value {
                    None => {
                        report.issue(
                            Issue::new(
                                Severity::Warning,
                                IssueCode::InvalidValue,
                                file,
                                format!(
                                    "`{}` has no value; the file is read as absent",
                                    quote(&key)
                                ),
                            )
                            .at_row(Some(row.number))
                            .in_field("value"),
                        );
                        FileMode::Absent
                    }
                    Some(text) => FileMode::parse(text).ok_or_else(|| {
                        ConnectorError::malformed(
                            at(),
                            format!(
                                "`{}` for `{}` is not bulk, delta or absent",
                                quote(text),
                                quote(&key)
                            ),
                        )
                    })?,
                };
                manifest.files.insert(stem.to_owned(), mode);
            }
        }
        Ok(manifest)
    }

    /// How the manifest declares the file with this lower-cased stem, if it mentions it.
    pub(crate) fn declared(&self, stem_lowercase: &str) -> Option<FileMode> {
        self.files.get(stem_lowercase).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::Manifest;
    use crate::csv_export::mode::FileMode;
    use crate::report::ReportHandle;
    use crate::version::OneRosterVersion;
    use homeroom_connector_core::ConnectorError;

    #[test]
    fn reads_versions_and_modes() {
        let report = ReportHandle::new();
        let text = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.Users,BULK\nfile.enrollments,delta\nfile.roles,absent\nfile.userProfiles,\n";
        let m = Manifest::read(&mut text.as_bytes(), "manifest.csv", &report).unwrap();
        assert_eq!(m.version, Some(OneRosterVersion::V1p2));
        assert_eq!(m.declared("users"), Some(FileMode::Bulk));
        assert_eq!(m.declared("enrollments"), Some(FileMode::Delta));
        assert_eq!(m.declared("roles"), Some(FileMode::Absent));
        assert_eq!(m.declared("userprofiles"), Some(FileMode::Absent));
        assert_eq!(m.declared("orgs"), None);
        assert_eq!(report.snapshot().warnings, 1);
    }

    #[test]
    fn unknown_modes_and_versions_are_malformed() {
        let report = ReportHandle::new();
        for (text, row) in [
            ("propertyName,value\nfile.users,full\n", 2),
            (
                "propertyName,value\nfile.users,bulk\noneroster.version,3.0\n",
                3,
            ),
        ] {
            match Manifest::read(&mut text.as_bytes(), "manifest.csv", &report) {
                Err(ConnectorError::Malformed { what, .. }) => {
                    assert_eq!(what, format!("manifest.csv row {row}, column `value`"))
                }
                other => panic!("expected Malformed, got {other:?}"),
            }
        }
    }
}
