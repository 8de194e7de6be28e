//! Source links: (connector, entity kind, external id) → local row. The sync engine's memory of
//! what each SIS record became, with the content hash that lets unchanged records skip writes.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use diesel::sql_types::{BigInt, Nullable, Text};

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::SyncStatus;
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::models::SourceLink;
use crate::store::unnest::{insert_chunk, pg_unnest_insert};
use crate::tables::{source_links, sync_runs, sync_seen};

pg_unnest_insert!(
    /// New source links on PostgreSQL.
    PgInsertLinks for SourceLink => "source_links" {
        id: &'a str as Text = "text" => |l| l.id.as_str(),
        district_id: &'a str as Text = "text" => |l| l.district_id.as_str(),
        connector_id: &'a str as Text = "text" => |l| l.connector_id.as_str(),
        entity_kind: &'a str as Text = "text" => |l| l.entity_kind.as_str(),
        external_id: &'a str as Text = "text" => |l| l.external_id.as_str(),
        local_id: &'a str as Text = "text" => |l| l.local_id.as_str(),
        last_run_id: Option<&'a str> as Nullable<Text> = "text" => |l| l.last_run_id.as_deref(),
        content_hash: Option<&'a str> as Nullable<Text> = "text" => |l| l.content_hash.as_deref(),
        removed_at: Option<i64> as Nullable<BigInt> = "int8" => |l| l.removed_at,
        created_at: i64 as BigInt = "int8" => |l| l.created_at,
        updated_at: i64 as BigInt = "int8" => |l| l.updated_at,
    }
);

pg_unnest_insert!(
    /// `sync_seen` rows on PostgreSQL.
    PgInsertSeen for SeenRow => "sync_seen" {
        run_id: &'a str as Text = "text" => |r| r.run_id.as_str(),
        link_id: &'a str as Text = "text" => |r| r.link_id.as_str(),
    }
);

/// Whether `connector` has any link of `kind`, live or removed.
pub async fn any(conn: &mut Conn, connector_id: &str, kind: &str) -> StoreResult<bool> {
    let found: Option<String> = with_conn!(conn, |c| {
        source_links::table
            .filter(source_links::connector_id.eq(connector_id))
            .filter(source_links::entity_kind.eq(kind))
            .select(source_links::id)
            .first(c)
            .await
            .optional()?
    });
    Ok(found.is_some())
}

/// Links of `connector` for `kind` among `external_ids`.
pub async fn lookup(
    conn: &mut Conn,
    connector_id: &str,
    kind: &str,
    external_ids: &[String],
) -> StoreResult<Vec<SourceLink>> {
    let mut out = Vec::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(5_000) {
        let rows: Vec<SourceLink> = with_conn!(conn, |c| {
            source_links::table
                .filter(source_links::connector_id.eq(connector_id))
                .filter(source_links::entity_kind.eq(kind))
                .filter(source_links::external_id.eq_any(chunk))
                .select(SourceLink::as_select())
                .load(c)
                .await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Local ids of the live links of `connector` for `kind` among `external_ids`, as
/// (external id, local id): the narrow form of [`lookup`] for resolving references.
pub async fn resolve_live(
    conn: &mut Conn,
    connector_id: &str,
    kind: &str,
    external_ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(5_000) {
        let rows: Vec<(String, String)> = with_conn!(conn, |c| {
            source_links::table
                .filter(source_links::connector_id.eq(connector_id))
                .filter(source_links::entity_kind.eq(kind))
                .filter(source_links::external_id.eq_any(chunk))
                .filter(source_links::removed_at.is_null())
                .select((source_links::external_id, source_links::local_id))
                .load(c)
                .await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Inserts new links.
pub async fn insert(conn: &mut Conn, rows: &[SourceLink]) -> StoreResult<()> {
    for rows in rows.chunks(insert_chunk(conn.backend(), PgInsertLinks::COLUMNS.len())) {
        execute_rows!(
            conn,
            rows,
            sqlite: |values| diesel::insert_into(source_links::table).values(values),
            postgres: |batch| PgInsertLinks::new(batch),
        );
    }
    Ok(())
}

/// Rewrites links in bulk (new local id, hash, run): two statements per batch instead of one
/// update per row.
pub async fn replace(conn: &mut Conn, rows: &[SourceLink]) -> StoreResult<()> {
    for chunk in rows.chunks(2_000) {
        let ids: Vec<String> = chunk.iter().map(|l| l.id.clone()).collect();
        with_conn!(conn, |c| {
            diesel::delete(source_links::table.filter(source_links::id.eq_any(&ids)))
                .execute(c)
                .await?
        });
        insert(conn, chunk).await?;
    }
    Ok(())
}

/// Records that the links `ids` were seen unchanged by `run_id` (in `sync_seen`; the links
/// themselves are not written).
pub async fn mark_seen(conn: &mut Conn, ids: &[String], run_id: &str) -> StoreResult<()> {
    for chunk in ids.chunks(5_000) {
        let rows: Vec<SeenRow> = chunk
            .iter()
            .map(|id| SeenRow {
                run_id: run_id.to_owned(),
                link_id: id.clone(),
            })
            .collect();
        execute_rows!(
            conn,
            &rows,
            sqlite: |values| diesel::insert_into(sync_seen::table).values(values),
            postgres: |rows| PgInsertSeen::new(rows),
        );
    }
    Ok(())
}

/// One `sync_seen` row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sync_seen)]
struct SeenRow {
    run_id: String,
    link_id: String,
}

/// Forgets what finished runs saw: every run's `sync_seen` rows except those of runs still
/// queued, running or held (a held run's confirmation reads them). Returns the rows deleted.
pub async fn forget_seen(conn: &mut Conn) -> StoreResult<usize> {
    let keep = [SyncStatus::Queued, SyncStatus::Running, SyncStatus::Held];
    Ok(with_conn!(conn, |c| {
        diesel::delete(
            sync_seen::table.filter(
                sync_seen::run_id.eq_any(
                    sync_runs::table
                        .filter(sync_runs::status.ne_all(keep))
                        .select(sync_runs::id),
                ),
            ),
        )
        .execute(c)
        .await?
    }))
}

/// Live links of `connector` for `kind` that `run_id` did not see, in id order, a page at a
/// time (`after` = last id of the previous page).
pub async fn unseen(
    conn: &mut Conn,
    connector_id: &str,
    kind: &str,
    run_id: &str,
    after: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<SourceLink>> {
    Ok(with_conn!(conn, |c| {
        let mut q = source_links::table
            .filter(source_links::connector_id.eq(connector_id))
            .filter(source_links::entity_kind.eq(kind))
            .filter(source_links::removed_at.is_null())
            .filter(
                source_links::last_run_id
                    .ne(run_id)
                    .or(source_links::last_run_id.is_null()),
            )
            .filter(diesel::dsl::not(diesel::dsl::exists(
                sync_seen::table
                    .filter(sync_seen::run_id.eq(run_id))
                    .filter(sync_seen::link_id.eq(source_links::id)),
            )))
            .into_boxed();
        if let Some(after) = after {
            q = q.filter(source_links::id.gt(after));
        }
        q.order(source_links::id.asc())
            .limit(limit)
            .select(SourceLink::as_select())
            .load(c)
            .await?
    }))
}

/// Number of live (not removed) links of `connector` for `kind`.
pub async fn count_live(conn: &mut Conn, connector_id: &str, kind: &str) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        source_links::table
            .filter(source_links::connector_id.eq(connector_id))
            .filter(source_links::entity_kind.eq(kind))
            .filter(source_links::removed_at.is_null())
            .count()
            .get_result(c)
            .await?
    }))
}

/// Number of live links of `connector` for `kind` that `run_id` did not see.
pub async fn count_unseen(
    conn: &mut Conn,
    connector_id: &str,
    kind: &str,
    run_id: &str,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        source_links::table
            .filter(source_links::connector_id.eq(connector_id))
            .filter(source_links::entity_kind.eq(kind))
            .filter(source_links::removed_at.is_null())
            .filter(
                source_links::last_run_id
                    .ne(run_id)
                    .or(source_links::last_run_id.is_null()),
            )
            .filter(diesel::dsl::not(diesel::dsl::exists(
                sync_seen::table
                    .filter(sync_seen::run_id.eq(run_id))
                    .filter(sync_seen::link_id.eq(source_links::id)),
            )))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Marks links removed.
pub async fn mark_removed(conn: &mut Conn, ids: &[String]) -> StoreResult<()> {
    let now = now_micros();
    for chunk in ids.chunks(5_000) {
        with_conn!(conn, |c| {
            diesel::update(source_links::table.filter(source_links::id.eq_any(chunk)))
                .set((
                    source_links::removed_at.eq(now),
                    source_links::updated_at.eq(now),
                ))
                .execute(c)
                .await?
        });
    }
    Ok(())
}

/// The live links of `connector` for `kind` to any of `local_ids`, as (local id, external id):
/// which of these rows this source already names, and by which id.
pub async fn live_of_local(
    conn: &mut Conn,
    connector_id: &str,
    kind: &str,
    local_ids: &[String],
) -> StoreResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for chunk in local_ids.chunks(5_000) {
        let rows: Vec<(String, String)> = with_conn!(conn, |c| {
            source_links::table
                .filter(source_links::local_id.eq_any(chunk))
                .filter(source_links::connector_id.eq(connector_id))
                .filter(source_links::entity_kind.eq(kind))
                .filter(source_links::removed_at.is_null())
                .select((source_links::local_id, source_links::external_id))
                .load(c)
                .await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// Which of `local_ids` are still linked by a live link not in `except` (another record of the
/// same or another connector, e.g. a teacher who is also a guardian).
pub async fn still_linked(
    conn: &mut Conn,
    local_ids: &[String],
    except: &[String],
) -> StoreResult<std::collections::HashSet<String>> {
    if local_ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<String> = with_conn!(conn, |c| {
        source_links::table
            .filter(source_links::local_id.eq_any(local_ids))
            .filter(source_links::id.ne_all(except))
            .filter(source_links::removed_at.is_null())
            .select(source_links::local_id)
            .distinct()
            .load(c)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// Rows in `sync_seen` (what runs still held, queued or running saw unchanged).
pub async fn count_seen(conn: &mut Conn) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        sync_seen::table.count().get_result(c).await?
    }))
}
