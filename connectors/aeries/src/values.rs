//! Lenient readers for Aeries JSON values: ids and codes arrive as numbers or strings, flags as
//! `"Y"`/`"N"` or booleans, dates as `YYYY-MM-DDT00:00:00` or `null`.

use homeroom_connector_core::SisDate;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A number, string or `null` as trimmed text (`null` is empty).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    })
}

/// A `Y`/`N`/`true`/`false`/boolean flag; anything else (blank, `null`) is unknown.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) => parse_flag(&s),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        _ => None,
    })
}

/// `Y`, `Yes`, `T`, `true`, `1` → true; `N`, `No`, `F`, `false`, `0` → false.
pub(crate) fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" | "t" | "true" | "1" => Some(true),
        "n" | "no" | "f" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// An Aeries date (`2025-08-18T00:00:00`, or a bare date); blank and `null` are `None`.
pub(crate) fn date(text: &str) -> Result<Option<SisDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    SisDate::parse_date_prefix(t)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// `Some(trimmed)` unless blank.
pub(crate) fn non_blank(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "text")]
        id: String,
        #[serde(deserialize_with = "flag")]
        lives: Option<bool>,
    }

    #[test]
    fn reads_numbers_strings_and_flags() {
        let r: Row = serde_json::from_str(r#"{"id": 994, "lives": "Y"}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("994", Some(true)));
        let r: Row = serde_json::from_str(r#"{"id": " 12 ", "lives": false}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("12", Some(false)));
        let r: Row = serde_json::from_str(r#"{"id": null, "lives": ""}"#).unwrap();
        assert_eq!((r.id.as_str(), r.lives), ("", None));
        assert_eq!(
            date("2025-08-18T00:00:00").unwrap(),
            SisDate::from_ymd(2025, 8, 18)
        );
        assert_eq!(date("").unwrap(), None);
        assert!(date("18/08/2025").is_err());
        assert_eq!(non_blank("  "), None);
    }
}
