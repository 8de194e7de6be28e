//! Spreadsheet import jobs, claimed through the database with a lease: a job whose holder died
//! (its lease ran out) is claimed again by any replica and resumes where it stopped.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::counts::JobCounts;
use crate::db::{Conn, with_conn};
use crate::enums::ImportState;
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::json::Json;
use crate::models::ImportJob;
use crate::page::{Page, PageRequest};
use crate::tables::import_jobs;

/// Inserts a job.
pub async fn insert(conn: &mut Conn, job: &ImportJob) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(import_jobs::table)
            .values(job)
            .execute(c)
            .await?
    });
    Ok(())
}

/// One job of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<ImportJob>> {
    Ok(with_conn!(conn, |c| {
        import_jobs::table
            .filter(import_jobs::district_id.eq(district_id))
            .filter(import_jobs::id.eq(id))
            .select(ImportJob::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// One page of a district's jobs, newest first (ids are time-ordered), optionally only those
/// `created_by` one caller.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    created_by: Option<&str>,
    page: &PageRequest,
) -> StoreResult<Page<ImportJob>> {
    let limit = page.limit();
    let rows: Vec<ImportJob> = with_conn!(conn, |c| {
        let mut q = import_jobs::table
            .filter(import_jobs::district_id.eq(district_id))
            .into_boxed();
        if let Some(who) = created_by {
            q = q.filter(import_jobs::created_by.eq(who.to_owned()));
        }
        if let Some(after) = &page.after {
            q = q.filter(import_jobs::id.lt(after.clone()));
        }
        q.order(import_jobs::id.desc())
            .limit(limit + 1)
            .select(ImportJob::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// Claims one job that is queued, or running with an expired lease (its holder died), for
/// `owner` until `lease_micros` from now; counts the attempt. `only` restricts it to one job.
pub async fn claim(
    conn: &mut Conn,
    only: Option<&str>,
    owner: &str,
    lease_micros: i64,
) -> StoreResult<Option<ImportJob>> {
    let now = now_micros();
    let claimable = import_jobs::state
        .eq(ImportState::Queued)
        .or(import_jobs::state
            .eq(ImportState::Running)
            .and(import_jobs::lease_expires_at.lt(now)));
    let candidates: Vec<String> = with_conn!(conn, |c| {
        let mut q = import_jobs::table.filter(claimable).into_boxed();
        if let Some(id) = only {
            q = q.filter(import_jobs::id.eq(id.to_owned()));
        }
        q.order(import_jobs::id.asc())
            .limit(5)
            .select(import_jobs::id)
            .load(c)
            .await?
    });
    for id in candidates {
        // Compare-and-set: only one replica's update matches while the job is claimable.
        let n = with_conn!(conn, |c| {
            diesel::update(
                import_jobs::table
                    .filter(import_jobs::id.eq(&id))
                    .filter(claimable),
            )
            .set((
                import_jobs::state.eq(ImportState::Running),
                import_jobs::lease_owner.eq(owner),
                import_jobs::lease_expires_at.eq(now + lease_micros),
                import_jobs::attempts.eq(import_jobs::attempts + 1),
                import_jobs::started_at.eq(now),
                import_jobs::updated_at.eq(now),
            ))
            .execute(c)
            .await?
        });
        if n == 1 {
            return Ok(with_conn!(conn, |c| {
                import_jobs::table
                    .find(&id)
                    .select(ImportJob::as_select())
                    .first(c)
                    .await
                    .optional()?
            }));
        }
    }
    Ok(None)
}

/// Records progress and extends the lease; false when `owner` no longer holds the job.
pub async fn progress(
    conn: &mut Conn,
    id: &str,
    owner: &str,
    processed: i64,
    counts: JobCounts,
    lease_micros: i64,
) -> StoreResult<bool> {
    let now = now_micros();
    let counts = Json(counts);
    let n = with_conn!(conn, |c| {
        diesel::update(
            import_jobs::table
                .filter(import_jobs::id.eq(id))
                .filter(import_jobs::state.eq(ImportState::Running))
                .filter(import_jobs::lease_owner.eq(owner)),
        )
        .set((
            import_jobs::processed.eq(processed),
            import_jobs::counts.eq(&counts),
            import_jobs::lease_expires_at.eq(now + lease_micros),
            import_jobs::updated_at.eq(now),
        ))
        .execute(c)
        .await?
    });
    Ok(n == 1)
}

/// Ends a running job held by `owner` as `state`; false when the lease was lost.
pub async fn finish(
    conn: &mut Conn,
    id: &str,
    owner: &str,
    state: ImportState,
    counts: JobCounts,
    message: Option<&str>,
) -> StoreResult<bool> {
    let now = now_micros();
    let counts = Json(counts);
    let n = with_conn!(conn, |c| {
        diesel::update(
            import_jobs::table
                .filter(import_jobs::id.eq(id))
                .filter(import_jobs::state.eq(ImportState::Running))
                .filter(import_jobs::lease_owner.eq(owner)),
        )
        .set((
            import_jobs::state.eq(state),
            import_jobs::counts.eq(&counts),
            import_jobs::message.eq(message),
            import_jobs::lease_owner.eq(None::<String>),
            import_jobs::lease_expires_at.eq(None::<i64>),
            import_jobs::updated_at.eq(now),
            import_jobs::finished_at.eq(now),
        ))
        .execute(c)
        .await?
    });
    Ok(n == 1)
}
