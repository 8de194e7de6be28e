//! The delta cursor: the district server's local time (from `GET /systeminfo`) when a read
//! started, minus an overlap, as `YYYY-MM-DDTHH:MM`, which is also the resolution of the
//! `*DataChanges/{yyyy}/{MM}/{dd}/{HH}/{mm}` paths.

use std::time::Duration;

use chrono::NaiveDateTime;
use homeroom_connector_core::ConnectorError;

/// How far before the read's start the next delta looks, for changes made while the read ran
/// and for clock drift. Records re-read because of it are skipped by content hash.
pub const DELTA_OVERLAP: Duration = Duration::from_secs(300);

const FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A point on the district server's clock, to the minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor(NaiveDateTime);

impl Cursor {
    /// Reads `LocalDateTime` of `/systeminfo` (`2025-09-15T06:00:00`, fractions allowed).
    pub fn from_server_time(text: &str) -> Result<Self, ConnectorError> {
        let t = text.trim();
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S", FORMAT]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
            .map(Self)
            .ok_or_else(|| {
                ConnectorError::malformed(
                    "Aeries systeminfo",
                    format!("`LocalDateTime` `{text}` is not a date-time"),
                )
            })
    }

    /// Reads a stored cursor.
    pub fn parse(text: &str) -> Result<Self, ConnectorError> {
        NaiveDateTime::parse_from_str(text.trim(), FORMAT)
            .map(Self)
            .map_err(|e| {
                ConnectorError::Config(format!(
                    "the Aeries delta cursor `{text}` is not YYYY-MM-DDTHH:MM: {e}"
                ))
            })
    }

    /// `overlap` earlier.
    pub fn minus(self, overlap: Duration) -> Self {
        Self(
            self.0
                - chrono::Duration::from_std(overlap).unwrap_or_else(|_| chrono::Duration::zero()),
        )
    }

    /// The `{yyyy}/{MM}/{dd}/{HH}/{mm}` path of the change feeds.
    pub fn path(self) -> String {
        self.0.format("%Y/%m/%d/%H/%M").to_string()
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_builds_feed_paths() {
        let c = Cursor::from_server_time("2025-09-15T06:07:59.123").unwrap();
        assert_eq!(c.to_string(), "2025-09-15T06:07");
        assert_eq!(
            Cursor::parse(&c.to_string()).unwrap(),
            Cursor::parse("2025-09-15T06:07").unwrap()
        );
        let back = c.minus(DELTA_OVERLAP);
        assert_eq!(back.path(), "2025/09/15/06/02");
        assert!(Cursor::parse("yesterday").is_err());
        assert!(Cursor::from_server_time("").is_err());
    }
}
