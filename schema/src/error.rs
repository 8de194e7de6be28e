//! Typed storage errors. The API maps them to GraphQL error codes in one place.

/// Everything the store can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither `sqlite://…` nor `postgres://…`, or is malformed.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// No connection could be had from the pool (database down, pool exhausted, timeout).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Running the embedded migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or other integrity rule refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value could not be decoded.
    #[error("invalid stored value: {0}")]
    Corrupt(String),
    /// The disk holding the database is full (SQLite's `SQLITE_FULL`, PostgreSQL's
    /// `disk_full`): the write was rolled back whole.
    #[error("the database's disk is full: free space, then run again")]
    DiskFull,
    /// Any other database error.
    #[error("database error: {0}")]
    Query(diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => StoreError::NotFound,
            Error::DatabaseError(
                kind @ (DatabaseErrorKind::UniqueViolation
                | DatabaseErrorKind::ForeignKeyViolation
                | DatabaseErrorKind::CheckViolation
                | DatabaseErrorKind::NotNullViolation),
                info,
            ) => StoreError::Conflict(format!("{kind:?}: {}", info.message())),
            // The connection broke under the statement (the server went away, the network
            // was cut): the database is unavailable, as when no connection could be had.
            Error::DatabaseError(
                DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
                info,
            ) => StoreError::Unavailable(info.message().to_owned()),
            Error::BrokenTransactionManager => {
                StoreError::Unavailable("the connection broke inside a transaction".into())
            }
            Error::DatabaseError(_, info)
                if info.message().contains("database or disk is full")
                    || info.message().contains("No space left on device") =>
            {
                StoreError::DiskFull
            }
            Error::DeserializationError(e) => match corrupt_json(e.as_ref()) {
                Some(why) => StoreError::Corrupt(why),
                None => StoreError::Query(Error::DeserializationError(e)),
            },
            other => StoreError::Query(other),
        }
    }
}

/// What is wrong, when a deserialization error is (or wraps, as diesel's per-field error does)
/// a JSON column that does not decode.
fn corrupt_json(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(corrupt) = err.downcast_ref::<crate::json::CorruptJson>() {
        return Some(corrupt.to_string());
    }
    if let Some(field) = err.downcast_ref::<diesel::result::DeserializeFieldError>() {
        let why = corrupt_json(field.error.as_ref())?;
        return Some(match &field.field_name {
            Some(name) => format!("column {name}: {why}"),
            None => why,
        });
    }
    err.source().and_then(corrupt_json)
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// A stored text value that is not one of an enum's known values.
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind} value {value:?}")]
pub struct UnknownValue {
    /// The enum's name.
    pub kind: &'static str,
    /// The value that did not parse.
    pub value: String,
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    #[test]
    fn a_broken_connection_is_unavailable_and_a_refused_write_is_not() {
        let broken = |kind| Error::DatabaseError(kind, Box::new("connection closed".to_owned()));
        for kind in [
            DatabaseErrorKind::UnableToSendCommand,
            DatabaseErrorKind::ClosedConnection,
        ] {
            assert!(matches!(
                StoreError::from(broken(kind)),
                StoreError::Unavailable(m) if m == "connection closed"
            ));
        }
        assert!(matches!(
            StoreError::from(Error::BrokenTransactionManager),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            StoreError::from(broken(DatabaseErrorKind::UniqueViolation)),
            StoreError::Conflict(_)
        ));
        assert!(matches!(
            StoreError::from(Error::RollbackTransaction),
            StoreError::Query(_)
        ));
    }
}
