//! Command-line actions beyond serving: connectors and syncs.

use std::process::ExitCode;
use std::time::Duration;

use homeroom_schema::Store;
use homeroom_schema::enums::{Severity, SyncMode};
use homeroom_schema::page::PageRequest;
use homeroom_schema::store::sync_runs;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::cli::{CliMode, ConnectorAddArgs, SyncRunArgs};
use crate::cli_ids::{global, row_id, row_id_opt};
use crate::config::Settings;
use homeroom_core::ids::NodeKind;
use homeroom_service::connectors::{self, NewConnector};
use homeroom_service::sync::SyncService;
use homeroom_sync::RunOutcome;
use homeroom_sync::report::EntityCounts;

/// `homeroom connector add`: prints only the new connector's id.
pub async fn connector_add(
    store: &Store,
    settings: &Settings,
    args: ConnectorAddArgs,
) -> anyhow::Result<ExitCode> {
    let config: serde_json::Value = serde_json::from_str(&args.config)
        .map_err(|e| anyhow::anyhow!("--config is not valid JSON: {e}"))?;
    // A key only when there are secrets to store: on SQLite its file is made on first need.
    let has_secrets = !homeroom_core::secrets::split(&config).1.is_empty();
    let key = if has_secrets {
        Some(crate::secret_key::for_storing(settings, store)?)
    } else {
        crate::secret_key::existing(settings, store)?
    };
    let row = connectors::create(
        store,
        &connectors::registry(),
        key.as_ref(),
        None,
        NewConnector {
            district_id: row_id_opt(NodeKind::District, args.district.as_deref())?,
            kind: connectors::parse_kind(&args.kind)?,
            name: args.name,
            config,
            schedule: args.schedule,
        },
    )
    .await?;
    println!("{}", global(NodeKind::Connector, &row.id));
    Ok(ExitCode::SUCCESS)
}

/// `homeroom sync run`: runs a sync to its end, with a progress bar on a terminal, prints the
/// report, and exits 0 (succeeded), 2 (held) or 1 (failed).
pub async fn sync_run(
    store: &Store,
    settings: &Settings,
    args: SyncRunArgs,
) -> anyhow::Result<ExitCode> {
    let service = SyncService::new(store.clone(), crate::secret_key::existing(settings, store)?);
    let connector_id = row_id(NodeKind::Connector, &args.connector_id)?;
    let district = {
        let mut conn = store.conn().await?;
        homeroom_schema::store::connectors::district_of(&mut conn, &connector_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no connector {}", args.connector_id))?
    };
    let mode = match args.mode {
        CliMode::Full => SyncMode::Full,
        CliMode::Delta => SyncMode::Delta,
    };
    let run = service
        .queue(&district, &connector_id, mode, args.dry_run, Some("cli"))
        .await?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let watcher = {
        let store = store.clone();
        let bar = bar.clone();
        let run_id = run.id.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let Ok(mut conn) = store.conn().await else {
                    continue;
                };
                if let Ok(Some(r)) = sync_runs::get(&mut conn, &run_id).await {
                    let counts: Vec<EntityCounts> =
                        serde_json::from_str(&r.counts).unwrap_or_default();
                    let processed: u64 = counts
                        .iter()
                        .map(|c| {
                            c.counts.created
                                + c.counts.updated
                                + c.counts.unchanged
                                + c.counts.merged
                                + c.counts.rejected
                        })
                        .sum();
                    bar.set_message(format!("{processed} records"));
                }
            }
        })
    };
    let result = service.execute(&run).await;
    watcher.abort();
    bar.finish_and_clear();
    let (after, outcome) = result?;
    let mut conn = store.conn().await?;
    let all = PageRequest {
        first: Some(500),
        after: None,
    };
    let errors = sync_runs::issues(&mut conn, &after.id, Some(Severity::Error), &all).await?;
    let alerts = sync_runs::issues(&mut conn, &after.id, Some(Severity::Alert), &all).await?;
    let error_total = sync_runs::count_issues(&mut conn, &after.id, Some(Severity::Error)).await?;
    let alert_total = sync_runs::count_issues(&mut conn, &after.id, Some(Severity::Alert)).await?;
    let counts: Vec<EntityCounts> = serde_json::from_str(&after.counts).unwrap_or_default();
    if args.json {
        let issue = |i: &homeroom_schema::models::SyncIssue| json!({ "code": i.code, "entityKind": i.entity_kind, "externalId": i.external_id, "message": i.message });
        let report = json!({
            "runId": global(NodeKind::SyncRun, &after.id),
            "status": after.status.as_str(),
            "mode": after.mode.as_str(),
            "dryRun": after.dry_run,
            "message": after.error,
            "counts": counts,
            "errorCount": error_total,
            "alertCount": alert_total,
            "errors": errors.items.iter().map(issue).collect::<Vec<_>>(),
            "alerts": alerts.items.iter().map(issue).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "sync run {} ({}{}): {}",
            global(NodeKind::SyncRun, &after.id),
            after.mode,
            if after.dry_run { ", dry run" } else { "" },
            after.status
        );
        if let Some(message) = &after.error {
            println!("  {message}");
        }
        println!(
            "  {:<14}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}",
            "entity", "created", "updated", "unchanged", "archived", "merged", "rejected"
        );
        for c in &counts {
            let k = c.counts;
            println!(
                "  {:<14}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}",
                c.entity, k.created, k.updated, k.unchanged, k.archived, k.merged, k.rejected
            );
        }
        println!("  {error_total} errors, {alert_total} alerts");
        for i in errors.items.iter().chain(&alerts.items).take(20) {
            println!(
                "  {:<6} {:<28} {} {}: {}",
                i.severity.as_str(),
                i.code,
                i.entity_kind.as_deref().unwrap_or("-"),
                i.external_id.as_deref().unwrap_or("-"),
                i.message
            );
        }
    }
    Ok(match outcome {
        RunOutcome::Succeeded => ExitCode::SUCCESS,
        RunOutcome::Held(_) => ExitCode::from(2),
        RunOutcome::Failed(_) => ExitCode::from(1),
    })
}
