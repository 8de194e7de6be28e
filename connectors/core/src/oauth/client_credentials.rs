//! OAuth 2.0 client-credentials tokens (OneRoster 1.2), cached until shortly before expiry.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicRequestTokenError};
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::Secret;
use crate::connector::ConnectorError;
use crate::http::{HttpClient, HttpRequest, RequestAuth};

type TokenClient =
    BasicClient<EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// How the client authenticates to the token endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientAuthStyle {
    /// HTTP Basic `client_id:client_secret` (what the IMS Security Framework specifies).
    #[default]
    BasicHeader,
    /// `client_id` and `client_secret` in the form body (some providers require it).
    RequestBody,
}

/// Settings for [`ClientCredentialsTokens`].
#[derive(Clone, Debug)]
pub struct ClientCredentials {
    /// The provider's token endpoint.
    pub token_url: Url,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Secret,
    /// Scopes to request (OneRoster 1.2: `https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly`, …).
    pub scopes: Vec<String>,
    /// How the client authenticates.
    pub auth_style: ClientAuthStyle,
    /// A token is refreshed this long before it expires (at most half its lifetime).
    pub refresh_margin: Duration,
}

impl ClientCredentials {
    /// Settings with Basic client authentication, no scopes and a 60-second refresh margin.
    pub fn new(
        token_url: Url,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self {
            token_url,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            auth_style: ClientAuthStyle::BasicHeader,
            refresh_margin: Duration::from_secs(60),
        }
    }

    /// Sets the scopes.
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

struct CachedToken {
    token: Secret,
    /// `None`: the server gave no lifetime; keep until a 401 invalidates it.
    refresh_at: Option<Instant>,
}

/// Fetches client-credentials access tokens through the `oauth2` crate and caches them.
///
/// The token request goes through the connector's own [`HttpClient`] (so it shares its timeouts,
/// retries, rate limit and request count). Concurrent callers wait for one fetch rather than each
/// fetching. A token is reused until `refresh_margin` before its `expires_in` (or half its
/// lifetime, whichever is sooner); [`ClientCredentialsTokens::invalidate`] drops it early (done
/// automatically on a 401 when used as [`RequestAuth::OAuth2`]).
pub struct ClientCredentialsTokens {
    client: TokenClient,
    token_url: Url,
    scopes: Vec<Scope>,
    refresh_margin: Duration,
    cache: Mutex<Option<CachedToken>>,
    fetches: AtomicU64,
}

impl ClientCredentialsTokens {
    /// A token source for `credentials`.
    pub fn new(credentials: ClientCredentials) -> Self {
        let auth_type = match credentials.auth_style {
            ClientAuthStyle::BasicHeader => AuthType::BasicAuth,
            ClientAuthStyle::RequestBody => AuthType::RequestBody,
        };
        let client = BasicClient::new(ClientId::new(credentials.client_id))
            .set_client_secret(ClientSecret::new(
                credentials.client_secret.expose().to_owned(),
            ))
            .set_auth_type(auth_type)
            .set_token_uri(TokenUrl::from_url(credentials.token_url.clone()));
        Self {
            client,
            token_url: credentials.token_url,
            scopes: credentials.scopes.into_iter().map(Scope::new).collect(),
            refresh_margin: credentials.refresh_margin,
            cache: Mutex::new(None),
            fetches: AtomicU64::new(0),
        }
    }

    /// A valid access token, from the cache or freshly fetched through `http`.
    pub async fn access_token(&self, http: &HttpClient) -> Result<Secret, ConnectorError> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && cached.refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(cached.token.clone());
        }
        let fetched = self.fetch(http).await?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }

    /// Drops the cached token so the next call fetches a new one.
    pub async fn invalidate(&self) {
        *self.cache.lock().await = None;
    }

    /// How many tokens have been fetched (for tests and metrics).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    async fn fetch(&self, http: &HttpClient) -> Result<CachedToken, ConnectorError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let requested_at = Instant::now();
        let transport = TokenTransport {
            http,
            token_url: &self.token_url,
        };
        let response = self
            .client
            .exchange_client_credentials()
            .add_scopes(self.scopes.iter().cloned())
            .request_async(&transport)
            .await
            .map_err(|e| self.token_error(e))?;
        let lifetime = response.expires_in();
        let refresh_at = lifetime.map(|lifetime| {
            let margin = self.refresh_margin.min(lifetime / 2);
            requested_at + (lifetime - margin)
        });
        Ok(CachedToken {
            token: Secret::new(response.access_token().secret().clone()),
            refresh_at,
        })
    }

    fn token_error(&self, error: BasicRequestTokenError<ConnectorError>) -> ConnectorError {
        match error {
            RequestTokenError::ServerResponse(response) => {
                server_refusal(&self.token_url, &response)
            }
            RequestTokenError::Request(e) => e,
            RequestTokenError::Parse(e, _) => ConnectorError::malformed(
                "OAuth 2.0 token response",
                format!("{e} (from {})", self.token_url),
            ),
            RequestTokenError::Other(detail) => ConnectorError::malformed(
                "OAuth 2.0 token response",
                format!("{detail} (from {})", self.token_url),
            ),
        }
    }
}

/// Carries the `oauth2` crate's token request over the connector's [`HttpClient`].
struct TokenTransport<'a> {
    http: &'a HttpClient,
    token_url: &'a Url,
}

impl<'c> AsyncHttpClient<'c> for TokenTransport<'_> {
    type Error = ConnectorError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, ConnectorError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = HttpRequest::from_http(request)?;
            let response = self
                .http
                .send_unchecked(&request, &RequestAuth::None)
                .await?;
            if !response.status.is_success() && !is_oauth_error_body(&response.body) {
                // Not an RFC 6749 error document: report the HTTP failure itself.
                return Err(non_oauth_failure(self.token_url, &response));
            }
            Ok(response.into_http())
        })
    }
}

fn is_oauth_error_body(body: &[u8]) -> bool {
    serde_json::from_slice::<BasicErrorResponse>(body).is_ok()
}

fn non_oauth_failure(token_url: &Url, response: &crate::http::HttpResponse) -> ConnectorError {
    let status = response.status.as_u16();
    if matches!(status, 401 | 403) {
        ConnectorError::Auth(format!(
            "the token endpoint {token_url} rejected the client credentials (HTTP {status})"
        ))
    } else {
        ConnectorError::Http {
            status,
            url: token_url.to_string(),
            body_excerpt: response.body_excerpt(300),
        }
    }
}

fn server_refusal(token_url: &Url, response: &BasicErrorResponse) -> ConnectorError {
    let mut message = format!(
        "the token endpoint {token_url} refused the client credentials: {}",
        response.error()
    );
    if let Some(description) = response.error_description() {
        message.push_str(&format!(" ({description})"));
    }
    ConnectorError::Auth(message)
}

impl fmt::Debug for ClientCredentialsTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentialsTokens")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client.client_id().as_str())
            .field("scopes", &self.scopes)
            .field("fetches", &self.fetch_count())
            .finish_non_exhaustive()
    }
}
