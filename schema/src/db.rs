//! Connection pools for both backends behind one type, chosen at run time from the database URL.
//!
//! Queries are written once: [`with_conn!`] expands a query body once per backend arm, so the same
//! diesel DSL compiles against SQLite (through `SyncConnectionWrapper`) and PostgreSQL
//! (`AsyncPgConnection`). The few dialect forks (bulk inserts through PostgreSQL's `UNNEST` in
//! `store::unnest` and `store::bulk`, the run lock in `store::run_lock`, planner statistics)
//! match on [`Conn`] in the store module that needs them.

use std::time::Duration;

use diesel::SqliteConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool as DeadPool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncPgConnection, SimpleAsyncConnection,
    TransactionManager,
};
use futures::FutureExt;

use crate::error::{StoreError, StoreResult};

/// The SQLite connection type: diesel's synchronous connection run on blocking threads.
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file (the zero-configuration default).
    Sqlite,
    /// PostgreSQL (production, several replicas).
    Postgres,
}

/// Tuning for the pools.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections held at once.
    pub max_size: usize,
    /// How long a caller waits for a free connection before `Unavailable`.
    pub wait_timeout: Duration,
    /// How long opening a new connection may take.
    pub connect_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 16,
            wait_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// A pool for one of the two backends.
#[derive(Clone)]
pub enum Pool {
    /// SQLite pool.
    Sqlite(DeadPool<SqliteConn>, std::path::PathBuf),
    /// PostgreSQL pool.
    Pg(DeadPool<AsyncPgConnection>),
}

/// A pooled connection of either backend. Store functions take `&mut Conn`, so the same function
/// runs inside or outside a transaction.
#[allow(clippy::large_enum_variant)] // few connections live at once; never stored in bulk
pub enum Conn {
    /// SQLite connection.
    Sqlite(Object<SqliteConn>),
    /// PostgreSQL connection.
    Pg(Object<AsyncPgConnection>),
}

impl Conn {
    /// The backend of this connection, for the few dialect forks.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Sqlite(_) => Backend::Sqlite,
            Conn::Pg(_) => Backend::Postgres,
        }
    }

    /// Begins a transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers queue on the busy timeout instead of failing when a read lock is upgraded.
    pub async fn begin(&mut self) -> diesel::QueryResult<()> {
        match self {
            Conn::Sqlite(c) => {
                let c: &mut SqliteConn = c;
                c.spawn_blocking(|inner| {
                    diesel::connection::AnsiTransactionManager::begin_transaction_sql(
                        inner,
                        "BEGIN IMMEDIATE",
                    )
                })
                .await
            }
            Conn::Pg(c) => AnsiTransactionManager::begin_transaction(&mut **c).await,
        }
    }

    pub async fn commit(&mut self) -> diesel::QueryResult<()> {
        match self {
            Conn::Sqlite(c) => {
                <SqliteConn as AsyncConnection>::TransactionManager::commit_transaction(&mut **c)
                    .await
            }
            Conn::Pg(c) => AnsiTransactionManager::commit_transaction(&mut **c).await,
        }
    }

    pub async fn rollback(&mut self) -> diesel::QueryResult<()> {
        match self {
            Conn::Sqlite(c) => {
                <SqliteConn as AsyncConnection>::TransactionManager::rollback_transaction(&mut **c)
                    .await
            }
            Conn::Pg(c) => AnsiTransactionManager::rollback_transaction(&mut **c).await,
        }
    }

    /// Bulk mode, for long batch work on one connection (a sync run). On PostgreSQL each
    /// statement is then prepared for its call instead of taken from the connection's statement
    /// cache, so the server plans it for its actual parameters (a custom plan).
    ///
    /// Why: a sync fills tables from empty. A cached statement gets a generic plan after five
    /// runs, and one chosen while a table was nearly empty (a sequential scan) would stay in use
    /// after the table grew to millions of rows (measured: a 50,000-student sync went from two
    /// minutes to over ten). Why not `plan_cache_mode = force_custom_plan` for the session,
    /// which was the first answer: it also applies to the foreign-key checks PostgreSQL runs for
    /// every inserted row, which were then planned again for each row — 60% of the server's time
    /// in a full sync. With bulk mode the statements are custom-planned and the foreign-key
    /// checks keep their cached plans. SQLite plans every statement with current statistics
    /// anyway; there this does nothing.
    pub fn set_bulk_mode(&mut self, on: bool) {
        if let Conn::Pg(c) = self {
            let size = if on {
                diesel::connection::CacheSize::Disabled
            } else {
                diesel::connection::CacheSize::Unbounded
            };
            AsyncConnection::set_prepared_statement_cache_size(&mut **c, size);
        }
    }

    /// Runs raw SQL statements (no results), e.g. session settings.
    pub async fn batch_execute(&mut self, sql: &str) -> StoreResult<()> {
        match self {
            Conn::Sqlite(c) => c.batch_execute(sql).await?,
            Conn::Pg(c) => c.batch_execute(sql).await?,
        }
        Ok(())
    }
}

/// A connection in bulk mode ([`Conn::set_bulk_mode`]) for as long as it is held; it goes back
/// to the pool in normal mode, even when the holder ends early.
pub struct BulkConn(Conn);

impl BulkConn {
    /// Puts `conn` in bulk mode.
    pub fn new(mut conn: Conn) -> BulkConn {
        conn.set_bulk_mode(true);
        BulkConn(conn)
    }
}

impl std::ops::Deref for BulkConn {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl std::ops::DerefMut for BulkConn {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

impl Drop for BulkConn {
    fn drop(&mut self) {
        self.0.set_bulk_mode(false);
    }
}

/// Expands `$body` once per backend with `$c` bound to the concrete connection, so a query is
/// written once and type-checked against both backends.
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite(obj) => {
                let $c: &mut $crate::db::SqliteConn = &mut **obj;
                $body
            }
            $crate::db::Conn::Pg(obj) => {
                let $c: &mut diesel_async::AsyncPgConnection = &mut **obj;
                $body
            }
        }
    };
}
pub(crate) use with_conn;

/// Runs a multi-row insert (or upsert) built from `$rows`, once per backend. SQLite's multi-row
/// `INSERT` is only available on diesel's synchronous connection, so that arm runs the statement
/// on the wrapped connection's blocking thread with an owned copy of the rows.
///
/// The long form gives PostgreSQL its own statement over the same slice (e.g. an `unnest` insert
/// from `store::unnest`).
macro_rules! execute_rows {
    ($conn:expr, $rows:expr, |$values:ident| $query:expr) => {
        $crate::db::execute_rows!($conn, $rows, sqlite: |$values| $query, postgres: |$values| $query)
    };
    (
        $conn:expr, $rows:expr,
        sqlite: |$values:ident| $query:expr,
        postgres: |$pg_rows:ident| $pg:expr $(,)?
    ) => {
        match $conn {
            $crate::db::Conn::Sqlite(obj) => {
                let owned = $rows.to_vec();
                obj.spawn_blocking(move |inner| {
                    let $values = &owned;
                    diesel::RunQueryDsl::execute($query, inner)
                })
                .await?
            }
            $crate::db::Conn::Pg(obj) => {
                let $pg_rows = $rows;
                diesel_async::RunQueryDsl::execute($pg, &mut **obj).await?
            }
        }
    };
}
pub(crate) use execute_rows;

/// Runs a multi-row upsert of `$rows`, once per backend, and evaluates to rows written.
///
/// - SQLite: one statement per row, all inside a single transaction (a savepoint when nested) on
///   the connection's blocking thread, working on an owned copy of the rows. Per-row statements
///   are how SQLite is fast (it has no multi-row upsert that diesel builds) provided the
///   statement is prepared once, so `$sqlite` should have a static query id and be safe to cache
///   (see `store::bulk`); a statement diesel will not cache is re-parsed for every row.
/// - PostgreSQL: `$pg` is one statement for all of `$rows`.
///
/// The short form `|$values| $query` uses one expression for both, with `$values` one row on
/// SQLite and the slice on PostgreSQL (a diesel multi-row `insert_into(…).values(slice)`).
macro_rules! upsert_rows {
    ($conn:expr, $rows:expr, |$values:ident| $query:expr) => {
        $crate::db::upsert_rows!($conn, $rows, sqlite: |$values| $query, postgres: |$values| $query)
    };
    (
        $conn:expr, $rows:expr,
        sqlite: |$row:ident| $sqlite:expr,
        postgres: |$pg_rows:ident| $pg:expr $(,)?
    ) => {
        match $conn {
            $crate::db::Conn::Sqlite(obj) => {
                let owned = $rows.to_vec();
                obj.spawn_blocking(move |inner| {
                    diesel::Connection::transaction(inner, |inner| {
                        let mut written = 0;
                        for $row in &owned {
                            written += diesel::RunQueryDsl::execute($sqlite, &mut *inner)?;
                        }
                        diesel::QueryResult::Ok(written)
                    })
                })
                .await?
            }
            $crate::db::Conn::Pg(obj) => {
                let $pg_rows = $rows;
                diesel_async::RunQueryDsl::execute($pg, &mut **obj).await?
            }
        }
    };
}
pub(crate) use upsert_rows;

/// Counts the SQL statements one store's connections run: exported on `/metrics`, and how the
/// tests bound the statements a request executes (a class roster runs as many with 5 students
/// as with 50).
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl StatementCounter {
    /// Statements started so far.
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl diesel::connection::Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if matches!(
            event,
            diesel::connection::InstrumentationEvent::StartQuery { .. }
        ) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Parses a database URL into its backend and the string the driver expects.
pub fn parse_url(url: &str) -> StoreResult<(Backend, String)> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(StoreError::InvalidUrl(
                "sqlite:// needs a file path, e.g. sqlite://homeroom.db".into(),
            ));
        }
        Ok((Backend::Sqlite, path.to_owned()))
    } else if let Some(path) = url.strip_prefix("sqlite:") {
        Ok((Backend::Sqlite, path.to_owned()))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        url::Url::parse(url).map_err(|e| StoreError::InvalidUrl(format!("{url}: {e}")))?;
        Ok((Backend::Postgres, url.to_owned()))
    } else {
        Err(StoreError::InvalidUrl(format!(
            "{url}: expected sqlite://PATH or postgres://USER@HOST/DB"
        )))
    }
}

const SQLITE_SETUP: &str = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";

fn sqlite_manager(
    path: &str,
    counter: &StatementCounter,
) -> AsyncDieselConnectionManager<SqliteConn> {
    let mut config = ManagerConfig::<SqliteConn>::default();
    // A file cannot drop the connection: no probe at checkout.
    config.recycling_method = RecyclingMethod::Fast;
    let counter = counter.clone();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        let counter = counter.clone();
        async move {
            let mut conn = SqliteConn::establish(&url).await?;
            conn.batch_execute(SQLITE_SETUP)
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            conn.set_instrumentation(counter);
            Ok(conn)
        }
        .boxed()
    });
    AsyncDieselConnectionManager::new_with_config(path, config)
}

fn pg_manager(
    url: &str,
    counter: &StatementCounter,
) -> AsyncDieselConnectionManager<AsyncPgConnection> {
    let mut config = ManagerConfig::<AsyncPgConnection>::default();
    // Checkout asks the connection whether its socket closed (free) instead of running a probe
    // query (a round trip, as many as the request's own statements); connections that sat idle
    // are probed by `probe_if_idle`.
    config.recycling_method = RecyclingMethod::Fast;
    let counter = counter.clone();
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        let counter = counter.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            conn.set_instrumentation(counter);
            Ok(conn)
        }
        .boxed()
    });
    AsyncDieselConnectionManager::new_with_config(url, config)
}

/// A connection not checked out for this long is probed (`SELECT 1`) before it is handed out:
/// a firewall or a database restart may have dropped it without closing its socket. One in
/// steady use is proven by its last statement (HikariCP's `aliveBypassWindowMs` is the model).
const PROBE_AFTER_IDLE: Duration = Duration::from_secs(5);

/// The `post_recycle` hook of the PostgreSQL pool: probes a connection idle past
/// [`PROBE_AFTER_IDLE`], bounded by `bound`; a failed probe drops it and the pool takes or opens
/// another.
fn probe_if_idle(
    bound: Duration,
) -> deadpool::managed::Hook<AsyncDieselConnectionManager<AsyncPgConnection>> {
    deadpool::managed::Hook::async_fn(
        move |conn: &mut AsyncPgConnection, metrics: &deadpool::managed::Metrics| {
            let idle = metrics.last_used() > PROBE_AFTER_IDLE;
            Box::pin(async move {
                if !idle {
                    return Ok(());
                }
                match tokio::time::timeout(bound, conn.batch_execute("SELECT 1")).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(deadpool::managed::HookError::Backend(
                        diesel_async::pooled_connection::PoolError::QueryError(e),
                    )),
                    Err(_) => Err(deadpool::managed::HookError::message(
                        "the idle connection's probe did not answer",
                    )),
                }
            })
        },
    )
}

impl Pool {
    /// Opens a pool for the URL's backend. Nothing is connected until first use.
    pub fn open(url: &str, options: &PoolOptions, counter: &StatementCounter) -> StoreResult<Pool> {
        let (backend, target) = parse_url(url)?;
        let timeouts = deadpool::managed::Timeouts {
            wait: Some(options.wait_timeout),
            create: Some(options.connect_timeout),
            recycle: Some(options.connect_timeout),
        };
        let build_err = |e: deadpool::managed::BuildError| StoreError::InvalidUrl(e.to_string());
        Ok(match backend {
            Backend::Sqlite => Pool::Sqlite(
                DeadPool::builder(sqlite_manager(&target, counter))
                    .max_size(options.max_size.min(8))
                    .timeouts(timeouts)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(build_err)?,
                std::path::PathBuf::from(&target),
            ),
            Backend::Postgres => Pool::Pg(
                DeadPool::builder(pg_manager(&target, counter))
                    .max_size(options.max_size)
                    .post_recycle(probe_if_idle(options.connect_timeout))
                    .timeouts(timeouts)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map_err(build_err)?,
            ),
        })
    }

    /// The pool's backend.
    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(..) => Backend::Sqlite,
            Pool::Pg(_) => Backend::Postgres,
        }
    }

    /// Takes a connection from the pool.
    pub async fn get(&self) -> StoreResult<Conn> {
        let unavailable = |e: deadpool::managed::PoolError<_>| {
            StoreError::Unavailable(match e {
                deadpool::managed::PoolError::Backend(inner) => format!("{inner}"),
                other => other.to_string(),
            })
        };
        Ok(match self {
            Pool::Sqlite(p, _) => Conn::Sqlite(p.get().await.map_err(unavailable)?),
            Pool::Pg(p) => Conn::Pg(p.get().await.map_err(unavailable)?),
        })
    }

    /// The SQLite database file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match self {
            Pool::Sqlite(_, path) => Some(path),
            Pool::Pg(_) => None,
        }
    }

    /// Closes the pool; connections in use are dropped when returned.
    pub fn close(&self) {
        match self {
            Pool::Sqlite(p, _) => p.close(),
            Pool::Pg(p) => p.close(),
        }
    }
}
