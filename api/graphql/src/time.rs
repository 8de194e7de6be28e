//! Timestamps: stored as Unix epoch microseconds, shown as RFC 3339.

/// RFC 3339 (UTC, microseconds) of an epoch-microsecond timestamp.
pub fn rfc3339(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_default()
}
