//! The Clever connector.

use std::time::SystemTime;

use async_trait::async_trait;
use homeroom_connector_core::{
    Connector, ConnectorError, ConnectorKind, CursorSlot, HttpConfig, SyncStream,
};

use crate::api::{Api, Pager, production_http_config};
use crate::config::CleverConfig;
use crate::delta::{Delta, check_cursor};
use crate::snapshot::Snapshot;
use crate::wire::WireId;

/// Reads one Clever district through the Data API v3 (kind [`ConnectorKind::Clever`],
/// configuration [`CleverConfig`]); see the crate documentation for what it reads and the
/// choices it makes.
#[derive(Debug)]
pub struct Clever {
    config: CleverConfig,
    api: Api,
}

impl Clever {
    /// A connector with the production HTTP settings ([`production_http_config`]: 60 s
    /// timeout, 5 attempts, at most 1,200 requests a minute).
    pub fn new(config: CleverConfig) -> Result<Self, ConnectorError> {
        Self::with_http_config(config, production_http_config())
    }

    /// A connector with custom HTTP settings (timeouts, retries, client-side rate limit).
    pub fn with_http_config(
        config: CleverConfig,
        http: HttpConfig,
    ) -> Result<Self, ConnectorError> {
        let api = Api::new(&config, http)?;
        Ok(Self { config, api })
    }

    /// A connector from its JSON configuration.
    pub fn from_json(config: serde_json::Value) -> Result<Self, ConnectorError> {
        Self::new(CleverConfig::from_json(config)?)
    }

    /// The configuration.
    pub fn config(&self) -> &CleverConfig {
        &self.config
    }

    /// HTTP requests sent so far by this connector (retries included).
    pub fn request_count(&self) -> u64 {
        self.api.request_count()
    }

    fn page_size(&self) -> usize {
        self.config.page_size as usize
    }
}

#[async_trait]
impl Connector for Clever {
    fn kind(&self) -> ConnectorKind {
        ConnectorKind::Clever
    }

    /// Reads the token's district (`GET /districts?limit=1`).
    async fn test_credentials(&self) -> Result<(), ConnectorError> {
        let url = self.api.list_url_with_limit("districts", 1, &[]);
        let mut pager = Pager::new("Clever districts", url);
        match pager.next_page::<WireId>(&self.api).await? {
            Some(_) => Ok(()),
            None => Err(ConnectorError::EmptyRoster(
                "the Clever token sees no district".into(),
            )),
        }
    }

    fn full_snapshot(&self) -> SyncStream<'_> {
        let cursor = CursorSlot::new();
        let run = Snapshot::new(&self.api, cursor.clone(), self.page_size());
        let pages = futures::stream::unfold(run, |mut run| async move {
            run.next_page().await.map(|item| (item, run))
        });
        SyncStream::new(pages, cursor)
    }

    fn supports_delta(&self) -> bool {
        true
    }

    /// Events after `cursor` (the last event id an earlier read reported). No cursor is a
    /// [`ConnectorError::Config`] error; a cursor outside Clever's 30-day window, or an events
    /// feed Clever refuses (events switched off), is [`ConnectorError::CursorExpired`], on
    /// which the sync engine runs a full snapshot instead.
    fn delta(&self, cursor: Option<&str>) -> SyncStream<'_> {
        let Some(cursor) = cursor else {
            return SyncStream::from_error(ConnectorError::Config(
                "a Clever delta needs the event cursor of an earlier sync; run a full sync first"
                    .into(),
            ));
        };
        let after = match check_cursor(cursor, SystemTime::now()) {
            Ok(id) => id,
            Err(e) => return SyncStream::from_error(e),
        };
        let slot = CursorSlot::new();
        let run = Delta::new(&self.api, slot.clone(), &after, self.page_size());
        let pages = futures::stream::unfold(run, |mut run| async move {
            run.next_page().await.map(|item| (item, run))
        });
        SyncStream::new(pages, slot)
    }
}
