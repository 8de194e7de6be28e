//! Per-request state: the caller, the store, visibility sets computed once, and DataLoaders.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use homeroom_schema::Store;
use homeroom_schema::scope::{self, Scope, Visible};
use tokio::sync::OnceCell;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::graphql::loaders::Loaders;

/// Everything a resolver needs about the current request.
pub struct RequestCtx {
    /// The database.
    pub store: Store,
    /// The caller, or why there is none.
    pub principal: Result<Principal, ApiError>,
    visible_people: OnceCell<Visible>,
    visible_classes: OnceCell<Visible>,
    /// Batched loaders for nested lists.
    pub loaders: Loaders,
    /// Sync runs (absent in contexts that cannot run syncs).
    pub sync: Option<crate::service::sync::SyncService>,
    /// Families services (links, waking the delivery worker).
    pub families: crate::service::invitations::Families,
}

impl RequestCtx {
    /// State for one request.
    pub fn new(store: Store, principal: Result<Principal, ApiError>) -> Self {
        RequestCtx {
            loaders: Loaders::new(&store),
            store,
            principal,
            visible_people: OnceCell::new(),
            visible_classes: OnceCell::new(),
            sync: None,
            families: crate::service::invitations::Families::default(),
        }
    }

    /// Sets the families services (the HTTP server does, with its public URL).
    pub fn with_families(mut self, families: crate::service::invitations::Families) -> Self {
        self.families = families;
        self
    }

    /// Adds the sync service (the HTTP server does).
    pub fn with_sync(mut self, sync: crate::service::sync::SyncService) -> Self {
        self.sync = Some(sync);
        self
    }

    /// The authenticated caller, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> ApiResult<&Principal> {
        self.principal.as_ref().map_err(Clone::clone)
    }

    /// The caller's roster scope.
    pub fn scope(&self) -> ApiResult<Scope> {
        self.principal()?.scope()
    }

    /// People the caller may see (computed once per request).
    pub async fn visible_people(&self) -> ApiResult<&Visible> {
        let scope = self.scope()?;
        self.visible_people
            .get_or_try_init(|| async {
                let mut conn = self.store.conn().await?;
                Ok::<_, ApiError>(scope::visible_people(&mut conn, &scope).await?)
            })
            .await
    }

    /// Classes the caller may see (computed once per request).
    pub async fn visible_classes(&self) -> ApiResult<&Visible> {
        let scope = self.scope()?;
        self.visible_classes
            .get_or_try_init(|| async {
                let mut conn = self.store.conn().await?;
                Ok::<_, ApiError>(scope::visible_classes(&mut conn, &scope).await?)
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
