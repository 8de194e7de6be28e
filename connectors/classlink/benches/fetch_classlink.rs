//! Streams the full snapshot of a generated district from the fake ClassLink server on
//! localhost through the ClassLink connector and prints wall time, requests, records and peak
//! RSS.
//!
//! ```text
//! cargo bench -p homeroom-classlink --features fake --bench fetch_classlink -- --students 100000
//!     [--seed N] [--request-limit N] [--proxy] [--raw] [--no-csv]
//! ```
//!
//! `--raw` also fetches every page once more without parsing it (signed `GET`s only): the
//! floor the fake and HTTP set. Unless `--no-csv`, the same district's OneRoster CSV export is
//! then streamed through the OneRoster CSV connector (the reference the connector goal is
//! stated against: ClassLink ≤ 2× the CSV read); `--compare-csv` is accepted and changes
//! nothing.
//!
//! The fake runs in the same process and holds the whole district rendered as JSON, so the
//! RSS includes it; the RSS before streaming is printed, and the peak during the stream (the
//! high-water mark is reset just before it, where Linux allows).

use std::time::Instant;

use futures::StreamExt;
use homeroom_classlink::fake::{FakeAccess, FakeClassLink};
use homeroom_classlink::{ClassLink, ClassLinkConfig};
use homeroom_connector_core::{
    Connector, HttpClient, HttpConfig, OAuth1Signer, Record, RequestAuth, SyncStream,
};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_oneroster::{CsvConfig, OneRosterCsv};

struct Args {
    students: usize,
    seed: u64,
    request_limit: u32,
    proxy: bool,
    compare_csv: bool,
    raw: bool,
}

fn args() -> Result<Args, String> {
    let mut parsed = Args {
        students: 10_000,
        seed: 7,
        request_limit: 1_000,
        proxy: false,
        compare_csv: true,
        raw: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--students" => {
                parsed.students = value("--students")?
                    .parse()
                    .map_err(|e| format!("--students: {e}"))?;
            }
            "--seed" => {
                parsed.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--request-limit" => {
                parsed.request_limit = value("--request-limit")?
                    .parse()
                    .map_err(|e| format!("--request-limit: {e}"))?;
            }
            "--proxy" => parsed.proxy = true,
            "--compare-csv" => parsed.compare_csv = true,
            "--no-csv" => parsed.compare_csv = false,
            "--raw" => parsed.raw = true,
            // `cargo bench` passes `--bench`.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

/// A `/proc/self/status` figure in MiB (Linux), e.g. `VmHWM` (peak RSS) or `VmRSS`.
fn proc_status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// User + system CPU time of this process so far, in seconds (Linux `/proc/self/stat`,
/// assuming the usual 100 clock ticks per second). The fake runs in this process too.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Resets the peak RSS to the current RSS (Linux ≥ 4.0), so `VmHWM` afterwards is the peak
/// of what follows.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.0} MiB"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(args))
}

async fn bench(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let district = District::generate(&GenerateOptions {
        students: args.students,
        seed: args.seed,
        churn_pct: None,
    });
    let summary = district.summary();
    let generated = started.elapsed();
    let access = if args.proxy {
        FakeAccess::proxy("bench-token")
    } else {
        FakeAccess::direct("bench-key", "bench-secret")
    };
    let csv_dir = if args.compare_csv {
        let dir = tempfile::tempdir()?;
        write_oneroster_csv(&district, dir.path(), OneRosterCsvOptions::default())?;
        Some(dir)
    } else {
        None
    };
    let fake = FakeClassLink::from_district(&district, access).await?;
    drop(district);
    let served = started.elapsed() - generated;
    let mut config = fake.connector_config();
    config["request_limit"] = serde_json::json!(args.request_limit);
    let connector = ClassLink::new(ClassLinkConfig::from_json(config)?)?;
    let rss_before = proc_status_mib("VmRSS:");
    let peak_reset = reset_peak_rss();

    let cpu_before = cpu_secs();
    let read_started = Instant::now();
    let counts = count(connector.full_snapshot()).await?;
    let wall = read_started.elapsed();
    let cpu = cpu_before.zip(cpu_secs()).map(|(a, b)| b - a);
    let Counts {
        records,
        people,
        classes,
        enrollments,
        relationships,
    } = counts;

    println!(
        "ClassLink full snapshot, {} students ({} users), {} mode, request limit {}",
        args.students,
        summary.users,
        if args.proxy { "proxy" } else { "OAuth 1.0a" },
        args.request_limit
    );
    println!("  generate district      {generated:.2?}; serve (CSV → fake) {served:.2?}");
    println!("  wall time (stream)     {wall:.2?}");
    println!(
        "  CPU time (stream)      {} (connector and fake, user + system)",
        cpu.map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}s"))
    );
    println!(
        "  requests               {} (fake saw {})",
        connector.request_count(),
        fake.request_count()
    );
    println!(
        "  records                {records} ({people} people, {classes} classes, {enrollments} enrollments, {relationships} relationships)"
    );
    println!(
        "  records/s              {:.0}",
        records as f64 / wall.as_secs_f64().max(f64::EPSILON)
    );
    println!(
        "  RSS before streaming   {} (the fake's data included)",
        mib(rss_before)
    );
    println!(
        "  peak RSS (VmHWM)       {}{}",
        mib(proc_status_mib("VmHWM:")),
        if peak_reset {
            " during the stream"
        } else {
            " of the whole process"
        }
    );
    if args.raw && !args.proxy {
        let started = Instant::now();
        let (requests, bytes) = fetch_raw(&fake.api_base(), args.request_limit).await?;
        println!(
            "  raw signed GETs        {:.2?} for {requests} pages, {:.0} MiB (no parsing)",
            started.elapsed(),
            bytes as f64 / 1_048_576.0
        );
    }
    fake.shutdown().await;
    if let Some(dir) = csv_dir {
        let csv = OneRosterCsv::new(CsvConfig::new(dir.path()));
        let cpu_before = cpu_secs();
        let started = Instant::now();
        let by_csv = count(csv.full_snapshot()).await?;
        let csv_wall = started.elapsed();
        let csv_cpu = cpu_before.zip(cpu_secs()).map(|(a, b)| b - a);
        println!(
            "  OneRoster CSV stream   {csv_wall:.2?} for {} records (ClassLink/CSV = {:.2}x wall)",
            by_csv.records,
            wall.as_secs_f64() / csv_wall.as_secs_f64().max(f64::EPSILON)
        );
        if let (Some(cpu), Some(csv_cpu)) = (cpu, csv_cpu) {
            println!(
                "  CSV CPU time           {csv_cpu:.2}s (ClassLink/CSV = {:.2}x CPU)",
                cpu / csv_cpu.max(0.01)
            );
        }
    }
    Ok(())
}

/// Fetches every page of the collections the connector reads, without parsing them.
async fn fetch_raw(
    api_base: &homeroom_connector_core::Url,
    limit: u32,
) -> Result<(u64, usize), Box<dyn std::error::Error>> {
    let client = HttpClient::new(HttpConfig::default())?;
    let auth = RequestAuth::OAuth1(OAuth1Signer::new("bench-key", "bench-secret"));
    let (mut requests, mut bytes) = (0u64, 0usize);
    for collection in [
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "enrollments",
    ] {
        let mut offset = 0u64;
        loop {
            let url = api_base.join(&format!("{collection}?limit={limit}&offset={offset}"))?;
            let response = client.get(url, &auth).await?;
            requests += 1;
            bytes += response.body.len();
            let total: u64 = response
                .header("x-total-count")
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            offset += u64::from(limit);
            if offset >= total {
                break;
            }
        }
    }
    Ok((requests, bytes))
}

#[derive(Default)]
struct Counts {
    records: usize,
    people: usize,
    classes: usize,
    enrollments: usize,
    relationships: usize,
}

/// Reads a stream to its end, counting records.
async fn count(mut stream: SyncStream<'_>) -> Result<Counts, Box<dyn std::error::Error>> {
    let mut c = Counts::default();
    while let Some(page) = stream.next().await {
        let page = page?;
        c.records += page.records.len();
        for record in &page.records {
            match record {
                Record::Person(_) => c.people += 1,
                Record::Class(_) => c.classes += 1,
                Record::Enrollment(_) => c.enrollments += 1,
                Record::Relationship(_) => c.relationships += 1,
                _ => {}
            }
        }
    }
    Ok(c)
}
