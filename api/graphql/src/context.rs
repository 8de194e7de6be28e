//! Per-request state: the caller, the store, visibility sets computed once, and DataLoaders.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use homeroom_schema::Store;
use homeroom_schema::scope::{self, Scope, Visible};
use tokio::sync::OnceCell;

use crate::loaders::Loaders;
use homeroom_service::auth::Principal;
use homeroom_service::error::{ServiceError, ServiceResult};

/// Everything a resolver needs about the current request.
pub struct RequestCtx {
    /// The database.
    pub store: Store,
    /// The caller, or why there is none.
    pub principal: Result<Principal, ServiceError>,
    visible_people: OnceCell<Visible>,
    visible_classes: OnceCell<Visible>,
    /// Batched loaders for nested lists.
    pub loaders: Loaders,
    /// Sync runs (absent in contexts that cannot run syncs).
    pub sync: Option<homeroom_service::sync::SyncService>,
    /// Families services (links, waking the delivery worker).
    pub families: homeroom_service::invitations::Families,
    /// The caller's network address, as the server sees it (sign-in limits count per client).
    pub client: String,
}

impl RequestCtx {
    /// State for one request.
    pub fn new(store: Store, principal: Result<Principal, ServiceError>) -> Self {
        RequestCtx {
            loaders: Loaders::new(&store),
            store,
            principal,
            visible_people: OnceCell::new(),
            visible_classes: OnceCell::new(),
            sync: None,
            families: homeroom_service::invitations::Families::default(),
            client: String::new(),
        }
    }

    /// Sets the caller's network address (the HTTP server does).
    pub fn with_client(mut self, client: String) -> Self {
        self.client = client;
        self
    }

    /// Sets the families services (the HTTP server does, with its public URL).
    pub fn with_families(mut self, families: homeroom_service::invitations::Families) -> Self {
        self.families = families;
        self
    }

    /// Adds the sync service (the HTTP server does).
    pub fn with_sync(mut self, sync: homeroom_service::sync::SyncService) -> Self {
        self.sync = Some(sync);
        self
    }

    /// The authenticated caller, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> ServiceResult<&Principal> {
        self.principal.as_ref().map_err(Clone::clone)
    }

    /// The caller's roster scope.
    pub fn scope(&self) -> ServiceResult<Scope> {
        self.principal()?.scope()
    }

    /// People the caller may see (computed once per request).
    pub async fn visible_people(&self) -> ServiceResult<&Visible> {
        let scope = self.scope()?;
        self.visible_people
            .get_or_try_init(|| async {
                let mut conn = self.store.conn().await?;
                Ok::<_, ServiceError>(scope::visible_people(&mut conn, &scope).await?)
            })
            .await
    }

    /// Classes the caller may see (computed once per request).
    pub async fn visible_classes(&self) -> ServiceResult<&Visible> {
        let scope = self.scope()?;
        self.visible_classes
            .get_or_try_init(|| async {
                let mut conn = self.store.conn().await?;
                Ok::<_, ServiceError>(scope::visible_classes(&mut conn, &scope).await?)
            })
            .await
    }
}

/// Shorthand for resolvers.
pub fn req<'a>(ctx: &Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

/// Keeps the rows of `items` whose id `key` picks is visible.
pub fn keep_visible<T>(items: Vec<T>, visible: &Visible, key: impl Fn(&T) -> &str) -> Vec<T> {
    match visible {
        Visible::All => items,
        Visible::Ids(_) => items
            .into_iter()
            .filter(|i| visible.contains(key(i)))
            .collect(),
    }
}

/// Wraps DataLoader construction so every loader spawns on tokio.
pub fn loader<T: async_graphql::dataloader::Loader<String>>(inner: T) -> DataLoader<T> {
    DataLoader::new(inner, tokio::spawn)
}
