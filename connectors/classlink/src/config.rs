//! The ClassLink connector's configuration.

use homeroom_connector_core::{ConnectorError, Secret, Url};
use homeroom_oneroster::OneRosterRestConfig;
use serde::Deserialize;
use serde_json::{Value, json};

/// How Homeroom reaches a district's roster server.
#[derive(Clone, Debug)]
pub enum Access {
    /// The district's OneRoster server itself, every request signed with OAuth 1.0a
    /// HMAC-SHA256 (the credentials of ClassLink's developer console "key" dialog).
    Direct {
        /// The server (`https://<name>-<region>-v2.oneroster.com`, with or without
        /// `/ims/oneroster/v1p1`).
        base_url: String,
        /// OAuth 1.0a consumer key.
        client_id: String,
        /// OAuth 1.0a consumer secret.
        client_secret: Secret,
    },
    /// ClassLink's OneRoster proxy with the application's bearer token; the proxy signs the
    /// requests to the district's server.
    Proxy {
        /// With `tenant`: the proxy root (`https://oneroster-proxy.classlink.io`). Without:
        /// the application's proxy path (`https://oneroster-proxy.classlink.io/<APP_ID>`,
        /// with or without `/ims/oneroster/v1p1`).
        proxy_url: Url,
        /// The access token of the developer console.
        bearer_token: Secret,
        /// A tenant to find through `GET <proxy_url>/applications` (its `tenant_id` or
        /// `tenant_name`), when configured.
        tenant: Option<String>,
    },
}

/// A checked ClassLink configuration, from JSON ([`ClassLinkConfig::from_json`]):
///
/// ```json
/// {"base_url": "https://district-ca-v2.oneroster.com", "client_id": "…", "client_secret": "…"}
/// {"proxy_url": "https://oneroster-proxy.classlink.io/<APP_ID>", "bearer_token": "…"}
/// {"proxy_url": "https://oneroster-proxy.classlink.io", "bearer_token": "…", "tenant": "ClassLink Demo"}
/// ```
///
/// plus, in either shape, the OneRoster REST client's tuning: `page_size` (records per
/// emitted page), `request_limit` (`limit` of each request) and `delta_overlap_secs`.
#[derive(Clone, Debug)]
pub struct ClassLinkConfig {
    /// Direct or through the proxy.
    pub access: Access,
    /// `page_size`, if set.
    pub page_size: Option<usize>,
    /// `request_limit`, if set.
    pub request_limit: Option<u32>,
    /// `delta_overlap_secs`, if set.
    pub delta_overlap_secs: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    client_secret: Option<Secret>,
    #[serde(default)]
    proxy_url: Option<String>,
    #[serde(default)]
    bearer_token: Option<Secret>,
    #[serde(default)]
    tenant: Option<TenantText>,
    #[serde(default)]
    page_size: Option<usize>,
    #[serde(default)]
    request_limit: Option<u32>,
    #[serde(default)]
    delta_overlap_secs: Option<u64>,
}

/// A tenant named by id (`2` or `"2"`) or name.
#[derive(Deserialize)]
#[serde(untagged)]
enum TenantText {
    Text(String),
    Number(u64),
}

/// A [`ConnectorError::Config`] prefixed with what is being configured.
pub(crate) fn config_error(message: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::Config(format!("ClassLink configuration: {message}"))
}

const SHAPES: &str = "use either {\"base_url\", \"client_id\", \"client_secret\"} (OAuth 1.0a, direct) \
     or {\"proxy_url\", \"bearer_token\"} (ClassLink's OneRoster proxy)";

impl ClassLinkConfig {
    /// Parses and checks the JSON configuration; every mistake is a
    /// [`ConnectorError::Config`] saying which field is wrong and why.
    pub fn from_json(value: Value) -> Result<Self, ConnectorError> {
        let raw: RawConfig = serde_json::from_value(value).map_err(config_error)?;
        let direct =
            raw.base_url.is_some() || raw.client_id.is_some() || raw.client_secret.is_some();
        let proxy = raw.proxy_url.is_some() || raw.bearer_token.is_some() || raw.tenant.is_some();
        let access = match (direct, proxy) {
            (true, true) => {
                return Err(config_error(format!(
                    "direct and proxy settings are mixed; {SHAPES}"
                )));
            }
            (false, false) => {
                return Err(config_error(format!("no server is configured; {SHAPES}")));
            }
            (true, false) => {
                let missing =
                    |field: &str| config_error(format!("missing field `{field}` ({SHAPES})"));
                let base_url = raw.base_url.ok_or_else(|| missing("base_url"))?;
                let client_id = raw.client_id.ok_or_else(|| missing("client_id"))?;
                let client_secret = raw.client_secret.ok_or_else(|| missing("client_secret"))?;
                if client_id.trim().is_empty() {
                    return Err(config_error("`client_id` is empty"));
                }
                if client_secret.is_empty() {
                    return Err(config_error("`client_secret` is empty"));
                }
                Access::Direct {
                    base_url,
                    client_id: client_id.trim().to_owned(),
                    client_secret,
                }
            }
            (false, true) => {
                let missing =
                    |field: &str| config_error(format!("missing field `{field}` ({SHAPES})"));
                let proxy_text = raw.proxy_url.ok_or_else(|| missing("proxy_url"))?;
                let bearer_token = raw.bearer_token.ok_or_else(|| missing("bearer_token"))?;
                if bearer_token.expose().trim().is_empty() {
                    return Err(config_error("`bearer_token` is empty"));
                }
                let tenant = match raw.tenant {
                    None => None,
                    Some(TenantText::Number(n)) => Some(n.to_string()),
                    Some(TenantText::Text(t)) if t.trim().is_empty() => {
                        return Err(config_error("`tenant` is empty"));
                    }
                    Some(TenantText::Text(t)) => Some(t.trim().to_owned()),
                };
                Access::Proxy {
                    proxy_url: proxy_url(&proxy_text)?,
                    bearer_token: Secret::new(bearer_token.expose().trim()),
                    tenant,
                }
            }
        };
        let config = Self {
            access,
            page_size: raw.page_size,
            request_limit: raw.request_limit,
            delta_overlap_secs: raw.delta_overlap_secs,
        };
        // Check everything the REST client checks (URL shape, limits) now, not at first use.
        match &config.access {
            Access::Direct { base_url, .. } => {
                config.rest_config(base_url)?;
            }
            Access::Proxy {
                proxy_url,
                tenant: None,
                ..
            } => {
                config.rest_config(proxy_url.as_str())?;
            }
            Access::Proxy { .. } => {
                config.rest_config("https://tenant.invalid/app/")?;
            }
        }
        Ok(config)
    }

    /// The OneRoster 1.1 REST configuration for the API at `base_url` (the OAuth 1.0a
    /// credentials when direct; the proxy's token is sent as a bearer token instead, so its
    /// consumer key is a placeholder).
    pub(crate) fn rest_config(
        &self,
        base_url: &str,
    ) -> Result<OneRosterRestConfig, ConnectorError> {
        let (client_id, client_secret) = match &self.access {
            Access::Direct {
                client_id,
                client_secret,
                ..
            } => (client_id.as_str(), client_secret.expose()),
            Access::Proxy { bearer_token, .. } => ("classlink-proxy", bearer_token.expose()),
        };
        let mut json = json!({
            "base_url": base_url,
            "version": "1.1",
            "client_id": client_id,
            "client_secret": client_secret,
        });
        if let Some(n) = self.page_size {
            json["page_size"] = json!(n);
        }
        if let Some(n) = self.request_limit {
            json["request_limit"] = json!(n);
        }
        if let Some(n) = self.delta_overlap_secs {
            json["delta_overlap_secs"] = json!(n);
        }
        OneRosterRestConfig::from_json(json).map_err(|error| match error {
            ConnectorError::Config(message) => config_error(
                message
                    .strip_prefix("OneRoster REST configuration: ")
                    .unwrap_or(&message),
            ),
            other => other,
        })
    }
}

/// `proxy_url` as an http(s) URL whose path ends with `/` (so that joins append).
fn proxy_url(text: &str) -> Result<Url, ConnectorError> {
    let mut url = Url::parse(text.trim())
        .map_err(|e| config_error(format!("`proxy_url` `{text}` is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(config_error(format!(
            "`proxy_url` `{text}` must be an http(s) URL with a host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_error(format!(
            "`proxy_url` `{text}` must not have a query or fragment"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_both_shapes() {
        let c = ClassLinkConfig::from_json(json!({
            "base_url": "https://district-ca-v2.oneroster.com",
            "client_id": " key ", "client_secret": "s3cret", "request_limit": 500
        }))
        .unwrap();
        let rest = match &c.access {
            Access::Direct {
                base_url,
                client_id,
                ..
            } => {
                assert_eq!(client_id, "key");
                c.rest_config(base_url).unwrap()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            rest.api_base.as_str(),
            "https://district-ca-v2.oneroster.com/ims/oneroster/v1p1/"
        );
        assert_eq!(rest.request_limit, 500);

        let c = ClassLinkConfig::from_json(json!({
            "proxy_url": "https://oneroster-proxy.classlink.io/MoYPlyQWmG0%3D",
            "bearer_token": "tok"
        }))
        .unwrap();
        let Access::Proxy {
            proxy_url, tenant, ..
        } = &c.access
        else {
            panic!("{c:?}")
        };
        assert_eq!(tenant, &None);
        assert_eq!(
            c.rest_config(proxy_url.as_str()).unwrap().api_base.as_str(),
            "https://oneroster-proxy.classlink.io/MoYPlyQWmG0%3D/ims/oneroster/v1p1/"
        );

        let c = ClassLinkConfig::from_json(json!({
            "proxy_url": "https://oneroster-proxy.classlink.io",
            "bearer_token": "tok", "tenant": 2
        }))
        .unwrap();
        assert!(matches!(&c.access, Access::Proxy { tenant: Some(t), .. } if t == "2"));
    }

    #[test]
    fn explains_every_mistake() {
        let cases = [
            (json!({}), "no server is configured"),
            (
                json!({"base_url": "https://h", "client_id": "k", "client_secret": "s", "bearer_token": "t"}),
                "direct and proxy settings are mixed",
            ),
            (
                json!({"base_url": "https://h", "client_id": "k"}),
                "missing field `client_secret`",
            ),
            (
                json!({"proxy_url": "https://p"}),
                "missing field `bearer_token`",
            ),
            (
                json!({"base_url": "https://h", "client_id": "k", "client_secret": ""}),
                "`client_secret` is empty",
            ),
            (
                json!({"proxy_url": "ftp://p", "bearer_token": "t"}),
                "must be an http(s) URL",
            ),
            (
                json!({"base_url": "https://h/ims/oneroster/rostering/v1p2", "client_id": "k", "client_secret": "s"}),
                "is a OneRoster 1.2 API",
            ),
            (
                json!({"base_url": "https://h", "client_id": "k", "client_secret": "s", "request_limit": 0}),
                "`request_limit` must be at least 1",
            ),
            (
                json!({"proxy_url": "https://p", "bearer_token": "t", "token": "x"}),
                "unknown field `token`",
            ),
        ];
        for (config, want) in cases {
            let err = ClassLinkConfig::from_json(config).unwrap_err();
            assert!(matches!(err, ConnectorError::Config(_)), "{err:?}");
            assert!(err.to_string().contains(want), "{err} should say {want}");
            assert!(err.to_string().contains("ClassLink configuration"), "{err}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = ClassLinkConfig::from_json(json!({
            "proxy_url": "https://p/APP", "bearer_token": "very-secret-token"
        }))
        .unwrap();
        assert!(!format!("{c:?}").contains("very-secret-token"));
    }
}
