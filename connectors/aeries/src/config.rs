//! Configuration of the Aeries connector.

use std::collections::BTreeMap;

use homeroom_connector_core::{ConnectorError, RelationshipKind, Secret, Url};
use serde::Deserialize;

/// Records per emitted page.
pub const PAGE_SIZE: usize = 5_000;

/// Students asked for per request (`StartingRecord`/`EndingRecord` window) unless configured.
pub const STUDENTS_PER_REQUEST: u32 = 2_000;

/// Section rosters fetched concurrently.
pub const ROSTER_CONCURRENCY: usize = 4;

/// A checked Aeries configuration, built from JSON by [`AeriesConfig::from_json`]:
///
/// ```json
/// {"base_url": "https://district.example/aeries", "cert": "<32-char certificate>",
///  "database_year": 2025, "school_codes": [994, 995],
///  "relationship_codes": {"10": "parent", "19": "guardian"}, "students_per_request": 2000}
/// ```
///
/// `base_url` is the Aeries site root; `/api/v5/` is added (a root already ending in
/// `/api/v5` is accepted as is). `database_year` (the start year of the school year) pins the
/// Aeries year database; without it the district's current year answers. `school_codes`
/// limits the read to those schools (the district office, school 0, is always read when the
/// district serves it). `relationship_codes` overrides the decoding of contact relationship
/// codes (values: `parent`, `guardian`, `relative`, `aide`, `other`). `students_per_request`
/// sizes the `StartingRecord`/`EndingRecord` window (default [`STUDENTS_PER_REQUEST`]).
#[derive(Clone, Debug)]
pub struct AeriesConfig {
    /// `…/api/v5/`, ending in `/`.
    pub api_base: Url,
    /// The `AERIES-CERT` certificate.
    pub cert: Secret,
    /// `DatabaseYear`, when pinned.
    pub database_year: Option<u16>,
    /// The schools read (all when `None`).
    pub school_codes: Option<Vec<u32>>,
    /// Relationship code → kind overrides.
    pub relationship_codes: BTreeMap<String, RelationshipKind>,
    /// Students per request.
    pub students_per_request: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    cert: Secret,
    #[serde(default)]
    database_year: Option<serde_json::Value>,
    #[serde(default)]
    school_codes: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    relationship_codes: BTreeMap<String, String>,
    #[serde(default)]
    students_per_request: Option<u32>,
}

fn config_error(message: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Config(format!("Aeries configuration: {message}"))
}

/// A number given as a JSON number or a numeric string.
fn number(field: &str, value: &serde_json::Value) -> Result<u64, ConnectorError> {
    match value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| config_error(format!("`{field}` must be a whole number, not {value}")))
}

impl AeriesConfig {
    /// Parses and checks the JSON configuration; every mistake is a
    /// [`ConnectorError::Config`] naming the field.
    pub fn from_json(value: serde_json::Value) -> Result<Self, ConnectorError> {
        let raw: RawConfig = serde_json::from_value(value).map_err(config_error)?;
        if raw.cert.expose().trim().is_empty() {
            return Err(config_error("`cert` is empty"));
        }
        let database_year = match &raw.database_year {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let year = number("database_year", v)?;
                if !(1990..=2200).contains(&year) {
                    return Err(config_error(format!(
                        "`database_year` {year} is not a school year's start year (e.g. 2025)"
                    )));
                }
                u16::try_from(year).ok()
            }
        };
        let school_codes = match &raw.school_codes {
            None => None,
            Some(list) => {
                let mut codes = Vec::with_capacity(list.len());
                for v in list {
                    let code = number("school_codes", v)?;
                    codes.push(u32::try_from(code).map_err(|_| {
                        config_error(format!("school code {code} is out of range"))
                    })?);
                }
                if codes.is_empty() {
                    return Err(config_error(
                        "`school_codes` is empty; leave it out to read every school",
                    ));
                }
                Some(codes)
            }
        };
        let mut relationship_codes = BTreeMap::new();
        for (code, kind) in raw.relationship_codes {
            let parsed = RelationshipKind::parse_label(&kind).map_err(|_| {
                config_error(format!(
                    "`relationship_codes` maps `{code}` to `{kind}`; use parent, guardian, relative, aide or other"
                ))
            })?;
            relationship_codes.insert(code.trim().to_owned(), parsed);
        }
        let students_per_request = raw.students_per_request.unwrap_or(STUDENTS_PER_REQUEST);
        if students_per_request == 0 {
            return Err(config_error("`students_per_request` must be at least 1"));
        }
        Ok(Self {
            students_per_request,
            api_base: api_base(&raw.base_url)?,
            cert: Secret::new(raw.cert.expose().trim()),
            database_year,
            school_codes,
            relationship_codes,
        })
    }

    /// Whether `school_code` is read.
    pub fn reads_school(&self, school_code: u32) -> bool {
        school_code == 0
            || self
                .school_codes
                .as_ref()
                .is_none_or(|codes| codes.contains(&school_code))
    }
}

/// `<site root>/api/v5/`.
fn api_base(text: &str) -> Result<Url, ConnectorError> {
    let mut url = Url::parse(text.trim())
        .map_err(|e| config_error(format!("`base_url` `{text}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(config_error(format!(
            "`base_url` `{text}` must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_error(format!(
            "`base_url` `{text}` must not have a query or fragment"
        )));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    let lower = path.to_ascii_lowercase();
    let full = if lower.ends_with("/api/v5") {
        format!("{path}/")
    } else if lower.contains("/api/v") {
        return Err(config_error(format!(
            "`base_url` `{text}` names another Aeries API version; give the site root (e.g. https://host/aeries)"
        )));
    } else {
        format!("{path}/api/v5/")
    };
    url.set_path(&full);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn builds_the_api_base_and_reads_options() {
        let c = AeriesConfig::from_json(json!({
            "base_url": "https://demo.aeries.net/aeries",
            "cert": "477abe9e7d27439681d62f4e0de1f5e1",
            "database_year": "2025",
            "school_codes": [994, "995"],
            "relationship_codes": {"19": "Guardian"}
        }))
        .unwrap();
        assert_eq!(
            c.api_base.as_str(),
            "https://demo.aeries.net/aeries/api/v5/"
        );
        assert_eq!(c.database_year, Some(2025));
        assert_eq!(c.school_codes, Some(vec![994, 995]));
        assert_eq!(c.relationship_codes["19"], RelationshipKind::Guardian);
        assert!(c.reads_school(0) && c.reads_school(994) && !c.reads_school(990));
        let c = AeriesConfig::from_json(json!({
            "base_url": "http://127.0.0.1:9/admin/api/v5/", "cert": "x"
        }))
        .unwrap();
        assert_eq!(c.api_base.as_str(), "http://127.0.0.1:9/admin/api/v5/");
        assert!(c.database_year.is_none() && c.school_codes.is_none());
        assert!(c.reads_school(7));
        assert!(!format!("{c:?}").contains("\"x\""));
    }

    #[test]
    fn explains_every_mistake() {
        let cases = [
            (json!({"cert": "x"}), "missing field `base_url`"),
            (json!({"base_url": "https://h/a"}), "missing field `cert`"),
            (
                json!({"base_url": "https://h/a", "cert": " "}),
                "`cert` is empty",
            ),
            (
                json!({"base_url": "ftp://h", "cert": "x"}),
                "must be an http(s) URL",
            ),
            (
                json!({"base_url": "https://h/api/v4", "cert": "x"}),
                "another Aeries API version",
            ),
            (
                json!({"base_url": "https://h", "cert": "x", "database_year": 25}),
                "not a school year",
            ),
            (
                json!({"base_url": "https://h", "cert": "x", "school_codes": []}),
                "`school_codes` is empty",
            ),
            (
                json!({"base_url": "https://h", "cert": "x", "school_codes": ["a"]}),
                "whole number",
            ),
            (
                json!({"base_url": "https://h", "cert": "x", "relationship_codes": {"1": "aunt"}}),
                "use parent",
            ),
            (
                json!({"base_url": "https://h", "cert": "x", "token": "y"}),
                "unknown field `token`",
            ),
        ];
        for (config, want) in cases {
            let err = AeriesConfig::from_json(config).unwrap_err();
            assert!(matches!(err, ConnectorError::Config(_)), "{err:?}");
            assert!(err.to_string().contains(want), "{err} should say {want}");
        }
    }
}
