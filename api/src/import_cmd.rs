//! `homeroom import relationships FILE.csv [--dry-run] [--invite] [--json]`: validates the file,
//! then runs the import job in this process with a progress bar on a terminal (plain progress
//! lines otherwise) and prints the outcome.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use homeroom_core::ids::NodeKind;
use homeroom_schema::Store;
use homeroom_schema::enums::{ActorKind, ImportState};
use homeroom_schema::models::ImportJob;

use homeroom_schema::store::{districts, import_jobs};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::cli::ImportRelationshipsArgs;
use homeroom_service::imports::csv_file::RowError;
use homeroom_service::imports::validate::{Change, PlannedRow};
use homeroom_service::imports::{self, ImportOptions, ImportRunner};

/// Who the CLI's jobs belong to.
pub const CLI_ACTOR: &str = "cli";

/// Runs the command; exit 1 when rows are invalid and nothing was imported, or the job failed.
pub async fn import_relationships(
    store: &Store,
    public_url: &str,
    args: ImportRelationshipsArgs,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let district = {
        let mut conn = store.conn().await?;
        match crate::cli_ids::row_id_opt(NodeKind::District, args.district.as_deref())? {
            Some(id) => districts::get(&mut conn, &id).await?,
            None => districts::get_default(&mut conn).await?,
        }
        .ok_or_else(|| anyhow::anyhow!("no such district (run a sync or `serve --demo` first)"))?
    };
    let job = imports::submit(
        store,
        &district.id,
        (ActorKind::System, CLI_ACTOR),
        &imports::ImportScope::district(),
        &bytes,
        ImportOptions {
            dry_run: args.dry_run,
            only_valid_rows: args.only_valid_rows,
            invite: args.invite,
            file_name: args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned()),
        },
    )
    .await?;
    let job = if job.state == ImportState::Queued {
        run_with_progress(store, public_url, job).await?
    } else {
        job
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&job_json(&job))?);
    } else {
        print_summary(&job);
    }
    Ok(match job.state {
        ImportState::Succeeded | ImportState::Validated => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
}

/// Runs a queued job here, showing progress until it ends (even if another process runs it).
async fn run_with_progress(
    store: &Store,
    public_url: &str,
    job: ImportJob,
) -> anyhow::Result<ImportJob> {
    let total = u64::try_from(job.valid_rows).unwrap_or(0);
    let tty = std::io::stderr().is_terminal();
    let bar = if tty {
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let watcher = {
        let store = store.clone();
        let bar = bar.clone();
        let (district, id) = (job.district_id.clone(), job.id.clone());
        tokio::spawn(async move {
            let mut last = -1;
            loop {
                tokio::time::sleep(Duration::from_millis(250)).await;
                let Ok(mut conn) = store.conn().await else {
                    continue;
                };
                if let Ok(Some(j)) = import_jobs::get(&mut conn, &district, &id).await
                    && j.processed != last
                {
                    last = j.processed;
                    match &bar {
                        Some(bar) => bar.set_position(u64::try_from(last).unwrap_or(0)),
                        None => eprintln!("imported {last}/{total} rows"),
                    }
                }
            }
        })
    };
    let runner = ImportRunner::new(
        store.clone(),
        imports::default_hooks(homeroom_service::invitations::Families::new(public_url)),
    );
    let outcome = async {
        if let Some(done) = runner.run_next(Some(&job.id)).await? {
            return Ok::<_, anyhow::Error>(done);
        }
        // Another process claimed it first: wait for it to end.
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let mut conn = store.conn().await?;
            let current = import_jobs::get(&mut conn, &job.district_id, &job.id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("import job {} vanished", job.id))?;
            if matches!(current.state, ImportState::Succeeded | ImportState::Failed) {
                return Ok(current);
            }
        }
    }
    .await;
    watcher.abort();
    match (bar, &outcome) {
        (Some(bar), _) => bar.finish_and_clear(),
        (None, Ok(done)) => eprintln!("imported {}/{total} rows", done.processed),
        (None, Err(_)) => {}
    }
    outcome
}

fn job_json(job: &ImportJob) -> serde_json::Value {
    let counts = job.counts.0;
    let errors: Vec<RowError> = serde_json::from_str(&job.errors).unwrap_or_default();
    let plan: Vec<PlannedRow> = serde_json::from_str(&job.plan).unwrap_or_default();
    let preview: Vec<&PlannedRow> = plan
        .iter()
        .filter(|p| p.change != Change::AlreadyPresent)
        .collect();
    json!({
        "id": crate::cli_ids::global(NodeKind::ImportJob, &job.id),
        "state": job.state.as_str(),
        "dryRun": job.dry_run,
        "onlyValidRows": job.only_valid_rows,
        "invite": job.invite,
        "fileName": job.file_name,
        "message": job.message,
        "counts": {
            "totalRows": job.total_rows,
            "validRows": job.valid_rows,
            "invalidRows": job.invalid_rows,
            "processed": job.processed,
            "planned": counts.planned,
            "applied": counts.applied,
        },
        "errors": errors,
        "preview": preview,
    })
}

fn print_summary(job: &ImportJob) {
    let counts = job.counts.0;
    let errors: Vec<RowError> = serde_json::from_str(&job.errors).unwrap_or_default();
    println!(
        "import {} ({}): {}",
        crate::cli_ids::global(NodeKind::ImportJob, &job.id),
        if job.dry_run { "dry run" } else { "import" },
        job.state
    );
    if let Some(message) = &job.message {
        println!("  {message}");
    }
    println!(
        "  rows: {} total, {} valid, {} invalid",
        job.total_rows, job.valid_rows, job.invalid_rows
    );
    let p = counts.planned;
    println!(
        "  preview: {} new, {} kind changes, {} restored, {} already present",
        p.created, p.kind_changed, p.restored, p.unchanged
    );
    for e in errors.iter().take(50) {
        let row = e
            .row
            .map_or_else(|| "file".to_owned(), |r| format!("row {r}"));
        println!("  {row:<9} {:<26} {}", e.code, e.message);
    }
    if errors.len() > 50 {
        println!("  … and {} more (use --json for all)", errors.len() - 50);
    }
}
