//! Per-test databases on both backends.

use std::path::PathBuf;

use anyhow::{Context, Result};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use homeroom_schema::{Store, migrate};
use sha2::{Digest, Sha256};

pub use homeroom_schema::Backend;

/// Base URL of the PostgreSQL server used by tests (no database name).
pub fn pg_base_url() -> String {
    std::env::var("HOMEROOM_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A database of its own for one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct TestDb {
    /// The URL the store and the binary under test use.
    pub url: String,
    /// Its store, migrated.
    pub store: Store,
    backend: Backend,
    pg_name: Option<String>,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates a fresh directory under the system temp dir.
    pub fn new(prefix: &str) -> Result<TempDir> {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDb {
    /// A fresh, migrated database on `backend`.
    pub async fn new(backend: Backend) -> Result<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = TempDir::new("homeroom-test")?;
                let url = format!("sqlite://{}", dir.0.join("test.db").display());
                let store = Store::open_and_migrate(&url).await?;
                Ok(TestDb {
                    url,
                    store,
                    backend,
                    pg_name: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let template = ensure_template().await?;
                let name = format!("homeroom_t_{}", uuid::Uuid::new_v4().simple());
                let mut admin = admin_conn().await?;
                admin
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await
                    .with_context(|| format!("creating test database {name}"))?;
                let url = format!("{}/{name}", pg_base_url());
                let store = Store::open_with(
                    &url,
                    &homeroom_schema::PoolOptions {
                        max_size: 4,
                        ..Default::default()
                    },
                )?;
                store.migrate().await?;
                Ok(TestDb {
                    url,
                    store,
                    backend,
                    pg_name: Some(name),
                    _dir: None,
                })
            }
        }
    }

    /// Which backend this database is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.store.close();
        if let Some(name) = self.pg_name.take() {
            // Drop the database on a thread of its own: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async {
                        if let Ok(mut admin) = admin_conn().await {
                            let _ = admin
                                .batch_execute(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

async fn admin_conn() -> Result<AsyncPgConnection> {
    let url = format!("{}/postgres", pg_base_url());
    AsyncPgConnection::establish(&url).await.with_context(|| {
        format!(
            "PostgreSQL is required for the tests and is not reachable at {url}; start it with \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
        )
    })
}

/// Name of the migrated template for the current migration set, creating it once.
async fn ensure_template() -> Result<String> {
    let mut hasher = Sha256::new();
    for name in migrate::names(&migrate::POSTGRES) {
        hasher.update(name.as_bytes());
    }
    for entry in walk(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../migrations/postgres"
    ))? {
        hasher.update(std::fs::read(entry)?);
    }
    let digest = hex::encode(hasher.finalize());
    let name = format!("homeroom_tpl_{}", &digest[..16]);
    let mut admin = admin_conn().await?;
    admin
        .batch_execute("SELECT pg_advisory_lock(72177001)")
        .await?;
    let result = create_template_if_missing(&mut admin, &name).await;
    admin
        .batch_execute("SELECT pg_advisory_unlock(72177001)")
        .await?;
    result?;
    Ok(name)
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

async fn create_template_if_missing(admin: &mut AsyncPgConnection, name: &str) -> Result<()> {
    let exists: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(admin)
            .await?;
    if exists.n > 0 {
        return Ok(());
    }
    let building = format!("{name}_building");
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
        .await?;
    admin
        .batch_execute(&format!("CREATE DATABASE {building}"))
        .await?;
    let store = Store::open(&format!("{}/{building}", pg_base_url()))?;
    store.migrate().await?;
    store.close();
    drop(store);
    admin
        .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
        .await
        .or_else(|_| Ok::<(), diesel::result::Error>(()))?;
    // A rename fails while a pooled connection lingers; force it.
    let renamed: Count =
        diesel::sql_query("SELECT COUNT(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(admin)
            .await?;
    if renamed.n == 0 {
        admin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{building}'"
            ))
            .await?;
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .await?;
    }
    Ok(())
}

fn walk(dir: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
