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

use std::process::ExitCode;

fn main() -> ExitCode {
    homeroom_connector_fuzz::cli(&homeroom_connector_fuzz::targets())
}
