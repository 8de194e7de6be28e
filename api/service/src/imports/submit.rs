//! Turning an uploaded file into an import job: validation first, then a job that is a dry
//! run's preview, a rejection (nothing imported), or queued for the runner.

use homeroom_schema::enums::{ActorKind, ImportKind, ImportState};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::json::Json;
use homeroom_schema::models::ImportJob;

use homeroom_schema::Store;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::import_jobs;
use serde_json::json;

use crate::error::{ServiceError, ServiceResult};
use crate::imports::csv_file::{self, RowError};
use crate::imports::validate::{self, ImportScope, Validation};
use crate::imports::{JobCounts, WAKE};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Validate and preview only.
    pub dry_run: bool,
    /// Import the valid rows even when some rows are invalid.
    pub only_valid_rows: bool,
    /// Invite the imported families once the import commits.
    pub invite: bool,
    /// The uploaded file's name.
    pub file_name: Option<String>,
}

fn to_json<T: serde::Serialize>(value: &T) -> ServiceResult<String> {
    serde_json::to_string(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Validates `bytes` and records the job. `created_by` names the caller (actor kind, and the
/// person, token or `cli`) for `importJobs` and the audit log.
pub async fn submit(
    store: &Store,
    district_id: &str,
    (actor_kind, created_by): (ActorKind, &str),
    scope: &ImportScope,
    bytes: &[u8],
    options: ImportOptions,
) -> ServiceResult<ImportJob> {
    let started = std::time::Instant::now();
    let (validation, file_error) = match csv_file::parse(bytes) {
        Ok(parsed) => {
            let mut conn = store.conn().await?;
            let v = validate::validate(&mut conn, district_id, scope, parsed).await?;
            (v, None)
        }
        Err(e) => {
            let error = RowError {
                row: None,
                field: None,
                code: e.code().to_owned(),
                message: e.to_string(),
            };
            let v = Validation {
                errors: vec![error],
                ..Validation::default()
            };
            (v, Some(e.to_string()))
        }
    };
    let valid = validation.plan.len() as u64;
    let (state, message) = if let Some(message) = file_error {
        (ImportState::Rejected, message)
    } else if validation.invalid_rows > 0 && !options.only_valid_rows {
        (
            ImportState::Rejected,
            format!(
                "{} of {} rows are invalid; nothing was imported (fix them, or import only the \
                 valid rows)",
                validation.invalid_rows, validation.total_rows
            ),
        )
    } else if options.dry_run {
        (
            ImportState::Validated,
            format!("dry run: {valid} valid rows, nothing was imported"),
        )
    } else if valid == 0 {
        (
            ImportState::Rejected,
            "no valid rows; nothing was imported".to_owned(),
        )
    } else {
        (ImportState::Queued, format!("{valid} rows queued"))
    };
    tracing::info!(
        rows = validation.total_rows,
        invalid = validation.invalid_rows,
        state = %state,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "relationship import validated"
    );
    let now = now_micros();
    let job = ImportJob {
        id: new_id(),
        district_id: district_id.to_owned(),
        kind: ImportKind::Relationships,
        state,
        dry_run: options.dry_run,
        only_valid_rows: options.only_valid_rows,
        invite: options.invite,
        file_name: options.file_name,
        created_by: Some(created_by.to_owned()),
        plan: to_json(&validation.plan)?,
        total_rows: validation.total_rows as i64,
        valid_rows: valid as i64,
        invalid_rows: validation.invalid_rows as i64,
        processed: 0,
        counts: Json(JobCounts {
            planned: validation.planned,
            ..JobCounts::default()
        }),
        errors: to_json(&validation.errors)?,
        message: Some(message),
        attempts: 0,
        lease_owner: None,
        lease_expires_at: None,
        created_at: now,
        updated_at: now,
        started_at: None,
        finished_at: if state == ImportState::Queued {
            None
        } else {
            Some(now)
        },
    };
    store
        .transaction(async |conn| {
            import_jobs::insert(conn, &job).await?;
            if state == ImportState::Queued {
                audit::record(
                    conn,
                    NewEvent {
                        district_id,
                        actor_kind,
                        actor_id: Some(created_by),
                        action: "import.relationships.queue",
                        target_kind: "import_job",
                        target_id: &job.id,
                        before: None,
                        after: Some(json!({
                            "file_name": job.file_name,
                            "valid_rows": job.valid_rows,
                            "invalid_rows": job.invalid_rows,
                            "invite": job.invite,
                        })),
                    },
                )
                .await?;
            }
            Ok::<_, ServiceError>(())
        })
        .await?;
    if state == ImportState::Queued {
        WAKE.notify_one();
    }
    Ok(job)
}
