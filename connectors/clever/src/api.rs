//! Authenticated, rate-limited requests to one Clever district, and cursor paging.

use homeroom_connector_core::http::set_query_pairs;
use homeroom_connector_core::{
    ConnectorError, HttpClient, HttpConfig, HttpRequest, HttpResponse, RateLimit, RequestAuth, Url,
};
use serde::de::DeserializeOwned;

use crate::config::CleverConfig;
use crate::wire::WireList;

/// Clever's limit: requests per minute per bearer token.
pub const CLEVER_REQUESTS_PER_MINUTE: u32 = 1_200;

/// The client-side limit for a server allowing `requests` per `per`: the same count over a
/// period 2 % longer. The core token bucket guarantees no window of `per` holds more than
/// `requests` *sends*; the margin absorbs the jitter between when requests leave and when the
/// server counts them (a first request slowed by connection setup opens the server's window
/// late), at a cost of 2 % of throughput.
pub fn client_rate_limit(
    requests: u32,
    per: std::time::Duration,
) -> Result<RateLimit, ConnectorError> {
    RateLimit::new(requests, per + per / 50)
}

/// The HTTP settings the registry builds Clever connectors with: the core defaults plus
/// [`client_rate_limit`] of [`CLEVER_REQUESTS_PER_MINUTE`] per minute, so a sync never runs
/// into Clever's limit on purpose.
pub fn production_http_config() -> HttpConfig {
    HttpConfig {
        rate_limit: client_rate_limit(
            CLEVER_REQUESTS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        )
        .ok(),
        ..HttpConfig::default()
    }
}

/// The client, token and base URL of one district.
#[derive(Debug)]
pub(crate) struct Api {
    client: HttpClient,
    auth: RequestAuth,
    base: Url,
    root: Url,
    page_size: u32,
}

impl Api {
    pub(crate) fn new(config: &CleverConfig, http: HttpConfig) -> Result<Self, ConnectorError> {
        Ok(Self {
            client: HttpClient::new(http)?,
            auth: RequestAuth::Bearer(config.token.clone()),
            base: config.api_base.clone(),
            root: config.host_root(),
            page_size: config.page_size,
        })
    }

    /// Requests sent so far (retries included).
    pub(crate) fn request_count(&self) -> u64 {
        self.client.request_count()
    }

    /// `<base>/<path>?limit=<page size>&<extra>`.
    pub(crate) fn list_url(&self, path: &str, extra: &[(&str, &str)]) -> Url {
        self.list_url_with_limit(path, self.page_size, extra)
    }

    /// `<base>/<path>?limit=<limit>&<extra>`.
    pub(crate) fn list_url_with_limit(
        &self,
        path: &str,
        limit: u32,
        extra: &[(&str, &str)],
    ) -> Url {
        let mut url = self.base.join(path).unwrap_or_else(|_| self.base.clone());
        let limit = limit.to_string();
        let mut pairs = vec![("limit", limit.as_str())];
        pairs.extend_from_slice(extra);
        set_query_pairs(&mut url, &pairs);
        url
    }

    /// A link Clever sent (relative to the host, or absolute).
    pub(crate) fn resolve(&self, link: &str) -> Result<Url, ConnectorError> {
        homeroom_connector_core::http::link_on_origin(&self.root, link, "Clever paging link")
    }

    /// `GET url`: 2xx or an error (401/403 are [`ConnectorError::Auth`]; 429, 5xx, timeouts
    /// and cut connections are retried by the core client).
    pub(crate) async fn get(&self, url: Url) -> Result<HttpResponse, ConnectorError> {
        self.client.get(url, &self.auth).await.map_err(explain_auth)
    }

    /// `GET url`, with final 4xx answers returned rather than turned into errors.
    pub(crate) async fn get_unchecked(&self, url: Url) -> Result<HttpResponse, ConnectorError> {
        self.client
            .send_unchecked(&HttpRequest::get(url), &self.auth)
            .await
    }
}

/// Names the Clever token in authentication errors.
fn explain_auth(error: ConnectorError) -> ConnectorError {
    match error {
        ConnectorError::Auth(message) => ConnectorError::Auth(format!(
            "{message} (Clever needs the district-app bearer token of a Secure Sync district)"
        )),
        other => other,
    }
}

/// Walks one list by following `links[rel=next]` (Clever's `starting_after` cursor) until a
/// page comes back empty or without a `next` link.
#[derive(Debug)]
pub(crate) struct Pager {
    what: String,
    next: Option<Url>,
}

impl Pager {
    /// Starts at `first`; `what` names the list in errors (`"Clever users (role=student)"`).
    pub(crate) fn new(what: impl Into<String>, first: Url) -> Self {
        Self {
            what: what.into(),
            next: Some(first),
        }
    }

    /// The next page of objects, or `None` when the list is done.
    pub(crate) async fn next_page<T: DeserializeOwned>(
        &mut self,
        api: &Api,
    ) -> Result<Option<Vec<T>>, ConnectorError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let response = api.get(url.clone()).await?;
        let list = parse_list::<T>(&response, &self.what)?;
        if list.data.is_empty() {
            return Ok(None);
        }
        if let Some(link) = list.next_link() {
            let next = api.resolve(link)?;
            if next == url {
                return Err(ConnectorError::malformed(
                    format!("{} page", self.what),
                    format!("the `next` link of {url} points at the same page"),
                ));
            }
            self.next = Some(next);
        }
        Ok(Some(list.data.into_iter().map(|w| w.data).collect()))
    }
}

/// Parses a list answer; anything else is [`ConnectorError::Malformed`].
pub(crate) fn parse_list<T: DeserializeOwned>(
    response: &HttpResponse,
    what: &str,
) -> Result<WireList<T>, ConnectorError> {
    response.json::<WireList<T>>(&format!("{what} page"))
}
