//! Full snapshot of a generated district through the Clever connector and the fake Clever
//! server on localhost.
//!
//! ```text
//! cargo bench -p homeroom-clever --features fake --bench fetch_clever -- \
//!     --students 100000 [--page-size 10000] [--no-limit] [--no-csv] [--seed 1]
//! ```
//!
//! By default the fake enforces Clever's 1,200 requests per minute and the connector runs with
//! its production HTTP settings (its client-side limiter included). Prints wall time, requests,
//! records, 429s received, the rate-limit floor (requests ÷ 1,200 per minute) and the ratio of
//! wall time to it, and peak RSS during the stream (the high-water mark is reset just before
//! it where Linux allows; the process holds the generated district and the fake's rendered
//! JSON too). `--no-limit` turns the fake's limit and the client limiter off. Unless
//! `--no-csv`, the OneRoster CSV export of the same district is then streamed through the CSV
//! connector, for the "within 2×" comparison (`--compare-csv` is accepted and changes nothing).

use std::collections::BTreeMap;
use std::error::Error;
use std::time::{Duration, Instant};

use futures::StreamExt;
use homeroom_clever::fake::{CleverDataset, FakeClever};
use homeroom_clever::{CLEVER_REQUESTS_PER_MINUTE, Clever, CleverConfig, production_http_config};
use homeroom_connector_core::{Connector, SyncStream};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};

struct Args {
    students: usize,
    page_size: u32,
    seed: u64,
    limit: bool,
    compare_csv: bool,
}

fn args() -> Result<Args, Box<dyn Error>> {
    let mut a = Args {
        students: 10_000,
        page_size: homeroom_clever::DEFAULT_PAGE_SIZE,
        seed: 1,
        limit: true,
        compare_csv: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--students" => a.students = it.next().ok_or("--students N")?.parse()?,
            "--page-size" => a.page_size = it.next().ok_or("--page-size N")?.parse()?,
            "--seed" => a.seed = it.next().ok_or("--seed N")?.parse()?,
            "--no-limit" => a.limit = false,
            "--compare-csv" => a.compare_csv = true,
            "--no-csv" => a.compare_csv = false,
            "--bench" => {}
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(a)
}

/// A `VmHWM`/`VmRSS` line of /proc/self/status, in MiB.
fn proc_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn drain(mut stream: SyncStream<'_>) -> Result<BTreeMap<&'static str, u64>, Box<dyn Error>> {
    let mut counts = BTreeMap::new();
    while let Some(page) = stream.next().await {
        for r in page?.records {
            *counts.entry(r.entity_kind().as_str()).or_default() += 1;
        }
    }
    Ok(counts)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let a = args()?;
    let t = Instant::now();
    let district = District::generate(&GenerateOptions {
        students: a.students,
        seed: a.seed,
        churn_pct: None,
    });
    let generated = t.elapsed();
    let t = Instant::now();
    let dataset = CleverDataset::from_district(&district);
    let rendered = t.elapsed();
    let fake = FakeClever::start(dataset, "bench-token").await?;
    let mut http = production_http_config();
    if a.limit {
        fake.set_rate_limit(Some((CLEVER_REQUESTS_PER_MINUTE, Duration::from_secs(60))));
    } else {
        http.rate_limit = None;
    }
    let mut config = fake.connector_config();
    config["page_size"] = serde_json::json!(a.page_size);
    let connector = Clever::with_http_config(CleverConfig::from_json(config)?, http)?;
    let rss_before = proc_mib("VmRSS:").unwrap_or(0.0);
    // Reset the peak RSS (Linux ≥ 4.0) so the figure below is the stream's.
    let peak_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();

    let t = Instant::now();
    let counts = drain(connector.full_snapshot()).await?;
    let wall = t.elapsed();
    let requests = connector.request_count();
    let records: u64 = counts.values().sum();
    let floor =
        Duration::from_secs_f64(requests as f64 * 60.0 / f64::from(CLEVER_REQUESTS_PER_MINUTE));
    println!(
        "clever full snapshot: {} students, page size {}, fake rate limit {}",
        a.students,
        a.page_size,
        if a.limit { "1200/min" } else { "off" }
    );
    println!("  generate district      {:>10.2?}", generated);
    println!("  render Clever JSON     {:>10.2?}", rendered);
    println!("  wall time              {:>10.2?}", wall);
    println!(
        "  requests               {:>10} (fake saw {}, refused with 429: {})",
        requests,
        fake.request_count(),
        fake.throttled_count()
    );
    println!("  records                {:>10} {:?}", records, counts);
    println!(
        "  records / s            {:>10.0}",
        records as f64 / wall.as_secs_f64()
    );
    println!(
        "  rate-limit floor       {:>10.2?} (requests / 1,200 per minute)",
        floor
    );
    println!(
        "  wall / floor           {:>10.2}",
        wall.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "  peak window requests   {:>10}",
        fake.peak_window_requests()
    );
    println!("  RSS before streaming   {:>10.1} MiB", rss_before);
    println!(
        "  peak RSS               {:>10.1} MiB{}",
        proc_mib("VmHWM:").unwrap_or(0.0),
        if peak_reset {
            " (during the stream)"
        } else {
            " (whole process)"
        }
    );

    if a.compare_csv {
        let dir = tempfile::tempdir()?;
        write_oneroster_csv(&district, dir.path(), OneRosterCsvOptions::default())?;
        let csv = homeroom_oneroster::OneRosterCsv::from_json(
            serde_json::json!({"path": dir.path().display().to_string()}),
        )?;
        let t = Instant::now();
        let counts = drain(csv.full_snapshot()).await?;
        let csv_wall = t.elapsed();
        println!("oneroster csv full snapshot of the same district:");
        println!("  wall time              {:>10.2?}", csv_wall);
        println!(
            "  records                {:>10} {:?}",
            counts.values().sum::<u64>(),
            counts
        );
        println!(
            "  clever / csv           {:>10.2}",
            wall.as_secs_f64() / csv_wall.as_secs_f64()
        );
    }
    fake.shutdown().await;
    Ok(())
}
