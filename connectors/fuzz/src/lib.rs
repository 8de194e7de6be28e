//! # homeroom-connector-fuzz
//!
//! The fuzz targets of Homeroom's connector parsers, gathered so that one bench binary can
//! run them for as long as asked:
//!
//! ```text
//! cargo bench -p homeroom-connector-fuzz --bench fuzz_parsers -- --minutes 10 --target csv
//! ```
//!
//! Targets: `csv` (OneRoster CSV exports, folder and zip), `oneroster-rest` (OneRoster REST
//! pages, as ClassLink serves them too), `clever` (Clever list and event pages), `aeries`
//! (Aeries answers), `contact-points` (email and phone normalization); `--target all` (the
//! default) runs each for `--minutes`. The inputs the API crates read (relationship
//! spreadsheets, global ids and cursors) are targets of a second bench with the same knobs and
//! the same runner ([`cli`]), in `homeroom-tests`, since connectors do not depend on API
//! crates: `cargo bench -p homeroom-tests --bench fuzz_inputs -- --minutes 10 --target ids`. Before a release,
//! run each target for **10 minutes**, one at a time (they are single-threaded; on a 2-core
//! machine one at a time leaves a core for everything else):
//!
//! ```text
//! for t in csv oneroster-rest clever aeries contact-points; do
//!     cargo bench -p homeroom-connector-fuzz --bench fuzz_parsers -- --minutes 10 --target $t
//! done
//! ```
//!
//! The bench prints cases run, cases per minute and failures (the first few with their input),
//! and exits non-zero when a case failed. `--seed N` repeats a run.
//!
//! Each target is the same generator and property the connector crate's own property tests
//! run a bounded number of times under `cargo test`: the input never makes the parser panic,
//! every rejection is a typed [`ConnectorError`](homeroom_connector_core::ConnectorError) whose
//! message is short and says where (file, row, field, endpoint), and valid input reads back to
//! the records it was made from.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// One fuzz target: its name and a function running one generated case.
pub struct Target {
    /// The `--target` name.
    pub name: &'static str,
    /// What it reads.
    pub about: &'static str,
    /// Generates one input and checks it; `Err` describes a failure (a panic included).
    pub case: fn(&mut TestRunner) -> Result<(), String>,
}

/// Every target, in the order `--target all` runs them.
pub fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "csv",
            about: "OneRoster CSV exports, as a folder and as a zip",
            case: homeroom_oneroster::fuzz::csv_case,
        },
        Target {
            name: "oneroster-rest",
            about: "OneRoster REST (and ClassLink) collection pages",
            case: homeroom_oneroster::fuzz::rest_case,
        },
        Target {
            name: "clever",
            about: "Clever Data API list pages and event pages",
            case: homeroom_clever::fuzz::case,
        },
        Target {
            name: "aeries",
            about: "Aeries API v5 answers",
            case: homeroom_aeries::fuzz::case,
        },
        Target {
            name: "contact-points",
            about: "email and phone normalization, phone region codes",
            case: homeroom_connector_core::fuzz::contact_points::case,
        },
    ]
}

struct Args {
    minutes: f64,
    target: String,
    seed: u64,
    show: usize,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        minutes: 1.0,
        target: "all".to_owned(),
        seed: 0x5eed,
        show: 5,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--minutes" => {
                out.minutes = value("--minutes")?
                    .parse()
                    .map_err(|e| format!("--minutes: {e}"))?;
            }
            "--target" => out.target = value("--target")?,
            "--seed" => {
                out.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--show" => {
                out.show = value("--show")?
                    .parse()
                    .map_err(|e| format!("--show: {e}"))?;
            }
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(out)
}

fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

/// Runs `target` for `budget`; returns (cases, failures).
fn run(target: &Target, budget: Duration, seed: u64, show: usize) -> (u64, u64) {
    let mut runner = runner(seed);
    let started = Instant::now();
    let (mut cases, mut failures) = (0u64, 0u64);
    while started.elapsed() < budget {
        cases += 1;
        if let Err(failure) = (target.case)(&mut runner) {
            failures += 1;
            if failures <= show as u64 {
                println!("  [{}] case {cases} failed: {failure}", target.name);
            }
        }
    }
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    println!(
        "{:<15} {cases:>9} cases in {:>5.1} min ({:>8.0} cases/min), {failures} failed — {}",
        target.name,
        minutes,
        cases as f64 / minutes.max(f64::EPSILON),
        target.about
    );
    (cases, failures)
}

/// The command line of a fuzz bench: runs the chosen `targets` (`--target NAME|all`) for
/// `--minutes` each (`--seed N`, `--show N` failures in full) and prints, per target, the cases
/// run, the rate and the failures; the exit code is 1 when a case failed, 2 for bad arguments.
pub fn cli(all: &[Target]) -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    // Panics are caught and counted; their default report would flood the output.
    std::panic::set_hook(Box::new(|_| {}));
    let chosen: Vec<&Target> = all
        .iter()
        .filter(|t| args.target == "all" || t.name == args.target)
        .collect();
    if chosen.is_empty() {
        let names: Vec<&str> = all.iter().map(|t| t.name).collect();
        eprintln!(
            "unknown target {}; one of: all, {}",
            args.target,
            names.join(", ")
        );
        return ExitCode::from(2);
    }
    let budget = Duration::from_secs_f64(args.minutes.max(0.0) * 60.0);
    let mut failed = 0;
    for target in chosen {
        let (_, failures) = run(target, budget, args.seed, args.show);
        failed += failures;
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
