//! Where the CSV files are: a folder or a `.zip`.
//!
//! Files are always streamed: a folder file is read through the CSV reader's buffer, a zip
//! entry is decompressed as it is read. Each read opens the file (or the archive and its entry)
//! anew, so a file can be read twice without holding it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use homeroom_connector_core::ConnectorError;
use zip::ZipArchive;

use crate::values::quote;

/// One CSV file of the export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    /// The name as stored (`users.csv`, or `export/users.csv` inside a zip).
    pub name: String,
}

impl Entry {
    /// The name without folders (`users.csv`), for messages.
    pub(crate) fn file_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// A folder or a zip archive holding the CSV files.
#[derive(Clone, Debug)]
pub(crate) enum ExportSource {
    /// A folder of CSV files.
    Folder(PathBuf),
    /// A zip archive of CSV files.
    Zip(PathBuf),
}

impl ExportSource {
    /// A folder, or a file that is a zip archive (by its `PK` signature).
    pub(crate) fn open(path: &Path) -> Result<Self, ConnectorError> {
        let metadata = std::fs::metadata(path).map_err(|e| {
            ConnectorError::Config(format!(
                "the OneRoster CSV path {} cannot be read: {e}",
                path.display()
            ))
        })?;
        if metadata.is_dir() {
            return Ok(ExportSource::Folder(path.to_owned()));
        }
        let mut signature = [0u8; 4];
        let is_zip = File::open(path)
            .and_then(|mut f| f.read_exact(&mut signature))
            .is_ok()
            && signature == *b"PK\x03\x04";
        if is_zip {
            Ok(ExportSource::Zip(path.to_owned()))
        } else {
            Err(ConnectorError::Config(format!(
                "the OneRoster CSV path {} is neither a folder nor a zip archive",
                path.display()
            )))
        }
    }

    /// The CSV files, keyed by their lower-cased stem (`users`), so that names match in any
    /// case (`userprofiles.csv` is `userProfiles`). Inside a zip, files in a sub-folder count
    /// too (some tools zip the folder, not its files); `__MACOSX` resource forks are skipped.
    /// Two files with the same key are an error.
    pub(crate) fn csv_entries(&self) -> Result<BTreeMap<String, Entry>, ConnectorError> {
        let names = match self {
            ExportSource::Folder(dir) => folder_names(dir)?,
            ExportSource::Zip(path) => zip_names(path)?,
        };
        let mut entries = BTreeMap::new();
        for name in names {
            let entry = Entry { name };
            let file_name = entry.file_name();
            // `get` rather than slicing: a name may hold multi-byte characters (`orgs»csv`).
            let Some(stem) = file_name
                .len()
                .checked_sub(4)
                .filter(|&cut| {
                    file_name
                        .get(cut..)
                        .is_some_and(|ext| ext.eq_ignore_ascii_case(".csv"))
                })
                .and_then(|cut| file_name.get(..cut))
                .map(str::to_ascii_lowercase)
            else {
                continue;
            };
            if let Some(previous) = entries.insert(stem.clone(), entry.clone()) {
                return Err(ConnectorError::malformed(
                    self.describe(),
                    format!(
                        "two files could be `{}.csv`: `{}` and `{}`",
                        quote(&stem),
                        quote(&previous.name),
                        quote(&entry.name)
                    ),
                ));
            }
        }
        Ok(entries)
    }

    /// Runs `read` on a streaming reader of `entry`.
    pub(crate) fn read_entry<T, E>(
        &self,
        entry: &Entry,
        read: impl FnOnce(&mut dyn Read) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<ConnectorError>,
    {
        match self {
            ExportSource::Folder(dir) => {
                let path = dir.join(&entry.name);
                let mut file = File::open(&path).map_err(|e| io_error(&path, &e))?;
                read(&mut file)
            }
            ExportSource::Zip(path) => {
                let mut archive = open_zip(path)?;
                let mut file = archive.by_name(&entry.name).map_err(|e| {
                    ConnectorError::malformed(
                        format!("{} in {}", entry.name, path.display()),
                        format!("cannot open the zip entry: {e}"),
                    )
                })?;
                read(&mut file)
            }
        }
    }

    /// The path, for messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            ExportSource::Folder(p) | ExportSource::Zip(p) => p.display().to_string(),
        }
    }
}

fn folder_names(dir: &Path) -> Result<Vec<String>, ConnectorError> {
    let mut names = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))? {
        let item = item.map_err(|e| io_error(dir, &e))?;
        if item.file_type().map_err(|e| io_error(dir, &e))?.is_file()
            && let Some(name) = item.file_name().to_str()
        {
            names.push(name.to_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn zip_names(path: &Path) -> Result<Vec<String>, ConnectorError> {
    let archive = open_zip(path)?;
    let mut names = Vec::new();
    for name in archive.file_names() {
        let name = name.map_err(|e| {
            ConnectorError::malformed(path.display().to_string(), format!("bad entry name: {e}"))
        })?;
        if !name.ends_with('/') && !name.starts_with("__MACOSX/") {
            names.push(name.into_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn open_zip(path: &Path) -> Result<ZipArchive<BufReader<File>>, ConnectorError> {
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| {
        ConnectorError::malformed(
            path.display().to_string(),
            format!("not a readable zip archive: {e}"),
        )
    })
}

fn io_error(path: &Path, error: &std::io::Error) -> ConnectorError {
    ConnectorError::Io(std::io::Error::new(
        error.kind(),
        format!("{}: {error}", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::ExportSource;

    #[test]
    fn file_names_with_multibyte_characters_are_not_cut_mid_character() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["orgs»csv", "»»", "users.csv", "é.CSV"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let entries = ExportSource::open(dir.path())
            .unwrap()
            .csv_entries()
            .unwrap();
        let stems: Vec<&str> = entries.keys().map(String::as_str).collect();
        assert_eq!(stems, ["users", "é"]);
    }
}
