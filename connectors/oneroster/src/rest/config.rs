//! Configuration of the REST connector.

use std::time::Duration;

use homeroom_connector_core::{ConnectorError, Secret, Url};
use serde::Deserialize;

use crate::DEFAULT_PAGE_SIZE;
use crate::version::OneRosterVersion;

/// The OneRoster 1.2 scope for core rostering reads, requested when none is configured.
pub const DEFAULT_SCOPE_V1P2: &str =
    "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly";

/// Objects asked for per request (`limit`) unless configured; servers may return fewer.
pub const DEFAULT_REQUEST_LIMIT: u32 = 1_000;

/// How far before the run's start the next delta's cursor is set, to absorb clock skew
/// between Homeroom and the provider.
pub const DEFAULT_DELTA_OVERLAP: Duration = Duration::from_secs(300);

/// A checked REST configuration. Built from JSON by [`OneRosterRestConfig::from_json`]:
///
/// ```json
/// {"base_url": "https://sis.example/", "version": "1.2",
///  "client_id": "…", "client_secret": "…",
///  "token_url": "https://sis.example/oauth/token", "scope": "…",
///  "page_size": 5000, "request_limit": 1000, "delta_overlap_secs": 300}
/// ```
///
/// `token_url` is required for 1.2 and not allowed for 1.1 (which signs each request with
/// OAuth 1.0a instead); `scope` (space-separated, 1.2 only) defaults to
/// [`DEFAULT_SCOPE_V1P2`]. `base_url` may be the host (the version's base path is added) or
/// the full API base (`…/ims/oneroster/v1p1/`).
#[derive(Clone, Debug)]
pub struct OneRosterRestConfig {
    /// The API base, ending in `/` (`https://h/ims/oneroster/rostering/v1p2/`).
    pub api_base: Url,
    /// 1.1 or 1.2.
    pub version: OneRosterVersion,
    /// Client id (OAuth 1.0a consumer key for 1.1).
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// The OAuth 2.0 token endpoint (1.2).
    pub token_url: Option<Url>,
    /// OAuth 2.0 scopes (1.2).
    pub scopes: Vec<String>,
    /// Records per emitted page.
    pub page_size: usize,
    /// `limit` of each request.
    pub request_limit: u32,
    /// See [`DEFAULT_DELTA_OVERLAP`].
    pub delta_overlap: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    version: VersionText,
    client_id: String,
    client_secret: Secret,
    #[serde(default)]
    token_url: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    page_size: Option<usize>,
    #[serde(default)]
    request_limit: Option<u32>,
    #[serde(default)]
    delta_overlap_secs: Option<u64>,
}

/// `"1.2"` or `1.2`.
#[derive(Deserialize)]
#[serde(untagged)]
enum VersionText {
    Text(String),
    Number(serde_json::Number),
}

fn config_error(message: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Config(format!("OneRoster REST configuration: {message}"))
}

impl OneRosterRestConfig {
    /// Parses and checks the JSON configuration; every mistake is a
    /// [`ConnectorError::Config`] saying which field is wrong and why.
    pub fn from_json(value: serde_json::Value) -> Result<Self, ConnectorError> {
        let raw: RawConfig = serde_json::from_value(value).map_err(config_error)?;
        let version_text = match raw.version {
            VersionText::Text(t) => t,
            VersionText::Number(n) => n.to_string(),
        };
        let version: OneRosterVersion = version_text
            .parse()
            .map_err(|e| config_error(format!("`version`: {e}")))?;
        if raw.client_id.trim().is_empty() {
            return Err(config_error("`client_id` is empty"));
        }
        if raw.client_secret.is_empty() {
            return Err(config_error("`client_secret` is empty"));
        }
        let api_base = api_base(&raw.base_url, version)?;
        let token_url = match (&raw.token_url, version) {
            (Some(url), OneRosterVersion::V1p2) => Some(http_url("token_url", url)?),
            (None, OneRosterVersion::V1p2) => {
                return Err(config_error(
                    "`token_url` is required for OneRoster 1.2 (OAuth 2.0 client credentials)",
                ));
            }
            (Some(_), OneRosterVersion::V1p1) => {
                return Err(config_error(
                    "`token_url` is only used with version 1.2; OneRoster 1.1 signs each request with OAuth 1.0a",
                ));
            }
            (None, OneRosterVersion::V1p1) => None,
        };
        let scopes = match (raw.scope, version) {
            (Some(_), OneRosterVersion::V1p1) => {
                return Err(config_error("`scope` is only used with version 1.2"));
            }
            (Some(scope), OneRosterVersion::V1p2) => {
                scope.split_whitespace().map(str::to_owned).collect()
            }
            (None, OneRosterVersion::V1p2) => vec![DEFAULT_SCOPE_V1P2.to_owned()],
            (None, OneRosterVersion::V1p1) => Vec::new(),
        };
        let page_size = raw.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if page_size == 0 {
            return Err(config_error("`page_size` must be at least 1"));
        }
        let request_limit = raw.request_limit.unwrap_or(DEFAULT_REQUEST_LIMIT);
        if request_limit == 0 {
            return Err(config_error("`request_limit` must be at least 1"));
        }
        Ok(Self {
            api_base,
            version,
            client_id: raw.client_id.trim().to_owned(),
            client_secret: raw.client_secret,
            token_url,
            scopes,
            page_size,
            request_limit,
            delta_overlap: raw
                .delta_overlap_secs
                .map_or(DEFAULT_DELTA_OVERLAP, Duration::from_secs),
        })
    }
}

fn http_url(field: &str, text: &str) -> Result<Url, ConnectorError> {
    let url = Url::parse(text.trim())
        .map_err(|e| config_error(format!("`{field}` `{text}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(config_error(format!(
            "`{field}` `{text}` must be an http(s) URL with a host"
        )));
    }
    Ok(url)
}

/// The API base for `version`: the URL as given when it already names a OneRoster path, else
/// the URL plus `ims/oneroster/v1p1/` (1.1) or `ims/oneroster/rostering/v1p2/` (1.2).
fn api_base(text: &str, version: OneRosterVersion) -> Result<Url, ConnectorError> {
    let mut url = http_url("base_url", text)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_error(format!(
            "`base_url` `{text}` must not have a query or fragment"
        )));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    let lower = path.to_ascii_lowercase();
    let (own, other) = match version {
        OneRosterVersion::V1p1 => ("v1p1", "v1p2"),
        OneRosterVersion::V1p2 => ("v1p2", "v1p1"),
    };
    if lower.ends_with(other) {
        return Err(config_error(format!(
            "`base_url` `{text}` is a OneRoster {} API but `version` is {version}",
            if other == "v1p1" { "1.1" } else { "1.2" }
        )));
    }
    let full_path = if lower.contains("/ims/oneroster") && lower.ends_with(own) {
        format!("{path}/")
    } else {
        let suffix = match version {
            OneRosterVersion::V1p1 => "ims/oneroster/v1p1/",
            OneRosterVersion::V1p2 => "ims/oneroster/rostering/v1p2/",
        };
        format!("{path}/{suffix}")
    };
    url.set_path(&full_path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn v12() -> serde_json::Value {
        json!({
            "base_url": "https://sis.example/",
            "version": "1.2",
            "client_id": "app",
            "client_secret": "s3cret",
            "token_url": "https://sis.example/oauth/token",
        })
    }

    #[test]
    fn builds_base_paths_per_version() {
        let c = OneRosterRestConfig::from_json(v12()).unwrap();
        assert_eq!(
            c.api_base.as_str(),
            "https://sis.example/ims/oneroster/rostering/v1p2/"
        );
        assert_eq!(c.scopes, [DEFAULT_SCOPE_V1P2]);
        assert_eq!(c.page_size, 5_000);
        let c = OneRosterRestConfig::from_json(json!({
            "base_url": "https://x-ca-v2.oneroster.com/ims/oneroster/v1p1",
            "version": 1.1, "client_id": "k", "client_secret": "s"
        }))
        .unwrap();
        assert_eq!(
            c.api_base.as_str(),
            "https://x-ca-v2.oneroster.com/ims/oneroster/v1p1/"
        );
        assert_eq!(c.version, OneRosterVersion::V1p1);
        assert!(c.token_url.is_none());
        let c = OneRosterRestConfig::from_json(json!({
            "base_url": "http://127.0.0.1:8080/district-a",
            "version": "1.1", "client_id": "k", "client_secret": "s"
        }))
        .unwrap();
        assert_eq!(
            c.api_base.as_str(),
            "http://127.0.0.1:8080/district-a/ims/oneroster/v1p1/"
        );
    }

    #[test]
    fn explains_every_mistake() {
        let cases = [
            (json!({"version": "1.2"}), "missing field `base_url`"),
            (
                {
                    let mut c = v12();
                    c["version"] = json!("2.0");
                    c
                },
                "unsupported OneRoster version `2.0`",
            ),
            (
                {
                    let mut c = v12();
                    c.as_object_mut().unwrap().remove("token_url");
                    c
                },
                "`token_url` is required for OneRoster 1.2",
            ),
            (
                {
                    let mut c = v12();
                    c["version"] = json!("1.1");
                    c
                },
                "`token_url` is only used with version 1.2",
            ),
            (
                {
                    let mut c = v12();
                    c["client_secret"] = json!("");
                    c
                },
                "`client_secret` is empty",
            ),
            (
                {
                    let mut c = v12();
                    c["base_url"] = json!("ftp://sis.example");
                    c
                },
                "must be an http(s) URL",
            ),
            (
                {
                    let mut c = v12();
                    c["base_url"] = json!("https://h/ims/oneroster/v1p1/");
                    c
                },
                "is a OneRoster 1.1 API but `version` is 1.2",
            ),
            (
                {
                    let mut c = v12();
                    c["secret"] = json!("x");
                    c
                },
                "unknown field `secret`",
            ),
        ];
        for (config, want) in cases {
            let err = OneRosterRestConfig::from_json(config).unwrap_err();
            assert!(
                matches!(err, ConnectorError::Config(_)),
                "{err:?} should be a config error"
            );
            assert!(err.to_string().contains(want), "{err} should say {want}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = OneRosterRestConfig::from_json(v12()).unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
