//! Sync runs and their issues, and the lease that lets one replica run a connector at a time.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::counts::EntityCounts;
use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::{Severity, SyncMode, SyncStatus};
use crate::error::{StoreError, StoreResult};
use crate::ids::{new_id, now_micros};
use crate::json::Json;
use crate::models::{SyncIssue, SyncIssueCount, SyncRun};
use crate::page::{Page, PageRequest};
use crate::tables::{sync_issue_counts, sync_issues, sync_runs};

/// Queues a run.
pub async fn create(
    conn: &mut Conn,
    district_id: &str,
    connector_id: &str,
    mode: SyncMode,
    dry_run: bool,
    requested_by: Option<&str>,
) -> StoreResult<SyncRun> {
    let row = SyncRun {
        id: new_id(),
        district_id: district_id.into(),
        connector_id: connector_id.into(),
        mode,
        dry_run,
        status: SyncStatus::Queued,
        lease_owner: None,
        lease_expires_at: None,
        counts: Json(Vec::new()),
        delta_cursor: None,
        error: None,
        requested_by: requested_by.map(str::to_owned),
        created_at: now_micros(),
        started_at: None,
        finished_at: None,
    };
    with_conn!(conn, |c| {
        diesel::insert_into(sync_runs::table)
            .values(&row)
            .execute(c)
            .await?
    });
    Ok(row)
}

/// One run.
pub async fn get(conn: &mut Conn, id: &str) -> StoreResult<Option<SyncRun>> {
    Ok(with_conn!(conn, |c| {
        sync_runs::table
            .find(id)
            .select(SyncRun::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// The run of `connector_id` marked running, if any.
pub async fn running(conn: &mut Conn, connector_id: &str) -> StoreResult<Option<SyncRun>> {
    Ok(with_conn!(conn, |c| {
        sync_runs::table
            .filter(sync_runs::connector_id.eq(connector_id))
            .filter(sync_runs::status.eq(SyncStatus::Running))
            .select(SyncRun::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Marks failed every run of `connector_id` still marked running: called by the holder of the
/// connector's run lock, so whoever ran them is gone. Returns them as they were.
pub async fn fail_interrupted(conn: &mut Conn, connector_id: &str) -> StoreResult<Vec<SyncRun>> {
    let dead: Vec<SyncRun> = with_conn!(conn, |c| {
        sync_runs::table
            .filter(sync_runs::connector_id.eq(connector_id))
            .filter(sync_runs::status.eq(SyncStatus::Running))
            .select(SyncRun::as_select())
            .load(c)
            .await?
    });
    let now = now_micros();
    for run in &dead {
        let why = format!(
            "interrupted: the process running this sync ({}) stopped before it ended; \
             every page it applied is complete, nothing was removed, and the next run \
             converges",
            run.lease_owner.as_deref().unwrap_or("unknown")
        );
        with_conn!(conn, |c| {
            diesel::update(
                sync_runs::table
                    .filter(sync_runs::id.eq(&run.id))
                    .filter(sync_runs::status.eq(SyncStatus::Running)),
            )
            .set((
                sync_runs::status.eq(SyncStatus::Failed),
                sync_runs::error.eq(&why),
                sync_runs::finished_at.eq(now),
            ))
            .execute(c)
            .await?
        });
    }
    Ok(dead)
}

/// Takes a queued run: sets it running under `owner`'s lease. Returns `Ok(None)` when the run is
/// no longer queued or another run of the connector holds a live lease (the unique index on
/// running runs makes this safe across replicas).
pub async fn claim(
    conn: &mut Conn,
    run_id: &str,
    owner: &str,
    lease_micros: i64,
) -> StoreResult<Option<SyncRun>> {
    let now = now_micros();
    let updated = with_conn!(conn, |c| {
        diesel::update(
            sync_runs::table
                .filter(sync_runs::id.eq(run_id))
                .filter(sync_runs::status.eq(SyncStatus::Queued)),
        )
        .set((
            sync_runs::status.eq(SyncStatus::Running),
            sync_runs::lease_owner.eq(owner),
            sync_runs::lease_expires_at.eq(now + lease_micros),
            sync_runs::started_at.eq(now),
        ))
        .execute(c)
        .await
    });
    match updated {
        Ok(0) => Ok(None),
        Ok(_) => get(conn, run_id).await,
        Err(e) => match StoreError::from(e) {
            StoreError::Conflict(_) => Ok(None),
            other => Err(other),
        },
    }
}

/// Extends a lease; false when the lease was lost (the run was aborted by another replica).
pub async fn renew(
    conn: &mut Conn,
    run_id: &str,
    owner: &str,
    lease_micros: i64,
) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            sync_runs::table
                .filter(sync_runs::id.eq(run_id))
                .filter(sync_runs::status.eq(SyncStatus::Running))
                .filter(sync_runs::lease_owner.eq(owner)),
        )
        .set(sync_runs::lease_expires_at.eq(now_micros() + lease_micros))
        .execute(c)
        .await?
    });
    Ok(n > 0)
}

/// Stores the progress counts of a running run.
pub async fn set_counts(conn: &mut Conn, run_id: &str, counts: &[EntityCounts]) -> StoreResult<()> {
    let counts = Json(counts.to_vec());
    with_conn!(conn, |c| {
        diesel::update(sync_runs::table.find(run_id))
            .set(sync_runs::counts.eq(&counts))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Ends a run.
pub async fn finish(
    conn: &mut Conn,
    run_id: &str,
    status: SyncStatus,
    counts: &[EntityCounts],
    error: Option<&str>,
    delta_cursor: Option<&str>,
) -> StoreResult<()> {
    let counts = Json(counts.to_vec());
    with_conn!(conn, |c| {
        diesel::update(sync_runs::table.find(run_id))
            .set((
                sync_runs::status.eq(status),
                sync_runs::counts.eq(&counts),
                sync_runs::error.eq(error),
                sync_runs::delta_cursor.eq(delta_cursor),
                sync_runs::finished_at.eq(now_micros()),
                sync_runs::lease_owner.eq(None::<String>),
                sync_runs::lease_expires_at.eq(None::<i64>),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Changes a finished run's status (confirming or discarding a hold).
pub async fn set_status(
    conn: &mut Conn,
    run_id: &str,
    from: SyncStatus,
    to: SyncStatus,
) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            sync_runs::table
                .filter(sync_runs::id.eq(run_id))
                .filter(sync_runs::status.eq(from)),
        )
        .set(sync_runs::status.eq(to))
        .execute(c)
        .await?
    });
    Ok(n > 0)
}

/// Runs of a connector, newest first.
pub async fn list(
    conn: &mut Conn,
    connector_id: &str,
    page: &PageRequest,
) -> StoreResult<Page<SyncRun>> {
    let limit = page.limit();
    let rows: Vec<SyncRun> = with_conn!(conn, |c| {
        let mut q = sync_runs::table
            .filter(sync_runs::connector_id.eq(connector_id))
            .into_boxed();
        if let Some(after) = &page.after {
            q = q.filter(sync_runs::id.lt(after));
        }
        q.order(sync_runs::id.desc())
            .limit(limit + 1)
            .select(SyncRun::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// The newest run of a connector.
pub async fn latest(conn: &mut Conn, connector_id: &str) -> StoreResult<Option<SyncRun>> {
    Ok(with_conn!(conn, |c| {
        sync_runs::table
            .filter(sync_runs::connector_id.eq(connector_id))
            .order(sync_runs::id.desc())
            .select(SyncRun::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Adds issues to a run's report.
pub async fn add_issues(conn: &mut Conn, rows: &[SyncIssue]) -> StoreResult<()> {
    for rows in rows.chunks(2_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(sync_issues::table).values(values)
        });
    }
    Ok(())
}

/// Adds to a run's exact issue counts (`rows` hold the increments).
pub async fn add_issue_counts(conn: &mut Conn, rows: &[SyncIssueCount]) -> StoreResult<()> {
    use diesel::upsert::excluded;
    for row in rows {
        with_conn!(conn, |c| {
            diesel::insert_into(sync_issue_counts::table)
                .values(row)
                .on_conflict((
                    sync_issue_counts::run_id,
                    sync_issue_counts::code,
                    sync_issue_counts::severity,
                ))
                .do_update()
                .set(
                    sync_issue_counts::count
                        .eq(sync_issue_counts::count + excluded(sync_issue_counts::count)),
                )
                .execute(c)
                .await?
        });
    }
    Ok(())
}

/// A run's exact issue counts per code and severity: errors first, then the most frequent.
pub async fn issue_summary(conn: &mut Conn, run_id: &str) -> StoreResult<Vec<SyncIssueCount>> {
    let mut rows: Vec<SyncIssueCount> = with_conn!(conn, |c| {
        sync_issue_counts::table
            .filter(sync_issue_counts::run_id.eq(run_id))
            .select(SyncIssueCount::as_select())
            .load(c)
            .await?
    });
    rows.sort_by(|a, b| {
        (b.severity == Severity::Error)
            .cmp(&(a.severity == Severity::Error))
            .then(b.count.cmp(&a.count))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(rows)
}

/// Issues of a run, optionally of one severity and one code, in id order.
pub async fn issues(
    conn: &mut Conn,
    run_id: &str,
    severity: Option<Severity>,
    code: Option<&str>,
    page: &PageRequest,
) -> StoreResult<Page<SyncIssue>> {
    let limit = page.limit();
    let rows: Vec<SyncIssue> = with_conn!(conn, |c| {
        let mut q = sync_issues::table
            .filter(sync_issues::run_id.eq(run_id))
            .into_boxed();
        if let Some(s) = severity {
            q = q.filter(sync_issues::severity.eq(s));
        }
        if let Some(code) = code {
            q = q.filter(sync_issues::code.eq(code));
        }
        if let Some(after) = &page.after {
            q = q.filter(sync_issues::id.gt(after));
        }
        q.order(sync_issues::id.asc())
            .limit(limit + 1)
            .select(SyncIssue::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// Number of issues of a run stored as examples, optionally of one severity and one code.
pub async fn count_issues(
    conn: &mut Conn,
    run_id: &str,
    severity: Option<Severity>,
    code: Option<&str>,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        let mut q = sync_issues::table
            .filter(sync_issues::run_id.eq(run_id))
            .into_boxed();
        if let Some(s) = severity {
            q = q.filter(sync_issues::severity.eq(s));
        }
        if let Some(code) = code {
            q = q.filter(sync_issues::code.eq(code));
        }
        q.count().get_result(c).await?
    }))
}

/// How many issues of `severity` a run raised (exact, whatever the per-code cap kept).
pub async fn issue_total(conn: &mut Conn, run_id: &str, severity: Severity) -> StoreResult<i64> {
    Ok(issue_summary(conn, run_id)
        .await?
        .iter()
        .filter(|c| c.severity == severity)
        .map(|c| c.count)
        .sum())
}

/// Number of runs of a connector.
pub async fn count(conn: &mut Conn, connector_id: &str) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        sync_runs::table
            .filter(sync_runs::connector_id.eq(connector_id))
            .count()
            .get_result(c)
            .await?
    }))
}
