//! Sync benchmark: a generated district of N students imported through the OneRoster CSV
//! connector by the real binary, on PostgreSQL and SQLite. Reports wall time and peak RSS of the
//! full import, the no-change re-sync, and a 1%-churn delta, plus a raw `psql \copy` of
//! users.csv and enrollments.csv into plain tables for scale.
//!
//! ```sh
//! cargo bench -p homeroom-tests --bench sync_district -- --students 500000
//! cargo bench -p homeroom-tests --bench sync_district -- --students 50000 --backend sqlite
//! ```
//!
//! `--bin PATH` runs a prebuilt `homeroom` instead of building the release binary first;
//! `--work DIR` keeps generated districts and SQLite files elsewhere than the temp dir.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

struct Args {
    students: Vec<usize>,
    backends: Vec<String>,
    pg: String,
    work: PathBuf,
    /// A prebuilt `homeroom` binary (skips the release build).
    bin: Option<PathBuf>,
    /// Print PostgreSQL's costliest statements (pg_stat_statements) after each phase.
    statements: usize,
}

fn args() -> Args {
    let mut a = Args {
        students: vec![50_000],
        backends: vec!["postgres".into(), "sqlite".into()],
        pg: std::env::var("HOMEROOM_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into()),
        work: std::env::temp_dir().join("homeroom-sync-bench"),
        bin: None,
        statements: 0,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let next = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--students" => {
                a.students = next.split(',').filter_map(|s| s.parse().ok()).collect();
                i += 1;
            }
            "--backend" => {
                a.backends = next.split(',').map(str::to_owned).collect();
                i += 1;
            }
            "--pg" => {
                a.pg = next;
                i += 1;
            }
            "--work" => {
                a.work = PathBuf::from(next);
                i += 1;
            }
            "--bin" => {
                a.bin = Some(PathBuf::from(next));
                i += 1;
            }
            "--statements" => {
                a.statements = next.parse().unwrap_or(15);
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    a
}

/// Wall seconds and peak RSS (MB) of one command, via GNU time.
fn timed(bin: &Path, args: &[&str]) -> Result<(f64, f64, String)> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .output()
        .context("running /usr/bin/time")?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss_kb: f64 = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let code = out.status.code().unwrap_or(-1);
    if code != 0 && code != 2 {
        bail!("{args:?} exited {code}: {stdout}\n{stderr}");
    }
    Ok((secs, rss_kb / 1024.0, stdout))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        std::fs::copy(e.path(), to.join(e.file_name()))?;
    }
    Ok(())
}

/// Writes a OneRoster delta set: rows of `day2` that are new or changed since `day1`, and rows
/// of `day1` gone from `day2` as `tobedeleted`.
fn write_delta(day1: &Path, day2: &Path, out: &Path) -> Result<usize> {
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out)?;
    let files = [
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "enrollments",
    ];
    let mut rows = 0;
    for f in files {
        let name = format!("{f}.csv");
        let read = |p: &Path| -> Result<(csv::StringRecord, Vec<csv::StringRecord>)> {
            let mut r = csv::Reader::from_path(p.join(&name))?;
            let header = r.headers()?.clone();
            let recs: Result<Vec<_>, _> = r.records().collect();
            Ok((header, recs?))
        };
        let (header, old) = read(day1)?;
        let (_, new) = read(day2)?;
        let old_by_id: HashMap<String, &csv::StringRecord> =
            old.iter().map(|r| (r[0].to_owned(), r)).collect();
        let new_ids: std::collections::HashSet<&str> = new.iter().map(|r| &r[0]).collect();
        let mut w = csv::Writer::from_path(out.join(&name))?;
        w.write_record(&header)?;
        for r in &new {
            if old_by_id.get(&r[0]).is_none_or(|o| *o != r) {
                let mut rec: Vec<String> = r.iter().map(str::to_owned).collect();
                rec[1] = "active".into();
                rec[2] = "2026-11-24T06:00:00.000Z".into();
                w.write_record(&rec)?;
                rows += 1;
            }
        }
        for r in &old {
            if !new_ids.contains(&r[0]) {
                let mut rec: Vec<String> = r.iter().map(str::to_owned).collect();
                rec[1] = "tobedeleted".into();
                rec[2] = "2026-11-24T06:00:00.000Z".into();
                w.write_record(&rec)?;
                rows += 1;
            }
        }
        w.flush()?;
    }
    let mut manifest =
        String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n");
    for f in [
        "categories",
        "classResources",
        "courseResources",
        "demographics",
        "lineItems",
        "resources",
        "results",
    ] {
        manifest.push_str(&format!("file.{f},absent\n"));
    }
    for f in files {
        manifest.push_str(&format!("file.{f},delta\n"));
    }
    std::fs::write(out.join("manifest.csv"), manifest)?;
    Ok(rows)
}

fn psql(pg: &str, db: &str, sql: &str) -> Result<f64> {
    let started = Instant::now();
    let out = Command::new("psql")
        .arg(format!("{pg}/{db}"))
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
        .output()?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(started.elapsed().as_secs_f64())
}

/// The output of one psql query (unaligned, tuples only).
fn psql_rows(pg: &str, db: &str, sql: &str) -> Result<String> {
    let out = Command::new("psql")
        .arg(format!("{pg}/{db}"))
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-A",
            "-t",
            "-F",
            " | ",
            "-c",
            sql,
        ])
        .output()?;
    if !out.status.success() {
        bail!("psql: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// With `--statements N` on PostgreSQL: clears pg_stat_statements (`reset`) or prints the `n`
/// statements of database `db` that took the most time since the last reset (the profile the
/// issue asks for: where a phase's database time goes).
fn statements(pg: &str, db: &str, n: usize, phase: Option<&str>) -> Result<()> {
    if n == 0 {
        return Ok(());
    }
    psql(pg, db, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")?;
    let Some(phase) = phase else {
        // Not preloaded (a stock server): say so once, and carry on without the profile.
        if let Err(e) = psql_rows(pg, db, "SELECT pg_stat_statements_reset()") {
            eprintln!("--statements: no profile ({e})");
        }
        return Ok(());
    };
    let rows = psql_rows(
        pg,
        db,
        &format!(
            "SELECT round((total_exec_time / 1000)::numeric, 2), calls, rows, \
             left(regexp_replace(query, '\\s+', ' ', 'g'), 160) \
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
             WHERE d.datname = '{db}' ORDER BY total_exec_time DESC LIMIT {n}"
        ),
    )?;
    let total = psql_rows(
        pg,
        db,
        &format!(
            "SELECT round((sum(total_exec_time) / 1000)::numeric, 2), sum(calls) \
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
             WHERE d.datname = '{db}'"
        ),
    )?;
    println!(
        "\n{phase}: PostgreSQL time s | calls (all statements): {}",
        total.trim()
    );
    println!("| exec s | calls | rows | statement |\n|---|---|---|---|");
    for line in rows.lines().filter(|l| !l.trim().is_empty()) {
        println!("| {line} |");
    }
    println!();
    psql_rows(pg, db, "SELECT pg_stat_statements_reset()")?;
    Ok(())
}

fn main() -> Result<()> {
    let a = args();
    let bin = match a.bin.clone() {
        Some(bin) => bin,
        None => homeroom_tests::server::binary()?,
    };
    std::fs::create_dir_all(&a.work)?;
    println!(
        "| students | backend | full sync s | peak RSS MB | no-change s (% of full) | delta rows | delta s | psql \\copy s (ratio) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &n in &a.students {
        let dir = a.work.join(format!("d{n}"));
        if !dir.join("day2/manifest.csv").exists() {
            let n_s = n.to_string();
            let out = dir.display().to_string();
            timed(
                &bin,
                &[
                    "generate-district",
                    "--students",
                    &n_s,
                    "--out",
                    &out,
                    "--seed",
                    "1",
                    "--churn",
                    "1",
                ],
            )?;
        }
        let delta_rows = write_delta(&dir.join("day1"), &dir.join("day2"), &dir.join("delta"))?;
        for backend in &a.backends {
            let live = dir.join(format!("live-{backend}"));
            copy_dir(&dir.join("day1"), &live)?;
            let db_name = format!("homeroom_bench_{n}");
            let url = match backend.as_str() {
                "postgres" => {
                    let _ = psql(
                        &a.pg,
                        "postgres",
                        &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
                    );
                    psql(&a.pg, "postgres", &format!("CREATE DATABASE {db_name}"))?;
                    format!("{}/{db_name}", a.pg)
                }
                _ => {
                    let file = a.work.join(format!("{db_name}.db"));
                    for ext in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{ext}", file.display()));
                    }
                    format!("sqlite://{}", file.display())
                }
            };
            let config = format!("{{\"path\": \"{}\"}}", live.display());
            let (_, _, id) = timed(
                &bin,
                &[
                    "connector",
                    "add",
                    "oneroster-csv",
                    "--name",
                    "bench",
                    "--config",
                    &config,
                    "--database-url",
                    &url,
                ],
            )?;
            let id = id.trim().to_owned();
            let pg_stats = if backend == "postgres" {
                a.statements
            } else {
                0
            };
            statements(&a.pg, &db_name, pg_stats, None)?;
            let (full, rss, _) = timed(
                &bin,
                &["sync", "run", &id, "--database-url", &url, "--json"],
            )?;
            statements(&a.pg, &db_name, pg_stats, Some("full sync"))?;
            let (again, _, _) = timed(
                &bin,
                &["sync", "run", &id, "--database-url", &url, "--json"],
            )?;
            statements(&a.pg, &db_name, pg_stats, Some("no-change re-sync"))?;
            copy_dir(&dir.join("delta"), &live)?;
            let (delta, _, report) = timed(
                &bin,
                &[
                    "sync",
                    "run",
                    &id,
                    "--mode",
                    "delta",
                    "--database-url",
                    &url,
                    "--json",
                ],
            )?;
            statements(&a.pg, &db_name, pg_stats, Some("1% delta"))?;
            if !report.contains("\"succeeded\"") {
                eprintln!("delta run did not succeed: {report}");
            }
            let copy = if backend == "postgres" {
                let tables = "DROP TABLE IF EXISTS raw_users, raw_enrollments; \
                    CREATE TABLE raw_users (sourced_id text, status text, modified text, enabled text, orgs text, role text, username text, user_ids text, given text, family text, middle text, identifier text, email text, sms text, phone text, agents text, grades text, password text); \
                    CREATE TABLE raw_enrollments (sourced_id text, status text, modified text, class text, school text, user_id text, role text, is_primary text, begin_date text, end_date text);";
                psql(&a.pg, &db_name, tables)?;
                let u = psql(
                    &a.pg,
                    &db_name,
                    &format!(
                        "\\copy raw_users FROM '{}' CSV HEADER",
                        dir.join("day1/users.csv").display()
                    ),
                )?;
                let e = psql(
                    &a.pg,
                    &db_name,
                    &format!(
                        "\\copy raw_enrollments FROM '{}' CSV HEADER",
                        dir.join("day1/enrollments.csv").display()
                    ),
                )?;
                format!("{:.1} ({:.1}×)", u + e, full / (u + e))
            } else {
                "-".into()
            };
            println!(
                "| {n} | {backend} | {full:.1} | {rss:.0} | {again:.1} ({:.0}%) | {delta_rows} | {delta:.1} | {copy} |",
                100.0 * again / full
            );
        }
    }
    Ok(())
}
