//! The OneRoster REST connector.

use async_trait::async_trait;
use homeroom_connector_core::{
    Connector, ConnectorError, ConnectorKind, CursorSlot, HttpConfig, SyncStream,
};

use super::api::Api;
use super::config::OneRosterRestConfig;
use super::custom::RestCustomization;
use super::endpoints::Collection;
use super::run::{RestPurpose, RestRun};
use crate::report::{ImportReport, LatestReport};
use crate::values::{format_timestamp, parse_timestamp};

/// Reads a OneRoster 1.1 or 1.2 REST provider (kind [`ConnectorKind::OneRosterRest`],
/// configuration [`OneRosterRestConfig`]).
///
/// * 1.1 requests are signed with OAuth 1.0a HMAC-SHA256 (ClassLink style: no `oauth_version`,
///   query parameters signed); 1.2 requests carry an OAuth 2.0 client-credentials bearer
///   token (cached, refreshed on expiry or a 401).
/// * Collections are paged with `limit`/`offset` until an empty page, `X-Total-Count`, or the
///   end of the `Link rel="next"` chain; 429 (honouring `Retry-After`), 5xx, timeouts and
///   dropped connections are retried by the core HTTP client.
/// * Error responses become [`ConnectorError::Auth`] (401/403) or [`ConnectorError::Http`]
///   quoting the imsx description; a body that is not the expected JSON is
///   [`ConnectorError::Malformed`]; a full snapshot with no usable orgs or users is
///   [`ConnectorError::EmptyRoster`].
/// * **Delta cursor:** the time the read *started*, minus `delta_overlap` (default 5 minutes),
///   as `YYYY-MM-DDTHH:MM:SSZ`, reported through the stream's cursor slot when the read ends
///   cleanly. Objects changed while a read runs are therefore read again by the next delta
///   (harmless: unchanged content hashes are skipped), and clock skew up to the overlap
///   loses nothing. The max `dateLastModified` seen is not used: a quiet provider would
///   never advance it, and providers differ in its precision. [`Connector::delta`] asks every
///   collection but orgs for `filter=dateLastModified>'<cursor>'`.
///
/// Rejected objects and warnings go to [`OneRosterRest::last_report`].
#[derive(Debug)]
pub struct OneRosterRest {
    config: OneRosterRestConfig,
    api: Api,
    sis_id_user_id_type: Option<String>,
    latest: LatestReport,
}

impl OneRosterRest {
    /// A connector with the default HTTP settings (60 s timeout, 5 attempts).
    pub fn new(config: OneRosterRestConfig) -> Result<Self, ConnectorError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    /// A connector with custom HTTP settings (timeouts, retries, client-side rate limit).
    pub fn with_http_config(
        config: OneRosterRestConfig,
        http: HttpConfig,
    ) -> Result<Self, ConnectorError> {
        Self::customized(config, http, RestCustomization::default())
    }

    /// A connector with custom HTTP settings and a provider's conventions
    /// ([`RestCustomization`]).
    pub fn customized(
        config: OneRosterRestConfig,
        http: HttpConfig,
        custom: RestCustomization,
    ) -> Result<Self, ConnectorError> {
        let api = Api::new(&config, http, custom.auth)?;
        Ok(Self {
            config,
            api,
            sis_id_user_id_type: custom.sis_id_user_id_type,
            latest: LatestReport::default(),
        })
    }

    /// A connector from its JSON configuration.
    pub fn from_json(config: serde_json::Value) -> Result<Self, ConnectorError> {
        Self::new(OneRosterRestConfig::from_json(config)?)
    }

    /// The configuration.
    pub fn config(&self) -> &OneRosterRestConfig {
        &self.config
    }

    /// HTTP requests sent so far by this connector (retries and token requests included).
    pub fn request_count(&self) -> u64 {
        self.api.request_count()
    }

    /// The report of the latest snapshot or delta (live while it streams), if one was started.
    pub fn last_report(&self) -> Option<ImportReport> {
        self.latest.get()
    }

    fn stream(&self, purpose: RestPurpose) -> SyncStream<'_> {
        let cursor = CursorSlot::new();
        let run = RestRun::new(
            &self.api,
            self.latest.start(),
            purpose,
            self.config.page_size,
            cursor.clone(),
            self.config.delta_overlap,
            self.sis_id_user_id_type.clone(),
        );
        let pages = futures::stream::unfold(run, |mut run| async move {
            run.next_page().await.map(|item| (item, run))
        });
        SyncStream::new(pages, cursor)
    }
}

#[async_trait]
impl Connector for OneRosterRest {
    fn kind(&self) -> ConnectorKind {
        ConnectorKind::OneRosterRest
    }

    /// Fetches one org (`orgs?limit=1`).
    async fn test_credentials(&self) -> Result<(), ConnectorError> {
        let url = self.api.collection_url(Collection::Orgs, 1, 0, None);
        let response = self.api.get(url.clone()).await?;
        let body: serde_json::Value = response.json("orgs response")?;
        if body.get("orgs").is_some_and(serde_json::Value::is_array) {
            Ok(())
        } else {
            Err(ConnectorError::malformed(
                format!("orgs response from {url}"),
                format!(
                    "no `orgs` list; the body starts: {}",
                    response.body_excerpt(200)
                ),
            ))
        }
    }

    fn full_snapshot(&self) -> SyncStream<'_> {
        self.stream(RestPurpose::Full)
    }

    fn supports_delta(&self) -> bool {
        true
    }

    /// Changes since `cursor` (an ISO 8601 timestamp, normally the one a previous read
    /// reported). No cursor is a [`ConnectorError::Config`] error: run a full snapshot first.
    fn delta(&self, cursor: Option<&str>) -> SyncStream<'_> {
        let Some(cursor) = cursor else {
            return SyncStream::from_error(ConnectorError::Config(
                "a OneRoster REST delta needs the cursor of an earlier sync; run a full snapshot first"
                    .to_owned(),
            ));
        };
        match parse_timestamp(cursor) {
            Ok(since) => self.stream(RestPurpose::Delta {
                since: format_timestamp(since),
            }),
            Err(message) => SyncStream::from_error(ConnectorError::Config(format!(
                "the OneRoster delta cursor is not a timestamp: {message}"
            ))),
        }
    }
}
