//! Soak benchmark: `homeroom serve` (the real binary) on a generated district, for N minutes of
//! mixed GraphQL load (reads as admins and teachers, mutations, family invitations delivered to
//! a local SMTP sink and SMS fake) while the scheduler syncs the district every minute (an hourly
//! schedule compressed sixty times: cron `* * * * *`), the roster files flipping between the
//! generator's day 1 and its churned day 2 after each run. Reports, per minute: requests,
//! errors, p50/p99/max latency, the server's RSS, scheduled syncs and messages delivered; and
//! at the end the error count and RSS at start and end (the goal: zero errors, flat memory).
//!
//! ```sh
//! cargo bench -p homeroom-tests --bench soak -- --minutes 30 --students 20000
//! cargo bench -p homeroom-tests --bench soak -- --minutes 10 --bin target/release/homeroom
//! ```
//!
//! `--backend postgres|sqlite` (default postgres), `--clients N` concurrent clients (default
//! 4), `--bin PATH` a prebuilt `homeroom`, `--work DIR` where generated districts are kept,
//! `--seed S` the workload's seed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use homeroom_tests::server::Server;
use homeroom_tests::sms_fake::SmsFake;
use homeroom_tests::smtp_sink::SmtpSink;
use serde_json::{Value, json};

struct Args {
    minutes: f64,
    students: usize,
    backend: String,
    clients: usize,
    pg: String,
    work: PathBuf,
    bin: Option<PathBuf>,
    seed: u64,
}

fn args() -> Args {
    let mut a = Args {
        minutes: 30.0,
        students: 20_000,
        backend: "postgres".into(),
        clients: 4,
        pg: std::env::var("HOMEROOM_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
        work: std::env::temp_dir().join("homeroom-soak"),
        bin: None,
        seed: 20,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let next = argv.get(i + 1).cloned().unwrap_or_default();
        let mut took = true;
        match argv[i].as_str() {
            "--minutes" => a.minutes = next.parse().unwrap_or(a.minutes),
            "--students" => a.students = next.parse().unwrap_or(a.students),
            "--backend" => a.backend = next,
            "--clients" => a.clients = next.parse().unwrap_or(a.clients),
            "--pg" => a.pg = next,
            "--work" => a.work = PathBuf::from(next),
            "--bin" => a.bin = Some(PathBuf::from(next)),
            "--seed" => a.seed = next.parse().unwrap_or(a.seed),
            _ => took = false,
        }
        i += if took { 2 } else { 1 };
    }
    a
}

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        usize::try_from(x % (n.max(1) as u64)).unwrap_or(0)
    }
}

fn cli(bin: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(bin)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "{args:?} exited {}: {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn psql(pg: &str, sql: &str) -> Result<()> {
    let out = Command::new("psql")
        .arg(format!("{pg}/postgres"))
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        // Write beside, then rename: a reader never sees half a file.
        let tmp = to.join(format!(".{}.tmp", e.file_name().to_string_lossy()));
        std::fs::copy(e.path(), &tmp)?;
        std::fs::rename(&tmp, to.join(e.file_name()))?;
    }
    Ok(())
}

/// Resident set size of a process, in MiB.
fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// One request's outcome.
struct Sample {
    minute: usize,
    micros: u64,
    error: Option<String>,
}

#[derive(Clone)]
struct World {
    base: String,
    admin: String,
    teachers: Vec<String>,
    classes: Vec<String>,
    teachers_ids: Vec<String>,
    /// Cursors of class pages (null: the first).
    cursors: Vec<Value>,
    client: reqwest::Client,
}

async fn gql(w: &World, token: &str, query: &str, vars: Value) -> Result<Value> {
    let resp = w
        .client
        .post(format!("{}/graphql", w.base))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": vars}))
        .send()
        .await?;
    let status = resp.status();
    let body: Value = resp.json().await?;
    if !status.is_success() {
        bail!("HTTP {status}: {body}");
    }
    if let Some(errors) = body.get("errors").filter(|e| !e.is_null()) {
        bail!("GraphQL errors: {errors}");
    }
    Ok(body)
}

const CLASSES_PAGE: &str = "query($after: String) { classes(first: 50, after: $after) {
  totalCount edges { cursor node { id title teachers { displayName } students { displayName } } }
  pageInfo { hasNextPage endCursor } } }";
const PEOPLE_SEARCH: &str = "query($q: String) { people(filter: {role: GUARDIAN, search: $q}, first: 20) {
  totalCount edges { node { displayName contactPoints { kind value } students { student { displayName } } } } } }";
const CLASS_NODE: &str = "query($id: ID!) { node(id: $id) { ... on Class { id title
  students { displayName } teachers { displayName } } } }";
const MANAGER: &str = "query($id: ID!) { class(id: $id) { familyInviteManager(first: 100) {
  totalCount edges { node { state invitation { status channel } } } } } }";
const DISTRICT: &str = "{ district { name schools { name } } }";
const UPDATE_CLASS: &str = "mutation($id: ID!, $t: String) { updateClass(id: $id, title: $t) {
  userErrors { code message } } }";
const CLAIM: &str = "mutation($id: ID!, $t: ID) { claimClass(id: $id, teacherId: $t) {
  userErrors { code message } } }";
const RELEASE: &str =
    "mutation($id: ID!) { releaseClass(id: $id) { userErrors { code message } } }";
const INVITE: &str = "mutation($c: ID!) { inviteFamilies(classId: $c, all: true) {
  invitations { id } userErrors { code message } } }";
const SYNC_RUNS: &str = "query($c: ID!) { syncRuns(connectorId: $c, first: 1) { edges { node {
  id status createdAt startedAt finishedAt errorCount message } } } }";

/// One request of the mix; `Ok` with how many invitations it made.
async fn one(w: &World, rng: &mut Rng) -> Result<usize> {
    let class = &w.classes[rng.below(w.classes.len())];
    let t = rng.below(w.teachers.len());
    let roll = rng.below(100);
    match roll {
        0..=19 => {
            let after = w.cursors[rng.below(w.cursors.len())].clone();
            gql(w, &w.admin, CLASSES_PAGE, json!({"after": after})).await?;
        }
        20..=34 => {
            let q = ["smith", "garcia", "lee", "nguyen", "brown", "a"][rng.below(6)];
            gql(w, &w.admin, PEOPLE_SEARCH, json!({"q": q})).await?;
        }
        35..=49 => {
            gql(w, &w.admin, CLASS_NODE, json!({"id": class})).await?;
        }
        50..=64 => {
            gql(w, &w.admin, MANAGER, json!({"id": class})).await?;
        }
        65..=71 => {
            gql(w, &w.teachers[t], DISTRICT, json!({})).await?;
        }
        72..=81 => {
            let title = format!("Soak room {}", rng.below(1000));
            gql(w, &w.admin, UPDATE_CLASS, json!({"id": class, "t": title})).await?;
        }
        82..=89 => {
            if rng.below(2) == 0 {
                gql(
                    w,
                    &w.admin,
                    CLAIM,
                    json!({"id": class, "t": w.teachers_ids[t]}),
                )
                .await?;
            } else {
                gql(w, &w.admin, RELEASE, json!({"id": class})).await?;
            }
        }
        _ => {
            let resp = gql(w, &w.admin, INVITE, json!({"c": class})).await?;
            return Ok(resp["data"]["inviteFamilies"]["invitations"]
                .as_array()
                .map_or(0, Vec::len));
        }
    }
    Ok(0)
}

#[allow(clippy::cast_precision_loss)]
fn pct(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args();
    let bin = match a.bin.clone() {
        Some(bin) => bin,
        None => homeroom_tests::server::binary()?,
    };
    std::fs::create_dir_all(&a.work)?;
    let n = a.students;
    let dir = a.work.join(format!("d{n}"));
    if !dir.join("day2/manifest.csv").exists() {
        let out = dir.display().to_string();
        cli(
            &bin,
            &[
                "generate-district",
                "--students",
                &n.to_string(),
                "--out",
                &out,
                "--seed",
                "1",
                "--churn",
                "1",
            ],
        )?;
    }
    let live = a.work.join(format!("live-{n}-{}", a.backend));
    let _ = std::fs::remove_dir_all(&live);
    copy_dir(&dir.join("day1"), &live)?;
    let db_name = format!("homeroom_soak_{n}");
    let url = if a.backend == "postgres" {
        psql(
            &a.pg,
            &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
        )?;
        psql(&a.pg, &format!("CREATE DATABASE {db_name}"))?;
        format!("{}/{db_name}", a.pg)
    } else {
        let file = a.work.join(format!("{db_name}.db"));
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", file.display()));
        }
        format!("sqlite://{}", file.display())
    };

    // The district: imported once by hand, then synced every minute by the scheduler.
    let config = json!({ "path": live.display().to_string() }).to_string();
    let connector = cli(
        &bin,
        &[
            "connector",
            "add",
            "oneroster-csv",
            "--name",
            "soak",
            "--config",
            &config,
            "--schedule",
            "* * * * *",
            "--database-url",
            &url,
        ],
    )?;
    let connector = connector.lines().last().unwrap_or_default().to_owned();
    let started = Instant::now();
    cli(&bin, &["sync", "run", &connector, "--database-url", &url])?;
    println!(
        "{n} students on {}: first import {:.1} s",
        a.backend,
        started.elapsed().as_secs_f64()
    );
    let admin = cli(
        &bin,
        &[
            "token",
            "create",
            "--role",
            "district_admin",
            "--database-url",
            &url,
        ],
    )?;

    let sink = SmtpSink::start().await?;
    let sms = SmsFake::start().await?;
    let server = Server::start_bin(
        &bin,
        &url,
        &[],
        &[
            ("HOMEROOM_SMTP_URL", sink.url()),
            ("HOMEROOM_MAIL_FROM", "school@soak.test".into()),
            ("HOMEROOM_SMS_URL", sms.url.clone()),
            ("HOMEROOM_SMS_TOKEN", sms.token()),
            ("HOMEROOM_SMS_FROM", "+16035550100".into()),
            ("HOMEROOM_PUBLIC_URL", "https://homeroom.soak".into()),
        ],
    )
    .await?;
    let pid = server.pid();

    // Who acts: the admin, and teachers of the first classes (tokens through the CLI).
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let mut w = World {
        base: server.base.clone(),
        admin: admin.clone(),
        teachers: Vec::new(),
        classes: Vec::new(),
        teachers_ids: Vec::new(),
        cursors: vec![Value::Null],
        client,
    };
    let mut after = Value::Null;
    while w.classes.len() < 500 {
        let page = gql(&w, &admin, CLASSES_PAGE, json!({"after": after})).await?;
        let conn = &page["data"]["classes"];
        for e in conn["edges"].as_array().cloned().unwrap_or_default() {
            w.classes
                .push(e["node"]["id"].as_str().unwrap_or_default().to_owned());
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
        w.cursors.push(after.clone());
    }
    let teachers = gql(
        &w,
        &admin,
        "{ people(filter: {role: TEACHER}, first: 20) { edges { node { id } } } }",
        json!({}),
    )
    .await?;
    for e in teachers["data"]["people"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let id = e["node"]["id"].as_str().unwrap_or_default().to_owned();
        let token = cli(
            &bin,
            &[
                "token",
                "create",
                "--role",
                "teacher",
                "--person",
                &id,
                "--database-url",
                &url,
            ],
        )?;
        w.teachers.push(token);
        w.teachers_ids.push(id);
    }
    anyhow::ensure!(
        !w.classes.is_empty() && !w.teachers.is_empty(),
        "no classes or teachers"
    );

    let rss_start = rss_mib(pid);
    let minutes = a.minutes;
    let total = Duration::from_secs_f64(minutes * 60.0);
    let t0 = Instant::now();
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::new(Mutex::new(Vec::new()));
    let invited = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for c in 0..a.clients {
        let w = w.clone();
        let samples = samples.clone();
        let invited = invited.clone();
        let mut rng = Rng(a.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (c as u64 + 1));
        tasks.push(tokio::spawn(async move {
            while t0.elapsed() < total {
                let at = Instant::now();
                let outcome = one(&w, &mut rng).await;
                let micros = u64::try_from(at.elapsed().as_micros()).unwrap_or(u64::MAX);
                let minute = usize::try_from(t0.elapsed().as_secs() / 60).unwrap_or(0);
                let error = match outcome {
                    Ok(n) => {
                        invited.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                        None
                    }
                    Err(e) => Some(format!("{e:#}")),
                };
                samples
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(Sample {
                        minute,
                        micros,
                        error,
                    });
            }
        }));
    }

    // The monitor: RSS each minute; after each scheduled run ends, the files flip day1 ↔ day2.
    let mut rss = Vec::new();
    let mut delivered_by_minute: Vec<usize> = Vec::new();
    let mut syncs: Vec<(usize, String, f64, i64)> = Vec::new();
    let mut last_run = String::new();
    let mut on_day2 = false;
    let mut next_minute = Duration::from_secs(60);
    let mut sync_errors = Vec::new();
    while t0.elapsed() < total {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if t0.elapsed() >= next_minute {
            rss.push(rss_mib(pid));
            delivered_by_minute.push(sink.mails().len() + sms.messages().len());
            next_minute += Duration::from_secs(60);
        }
        let runs = match gql(&w, &admin, SYNC_RUNS, json!({"c": connector})).await {
            Ok(r) => r,
            Err(e) => {
                sync_errors.push(format!("reading sync runs: {e:#}"));
                continue;
            }
        };
        let node = &runs["data"]["syncRuns"]["edges"][0]["node"];
        let id = node["id"].as_str().unwrap_or_default().to_owned();
        let status = node["status"].as_str().unwrap_or_default().to_owned();
        if id.is_empty() || id == last_run || matches!(status.as_str(), "QUEUED" | "RUNNING") {
            continue;
        }
        last_run = id;
        let secs = match (
            node["startedAt"]
                .as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()),
            node["finishedAt"]
                .as_str()
                .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok()),
        ) {
            (Some(s), Some(f)) => (f - s).num_milliseconds() as f64 / 1000.0,
            _ => 0.0,
        };
        let minute = usize::try_from(t0.elapsed().as_secs() / 60).unwrap_or(0);
        if status != "SUCCEEDED" {
            sync_errors.push(format!(
                "minute {minute}: sync {status}: {}",
                node["message"]
            ));
        }
        syncs.push((
            minute,
            status,
            secs,
            node["errorCount"].as_i64().unwrap_or(0),
        ));
        on_day2 = !on_day2;
        let from = if on_day2 { "day2" } else { "day1" };
        copy_dir(&dir.join(from), &live)?;
    }
    for t in tasks {
        t.await?;
    }
    let rss_end = rss_mib(pid);

    // Per-minute report.
    let samples = std::mem::take(
        &mut *samples
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    let last_minute = samples.iter().map(|s| s.minute).max().unwrap_or(0);
    println!(
        "\n| minute | requests | errors | p50 ms | p99 ms | max ms | RSS MiB | scheduled syncs (s) | emails+SMS delivered so far |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut errors_total = 0;
    let mut examples: Vec<String> = Vec::new();
    for m in 0..=last_minute {
        let mut lat: Vec<u64> = samples
            .iter()
            .filter(|s| s.minute == m)
            .map(|s| s.micros)
            .collect();
        lat.sort_unstable();
        let errs: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.minute == m && s.error.is_some())
            .collect();
        errors_total += errs.len();
        for e in errs.iter().take(2) {
            if examples.len() < 5 {
                examples.push(e.error.clone().unwrap_or_default());
            }
        }
        let runs: Vec<String> = syncs
            .iter()
            .filter(|s| s.0 == m)
            .map(|s| format!("{} {:.1}", s.1.to_lowercase(), s.2))
            .collect();
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.0} | {} | {} |",
            m + 1,
            lat.len(),
            errs.len(),
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            pct(&lat, 1.0),
            rss.get(m).copied().unwrap_or(rss_end),
            if runs.is_empty() {
                "-".into()
            } else {
                runs.join(", ")
            },
            delivered_by_minute
                .get(m)
                .map_or_else(|| "-".to_owned(), ToString::to_string),
        );
    }
    let delivered = sink.mails().len() + sms.messages().len();
    println!(
        "\n{n} students, {} backend, {:.0} min, {} clients: {} requests, {errors_total} errors, \
         {} scheduled syncs ({} not succeeded), {} invitations queued, {delivered} emails+SMS delivered; \
         server RSS {rss_start:.0} MiB at start, {rss_end:.0} MiB at end ({:+.0} MiB)",
        a.backend,
        minutes,
        a.clients,
        samples.len(),
        syncs.len(),
        sync_errors.len(),
        invited.load(std::sync::atomic::Ordering::Relaxed),
        rss_end - rss_start,
    );
    for e in examples.iter().chain(&sync_errors) {
        println!("  error: {e}");
    }
    drop(server);
    if a.backend == "postgres" {
        let _ = psql(
            &a.pg,
            &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
        );
    }
    Ok(())
}
