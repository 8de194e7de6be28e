//! Streams the full snapshot of a generated district through the Aeries connector from the
//! fake Aeries site on localhost, and prints wall time, requests, records and peak RSS.
//!
//! ```text
//! cargo bench -p homeroom-aeries --features fake --bench fetch_aeries -- --students 100000
//! ```
//!
//! The process holds the generated district and the fake server as well as the connector, so
//! the peak RSS is an upper bound for the connector's own memory.

use std::collections::BTreeMap;
use std::time::Instant;

use futures::StreamExt;
use homeroom_aeries::fake::{FAKE_CERT, FakeAeries};
use homeroom_aeries::{Aeries, AeriesConfig};
use homeroom_connector_core::Connector;
use homeroom_district_gen::{District, GenerateOptions};

struct Args {
    students: usize,
    seed: u64,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        students: 10_000,
        seed: 1,
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
            // Flags cargo bench passes to every bench target.
            "--bench" => {}
            other => {
                return Err(format!(
                    "unknown argument {other} (use --students N [--seed S])"
                ));
            }
        }
    }
    Ok(out)
}

/// Peak resident set size of this process, from `/proc/self/status` (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
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
    let fake = FakeAeries::start(district, FAKE_CERT).await?;
    let connector = Aeries::new(AeriesConfig::from_json(fake.connector_config())?)?;
    let rss_before = peak_rss_mib().unwrap_or(0.0);

    let started = Instant::now();
    let mut stream = connector.full_snapshot();
    let mut by_kind: BTreeMap<&'static str, u64> = BTreeMap::new();
    let (mut pages, mut records) = (0u64, 0u64);
    while let Some(page) = stream.next().await {
        let page = page?;
        pages += 1;
        for r in &page.records {
            *by_kind.entry(r.entity_kind().as_str()).or_default() += 1;
        }
        records += page.records.len() as u64;
        if pages % 50 == 0 {
            fake.clear_requests();
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!("full snapshot: {wall:.2}s wall, {records} records in {pages} pages");
    println!(
        "requests: {} sent by the connector, {} received by the fake ({:.0} req/s)",
        connector.request_count(),
        fake.request_count(),
        connector.request_count() as f64 / wall
    );
    for (kind, n) in &by_kind {
        println!("  {kind}: {n}");
    }
    println!(
        "peak RSS: {:.0} MiB (after generating and serving the district: {:.0} MiB)",
        peak_rss_mib().unwrap_or(0.0),
        rss_before
    );
    fake.shutdown().await;
    Ok(())
}
