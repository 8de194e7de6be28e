//! Streams the full snapshot of a generated district through the Aeries connector from the
//! fake Aeries site on localhost, and prints wall time, requests, records and peak RSS; then
//! streams the OneRoster CSV export of the same district through the CSV connector, the
//! reference the connector goal is stated against (Aeries ≤ 2× the CSV read).
//!
//! ```text
//! cargo bench -p homeroom-aeries --features fake --bench fetch_aeries -- --students 100000
//!     [--seed 1] [--no-csv]
//! ```
//!
//! The process holds the generated district and the fake server as well as the connector, so
//! the peak RSS during the stream (the high-water mark is reset just before it, where Linux
//! allows) is an upper bound for the connector's own memory. `--compare-csv` is accepted for
//! symmetry with the other fetch benches (the comparison runs unless `--no-csv`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt;
use homeroom_aeries::fake::{FAKE_CERT, FakeAeries};
use homeroom_aeries::{Aeries, AeriesConfig};
use homeroom_connector_core::{Connector, SyncStream};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};

struct Args {
    students: usize,
    seed: u64,
    csv: bool,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        students: 10_000,
        seed: 1,
        csv: true,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--students" => {
                out.students = value("--students")?
                    .parse()
                    .map_err(|e| format!("--students: {e}"))?;
            }
            "--seed" => {
                out.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--compare-csv" => out.csv = true,
            "--no-csv" => out.csv = false,
            // Flags cargo bench passes to every bench target.
            "--bench" => {}
            other => {
                return Err(format!(
                    "unknown argument {other} (use --students N [--seed S] [--no-csv])"
                ));
            }
        }
    }
    Ok(out)
}

/// A `/proc/self/status` figure in MiB (Linux): `VmHWM` (peak RSS) or `VmRSS`.
fn proc_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// User + system CPU time of this process so far, in seconds (Linux `/proc/self/stat`,
/// assuming 100 clock ticks per second). The fake runs in this process too.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Resets the peak RSS to the current RSS (Linux ≥ 4.0), so `VmHWM` afterwards is the peak
/// of what follows.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// What a stream yielded: records per kind, pages, and when each kind first appeared.
#[derive(Default)]
struct Drained {
    by_kind: BTreeMap<&'static str, u64>,
    first_seen: BTreeMap<&'static str, Duration>,
    pages: u64,
    records: u64,
}

async fn drain(mut stream: SyncStream<'_>) -> Result<Drained, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut out = Drained::default();
    while let Some(page) = stream.next().await {
        let page = page?;
        out.pages += 1;
        for r in &page.records {
            let kind = r.entity_kind().as_str();
            *out.by_kind.entry(kind).or_default() += 1;
            out.first_seen
                .entry(kind)
                .or_insert_with(|| started.elapsed());
        }
        out.records += page.records.len() as u64;
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let t = Instant::now();
    let district = District::generate(&GenerateOptions {
        students: a.students,
        seed: a.seed,
        churn_pct: None,
    });
    let summary = district.summary();
    println!(
        "district: {} students, {} staff, {} guardians, {} classes, {} enrollments, {} relationships (generated in {:.1}s)",
        summary.students,
        summary.staff,
        summary.guardians,
        summary.classes,
        summary.enrollments,
        summary.relationships,
        t.elapsed().as_secs_f64()
    );
    let csv_dir = if a.csv {
        let dir = tempfile::tempdir()?;
        write_oneroster_csv(&district, dir.path(), OneRosterCsvOptions::default())?;
        Some(dir)
    } else {
        None
    };
    let fake = FakeAeries::start(district, FAKE_CERT).await?;
    fake.set_recording(false);
    let connector = Aeries::new(AeriesConfig::from_json(fake.connector_config())?)?;
    let rss_before = proc_mib("VmRSS:").unwrap_or(0.0);
    let peak_reset = reset_peak_rss();

    let cpu_before = cpu_secs();
    let started = Instant::now();
    let drained = drain(connector.full_snapshot()).await?;
    let wall = started.elapsed();
    let cpu = cpu_before.zip(cpu_secs()).map(|(a, b)| b - a);
    let peak = proc_mib("VmHWM:").unwrap_or(0.0);
    println!(
        "full snapshot: {:.2}s wall, {} CPU (connector and fake), {} records in {} pages",
        wall.as_secs_f64(),
        cpu.map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}s")),
        drained.records,
        drained.pages
    );
    println!(
        "requests: {} sent by the connector, {} received by the fake ({:.0} req/s)",
        connector.request_count(),
        fake.request_count(),
        connector.request_count() as f64 / wall.as_secs_f64()
    );
    for (kind, n) in &drained.by_kind {
        let first = drained.first_seen.get(kind).copied().unwrap_or_default();
        println!("  {kind}: {n} (first after {:.2}s)", first.as_secs_f64());
    }
    println!(
        "RSS: {rss_before:.0} MiB before streaming (district and fake); peak during the stream {peak:.0} MiB{}",
        if peak_reset {
            ""
        } else {
            " (peak of the whole process: the high-water mark could not be reset)"
        }
    );
    fake.shutdown().await;

    if let Some(dir) = csv_dir {
        let csv =
            homeroom_oneroster::OneRosterCsv::new(homeroom_oneroster::CsvConfig::new(dir.path()));
        let cpu_before = cpu_secs();
        let started = Instant::now();
        let by_csv = drain(csv.full_snapshot()).await?;
        let csv_wall = started.elapsed();
        let csv_cpu = cpu_before.zip(cpu_secs()).map(|(a, b)| b - a);
        println!(
            "OneRoster CSV read of the same district: {:.2}s wall for {} records; Aeries / CSV = {:.2}x wall",
            csv_wall.as_secs_f64(),
            by_csv.records,
            wall.as_secs_f64() / csv_wall.as_secs_f64().max(f64::EPSILON)
        );
        if let (Some(cpu), Some(csv_cpu)) = (cpu, csv_cpu) {
            println!(
                "  CSV CPU {csv_cpu:.2}s; Aeries / CSV = {:.2}x CPU",
                cpu / csv_cpu.max(0.01)
            );
        }
    }
    Ok(())
}
