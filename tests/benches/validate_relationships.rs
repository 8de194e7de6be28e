//! Relationship import validation benchmark: a district of N students, each with a parent
//! (every tenth parent shares a student's sibling), and a CSV of N rows mixing new links, kind
//! changes and links already present; times reading + validating + recording the dry-run job.
//!
//! ```sh
//! cargo bench -p homeroom-tests --bench validate_relationships -- --rows 50000
//! cargo bench -p homeroom-tests --bench validate_relationships -- --rows 50000 --backend sqlite
//! ```

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Result;
use homeroom_schema::enums::{ActorKind, ImportState};
use homeroom_schema::models::Relationship;

use homeroom_schema::store::{bulk, contacts, districts, people, relationships};
use homeroom_service::imports::{self, ImportOptions, ImportScope, csv_file, validate};
use homeroom_tests::fixture::{email, link};
use homeroom_tests::{Backend, TestDb};

fn args() -> (usize, Vec<Backend>) {
    let argv: Vec<String> = std::env::args().collect();
    let mut rows = 50_000;
    let mut backends = vec![Backend::Sqlite, Backend::Postgres];
    for w in argv.windows(2) {
        match w[0].as_str() {
            "--rows" => rows = w[1].parse().unwrap_or(rows),
            "--backend" => {
                backends = w[1]
                    .split(',')
                    .filter_map(|b| match b {
                        "sqlite" => Some(Backend::Sqlite),
                        "postgres" => Some(Backend::Postgres),
                        _ => None,
                    })
                    .collect();
            }
            _ => {}
        }
    }
    (rows, backends)
}

async fn seed(db: &TestDb, n: usize) -> Result<String> {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "Bench District").await?;
    let mut students = Vec::with_capacity(n);
    let mut parents = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = people::new_person(&d.id, "Kid", &format!("K{i}"));
        s.is_student = true;
        s.student_number = Some(format!("S{i:07}"));
        students.push(s);
        parents.push(people::new_person(&d.id, "Parent", &format!("P{i}")));
    }
    for chunk in students.chunks(2_000) {
        bulk::upsert_people(&mut c, chunk).await?;
    }
    for chunk in parents.chunks(2_000) {
        bulk::upsert_people(&mut c, chunk).await?;
    }
    let cps: Vec<_> = parents
        .iter()
        .enumerate()
        .map(|(i, p)| email(&d.id, &p.id, &format!("parent{i}@example.com"), true))
        .collect();
    for chunk in cps.chunks(2_000) {
        contacts::insert(&mut c, chunk).await?;
    }
    // Half the links exist already.
    let existing: Vec<Relationship> = (0..n / 2)
        .map(|i| link(&d.id, &parents[i].id, &students[i].id))
        .collect();
    relationships::insert(&mut c, &existing).await?;
    Ok(d.id)
}

fn file(n: usize) -> Vec<u8> {
    let mut out = String::from("parent_email,student_id,relationship_type\n");
    let kinds = ["Parent", "Guardian", "relative", "PARENT", "Other"];
    for i in 0..n {
        let _ = writeln!(
            out,
            "parent{i}@example.com,S{i:07},{}",
            kinds[i % kinds.len()]
        );
    }
    out.into_bytes()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let (rows, backends) = args();
    for backend in backends {
        let db = TestDb::new(backend).await?;
        let seeded = Instant::now();
        let district = seed(&db, rows).await?;
        let seed_secs = seeded.elapsed().as_secs_f64();
        let bytes = file(rows);

        let started = Instant::now();
        let parsed = csv_file::parse(&bytes)?;
        let parse_secs = started.elapsed().as_secs_f64();
        let mut c = db.store.conn().await?;
        let v = validate::validate(&mut c, &district, &ImportScope::district(), parsed).await?;
        let validate_secs = started.elapsed().as_secs_f64();
        drop(c);

        let started = Instant::now();
        let job = imports::submit(
            &db.store,
            &district,
            (ActorKind::System, "bench"),
            &ImportScope::district(),
            &bytes,
            ImportOptions {
                dry_run: true,
                ..ImportOptions::default()
            },
        )
        .await?;
        let submit_secs = started.elapsed().as_secs_f64();
        assert_eq!(job.state, ImportState::Validated, "{:?}", job.message);
        assert_eq!(v.plan.len(), rows);
        println!(
            "{backend:?}: {rows} rows ({} bytes; seeded in {seed_secs:.1}s): parse {parse_secs:.2}s, \
             parse+validate {validate_secs:.2}s, whole dry run (parse, validate, job row) \
             {submit_secs:.2}s; planned {:?}",
            bytes.len(),
            v.planned
        );
        if submit_secs > 5.0 {
            eprintln!("SLOWER THAN 5 s");
        }
    }
    Ok(())
}
