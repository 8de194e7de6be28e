//! Starting the fake ClassLink server.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use homeroom_connector_core::Url;
use homeroom_district_gen::District;
use homeroom_oneroster::OneRosterVersion;
use homeroom_oneroster::fake::{
    CustomAuth, FakeAuth, FakeDataset, FakeHandle, FakeOneRoster, FakeOptions, Faults,
    RecordedRequest,
};
use serde_json::{Value, json};

use super::proxy::{self, FakeTenant, ProxyState, bearer_matches};
use super::seed::dataset_from_district;
use super::signature::ClassLinkSignatures;
use crate::FED_USER_ID_TYPE;

/// How the fake is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FakeAccess {
    /// A district's Roster Server: OAuth 1.0a signatures checked by ClassLink's rules, data
    /// under `/ims/oneroster/v1p1/`.
    Direct {
        /// Consumer key.
        client_id: String,
        /// Consumer secret.
        client_secret: String,
    },
    /// ClassLink's OneRoster proxy: `Authorization: Bearer <token>`, data under
    /// `/<oneroster_application_id>/ims/oneroster/v1p1/`, and `GET /applications` listing
    /// `tenant` (and another district).
    Proxy {
        /// The developer console's access token.
        bearer_token: String,
        /// The district served.
        tenant: FakeTenant,
    },
}

impl FakeAccess {
    /// [`FakeAccess::Direct`] with these credentials.
    pub fn direct(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        FakeAccess::Direct {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// [`FakeAccess::Proxy`] with this token and the default tenant.
    pub fn proxy(bearer_token: impl Into<String>) -> Self {
        FakeAccess::Proxy {
            bearer_token: bearer_token.into(),
            tenant: FakeTenant::default(),
        }
    }
}

/// Starts fake ClassLink servers.
#[derive(Debug)]
pub struct FakeClassLink;

impl FakeClassLink {
    /// Serves `dataset` as OneRoster 1.1 (every user given a `FED` id) on
    /// `127.0.0.1:<ephemeral port>`.
    pub async fn start(
        dataset: FakeDataset,
        access: FakeAccess,
    ) -> std::io::Result<ClassLinkHandle> {
        let dataset = dataset
            .with_version(OneRosterVersion::V1p1)
            .with_user_id_type(FED_USER_ID_TYPE);
        let (auth, options, proxy) = match &access {
            FakeAccess::Direct {
                client_id,
                client_secret,
            } => {
                let checks = Arc::new(ClassLinkSignatures::new(client_id, client_secret));
                let auth = CustomAuth::new("ClassLink OAuth 1.0a", move |url, authorization| {
                    checks.check(url, authorization)
                });
                (FakeAuth::Custom(auth), FakeOptions::default(), None)
            }
            FakeAccess::Proxy {
                bearer_token,
                tenant,
            } => {
                let token = bearer_token.clone();
                let auth = CustomAuth::new("ClassLink proxy bearer", move |_, authorization| {
                    bearer_matches(&token, authorization)
                });
                let state = Arc::new(ProxyState {
                    token: bearer_token.clone(),
                    tenants: vec![proxy::decoy(), tenant.clone()],
                    requests: AtomicU64::new(0),
                });
                let options = FakeOptions {
                    path_prefix: Some(tenant.oneroster_application_id.clone()),
                    extra_routes: Some(proxy::routes(state.clone())),
                };
                (FakeAuth::Custom(auth), options, Some(state))
            }
        };
        let inner = FakeOneRoster::start_with(dataset, auth, options).await?;
        Ok(ClassLinkHandle {
            inner,
            access,
            proxy,
        })
    }

    /// Serves the generated `district` ([`dataset_from_district`]).
    pub async fn from_district(
        district: &District,
        access: FakeAccess,
    ) -> std::io::Result<ClassLinkHandle> {
        let dataset = dataset_from_district(district).map_err(std::io::Error::other)?;
        Self::start(dataset, access).await
    }
}

/// A running fake ClassLink server. Dropping it stops the server.
pub struct ClassLinkHandle {
    inner: FakeHandle,
    access: FakeAccess,
    proxy: Option<Arc<ProxyState>>,
}

impl std::fmt::Debug for ClassLinkHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClassLinkHandle")
            .field("api_base", &self.inner.api_base().as_str())
            .finish_non_exhaustive()
    }
}

impl ClassLinkHandle {
    /// `http://127.0.0.1:<port>/` (the proxy root in proxy mode).
    pub fn base_url(&self) -> Url {
        self.inner.base_url()
    }

    /// Where the data is (`…/ims/oneroster/v1p1/`).
    pub fn api_base(&self) -> Url {
        self.inner.api_base()
    }

    /// The fault switches (they apply to the OneRoster data requests).
    pub fn faults(&self) -> &Faults {
        self.inner.faults()
    }

    /// Data requests received (answered or refused; not `/applications`).
    pub fn request_count(&self) -> u64 {
        self.inner.request_count()
    }

    /// The data requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.requests()
    }

    /// `GET /applications` requests received (proxy mode).
    pub fn applications_requests(&self) -> u64 {
        self.proxy
            .as_ref()
            .map_or(0, |p| p.requests.load(Ordering::SeqCst))
    }

    /// The `classlink` connector configuration for this fake: `{"base_url", "client_id",
    /// "client_secret"}` (direct) or `{"proxy_url": <root>/<application id>, "bearer_token"}`
    /// (proxy).
    pub fn connector_config(&self) -> Value {
        match &self.access {
            FakeAccess::Direct {
                client_id,
                client_secret,
            } => json!({
                "base_url": self.base_url().as_str(),
                "client_id": client_id,
                "client_secret": client_secret,
            }),
            FakeAccess::Proxy {
                bearer_token,
                tenant,
            } => json!({
                "proxy_url": format!("{}{}", self.base_url(), tenant.oneroster_application_id),
                "bearer_token": bearer_token,
            }),
        }
    }

    /// Proxy mode: `{"proxy_url": <root>, "bearer_token", "tenant": <tenant>}`, to find the
    /// application by tenant (id or name).
    pub fn discovery_config(&self, tenant: &str) -> Value {
        let token = match &self.access {
            FakeAccess::Proxy { bearer_token, .. } => bearer_token.as_str(),
            FakeAccess::Direct { .. } => "",
        };
        json!({"proxy_url": self.base_url().as_str(), "bearer_token": token, "tenant": tenant})
    }

    /// Stops the server, waiting a few seconds at most for open connections.
    pub async fn shutdown(self) {
        self.inner.shutdown().await;
    }
}
