//! Authenticated requests to one OneRoster provider.

use std::sync::Arc;

use homeroom_connector_core::http::set_query_pairs;
use homeroom_connector_core::{
    ClientCredentials, ClientCredentialsTokens, ConnectorError, HttpClient, HttpConfig,
    HttpRequest, HttpResponse, OAuth1Signer, RequestAuth, Url,
};

use super::config::OneRosterRestConfig;
use super::endpoints::Collection;
use super::imsx;
use crate::version::OneRosterVersion;

/// The HTTP client, credentials and base URL of a provider.
#[derive(Debug)]
pub(crate) struct Api {
    client: HttpClient,
    auth: RequestAuth,
    base: Url,
    request_limit: u32,
}

impl Api {
    /// 1.1: every request signed with OAuth 1.0a HMAC-SHA256 (client id = consumer key).
    /// 1.2: a client-credentials bearer token from `token_url`, cached and refreshed.
    /// `auth`, when given, replaces both.
    pub(crate) fn new(
        config: &OneRosterRestConfig,
        http: HttpConfig,
        auth: Option<RequestAuth>,
    ) -> Result<Self, ConnectorError> {
        let auth = match (auth, config.version) {
            (Some(auth), _) => auth,
            (None, version) => Self::version_auth(config, version)?,
        };
        Ok(Self {
            client: HttpClient::new(http)?,
            auth,
            base: config.api_base.clone(),
            request_limit: config.request_limit,
        })
    }

    fn version_auth(
        config: &OneRosterRestConfig,
        version: OneRosterVersion,
    ) -> Result<RequestAuth, ConnectorError> {
        Ok(match version {
            OneRosterVersion::V1p1 => RequestAuth::OAuth1(OAuth1Signer::new(
                config.client_id.clone(),
                config.client_secret.clone(),
            )),
            OneRosterVersion::V1p2 => {
                let token_url = config.token_url.clone().ok_or_else(|| {
                    ConnectorError::Config(
                        "OneRoster REST configuration: `token_url` is required for OneRoster 1.2"
                            .to_owned(),
                    )
                })?;
                let credentials = ClientCredentials::new(
                    token_url,
                    config.client_id.clone(),
                    config.client_secret.clone(),
                )
                .with_scopes(config.scopes.iter().cloned());
                RequestAuth::OAuth2(Arc::new(ClientCredentialsTokens::new(credentials)))
            }
        })
    }

    /// `limit` per request.
    pub(crate) fn request_limit(&self) -> u32 {
        self.request_limit
    }

    /// Requests sent so far (retries included).
    pub(crate) fn request_count(&self) -> u64 {
        self.client.request_count()
    }

    /// `<base>/<collection>?limit=…&offset=…[&filter=…]`.
    pub(crate) fn collection_url(
        &self,
        collection: Collection,
        limit: u32,
        offset: u64,
        filter: Option<&str>,
    ) -> Url {
        let mut url = self
            .base
            .join(collection.path())
            .unwrap_or_else(|_| self.base.clone());
        let limit = limit.to_string();
        let offset = offset.to_string();
        let mut pairs = vec![("limit", limit.as_str()), ("offset", offset.as_str())];
        if let Some(filter) = filter {
            pairs.push(("filter", filter));
        }
        set_query_pairs(&mut url, &pairs);
        url
    }

    /// Resolves a `Link` target (absolute or relative to `from`), on `from`'s origin only.
    pub(crate) fn resolve(&self, from: &Url, link: &str) -> Result<Url, ConnectorError> {
        homeroom_connector_core::http::link_on_origin(from, link, &format!("Link header of {from}"))
    }

    /// `GET url` for a collection page: like [`Api::get`], but a 2xx body is left for the
    /// pager, which reads it (imsx failure included) in one pass.
    pub(crate) async fn get_page(&self, url: Url) -> Result<HttpResponse, ConnectorError> {
        let response = self
            .client
            .send_unchecked(&HttpRequest::get(url), &self.auth)
            .await?;
        if !response.status.is_success() {
            return Err(imsx::error_for(&response));
        }
        Ok(response)
    }

    /// `GET url` with retries (429 / 5xx / timeouts, as the core client does). A final error
    /// response becomes a [`ConnectorError`] carrying its imsx description; a 2xx body that is
    /// an imsx failure is an error too.
    pub(crate) async fn get(&self, url: Url) -> Result<HttpResponse, ConnectorError> {
        let response = self
            .client
            .send_unchecked(&HttpRequest::get(url), &self.auth)
            .await?;
        if !response.status.is_success() {
            return Err(imsx::error_for(&response));
        }
        if let Some(text) = imsx::success_body_failure(&response.body) {
            return Err(ConnectorError::Http {
                status: response.status.as_u16(),
                url: response.url.to_string(),
                body_excerpt: format!("the provider reported a failure: {text}"),
            });
        }
        Ok(response)
    }
}
