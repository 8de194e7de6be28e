//! The Aeries connector.

use async_trait::async_trait;
use homeroom_connector_core::{
    Connector, ConnectorError, ConnectorKind, CursorSlot, HttpConfig, SyncStream,
};

use crate::api::Api;
use crate::config::{AeriesConfig, PAGE_SIZE};
use crate::cursor::Cursor;
use crate::delta::Delta;
use crate::emit::spawn_stream;
use crate::snapshot::Snapshot;
use crate::wire;

/// Reads an Aeries SIS through API v5 (kind [`ConnectorKind::Aeries`], configuration
/// [`AeriesConfig`]). See the crate documentation for what is read and how.
#[derive(Debug)]
pub struct Aeries {
    config: AeriesConfig,
    api: Api,
}

impl Aeries {
    /// A connector with the default HTTP settings (60 s timeout, 5 attempts).
    pub fn new(config: AeriesConfig) -> Result<Self, ConnectorError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    /// A connector with custom HTTP settings (timeouts, retries, client-side rate limit).
    pub fn with_http_config(
        config: AeriesConfig,
        http: HttpConfig,
    ) -> Result<Self, ConnectorError> {
        let api = Api::new(&config, http)?;
        Ok(Self { config, api })
    }

    /// A connector from its JSON configuration.
    pub fn from_json(config: serde_json::Value) -> Result<Self, ConnectorError> {
        Self::new(AeriesConfig::from_json(config)?)
    }

    /// The configuration.
    pub fn config(&self) -> &AeriesConfig {
        &self.config
    }

    /// HTTP requests sent so far by this connector (retries included).
    pub fn request_count(&self) -> u64 {
        self.api.request_count()
    }
}

#[async_trait]
impl Connector for Aeries {
    fn kind(&self) -> ConnectorKind {
        ConnectorKind::Aeries
    }

    /// Lists the schools (`GET /api/v5/schools`): a wrong certificate is
    /// [`ConnectorError::Auth`].
    async fn test_credentials(&self) -> Result<(), ConnectorError> {
        let schools: Vec<wire::School> = self.api.list("schools", &[], "schools").await?;
        if schools.is_empty() {
            return Err(ConnectorError::EmptyRoster(format!(
                "{} listed no schools",
                self.api.url("schools", &[])
            )));
        }
        Ok(())
    }

    fn full_snapshot(&self) -> SyncStream<'_> {
        let cursor = CursorSlot::new();
        let (api, config, slot) = (self.api.clone(), self.config.clone(), cursor.clone());
        spawn_stream(cursor, PAGE_SIZE, move |em| async move {
            let mut read = Snapshot {
                api: api.for_read(em.rejects()),
                config,
                em,
                cursor: slot,
            };
            let result = read.run().await;
            (read.em, result)
        })
    }

    fn supports_delta(&self) -> bool {
        true
    }

    /// Changes since `cursor` (`YYYY-MM-DDTHH:MM` on the district server's clock, as a
    /// previous read reported it). No cursor is a [`ConnectorError::Config`] error.
    fn delta(&self, cursor: Option<&str>) -> SyncStream<'_> {
        let Some(text) = cursor else {
            return SyncStream::from_error(ConnectorError::Config(
                "an Aeries delta needs the cursor of an earlier sync; run a full snapshot first"
                    .into(),
            ));
        };
        let since = match Cursor::parse(text) {
            Ok(since) => since,
            Err(e) => return SyncStream::from_error(e),
        };
        let slot = CursorSlot::new();
        let (api, config, out) = (self.api.clone(), self.config.clone(), slot.clone());
        spawn_stream(slot, PAGE_SIZE, move |em| async move {
            let mut read = Delta {
                api: api.for_read(em.rejects()),
                config,
                em,
                cursor: out,
                since,
            };
            let result = read.run().await;
            (read.em, result)
        })
    }
}
