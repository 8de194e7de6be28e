//! `dateLastModified` values and delta cursors.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

/// Reads an ISO 8601 timestamp as OneRoster providers write them: RFC 3339 with an offset
/// (`2023-05-01T18:25:43.511Z`), a date-time without offset (read as UTC), or a date alone
/// (midnight UTC).
pub(crate) fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(naive.and_utc());
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    Err(format!(
        "`{}` is not an ISO 8601 date-time (expected e.g. 2024-01-31T08:00:00Z)",
        super::quote(text)
    ))
}

/// Formats a timestamp the way OneRoster filters expect: `2024-01-31T08:00:00Z`.
pub(crate) fn format_timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::{format_timestamp, parse_timestamp};

    #[test]
    fn reads_the_shapes_providers_send() {
        let a = parse_timestamp("2023-05-01T18:25:43.511Z").unwrap();
        assert_eq!(format_timestamp(a), "2023-05-01T18:25:43Z");
        let b = parse_timestamp("2023-05-01T18:25:43").unwrap();
        assert_eq!(format_timestamp(b), "2023-05-01T18:25:43Z");
        let c = parse_timestamp("2023-05-01").unwrap();
        assert_eq!(format_timestamp(c), "2023-05-01T00:00:00Z");
        let d = parse_timestamp("2023-05-01T20:25:43+02:00").unwrap();
        assert_eq!(format_timestamp(d), "2023-05-01T18:25:43Z");
        assert!(parse_timestamp("1/05/2023").is_err());
    }
}
