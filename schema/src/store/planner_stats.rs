//! Planner statistics for the tables a sync fills.
//!
//! A first import grows these tables from empty to millions of rows inside one run. PostgreSQL
//! plans each statement from the statistics of the last `ANALYZE`; autovacuum refreshes them
//! only after a delay (and not at all where it is turned off), so in the meantime the planner
//! believes the tables are nearly empty and picks plans that scan a whole index or table for
//! every batch. Measured on a 500,000-student import with no statistics: looking up 3,000
//! emails took 35 s (index on district and kind only, then a filter over 450,000 rows) against
//! milliseconds once analyzed. The sync runner therefore refreshes them itself as a run grows.
//! SQLite's planner prefers an index for equality without statistics, so there this does
//! nothing.

use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;

use crate::db::Conn;
use crate::error::StoreResult;

/// The tables a sync writes in bulk.
const SYNC_TABLES: &str = "people, person_roles, contact_points, source_links, sync_seen, \
     orgs, classes, enrollments, relationships";

/// Refreshes the planner statistics of the sync tables (PostgreSQL; nothing on SQLite).
pub async fn refresh(conn: &mut Conn) -> StoreResult<()> {
    match conn {
        Conn::Pg(_) => conn.batch_execute(&format!("ANALYZE {SYNC_TABLES}")).await,
        Conn::Sqlite(_) => Ok(()),
    }
}

/// How many source links the planner believes there are (0 before the first `ANALYZE`, and on
/// SQLite): the size a run's writes are measured against before statistics are worth
/// refreshing.
pub async fn link_estimate(conn: &mut Conn) -> StoreResult<u64> {
    #[derive(diesel::QueryableByName)]
    struct Estimate {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    match conn {
        Conn::Pg(c) => {
            let rows: Vec<Estimate> = diesel::sql_query(
                "SELECT GREATEST(reltuples, 0)::int8 AS n FROM pg_class \
                 WHERE oid = to_regclass('source_links')",
            )
            .load(&mut **c)
            .await?;
            Ok(rows
                .into_iter()
                .next()
                .map_or(0, |r| u64::try_from(r.n).unwrap_or(0)))
        }
        Conn::Sqlite(_) => Ok(0),
    }
}
