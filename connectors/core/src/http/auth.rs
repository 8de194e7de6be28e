//! How a request proves who is asking.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use url::Url;

use super::HttpClient;
use crate::Secret;
use crate::connector::ConnectorError;
use crate::oauth::{ClientCredentialsTokens, OAuth1Signer};

/// Authentication added to every attempt of a request. Computed per attempt, so OAuth 1.0a
/// nonces and timestamps are fresh on retries and OAuth 2.0 tokens are refreshed when they
/// expire. `Debug` never prints a secret.
#[derive(Clone)]
pub enum RequestAuth {
    /// No authentication.
    None,
    /// `Authorization: Bearer <token>` (Clever district token, ClassLink proxy).
    Bearer(Secret),
    /// A custom header carrying a secret (Aeries `AERIES-CERT`).
    Header {
        /// Header name.
        name: HeaderName,
        /// Header value.
        value: Secret,
    },
    /// HTTP Basic (Clever's token listing endpoint).
    Basic {
        /// User name (client id).
        username: String,
        /// Password (client secret).
        password: Secret,
    },
    /// OAuth 1.0a HMAC-SHA256 signature (ClassLink, OneRoster 1.1).
    OAuth1(OAuth1Signer),
    /// OAuth 2.0 client-credentials bearer token, fetched and cached (OneRoster 1.2). On a 401
    /// the cached token is dropped and the request retried once with a new one.
    OAuth2(Arc<ClientCredentialsTokens>),
}

impl RequestAuth {
    /// The headers to add to one attempt.
    pub(crate) async fn headers(
        &self,
        method: &Method,
        url: &Url,
        client: &HttpClient,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, ConnectorError> {
        let pair = match self {
            RequestAuth::None => return Ok(Vec::new()),
            RequestAuth::Bearer(token) => (AUTHORIZATION, bearer(token)?),
            RequestAuth::Header { name, value } => {
                (name.clone(), sensitive(value.expose(), name.as_str())?)
            }
            RequestAuth::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                (
                    AUTHORIZATION,
                    sensitive(
                        &format!("Basic {}", STANDARD.encode(raw)),
                        "basic credentials",
                    )?,
                )
            }
            RequestAuth::OAuth1(signer) => {
                let header = signer.authorization_header(method.as_str(), url);
                (AUTHORIZATION, sensitive(&header, "OAuth 1.0a header")?)
            }
            RequestAuth::OAuth2(tokens) => {
                (AUTHORIZATION, bearer(&tokens.access_token(client).await?)?)
            }
        };
        Ok(vec![pair])
    }

    /// Reacts to a 401: drops a cached OAuth 2.0 token. Returns whether retrying may help.
    pub(crate) async fn refresh_after_unauthorized(&self) -> bool {
        match self {
            RequestAuth::OAuth2(tokens) => {
                tokens.invalidate().await;
                true
            }
            _ => false,
        }
    }
}

fn bearer(token: &Secret) -> Result<HeaderValue, ConnectorError> {
    sensitive(&format!("Bearer {}", token.expose()), "bearer token")
}

fn sensitive(value: &str, what: &str) -> Result<HeaderValue, ConnectorError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        ConnectorError::Config(format!(
            "the {what} contains characters not allowed in an HTTP header"
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl fmt::Debug for RequestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestAuth::None => f.write_str("None"),
            RequestAuth::Bearer(_) => f.write_str("Bearer(***)"),
            RequestAuth::Header { name, .. } => write!(f, "Header({name}: ***)"),
            RequestAuth::Basic { username, .. } => write!(f, "Basic({username}:***)"),
            RequestAuth::OAuth1(signer) => write!(f, "OAuth1({signer:?})"),
            RequestAuth::OAuth2(tokens) => write!(f, "OAuth2({tokens:?})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use reqwest::Method;
    use reqwest::header::HeaderName;

    use super::RequestAuth;
    use crate::http::{HttpClient, HttpConfig};
    use crate::{OAuth1Signer, Secret};

    #[tokio::test]
    async fn builds_headers_without_leaking_in_debug() {
        let client = HttpClient::new(HttpConfig::default()).unwrap();
        let url = "https://h/api/v5/schools".parse().unwrap();
        let cases = [
            (
                RequestAuth::Bearer(Secret::new("TEST_TOKEN")),
                "authorization",
                "Bearer TEST_TOKEN",
            ),
            (
                RequestAuth::Header {
                    name: HeaderName::from_static("aeries-cert"),
                    value: Secret::new("477abe9e7d27439681d62f4e0de1f5e1"),
                },
                "aeries-cert",
                "477abe9e7d27439681d62f4e0de1f5e1",
            ),
            (
                RequestAuth::Basic {
                    username: "id".into(),
                    password: Secret::new("pw"),
                },
                "authorization",
                "Basic aWQ6cHc=",
            ),
        ];
        for (auth, name, value) in cases {
            let headers = auth.headers(&Method::GET, &url, &client).await.unwrap();
            assert_eq!(headers.len(), 1);
            assert_eq!(headers[0].0.as_str(), name);
            assert_eq!(headers[0].1.to_str().unwrap(), value);
            assert!(headers[0].1.is_sensitive());
            let debug = format!("{auth:?}");
            assert!(
                !debug.contains(value.split(' ').next_back().unwrap()),
                "{debug}"
            );
        }
        let oauth1 = RequestAuth::OAuth1(OAuth1Signer::new("key", Secret::new("secret")));
        let headers = oauth1.headers(&Method::GET, &url, &client).await.unwrap();
        assert!(
            headers[0]
                .1
                .to_str()
                .unwrap()
                .starts_with("OAuth oauth_consumer_key=\"key\"")
        );
        assert!(!format!("{oauth1:?}").contains("secret\""));
        assert!(
            RequestAuth::None
                .headers(&Method::GET, &url, &client)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn rejects_header_breaking_secrets() {
        let client = HttpClient::new(HttpConfig::default()).unwrap();
        let url = "https://h/".parse().unwrap();
        let auth = RequestAuth::Bearer(Secret::new("line\nbreak"));
        assert!(auth.headers(&Method::GET, &url, &client).await.is_err());
    }
}
