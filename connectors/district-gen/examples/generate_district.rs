//! `cargo run --release -p homeroom-district-gen --example generate_district -- N DIR [SEED] [CHURN]`
//! writes DIR/day1 (and DIR/day2) and prints the report as JSON, with the time taken.

use std::time::Instant;

use homeroom_district_gen::{GenerateOptions, generate_to_dir};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(students), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: generate_district STUDENTS DIR [SEED] [CHURN_PCT]");
        std::process::exit(2);
    };
    let options = GenerateOptions {
        students: students.parse()?,
        seed: args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1),
        churn_pct: args.get(3).map(|s| s.parse()).transpose()?,
    };
    let started = Instant::now();
    let report = generate_to_dir(options, dir)?;
    let elapsed = started.elapsed();
    println!("{}", serde_json::to_string_pretty(&report)?);
    eprintln!("generated in {:.2}s", elapsed.as_secs_f64());
    Ok(())
}
