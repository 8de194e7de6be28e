//! The store: a pool plus typed functions, grouped by entity. Every function takes `&mut Conn`,
//! so callers compose several of them inside one [`Store::transaction`].

use crate::db::{Backend, Conn, Pool, PoolOptions};
use crate::error::{StoreError, StoreResult};

pub mod audit;
pub mod bulk;
pub mod classes;
pub mod connectors;
pub mod contacts;
pub mod districts;
pub mod families;
pub mod identity_providers;
pub mod import_jobs;
pub mod invitations;
pub mod link_reviews;
pub mod links;
pub mod merges;
pub mod notices;
pub mod orgs;
pub mod outbox;
pub mod password_resets;
pub mod people;
pub mod people_counts;
pub mod planner_stats;
pub mod relationships;
pub mod run_lock;
pub mod status;
pub mod suggestions;
pub mod sync_runs;
pub mod tokens;
pub(crate) mod unnest;
#[cfg(test)]
mod unnest_check;
pub mod verification;
pub mod webhooks;

/// Lets `transaction` take `async |conn| { … }` closures whose future is `Send`.
pub trait TxFn<'r, R, E>:
    AsyncFnOnce(&'r mut Conn) -> Result<R, E> + FnOnce(&'r mut Conn) -> Self::Fut
{
    /// The closure's future.
    type Fut: Future<Output = Result<R, E>> + Send;
}

impl<'r, F, Fut, R, E> TxFn<'r, R, E> for F
where
    F: AsyncFnOnce(&'r mut Conn) -> Result<R, E> + FnOnce(&'r mut Conn) -> Fut,
    Fut: Future<Output = Result<R, E>> + Send,
{
    type Fut = Fut;
}

/// Runs `f` in one transaction on a connection the caller holds (e.g. a sync run's connection in
/// bulk mode): committed when it returns `Ok`, rolled back otherwise.
pub async fn transaction_on<R, E, F>(conn: &mut Conn, f: F) -> Result<R, E>
where
    F: for<'r> TxFn<'r, R, E> + Send,
    E: From<StoreError> + Send,
    R: Send,
{
    conn.begin().await.map_err(StoreError::from)?;
    match f(conn).await {
        Ok(value) => {
            conn.commit().await.map_err(StoreError::from)?;
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback) = conn.rollback().await {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}

/// Handle to the database: cheap to clone, shared by every request and worker.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    statements: crate::db::StatementCounter,
}

impl Store {
    /// Opens a store for `sqlite://PATH` or `postgres://…`.
    pub fn open(url: &str) -> StoreResult<Store> {
        Self::open_with(url, &PoolOptions::default())
    }

    /// Opens a store with explicit pool options.
    pub fn open_with(url: &str, options: &PoolOptions) -> StoreResult<Store> {
        let statements = crate::db::StatementCounter::default();
        Ok(Store {
            pool: Pool::open(url, options, &statements)?,
            statements,
        })
    }

    /// Opens the store and runs pending migrations (what every command does at start-up).
    pub async fn open_and_migrate(url: &str) -> StoreResult<Store> {
        let store = Self::open(url)?;
        store.migrate().await?;
        Ok(store)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.pool.backend()
    }

    /// The database file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.pool.sqlite_path()
    }

    /// SQL statements this store's connections have run (all connections, since it opened).
    pub fn statements_run(&self) -> u64 {
        self.statements.get()
    }

    /// Takes a connection from the pool.
    pub async fn conn(&self) -> StoreResult<Conn> {
        self.pool.get().await
    }

    /// Takes a connection for long batch work (a sync run), in bulk mode while held.
    pub async fn bulk_conn(&self) -> StoreResult<crate::db::BulkConn> {
        Ok(crate::db::BulkConn::new(self.pool.get().await?))
    }

    /// Runs pending migrations; returns the names applied.
    pub async fn migrate(&self) -> StoreResult<Vec<String>> {
        crate::migrate::run_pending(self.conn().await?).await
    }

    /// Answers whether the database responds (readiness).
    pub async fn ping(&self) -> StoreResult<()> {
        self.conn().await?.batch_execute("SELECT 1").await
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise. A
    /// transaction abandoned mid-way (task cancelled) leaves a connection the pool discards.
    pub async fn transaction<R, E, F>(&self, f: F) -> Result<R, E>
    where
        F: for<'r> TxFn<'r, R, E> + Send,
        E: From<StoreError> + Send,
        R: Send,
    {
        let mut conn = self.conn().await?;
        transaction_on(&mut conn, f).await
    }

    /// Closes the pool.
    pub fn close(&self) {
        self.pool.close();
    }
}
