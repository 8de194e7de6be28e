//! Applying queued import jobs. A runner claims a job through the database with a lease, so one
//! replica runs each job; it applies the plan in chunks, each chunk committed together with the
//! job's progress, so a job whose runner died is claimed again when its lease expires and
//! resumes after the last committed chunk (or fails after too many attempts), never stuck.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use homeroom_schema::enums::{ActorKind, ImportState, RelationshipSource, RelationshipStatus};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{ImportJob, Relationship};
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{import_jobs, relationships};
use homeroom_schema::{Conn, Store, StoreError};
use serde_json::json;

use crate::error::ServiceError;
use crate::imports::hooks::ImportHooks;
use crate::imports::validate::{Change, ChangeCounts, PlannedRow};
use crate::imports::{JobCounts, WAKE};

/// How long a claim lasts without progress.
pub const LEASE: Duration = Duration::from_secs(60);
/// Plan entries applied per transaction (and per progress update).
pub const CHUNK: usize = 500;
/// Claims of one job before it is failed instead of retried.
pub const MAX_ATTEMPTS: i64 = 3;
/// How often an idle runner looks for jobs other replicas queued.
pub const POLL: Duration = Duration::from_secs(2);

fn lease_micros() -> i64 {
    LEASE.as_micros() as i64
}

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
enum JobError {
    /// Another runner holds the job now.
    #[error("the job's lease was lost")]
    LeaseLost,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Corrupt(String),
}

/// Claims and runs import jobs.
#[derive(Clone)]
pub struct ImportRunner {
    store: Store,
    hooks: Arc<dyn ImportHooks>,
    owner: String,
}

impl ImportRunner {
    /// A runner with a unique lease owner name.
    pub fn new(store: Store, hooks: Arc<dyn ImportHooks>) -> Self {
        ImportRunner {
            store,
            hooks,
            owner: format!("import-runner-{}", new_id()),
        }
    }

    /// Runs jobs until `stop` turns true: woken when this process queues a job, polling for
    /// jobs queued elsewhere or left behind by a dead replica.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            loop {
                match self.run_next(None).await {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "import runner");
                        break;
                    }
                }
            }
            tokio::select! {
                () = WAKE.notified() => {}
                () = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {
                    if *stop.borrow() {
                        return;
                    }
                }
            }
        }
    }

    /// Claims one runnable job (`only` that one, when given) and runs it to its end; returns
    /// the job as it ended, or `None` when there was nothing to claim.
    pub async fn run_next(&self, only: Option<&str>) -> Result<Option<ImportJob>, ServiceError> {
        let claimed = {
            let mut conn = self.store.conn().await?;
            import_jobs::claim(&mut conn, only, &self.owner, lease_micros()).await?
        };
        let Some(job) = claimed else {
            return Ok(None);
        };
        let span = tracing::info_span!("import_job", job = %job.id, attempt = job.attempts);
        let _enter = span.enter();
        let counts = job.counts.0;
        let outcome = if job.attempts > MAX_ATTEMPTS {
            Err(JobError::Corrupt(format!(
                "abandoned after {MAX_ATTEMPTS} attempts (its runner stopped each time)"
            )))
        } else {
            self.apply(&job, counts).await
        };
        let mut conn = self.store.conn().await?;
        match outcome {
            Ok((counts, message)) => {
                import_jobs::finish(
                    &mut conn,
                    &job.id,
                    &self.owner,
                    ImportState::Succeeded,
                    counts,
                    message.as_deref(),
                )
                .await?;
            }
            Err(JobError::LeaseLost) => {
                tracing::warn!("import job taken over by another runner");
            }
            Err(e) => {
                tracing::error!(error = %e, "import job failed");
                let current = import_jobs::get(&mut conn, &job.district_id, &job.id).await?;
                let counts = current.map_or(job.counts.0, |j| j.counts.0);
                import_jobs::finish(
                    &mut conn,
                    &job.id,
                    &self.owner,
                    ImportState::Failed,
                    counts,
                    Some(&e.to_string()),
                )
                .await?;
            }
        }
        Ok(import_jobs::get(&mut conn, &job.district_id, &job.id).await?)
    }

    /// Applies the plan from where the job stopped, then calls the hooks.
    async fn apply(
        &self,
        job: &ImportJob,
        mut counts: JobCounts,
    ) -> Result<(JobCounts, Option<String>), JobError> {
        let plan: Vec<PlannedRow> =
            serde_json::from_str(&job.plan).map_err(|e| JobError::Corrupt(e.to_string()))?;
        let mut done = usize::try_from(job.processed).unwrap_or(0).min(plan.len());
        while done < plan.len() {
            let end = (done + CHUNK).min(plan.len());
            let chunk = &plan[done..end];
            let before = counts.applied;
            counts.applied = self
                .store
                .transaction(async |conn| {
                    let mut applied = before;
                    apply_chunk(conn, job, chunk, &mut applied).await?;
                    let progress = JobCounts {
                        planned: counts.planned,
                        applied,
                    };
                    let held = import_jobs::progress(
                        conn,
                        &job.id,
                        &self.owner,
                        end as i64,
                        progress,
                        lease_micros(),
                    )
                    .await?;
                    if !held {
                        return Err(JobError::LeaseLost);
                    }
                    Ok(applied)
                })
                .await?;
            done = end;
        }
        let ids = {
            let mut conn = self.store.conn().await?;
            audit::record(
                &mut conn,
                NewEvent {
                    district_id: &job.district_id,
                    actor_kind: ActorKind::System,
                    actor_id: job.created_by.as_deref(),
                    action: "import.relationships.apply",
                    target_kind: "import_job",
                    target_id: &job.id,
                    before: None,
                    after: Some(json!({ "applied": counts.applied })),
                },
            )
            .await?;
            imported_links(&mut conn, job, &plan).await?
        };
        let mut message = format!(
            "imported: {} new, {} kind changes, {} restored, {} already present",
            counts.applied.created,
            counts.applied.kind_changed,
            counts.applied.restored,
            counts.applied.unchanged
        );
        if job.invite {
            match self
                .hooks
                .relationships_imported(&self.store, job, &ids)
                .await
            {
                Ok(()) => message.push_str("; invitations queued"),
                Err(e) => message.push_str(&format!("; {e}")),
            }
        }
        Ok((counts, Some(message)))
    }
}

/// Applies plan entries against the links as they are now (a resumed chunk, or links changed
/// since validation, are handled the same way).
async fn apply_chunk(
    conn: &mut Conn,
    job: &ImportJob,
    chunk: &[PlannedRow],
    applied: &mut ChangeCounts,
) -> Result<(), JobError> {
    let students: Vec<String> = chunk.iter().map(|p| p.student_id.clone()).collect();
    let current: HashMap<(String, String), Relationship> =
        relationships::of_students(conn, &job.district_id, &students)
            .await?
            .into_iter()
            .map(|l| ((l.guardian_id.clone(), l.student_id.clone()), l))
            .collect();
    let now = now_micros();
    let mut new_links = Vec::new();
    let mut reviews = Vec::new();
    for p in chunk {
        match current.get(&(p.guardian_id.clone(), p.student_id.clone())) {
            // A teacher's import never decides a link that waits for its adult or an admin.
            Some(l) if p.review.is_some() && crate::link_reviews::is_waiting(l) => {
                Change::AlreadyPresent.tally(applied);
            }
            None => {
                let link = Relationship {
                    id: new_id(),
                    district_id: job.district_id.clone(),
                    guardian_id: p.guardian_id.clone(),
                    student_id: p.student_id.clone(),
                    kind: p.kind,
                    source: RelationshipSource::Import,
                    source_connector_id: None,
                    lives_with_student: None,
                    status: RelationshipStatus::Active,
                    removed_by: None,
                    removed_at: None,
                    created_at: now,
                    updated_at: now,
                };
                if let Some(review) = p.review {
                    reviews.push((link.clone(), review));
                }
                new_links.push(link);
                Change::New.tally(applied);
            }
            Some(l) if l.status == RelationshipStatus::Active && l.kind == p.kind => {
                Change::AlreadyPresent.tally(applied);
            }
            Some(l) => {
                relationships::set_kind_active(conn, &l.id, p.kind).await?;
                let change = if l.status == RelationshipStatus::Removed {
                    // A teacher's import restoring a link is a link the teacher made.
                    if let Some(review) = p.review {
                        reviews.push((l.clone(), review));
                    }
                    Change::Restore
                } else {
                    Change::KindChange
                };
                change.tally(applied);
            }
        }
    }
    relationships::insert(conn, &new_links).await?;
    for (link, review) in &reviews {
        crate::link_reviews::begin(conn, job.created_by.as_deref(), link, *review).await?;
    }
    Ok(())
}

/// Ids of the file's links that are active after the import.
async fn imported_links(
    conn: &mut Conn,
    job: &ImportJob,
    plan: &[PlannedRow],
) -> Result<Vec<String>, JobError> {
    let pairs: HashSet<(&str, &str)> = plan
        .iter()
        .map(|p| (p.guardian_id.as_str(), p.student_id.as_str()))
        .collect();
    let mut students: Vec<String> = plan.iter().map(|p| p.student_id.clone()).collect();
    students.sort();
    students.dedup();
    let mut ids: Vec<String> = relationships::of_students(conn, &job.district_id, &students)
        .await?
        .into_iter()
        .filter(|l| {
            l.status == RelationshipStatus::Active
                && pairs.contains(&(l.guardian_id.as_str(), l.student_id.as_str()))
        })
        .map(|l| l.id)
        .collect();
    ids.sort();
    Ok(ids)
}
