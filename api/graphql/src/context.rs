//! Per-request state: the caller, the store, and DataLoaders (visibility checks among them:
//! the scope's rules run in SQL, batched per request, never as a precomputed set).

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use homeroom_schema::Store;
use homeroom_schema::models;
use homeroom_schema::scope::Scope;
use std::collections::{HashMap, HashSet};

use crate::loaders::Loaders;
use homeroom_service::auth::Principal;
use homeroom_service::error::{ServiceError, ServiceResult};

/// Everything a resolver needs about the current request.
pub struct RequestCtx {
    /// The database.
    pub store: Store,
    /// The caller, or why there is none.
    pub principal: Result<Principal, ServiceError>,
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
        let scope = principal.as_ref().ok().and_then(|p| p.scope().ok());
        RequestCtx {
            loaders: Loaders::new(&store, scope),
            store,
            principal,
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

    /// Whether the caller sees the whole district (no visibility statement is needed).
    fn sees_whole_district(&self) -> ServiceResult<bool> {
        Ok(self.scope()? == Scope::District)
    }

    /// Whether the caller sees person `id` (no statement for district-wide callers).
    pub async fn sees_person(&self, id: &str) -> ServiceResult<bool> {
        if self.sees_whole_district()? {
            return Ok(true);
        }
        Ok(self
            .loaders
            .seen_people
            .load_one(id.to_owned())
            .await?
            .is_some())
    }

    /// Which of `ids` the caller sees.
    pub async fn seen_people(
        &self,
        ids: impl IntoIterator<Item = String>,
    ) -> ServiceResult<HashSet<String>> {
        if self.sees_whole_district()? {
            return Ok(ids.into_iter().collect());
        }
        Ok(self
            .loaders
            .seen_people
            .load_many(ids)
            .await?
            .into_keys()
            .collect())
    }

    /// Person `id` when the caller sees it: the check and the read are one statement.
    pub async fn visible_person(&self, id: &str) -> ServiceResult<Option<models::Person>> {
        Ok(self.visible_people([id.to_owned()]).await?.remove(id))
    }

    /// The people among `ids` the caller sees, by id (one statement per batch).
    pub async fn visible_people(
        &self,
        ids: impl IntoIterator<Item = String>,
    ) -> ServiceResult<HashMap<String, models::Person>> {
        if self.sees_whole_district()? {
            return self.loaders.person.load_many(ids).await;
        }
        let rows = self.loaders.seen_people.load_many(ids).await?;
        // Later plain reads of these people in the request are answered from memory.
        self.loaders.person.feed_many(rows.clone()).await;
        Ok(rows)
    }

    /// Whether the caller sees class `id`.
    pub async fn sees_class(&self, id: &str) -> ServiceResult<bool> {
        self.principal()?;
        Ok(self
            .loaders
            .seen_classes
            .load_one(id.to_owned())
            .await?
            .is_some())
    }

    /// Which of `ids` the caller sees.
    pub async fn seen_classes(
        &self,
        ids: impl IntoIterator<Item = String>,
    ) -> ServiceResult<HashSet<String>> {
        self.principal()?;
        Ok(self
            .loaders
            .seen_classes
            .load_many(ids)
            .await?
            .into_keys()
            .collect())
    }
}

/// Shorthand for resolvers.
pub fn req<'a>(ctx: &Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

/// How long a loader collects keys before it runs its batch. Sibling fields of a list register
/// their keys while the list is polled; an unoptimised build polls a 50-row list more slowly
/// than the release build's 1 ms window, which would split one batch into several.
const BATCH_WINDOW: std::time::Duration = if cfg!(debug_assertions) {
    std::time::Duration::from_millis(5)
} else {
    std::time::Duration::from_millis(1)
};

/// Wraps DataLoader construction so every loader spawns on tokio, with one batch window.
pub fn loader<T: async_graphql::dataloader::Loader<String>>(inner: T) -> DataLoader<T> {
    DataLoader::new(inner, tokio::spawn).delay(BATCH_WINDOW)
}
