//! The `status` column / property.

use homeroom_connector_core::RecordStatus;

/// Reads `active`, `tobedeleted` and OneRoster 1.0's `inactive` (read as `tobedeleted`), in any
/// case. A blank status is active where `blank_is_active` (bulk files, REST) and an error where
/// the status is required (delta files).
pub(crate) fn parse_status(
    raw: Option<&str>,
    blank_is_active: bool,
) -> Result<RecordStatus, String> {
    let Some(text) = super::non_blank(raw) else {
        return if blank_is_active {
            Ok(RecordStatus::Active)
        } else {
            Err("status is required in a delta file (active or tobedeleted)".to_owned())
        };
    };
    match text.to_ascii_lowercase().as_str() {
        "active" => Ok(RecordStatus::Active),
        "tobedeleted" | "inactive" => Ok(RecordStatus::ToBeDeleted),
        _ => Err(format!(
            "`{}` is not a status (expected active or tobedeleted)",
            super::quote(text)
        )),
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::RecordStatus;

    use super::parse_status;

    #[test]
    fn statuses() {
        assert_eq!(
            parse_status(Some("Active"), false),
            Ok(RecordStatus::Active)
        );
        assert_eq!(
            parse_status(Some("tobedeleted"), false),
            Ok(RecordStatus::ToBeDeleted)
        );
        assert_eq!(
            parse_status(Some("inactive"), true),
            Ok(RecordStatus::ToBeDeleted)
        );
        assert_eq!(parse_status(Some(""), true), Ok(RecordStatus::Active));
        assert!(parse_status(None, false).is_err());
        assert!(parse_status(Some("gone"), true).is_err());
    }
}
