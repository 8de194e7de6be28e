//! Where the key that encrypts connector secrets comes from.
//!
//! `HOMEROOM_SECRET_KEY` (or `secret_key` in the settings file) always wins. Without it, the
//! embedded SQLite default keeps its key in a file beside the database (`homeroom.db` →
//! `homeroom.db.secret-key`, mode 0600), created the first time a connector with secrets is
//! added and read by every command after that, so a fresh machine works without configuration.
//! PostgreSQL deployments (several replicas, no shared disk) must set the key explicitly and are
//! refused without it.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use homeroom_core::secrets::{SecretError, SecretKey};
use homeroom_schema::Store;

use crate::config::Settings;

/// Errors finding or making the key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The configured key or the key file is not base64 of 32 bytes.
    #[error("{source} ({origin})")]
    Bad {
        /// Where the key came from.
        origin: String,
        /// Why it is unusable.
        source: SecretError,
    },
    /// The key file cannot be read or written.
    #[error("secret key file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Secrets must be stored on PostgreSQL without a configured key.
    #[error(
        "HOMEROOM_SECRET_KEY is not set: a PostgreSQL deployment must set it (base64 of 32 bytes, \
         the same on every replica) to store connector secrets"
    )]
    PostgresNeedsKey,
}

/// The key file of a SQLite database file.
pub fn key_file(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".secret-key");
    PathBuf::from(name)
}

/// The key for commands that read secrets: the configured one, else the SQLite key file if it
/// exists, else none.
pub fn existing(settings: &Settings, store: &Store) -> Result<Option<SecretKey>, KeyError> {
    if let Some(text) = settings.secret_key.as_deref() {
        return configured(text).map(Some);
    }
    match store.sqlite_path() {
        Some(db) => read_file(&key_file(db)),
        None => Ok(None),
    }
}

/// The key for a command that must store secrets: like [`existing`], but on SQLite the key file
/// is created (and the log says so) when there is none; on PostgreSQL a missing key is refused.
pub fn for_storing(settings: &Settings, store: &Store) -> Result<SecretKey, KeyError> {
    if let Some(key) = existing(settings, store)? {
        return Ok(key);
    }
    let Some(db) = store.sqlite_path() else {
        return Err(KeyError::PostgresNeedsKey);
    };
    let path = key_file(db);
    let (key, text) = SecretKey::generate();
    let file_error = |source| KeyError::File {
        path: path.display().to_string(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(format!("{text}\n").as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(file_error)?;
            tracing::warn!(
                path = %path.display(),
                "HOMEROOM_SECRET_KEY is not set: created a secret key file beside the database \
                 to encrypt connector secrets; keep it with the database (and back it up)"
            );
            Ok(key)
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_file(&path)?.ok_or_else(|| file_error(e))
        }
        Err(e) => Err(file_error(e)),
    }
}

fn configured(text: &str) -> Result<SecretKey, KeyError> {
    SecretKey::from_base64(text).map_err(|source| KeyError::Bad {
        origin: "HOMEROOM_SECRET_KEY".into(),
        source,
    })
}

fn read_file(path: &Path) -> Result<Option<SecretKey>, KeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => SecretKey::from_base64(&text)
            .map(Some)
            .map_err(|source| KeyError::Bad {
                origin: path.display().to_string(),
                source,
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyError::File {
            path: path.display().to_string(),
            source,
        }),
    }
}
