//! The connector's JSON configuration.

use homeroom_connector_core::{ConnectorError, Secret, Url};
use serde::Deserialize;

/// Clever's API host, used when `base_url` is not given.
pub const DEFAULT_BASE_URL: &str = "https://api.clever.com";

/// Objects asked for per request (`limit`) unless configured: Clever's maximum, so a district
/// costs as few of its 1,200 requests per minute as possible.
pub const DEFAULT_PAGE_SIZE: u32 = 10_000;

/// The largest `limit` Clever accepts (a larger one is answered with HTTP 413).
pub const MAX_PAGE_SIZE: u32 = 10_000;

/// A checked configuration, from `{"base_url"?, "token", "page_size"?}`:
///
/// * `base_url` — defaults to [`DEFAULT_BASE_URL`]; it may end in `/v3.0` or `/v3.1` (that
///   version is then used) or not (`/v3.0` is added);
/// * `token` — the district-app bearer token (a secret: encrypted at rest by the server);
/// * `page_size` — the `limit` of each request, 1 to 10,000 (default 10,000).
#[derive(Clone, Debug)]
pub struct CleverConfig {
    /// The API base including the version, ending in `/` (`https://api.clever.com/v3.0/`).
    pub api_base: Url,
    /// The district bearer token.
    pub token: Secret,
    /// `limit` per request.
    pub page_size: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    base_url: Option<String>,
    token: Secret,
    #[serde(default)]
    page_size: Option<u32>,
}

fn config_error(message: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Config(format!("Clever configuration: {message}"))
}

impl CleverConfig {
    /// Parses and checks the JSON configuration; every mistake is a
    /// [`ConnectorError::Config`] naming the field.
    pub fn from_json(value: serde_json::Value) -> Result<Self, ConnectorError> {
        let raw: RawConfig = serde_json::from_value(value).map_err(config_error)?;
        if raw.token.expose().trim().is_empty() {
            return Err(config_error("`token` is empty"));
        }
        let page_size = raw.page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(config_error(format!(
                "`page_size` must be between 1 and {MAX_PAGE_SIZE} (Clever answers 413 above), not {page_size}"
            )));
        }
        Ok(Self {
            api_base: api_base(raw.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?,
            token: Secret::new(raw.token.expose().trim()),
            page_size,
        })
    }

    /// The host root (`https://api.clever.com/`), against which Clever's relative links
    /// (`/v3.0/users?…`) resolve.
    pub fn host_root(&self) -> Url {
        let mut root = self.api_base.clone();
        root.set_path("/");
        root
    }
}

/// `text` as an http(s) URL ending in `/v3.0/` or `/v3.1/`.
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
    let full = if path.ends_with("/v3.0") || path.ends_with("/v3.1") {
        format!("{path}/")
    } else if let Some(other) = path
        .rsplit('/')
        .next()
        .filter(|s| s.starts_with('v') && s[1..].chars().next().is_some_and(|c| c.is_ascii_digit()))
    {
        return Err(config_error(format!(
            "`base_url` `{text}` names API version `{other}`; this connector speaks v3.0 and v3.1"
        )));
    } else {
        format!("{path}/v3.0/")
    };
    url.set_path(&full);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn base_url_with_or_without_version() {
        let c = CleverConfig::from_json(json!({"token": "t"})).unwrap();
        assert_eq!(c.api_base.as_str(), "https://api.clever.com/v3.0/");
        assert_eq!(c.page_size, 10_000);
        assert_eq!(c.host_root().as_str(), "https://api.clever.com/");
        let c = CleverConfig::from_json(
            json!({"token": "t", "base_url": "https://api.clever.com/v3.1/"}),
        )
        .unwrap();
        assert_eq!(c.api_base.as_str(), "https://api.clever.com/v3.1/");
        let c = CleverConfig::from_json(
            json!({"token": "t", "base_url": "http://127.0.0.1:9000/v3.0", "page_size": 50}),
        )
        .unwrap();
        assert_eq!(c.api_base.as_str(), "http://127.0.0.1:9000/v3.0/");
        assert_eq!(c.page_size, 50);
        let c =
            CleverConfig::from_json(json!({"token": "t", "base_url": "http://h/proxy"})).unwrap();
        assert_eq!(c.api_base.as_str(), "http://h/proxy/v3.0/");
    }

    #[test]
    fn explains_mistakes() {
        for (config, want) in [
            (json!({}), "missing field `token`"),
            (json!({"token": " "}), "`token` is empty"),
            (
                json!({"token": "t", "page_size": 10001}),
                "between 1 and 10000",
            ),
            (json!({"token": "t", "page_size": 0}), "between 1 and 10000"),
            (json!({"token": "t", "base_url": "ftp://x"}), "http(s) URL"),
            (
                json!({"token": "t", "base_url": "https://api.clever.com/v2.1"}),
                "`v2.1`",
            ),
            (
                json!({"token": "t", "client_id": "x"}),
                "unknown field `client_id`",
            ),
        ] {
            let err = CleverConfig::from_json(config).unwrap_err();
            assert!(matches!(err, ConnectorError::Config(_)), "{err:?}");
            assert!(err.to_string().contains(want), "{err} should say {want}");
        }
    }

    #[test]
    fn token_stays_out_of_debug_output() {
        let c = CleverConfig::from_json(json!({"token": "DEMO_TOKEN_123"})).unwrap();
        assert!(!format!("{c:?}").contains("DEMO_TOKEN_123"));
    }
}
