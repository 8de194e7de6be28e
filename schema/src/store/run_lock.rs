//! One sync of a connector at a time, held by a lock that dies with the process holding it.
//!
//! PostgreSQL: a session advisory lock on a connection of its own, taken out of the pool; the
//! server releases it the moment that connection closes, which the kernel does when the process
//! dies (TCP keepalives on the session bound the wait when a whole host vanishes). SQLite: an
//! exclusive lock on a file beside the database, which the operating system releases when the
//! process exits, however it exits. Whoever holds the lock owns the connector's runs, so any run
//! still marked running when the lock is free was interrupted.

use std::path::PathBuf;

use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::db::Conn;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;

/// Holds a connector's run lock until dropped.
#[derive(Debug)]
pub struct RunLock {
    _held: Held,
}

/// What keeps the lock: dropping it releases the lock.
enum Held {
    Pg { _session: Box<AsyncPgConnection> },
    File { _file: std::fs::File },
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Held::Pg { .. } => f.write_str("advisory lock"),
            Held::File { .. } => f.write_str("lock file"),
        }
    }
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Keepalives for the lock's session: a host that vanishes without closing its connection
/// releases the lock after about 25 s instead of the kernel's two hours.
const PG_KEEPALIVES: &str =
    "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3;";

/// The lock file of `connector_id` beside the SQLite database at `db`.
fn lock_file(db: &std::path::Path, connector_id: &str) -> PathBuf {
    let mut dir = db.as_os_str().to_owned();
    dir.push(".locks");
    // Connector ids are uuids; keep only what a file name may hold anyway.
    let name: String = connector_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    PathBuf::from(dir).join(format!("sync-{name}.lock"))
}

impl Store {
    /// Takes the run lock of `connector_id`, or `None` when a live process holds it.
    pub async fn try_lock_runs(&self, connector_id: &str) -> StoreResult<Option<RunLock>> {
        if let Some(db) = self.pool.sqlite_path() {
            let path = lock_file(db, connector_id);
            let file = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let file = std::fs::OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)?;
                match file.try_lock() {
                    Ok(()) => Ok(Some(file)),
                    Err(std::fs::TryLockError::WouldBlock) => Ok(None),
                    Err(std::fs::TryLockError::Error(e)) => Err(e),
                }
            })
            .await
            .map_err(|e| StoreError::Unavailable(format!("run lock: {e}")))?
            .map_err(|e| StoreError::Unavailable(format!("run lock file: {e}")))?;
            return Ok(file.map(|f| RunLock {
                _held: Held::File { _file: f },
            }));
        }
        let Conn::Pg(pooled) = self.conn().await? else {
            return Err(StoreError::Unavailable("unexpected backend".into()));
        };
        // The lock lives as long as its session: take the connection out of the pool, so it
        // closes (and the lock goes) when the guard drops, never back to another caller.
        let mut conn = diesel_async::pooled_connection::deadpool::Object::take(pooled);
        conn.batch_execute(PG_KEEPALIVES).await?;
        let row: Locked = diesel::sql_query(
            "SELECT pg_try_advisory_lock(hashtextextended('homeroom.sync:' || $1, 0)) AS locked",
        )
        .bind::<Text, _>(connector_id)
        .get_result(&mut conn)
        .await?;
        Ok(row.locked.then_some(RunLock {
            _held: Held::Pg {
                _session: Box::new(conn),
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::lock_file;

    #[test]
    fn lock_files_sit_beside_the_database() {
        let p = lock_file(std::path::Path::new("/var/lib/homeroom.db"), "0190-ab/../x");
        assert_eq!(
            p,
            std::path::Path::new("/var/lib/homeroom.db.locks/sync-0190-abx.lock")
        );
    }
}
