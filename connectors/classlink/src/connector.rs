//! The ClassLink connector: the OneRoster REST client with ClassLink's access modes.

use async_trait::async_trait;
use futures::StreamExt;
use homeroom_connector_core::{
    Connector, ConnectorError, ConnectorKind, CursorSlot, HttpClient, HttpConfig, RequestAuth,
    SyncStream,
};
use homeroom_oneroster::{ImportReport, OneRosterRest, RestCustomization};
use tokio::sync::OnceCell;

use crate::FED_USER_ID_TYPE;
use crate::config::{Access, ClassLinkConfig};
use crate::discovery::discover_tenant;

/// Reads a ClassLink Roster Server (kind [`ConnectorKind::ClassLink`], configuration
/// [`ClassLinkConfig`]) through [`OneRosterRest`] as OneRoster 1.1:
///
/// * direct: every request signed with OAuth 1.0a HMAC-SHA256 as ClassLink's libraries sign
///   (see the crate documentation);
/// * proxy: `Authorization: Bearer <token>` to ClassLink's OneRoster proxy, its application
///   path configured or found by tenant (`GET /applications`) before the first request;
/// * `userIds` of type `FED` become the person's `sis_id`; `enabledUser` as the string
///   `"true"`/`"false"` (or a boolean) is read by the OneRoster client.
///
/// Paging, the delta (`filter=dateLastModified>'…'`), retries and errors are the OneRoster
/// REST client's ([`OneRosterRest`]).
#[derive(Debug)]
pub struct ClassLink {
    config: ClassLinkConfig,
    http: HttpConfig,
    /// For tenant discovery (proxy with `tenant` only).
    discovery: Option<HttpClient>,
    rest: OnceCell<OneRosterRest>,
}

impl ClassLink {
    /// A connector with the default HTTP settings (60 s timeout, 5 attempts).
    pub fn new(config: ClassLinkConfig) -> Result<Self, ConnectorError> {
        Self::with_http_config(config, HttpConfig::default())
    }

    /// A connector with custom HTTP settings (timeouts, retries, client-side rate limit).
    pub fn with_http_config(
        config: ClassLinkConfig,
        http: HttpConfig,
    ) -> Result<Self, ConnectorError> {
        let (rest, discovery) = match &config.access {
            Access::Direct { base_url, .. } => (
                OnceCell::new_with(Some(build(&config, &http, base_url)?)),
                None,
            ),
            Access::Proxy {
                proxy_url,
                tenant: None,
                ..
            } => (
                OnceCell::new_with(Some(build(&config, &http, proxy_url.as_str())?)),
                None,
            ),
            Access::Proxy { .. } => (OnceCell::new(), Some(HttpClient::new(http.clone())?)),
        };
        Ok(Self {
            config,
            http,
            discovery,
            rest,
        })
    }

    /// A connector from its JSON configuration.
    pub fn from_json(config: serde_json::Value) -> Result<Self, ConnectorError> {
        Self::new(ClassLinkConfig::from_json(config)?)
    }

    /// The configuration.
    pub fn config(&self) -> &ClassLinkConfig {
        &self.config
    }

    /// HTTP requests sent so far (retries and tenant discovery included).
    pub fn request_count(&self) -> u64 {
        self.rest.get().map_or(0, OneRosterRest::request_count)
            + self.discovery.as_ref().map_or(0, HttpClient::request_count)
    }

    /// The report of the latest snapshot or delta (rejected objects, warnings), if one ran.
    pub fn last_report(&self) -> Option<ImportReport> {
        self.rest.get().and_then(OneRosterRest::last_report)
    }

    /// The OneRoster client, after tenant discovery when it is configured (a failed discovery
    /// is tried again next time).
    async fn rest(&self) -> Result<&OneRosterRest, ConnectorError> {
        self.rest
            .get_or_try_init(|| async {
                let Access::Proxy {
                    proxy_url,
                    bearer_token,
                    tenant: Some(tenant),
                } = &self.config.access
                else {
                    return Err(ConnectorError::Other(
                        "the ClassLink client was not built".to_owned(),
                    ));
                };
                let client = match &self.discovery {
                    Some(client) => client,
                    None => &HttpClient::new(self.http.clone())?,
                };
                let auth = RequestAuth::Bearer(bearer_token.clone());
                let base = discover_tenant(client, proxy_url, &auth, tenant).await?;
                build(&self.config, &self.http, base.as_str())
            })
            .await
    }

    /// The stream `open` makes on the OneRoster client, found first when needed.
    fn stream<'a, F>(&'a self, open: F) -> SyncStream<'a>
    where
        F: FnOnce(&'a OneRosterRest) -> SyncStream<'a> + Send + 'a,
    {
        if let Some(rest) = self.rest.get() {
            return open(rest);
        }
        let cursor = CursorSlot::new();
        let slot = cursor.clone();
        let mut open = Some(open);
        let pages = futures::stream::once(self.rest()).flat_map(move |found| match found {
            Ok(rest) => match open.take() {
                Some(open) => relay(open(rest), slot.clone()).boxed(),
                None => futures::stream::empty().boxed(),
            },
            Err(error) => futures::stream::once(async move { Err(error) }).boxed(),
        });
        SyncStream::new(pages, cursor)
    }
}

/// The pages of `inner`, then its cursor copied into `slot`.
fn relay(
    inner: SyncStream<'_>,
    slot: CursorSlot,
) -> impl futures::Stream<Item = Result<homeroom_connector_core::Page, ConnectorError>> + Send + '_
{
    futures::stream::unfold(Some(inner), move |state| {
        let slot = slot.clone();
        async move {
            let mut inner = state?;
            match inner.next().await {
                Some(item) => Some((item, Some(inner))),
                None => {
                    if let Ok(Some(cursor)) = inner.next_cursor() {
                        slot.set(cursor);
                    }
                    None
                }
            }
        }
    })
}

/// The OneRoster 1.1 client for the API at `base_url`.
fn build(
    config: &ClassLinkConfig,
    http: &HttpConfig,
    base_url: &str,
) -> Result<OneRosterRest, ConnectorError> {
    let custom = RestCustomization {
        auth: match &config.access {
            Access::Direct { .. } => None,
            Access::Proxy { bearer_token, .. } => Some(RequestAuth::Bearer(bearer_token.clone())),
        },
        sis_id_user_id_type: Some(FED_USER_ID_TYPE.to_owned()),
    };
    OneRosterRest::customized(config.rest_config(base_url)?, http.clone(), custom)
}

#[async_trait]
impl Connector for ClassLink {
    fn kind(&self) -> ConnectorKind {
        ConnectorKind::ClassLink
    }

    /// Finds the tenant (when configured), then fetches one org (`orgs?limit=1`).
    async fn test_credentials(&self) -> Result<(), ConnectorError> {
        self.rest().await?.test_credentials().await
    }

    fn full_snapshot(&self) -> SyncStream<'_> {
        self.stream(|rest| rest.full_snapshot())
    }

    fn supports_delta(&self) -> bool {
        true
    }

    /// Changes since `cursor` (the timestamp an earlier read reported), as
    /// `filter=dateLastModified>'<cursor>'` on every collection but orgs.
    fn delta(&self, cursor: Option<&str>) -> SyncStream<'_> {
        let cursor = cursor.map(str::to_owned);
        self.stream(move |rest| rest.delta(cursor.as_deref()))
    }
}
