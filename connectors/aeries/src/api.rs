//! Authenticated requests to one Aeries site.

use std::sync::{Arc, Mutex};

use homeroom_connector_core::http::set_query_pairs;
use homeroom_connector_core::{
    ConnectorError, HttpClient, HttpConfig, HttpRequest, IssueSeverity, RequestAuth, SourceIssue,
    StatusCode, Url, header,
};
use serde::Deserialize;

use crate::config::AeriesConfig;
use crate::values::{Answer, FromMap, Item, Wrong};

/// The header carrying the certificate (`AERIES-CERT`; header names are case-insensitive).
pub(crate) const CERT_HEADER: &str = "aeries-cert";

/// Objects a list answer held that could not be read, reported by the read that asked.
pub(crate) type Rejects = Arc<Mutex<Vec<SourceIssue>>>;

/// A wire object the reader can check.
pub(crate) trait WireItem: FromMap {
    /// The properties of the wrong type.
    fn wrong(&self) -> &Wrong;
    /// The object's key, for messages (`StudentID 12`, `SectionNumber 3`).
    fn key(&self) -> Option<String> {
        None
    }
}

/// The HTTP client, certificate, API base and pinned year of an Aeries site.
#[derive(Clone, Debug)]
pub(crate) struct Api {
    client: HttpClient,
    auth: RequestAuth,
    base: Url,
    year: Option<u16>,
    /// Where rejected objects go (only logged when `None`).
    rejects: Option<Rejects>,
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
            rejects: None,
        })
    }

    /// A client for one read, whose rejected objects go to `rejects`.
    pub(crate) fn for_read(&self, rejects: Rejects) -> Self {
        Self {
            rejects: Some(rejects),
            ..self.clone()
        }
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
    pub(crate) async fn list_or_missing<T: WireItem>(
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
        self.read_answer(&response.body, what, &url).map(Some)
    }

    /// A 2xx body as a list of `T`: the objects that cannot be read are skipped and reported;
    /// a body that is no JSON list (or one object) is [`ConnectorError::Malformed`].
    pub(crate) fn read_answer<T: WireItem>(
        &self,
        body: &[u8],
        what: &str,
        url: &Url,
    ) -> Result<Vec<T>, ConnectorError> {
        let answer: Answer<T> = parse_answer(body).map_err(|e| {
            ConnectorError::malformed(
                format!("{what} ({url})"),
                format!("the body is not JSON: {e}; it starts: {}", excerpt(body)),
            )
        })?;
        let items = match answer {
            Answer::List(items) => items,
            Answer::Wrong(kind) => {
                return Err(ConnectorError::malformed(
                    format!("{what} ({url})"),
                    format!("expected a JSON array, got {kind}"),
                ));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let problem = match item {
                Item::Object(object) if object.wrong().is_empty() => {
                    out.push(object);
                    continue;
                }
                Item::Object(object) => {
                    let key = object.key().map(|k| format!(" ({k})")).unwrap_or_default();
                    format!("item {}{key}: {}", i + 1, object.wrong().describe())
                }
                Item::Wrong(kind) => format!("item {} is {kind} where an object belongs", i + 1),
            };
            self.reject(format!("{what} ({url}): {problem}; it is skipped"));
        }
        Ok(out)
    }

    fn reject(&self, message: String) {
        tracing::warn!(target: "homeroom_aeries", "{message}");
        let Some(rejects) = &self.rejects else {
            return;
        };
        rejects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(SourceIssue {
                severity: IssueSeverity::Error,
                code: "malformed_object".to_owned(),
                entity_kind: None,
                external_id: None,
                message,
                more: 0,
            });
    }

    /// Like [`Api::list_or_missing`], a 404 being an error.
    pub(crate) async fn list<T: WireItem>(
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
    pub(crate) async fn object<T: WireItem>(
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

/// Reads a whole answer in one pass (trailing bytes other than whitespace are an error).
fn parse_answer<T: FromMap>(body: &[u8]) -> serde_json::Result<Answer<T>> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let answer = Answer::deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(answer)
}

/// Aeries error bodies are `{"Message": "…"}`; otherwise the start of the body (at most 200
/// characters either way).
fn message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(rename = "Message")]
        message: String,
    }
    if let Ok(ErrorBody { message }) = serde_json::from_slice::<ErrorBody>(body) {
        return cut(&message, 200);
    }
    cut(&String::from_utf8_lossy(body), 200)
}

/// The start of a body, for messages.
fn excerpt(body: &[u8]) -> String {
    cut(&String::from_utf8_lossy(body), 200)
}

/// At most `max` characters of `text`, with `…` when cut.
pub(crate) fn cut(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
