//! Embedded migrations, one folder per backend with the same migration names.

use diesel_async::{AsyncMigrationHarness, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::Conn;
use crate::error::{StoreError, StoreResult};

/// SQLite migrations (`migrations/sqlite`).
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
/// PostgreSQL migrations (`migrations/postgres`).
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Key of the advisory lock that serializes migrations when several replicas start at once.
const MIGRATION_LOCK: i64 = 0x686f_6d65_726f_6f6d; // "homeroom"

fn migration_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Migration(e.to_string())
}

/// Runs every pending migration; returns the names of those applied.
pub async fn run_pending(conn: Conn) -> StoreResult<Vec<String>> {
    match conn {
        Conn::Sqlite(mut obj) => obj
            .spawn_blocking(|inner| {
                let applied = inner
                    .run_pending_migrations(SQLITE)
                    .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
                Ok(applied.iter().map(ToString::to_string).collect())
            })
            .await
            .map_err(migration_error),
        Conn::Pg(mut obj) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                .execute(&mut *obj)
                .await?;
            let outcome = tokio::task::spawn_blocking(move || {
                let mut harness = AsyncMigrationHarness::new(obj);
                let applied: Result<Vec<String>, String> = harness
                    .run_pending_migrations(POSTGRES)
                    .map(|v| v.iter().map(ToString::to_string).collect())
                    .map_err(|e| e.to_string());
                (harness.into_inner(), applied)
            })
            .await
            .map_err(migration_error)?;
            let (mut obj, applied) = outcome;
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                .execute(&mut *obj)
                .await?;
            applied.map_err(StoreError::Migration)
        }
    }
}

/// Names of the migrations embedded for a backend, in order.
pub fn names(migrations: &EmbeddedMigrations) -> Vec<String> {
    use diesel::migration::MigrationSource;
    MigrationSource::<diesel::sqlite::Sqlite>::migrations(migrations)
        .unwrap_or_default()
        .iter()
        .map(|m| m.name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_keep_the_same_migration_names() {
        let sqlite = names(&SQLITE);
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, names(&POSTGRES));
    }
}
