//! Two `serve` replicas on one PostgreSQL database, the scheduler on in both: each scheduled
//! sync runs once (one `sync_runs` row per due connector), each import job runs once (one
//! attempt), and each outbox message reaches the SMTP sink once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use diesel_async::RunQueryDsl;
use homeroom_schema::Conn;
use homeroom_schema::enums::{ActorKind, ImportState, OutboxStatus, SyncStatus};
use homeroom_schema::store::{districts, import_jobs};
use homeroom_service::imports::{self, ImportOptions, ImportScope};
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::server::{Server, run};
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::sync::test_key_base64;
use homeroom_tests::{Backend, sync};

/// Scheduled connectors (each due once when the replicas start).
const CONNECTORS: usize = 3;
/// Import jobs queued before the replicas start, each inviting the families it links.
const JOBS: usize = 4;
/// Links (to guardians of their own) per job.
const FAMILIES: usize = 5;
/// Everything must be done within this (a replica that never finishes fails the test).
const BOUND: Duration = Duration::from_secs(120);

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
}

/// A scheduled connector, daily at 03:00, created three days ago: due at once, and only once.
fn scheduled_connector(url: &str, files: &std::path::Path, n: usize) -> Result<String> {
    let config = serde_json::json!({ "path": files.display().to_string() });
    let (code, out, err) = run(&[
        "connector",
        "add",
        "oneroster-csv",
        "--name",
        &format!("Nightly export {n}"),
        "--config",
        &config.to_string(),
        "--schedule",
        "0 3 * * *",
        "--database-url",
        url,
    ])?;
    if code != 0 {
        bail!("connector add failed: {err}");
    }
    let global = out.trim().lines().last().context("connector id")?;
    Ok(homeroom_core::ids::decode_as(
        homeroom_core::ids::NodeKind::Connector,
        global,
    )?)
}

/// The PostgreSQL connection inside `conn`.
fn pg(conn: &mut Conn) -> Result<&mut diesel_async::AsyncPgConnection> {
    match conn {
        Conn::Pg(c) => Ok(&mut **c),
        Conn::Sqlite(_) => bail!("this scenario runs on PostgreSQL"),
    }
}

/// The scheduler ticks a replica finished (`homeroom_scheduler_ticks_total`).
async fn ticks(server: &Server) -> Result<u64> {
    let text = reqwest::get(format!("{}/metrics", server.base))
        .await?
        .text()
        .await?;
    text.lines()
        .find_map(|l| l.strip_prefix("homeroom_scheduler_ticks_total "))
        .context("no homeroom_scheduler_ticks_total in /metrics")?
        .trim()
        .parse()
        .context("homeroom_scheduler_ticks_total")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_run_each_scheduled_sync_import_job_and_message_once() -> Result<()> {
    let db = TestDb::new(Backend::Postgres).await?;
    let files = TempDir::new("replicas-district")?;
    sync::district(&files.0, 120, 3)?;
    let day1 = files.0.join("day1");

    // The district's people come from a first (manual) import of one connector; the other
    // connectors read the same files.
    let mut connectors = Vec::new();
    for n in 0..CONNECTORS {
        connectors.push(scheduled_connector(&db.url, &day1, n)?);
    }
    let (code, out, err) = run(&["sync", "run", &connectors[0], "--database-url", &db.url])?;
    assert_eq!(code, 0, "{out}{err}");
    let mut conn = db.store.conn().await?;
    // Backdate: each connector's latest run (or creation) three days ago, so the 03:00
    // occurrence since then is due now, and the next one is not before tomorrow.
    let three_days = 3 * 86_400 * 1_000_000_i64;
    conn.batch_execute(&format!(
        "UPDATE connectors SET created_at = created_at - {three_days}; \
         UPDATE sync_runs SET created_at = created_at - {three_days}"
    ))
    .await?;
    let manual_runs = 1;

    // Import jobs, queued (not run): the replicas' runners claim them.
    let district = districts::get_default(&mut conn)
        .await?
        .context("no district")?;
    // Links from existing guardians (each in one job) to other students, by email.
    let (guardians, students) = {
        let mut reader = csv::Reader::from_path(day1.join("users.csv"))?;
        let headers = reader.headers()?.clone();
        let role = headers.iter().position(|h| h == "role").context("role")?;
        let email = headers.iter().position(|h| h == "email").context("email")?;
        let (mut guardians, mut students) = (Vec::new(), Vec::new());
        for r in reader.records() {
            let r = r?;
            let e = r.get(email).unwrap_or_default().to_owned();
            match r.get(role) {
                _ if e.is_empty() => {}
                Some("parent" | "guardian" | "relative") => guardians.push(e),
                Some("student") => students.push(e),
                _ => {}
            }
        }
        (guardians, students)
    };
    assert!(
        guardians.len() >= JOBS * FAMILIES,
        "{} guardians",
        guardians.len()
    );
    let mut jobs = Vec::new();
    for j in 0..JOBS {
        let mut csv = String::from("parent_email,student_id,student_email,relationship_type\n");
        for f in 0..FAMILIES {
            let k = j * FAMILIES + f;
            let s = &students[(k * 7 + 3) % students.len()];
            csv.push_str(&format!("{},,{s},Parent\n", guardians[k]));
        }
        let job = imports::submit(
            &db.store,
            &district.id,
            (ActorKind::System, "test"),
            &ImportScope::district(),
            csv.as_bytes(),
            ImportOptions {
                dry_run: false,
                only_valid_rows: false,
                invite: true,
                file_name: Some(format!("families-{j}.csv")),
            },
        )
        .await?;
        assert_eq!(job.state, ImportState::Queued, "{job:?}");
        jobs.push(job.id);
    }
    drop(conn);

    let sink = SmtpSink::start().await?;
    let env = [
        ("HOMEROOM_SMTP_URL", sink.url()),
        ("HOMEROOM_MAIL_FROM", "school@homeroom.test".into()),
        ("HOMEROOM_PUBLIC_URL", "https://homeroom.test".into()),
        ("HOMEROOM_SECRET_KEY", test_key_base64()),
    ];
    let (a, b) = tokio::join!(
        Server::start_with_env(&db.url, &[], &env),
        Server::start_with_env(&db.url, &[], &env)
    );
    let replicas = [a?, b?];

    // Drain: every import job ended, every scheduled connector has a finished run, both
    // replicas finished a scheduler tick (so neither has a run still to queue), the outbox is
    // empty and the sink got what was sent.
    let deadline = Instant::now() + BOUND;
    let (runs, outbox) = loop {
        let mut conn = db.store.conn().await?;
        let mut jobs_done = true;
        for id in &jobs {
            let job = import_jobs::get(&mut conn, &district.id, id)
                .await?
                .context("job")?;
            jobs_done &= matches!(job.state, ImportState::Succeeded | ImportState::Failed);
        }
        let runs: Vec<Row> = diesel::sql_query(
            "SELECT connector_id AS id, status FROM sync_runs ORDER BY created_at",
        )
        .load(pg(&mut conn)?)
        .await?;
        let outbox: Vec<Row> = diesel::sql_query("SELECT id, status FROM outbox_messages")
            .load(pg(&mut conn)?)
            .await?;
        let mut ticked = true;
        for r in &replicas {
            ticked &= ticks(r).await? >= 1;
        }
        let runs_done = runs
            .iter()
            .all(|r| r.status != "running" && r.status != "queued")
            && connectors.iter().all(|c| {
                runs.iter().filter(|r| &r.id == c).count() > usize::from(c == &connectors[0])
            });
        let sent = outbox
            .iter()
            .filter(|m| m.status == OutboxStatus::Sent.as_str())
            .count();
        let outbox_done = !outbox.is_empty()
            && outbox
                .iter()
                .all(|m| m.status != "pending" && m.status != "sending")
            && sink.mails().len() >= sent;
        if jobs_done && ticked && runs_done && outbox_done {
            break (runs, outbox);
        }
        if Instant::now() > deadline {
            bail!(
                "not drained in {BOUND:?}: jobs done {jobs_done}, ticked {ticked}, runs {:?}, \
                 outbox {:?}, mails {}",
                runs.iter().map(|r| (&r.id, &r.status)).collect::<Vec<_>>(),
                outbox.iter().map(|r| &r.status).collect::<Vec<_>>(),
                sink.mails().len()
            );
        }
        // A poll of two other processes' progress, bounded by the deadline above.
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    // Each scheduled sync ran once.
    let mut per_connector: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for r in &runs {
        per_connector.entry(&r.id).or_default().push(&r.status);
    }
    for (i, c) in connectors.iter().enumerate() {
        let statuses = per_connector.get(c.as_str()).cloned().unwrap_or_default();
        let want = 1 + usize::from(i == 0) * manual_runs;
        assert_eq!(
            statuses.len(),
            want,
            "connector {i}: runs {statuses:?} (one scheduled run expected)"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == SyncStatus::Succeeded.as_str()),
            "connector {i}: {statuses:?}"
        );
    }

    // Each import job ran once.
    let mut conn = db.store.conn().await?;
    for id in &jobs {
        let job = import_jobs::get(&mut conn, &district.id, id)
            .await?
            .context("job")?;
        assert_eq!(job.state, ImportState::Succeeded, "{job:?}");
        assert!(
            job.message
                .as_deref()
                .is_some_and(|m| m.contains("invitations queued")),
            "{:?}",
            job.message
        );
        assert_eq!(job.attempts, 1, "job {id} ran {} times", job.attempts);
    }

    // Each message was sent once: as many mails as sent messages, no Message-ID twice.
    let mails = sink.mails();
    let sent = outbox
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent.as_str())
        .count();
    assert_eq!(sent, outbox.len(), "every message sent");
    assert_eq!(mails.len(), sent, "mails received vs messages sent");
    let mut ids: Vec<String> = mails
        .iter()
        .map(|m| m.header("Message-ID").unwrap_or_default())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), mails.len(), "a Message-ID came twice");
    println!(
        "runs {}, import jobs {}, messages {} (mails {})",
        runs.len(),
        jobs.len(),
        sent,
        mails.len()
    );
    Ok(())
}
