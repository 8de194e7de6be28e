//! Authenticated requests to one Aeries site.

use homeroom_connector_core::http::set_query_pairs;
use homeroom_connector_core::{
    ConnectorError, HttpClient, HttpConfig, HttpRequest, RequestAuth, StatusCode, Url, header,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::AeriesConfig;

/// The header carrying the certificate (`AERIES-CERT`; header names are case-insensitive).
pub(crate) const CERT_HEADER: &str = "aeries-cert";

/// The HTTP client, certificate, API base and pinned year of an Aeries site.
#[derive(Clone, Debug)]
pub(crate) struct Api {
    client: HttpClient,
    auth: RequestAuth,
    base: Url,
    year: Option<u16>,
}

impl Api {
    /// A client sending `AERIES-CERT: <cert>` on every request.
    pub(crate) fn new(config: &AeriesConfig, http: HttpConfig) -> Result<Self, ConnectorError> {
        Ok(Self {
            client: HttpClient::new(http)?,
            auth: RequestAuth::Header {
                name: header::HeaderName::from_static(CERT_HEADER),
                value: config.cert.clone(),
            },
            base: config.api_base.clone(),
            year: config.database_year,
        })
    }

    /// Requests sent so far (retries included).
    pub(crate) fn request_count(&self) -> u64 {
        self.client.request_count()
    }

    /// `<base><path>?<query>&DatabaseYear=<year>`.
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.base.join(path).unwrap_or_else(|_| self.base.clone());
        let year = self.year.map(|y| y.to_string());
        let mut pairs: Vec<(&str, &str)> = query.to_vec();
        if let Some(year) = &year {
            pairs.push(("DatabaseYear", year));
        }
        if !pairs.is_empty() {
            set_query_pairs(&mut url, &pairs);
        }
        url
    }

    /// `GET path` as a JSON array of `T`; `None` when the site answers 404 (no such object
    /// or endpoint). 401/403 are [`ConnectorError::Auth`]; a body that is not a JSON array of
    /// the expected objects is [`ConnectorError::Malformed`] naming `what`.
    pub(crate) async fn list_or_missing<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<Option<Vec<T>>, ConnectorError> {
        let url = self.url(path, query);
        let response = self
            .client
            .send_unchecked(&HttpRequest::get(url.clone()), &self.auth)
            .await?;
        match response.status {
            s if s.is_success() => {}
            StatusCode::NOT_FOUND => return Ok(None),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(ConnectorError::Auth(format!(
                    "{url} refused the AERIES-CERT certificate (HTTP {}): {}; check the certificate and that the district granted it the Security Areas this connector reads (Student Data, Contacts, Staff Data, Teacher Data, Scheduling)",
                    response.status.as_u16(),
                    message(&response.body)
                )));
            }
            status => {
                return Err(ConnectorError::Http {
                    status: status.as_u16(),
                    url: url.to_string(),
                    body_excerpt: message(&response.body),
                });
            }
        }
        let body: Value = response.json(&format!("{what} ({url})"))?;
        let items = match body {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            // A single object where a list was expected (some single-record endpoints).
            object @ Value::Object(_) => vec![object],
            other => {
                return Err(ConnectorError::malformed(
                    format!("{what} ({url})"),
                    format!("expected a JSON array, got {other}"),
                ));
            }
        };
        items
            .into_iter()
            .map(|item| {
                serde_json::from_value(item).map_err(|e| {
                    ConnectorError::malformed(format!("{what} ({url})"), e.to_string())
                })
            })
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }

    /// Like [`Api::list_or_missing`], a 404 being an error.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<T>, ConnectorError> {
        self.list_or_missing(path, query, what)
            .await?
            .ok_or_else(|| ConnectorError::Http {
                status: 404,
                url: self.url(path, query).to_string(),
                body_excerpt: format!("the Aeries site has no {what} endpoint"),
            })
    }

    /// `GET path` as one JSON object.
    pub(crate) async fn object<T: DeserializeOwned>(
        &self,
        path: &str,
        what: &str,
    ) -> Result<T, ConnectorError> {
        let mut items: Vec<T> = self.list(path, &[], what).await?;
        items.pop().ok_or_else(|| {
            ConnectorError::malformed(
                what,
                format!("{} answered with nothing", self.url(path, &[])),
            )
        })
    }
}

/// Aeries error bodies are `{"Message": "…"}`; otherwise the start of the body.
fn message(body: &[u8]) -> String {
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body)
        && let Some(Value::String(m)) = map.get("Message")
    {
        return m.clone();
    }
    let text = String::from_utf8_lossy(body);
    text.chars().take(200).collect()
}
