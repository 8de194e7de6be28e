//! Runs the connectors' property-test generators for as long as asked and prints, per target,
//! the cases run, the rate and the failures (the first few in full).
//!
//! ```text
//! cargo bench -p homeroom-connector-fuzz --bench fuzz_parsers -- --minutes 10 \
//!     [--target csv|oneroster-rest|clever|aeries|all] [--seed N] [--show N]
//! ```
//!
//! With `--target all` (the default) the minutes are given to each target in turn. The run
//! exits non-zero when any case failed. `--seed` makes a run repeatable (cases differ per
//! target and seed, not per machine).

use std::time::{Duration, Instant};

use homeroom_connector_fuzz::{Target, targets};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

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

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(2);
        }
    };
    // Panics are caught and counted; their default report would flood the output.
    std::panic::set_hook(Box::new(|_| {}));
    let all = targets();
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
        std::process::exit(2);
    }
    let budget = Duration::from_secs_f64(args.minutes.max(0.0) * 60.0);
    let mut failed = 0;
    for target in chosen {
        let (_, failures) = run(target, budget, args.seed, args.show);
        failed += failures;
    }
    if failed > 0 {
        std::process::exit(1);
    }
}
