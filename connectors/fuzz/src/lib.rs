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
//! (Aeries answers); `--target all` (the default) runs each for `--minutes`. Before a release,
//! run each target for **10 minutes**, one at a time (they are single-threaded; on a 2-core
//! machine one at a time leaves a core for everything else):
//!
//! ```text
//! for t in csv oneroster-rest clever aeries; do
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

use proptest::test_runner::TestRunner;

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
    ]
}
