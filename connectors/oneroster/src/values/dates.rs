//! Calendar dates (`startDate`, `beginDate`, …).

use homeroom_connector_core::SisDate;

/// Reads `YYYY-MM-DD`, or the date part of a date-time (`2023-08-20T00:00:00Z`). Blank is
/// `Ok(None)`.
pub(crate) fn parse_date(raw: Option<&str>) -> Result<Option<SisDate>, String> {
    let Some(text) = super::non_blank(raw) else {
        return Ok(None);
    };
    SisDate::parse_date_prefix(text)
        .map(Some)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::SisDate;

    use super::parse_date;

    #[test]
    fn dates_and_date_times() {
        let want = SisDate::from_ymd(2023, 8, 20);
        assert_eq!(parse_date(Some("2023-08-20")), Ok(want));
        assert_eq!(parse_date(Some("2023-08-20T00:00:00.000Z")), Ok(want));
        assert_eq!(parse_date(Some(" ")), Ok(None));
        assert!(parse_date(Some("1/05/2023")).is_err());
    }
}
