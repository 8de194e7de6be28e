//! Command-line actions beyond serving: connectors and syncs.

use std::process::ExitCode;
use std::time::Duration;

use homeroom_schema::Store;
use homeroom_schema::enums::{Severity, SyncMode};
use homeroom_schema::page::PageRequest;
use homeroom_schema::store::sync_runs;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{CliMode, ConnectorAddArgs, SetPasswordArgs, SyncRunArgs};
use crate::cli_ids::{global, row_id, row_id_opt};
use crate::config::Settings;
use homeroom_core::ids::NodeKind;
use homeroom_service::connectors::{self, NewConnector};
use homeroom_service::sync::SyncService;
use homeroom_sync::RunOutcome;
use homeroom_sync::report::EntityCounts;

/// `homeroom account set-password PERSON`: the password is the first line of stdin.
pub async fn account_set_password(
    store: &Store,
    args: SetPasswordArgs,
) -> anyhow::Result<ExitCode> {
    let person = row_id(NodeKind::Person, &args.person)?;
    let district = row_id_opt(NodeKind::District, args.district.as_deref())?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']);
    match homeroom_service::accounts::set_password(store, district.as_deref(), &person, password)
        .await?
    {
        Ok(p) => {
            eprintln!(
                "{} ({}) can now sign in with their email address and this password",
                p.display_name(),
                global(NodeKind::Person, &p.id)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in errors {
                eprintln!("refused: {}", e.message);
            }
            Ok(ExitCode::from(1))
        }
    }
}

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

/// `homeroom connector upload ID FILE.zip`: stores the export for a oneroster-csv connector.
pub async fn connector_upload(
    store: &Store,
    settings: &Settings,
    connector: &str,
    file: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let id = row_id(NodeKind::Connector, connector)?;
    let bytes =
        std::fs::read(file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let row = {
        let mut conn = store.conn().await?;
        let district = homeroom_schema::store::connectors::district_of(&mut conn, &id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no connector {connector}"))?;
        homeroom_schema::store::connectors::get(&mut conn, &district, &id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no connector {connector}"))?
    };
    let key = crate::secret_key::existing(settings, store)?;
    let operator = homeroom_service::auth::Principal::operator(&row.district_id);
    match homeroom_service::roster_upload::upload(
        store,
        &connectors::registry(),
        key.as_ref(),
        &operator,
        Some(&settings.import_root()),
        row,
        &bytes,
    )
    .await
    {
        Ok(row) => {
            eprintln!(
                "uploaded {} for connector {}; run `homeroom sync run {}` to read it",
                file.display(),
                row.name,
                global(NodeKind::Connector, &row.id)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(homeroom_service::error::ServiceError::Refused { message, .. }) => {
            eprintln!("refused: {message}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
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
                    let processed: u64 = r.counts.0.iter().map(|c| c.counts.records_seen()).sum();
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
    let report = RunReport::load(&mut conn, &after).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        report.print();
    }
    Ok(match outcome {
        RunOutcome::Succeeded => ExitCode::SUCCESS,
        RunOutcome::Held(_) => ExitCode::from(2),
        RunOutcome::Failed(_) => ExitCode::from(1),
    })
}

/// How many examples of each code the command-line report shows (`--json`); the text report
/// shows fewer.
const EXAMPLES_PER_CODE: i64 = 20;

/// One code of a run's issue summary, with its first examples.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeSummary {
    code: String,
    severity: &'static str,
    count: i64,
}

/// One issue of a run, as the report shows it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct IssueLine {
    code: String,
    entity_kind: Option<String>,
    external_id: Option<String>,
    message: String,
}

/// A run's report as `homeroom sync run` prints it: the issue summary first (every code with
/// its exact count), then the counts, then the first examples of each code.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RunReport {
    run_id: String,
    status: &'static str,
    mode: &'static str,
    dry_run: bool,
    message: Option<String>,
    issue_summary: Vec<CodeSummary>,
    error_count: i64,
    alert_count: i64,
    counts: Vec<EntityCounts>,
    /// The first examples of each error code.
    errors: Vec<IssueLine>,
    /// The first examples of each alert code.
    alerts: Vec<IssueLine>,
}

impl RunReport {
    async fn load(
        conn: &mut homeroom_schema::Conn,
        run: &homeroom_schema::models::SyncRun,
    ) -> anyhow::Result<RunReport> {
        let summary = sync_runs::issue_summary(conn, &run.id).await?;
        let (mut errors, mut alerts) = (Vec::new(), Vec::new());
        for code in &summary {
            let examples = sync_runs::issues(
                conn,
                &run.id,
                Some(code.severity),
                Some(&code.code),
                &PageRequest {
                    first: Some(EXAMPLES_PER_CODE),
                    after: None,
                },
            )
            .await?;
            let lines = examples.items.into_iter().map(|i| IssueLine {
                code: i.code,
                entity_kind: i.entity_kind,
                external_id: i.external_id,
                message: i.message,
            });
            match code.severity {
                Severity::Error => errors.extend(lines),
                Severity::Alert => alerts.extend(lines),
            }
        }
        let total = |s: Severity| {
            summary
                .iter()
                .filter(|c| c.severity == s)
                .map(|c| c.count)
                .sum()
        };
        Ok(RunReport {
            run_id: global(NodeKind::SyncRun, &run.id),
            status: run.status.as_str(),
            mode: run.mode.as_str(),
            dry_run: run.dry_run,
            message: run.error.clone(),
            error_count: total(Severity::Error),
            alert_count: total(Severity::Alert),
            issue_summary: summary
                .into_iter()
                .map(|c| CodeSummary {
                    code: c.code,
                    severity: c.severity.as_str(),
                    count: c.count,
                })
                .collect(),
            counts: run.counts.0.clone(),
            errors,
            alerts,
        })
    }

    fn print(&self) {
        println!(
            "sync run {} ({}{}): {}",
            self.run_id,
            self.mode,
            if self.dry_run { ", dry run" } else { "" },
            self.status
        );
        if let Some(message) = &self.message {
            println!("  {message}");
        }
        println!("  {} errors, {} alerts", self.error_count, self.alert_count);
        for c in &self.issue_summary {
            println!("  {:<6} {:<32}{:>10}", c.severity, c.code, c.count);
        }
        println!(
            "  {:<14}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}",
            "entity", "created", "updated", "unchanged", "archived", "merged", "rejected"
        );
        for c in &self.counts {
            let k = c.counts;
            println!(
                "  {:<14}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}",
                c.entity, k.created, k.updated, k.unchanged, k.archived, k.merged, k.rejected
            );
        }
        // A few examples of each code, so a rare code shows next to a frequent one.
        for (severity, lines) in [("error", &self.errors), ("alert", &self.alerts)] {
            let mut shown: std::collections::HashMap<&str, usize> = Default::default();
            for i in lines.iter() {
                let n = shown.entry(i.code.as_str()).or_default();
                *n += 1;
                if *n > 3 {
                    continue;
                }
                println!(
                    "  {:<6} {:<28} {} {}: {}",
                    severity,
                    i.code,
                    i.entity_kind.as_deref().unwrap_or("-"),
                    i.external_id.as_deref().unwrap_or("-"),
                    i.message
                );
            }
        }
    }
}
