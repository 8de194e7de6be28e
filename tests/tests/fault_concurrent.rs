//! A relationship spreadsheet import and a sync of the same district started together, each in
//! its own process of the real binary: both finish (no deadlock, no "database is locked"), and
//! the district ends exactly as when the two ran one after the other.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::server::{self, binary};
use homeroom_tests::{both_backends, snapshot};

use crate::fault_db::{add_csv_connector, cli_sync};

/// No process of the pair may take longer than this (a deadlock fails the test here).
const BOUND: Duration = Duration::from_secs(180);

/// A relationship file linking guardians of the generated district to other students (new
/// links) and to students they already have (unchanged), by student email.
fn links_file(day1: &std::path::Path, out: &std::path::Path) -> Result<usize> {
    let mut reader = csv::Reader::from_path(day1.join("users.csv"))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("users.csv has no {name}"))
    };
    let (role, email) = (col("role")?, col("email")?);
    let mut guardians = Vec::new();
    let mut students = Vec::new();
    for row in reader.records() {
        let row = row?;
        let e = row.get(email).unwrap_or_default().to_owned();
        if e.is_empty() {
            continue;
        }
        match row.get(role).unwrap_or_default() {
            "parent" | "guardian" | "relative" => guardians.push(e),
            "student" => students.push(e),
            _ => {}
        }
    }
    anyhow::ensure!(
        guardians.len() > 50 && students.len() > 50,
        "{} guardians, {} students",
        guardians.len(),
        students.len()
    );
    let mut csv = String::from("parent_email,student_id,student_email,relationship_type\n");
    let mut rows = 0;
    for (i, g) in guardians.iter().enumerate() {
        let s = &students[(i * 7 + 3) % students.len()];
        let kind = ["Parent", "Guardian", "Relative", "Other"][i % 4];
        csv.push_str(&format!("{g},,{s},{kind}\n"));
        rows += 1;
    }
    std::fs::write(out, csv)?;
    Ok(rows)
}

fn import(url: &str, file: &std::path::Path) -> Command {
    let mut cmd = Command::new(binary().expect("the homeroom binary"));
    cmd.args(["import", "relationships"])
        .arg(file)
        .args(["--only-valid-rows", "--json", "--database-url", url])
        .env("HOMEROOM_LOG", "warn")
        .env_remove("HOMEROOM_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn sync(url: &str, connector: &str) -> Command {
    let mut cmd = Command::new(binary().expect("the homeroom binary"));
    cmd.args(["sync", "run", connector, "--database-url", url])
        .env("HOMEROOM_LOG", "warn")
        .env_remove("HOMEROOM_SECRET_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for a child with [`BOUND`], failing (and killing it) when it takes longer.
async fn finish(child: std::process::Child, what: &str) -> Result<(i32, String)> {
    let started = Instant::now();
    let out = server::finish_within(child, BOUND, what)
        .await
        .context("a deadlock?")?;
    println!("{what}: {:?}", started.elapsed());
    Ok(out)
}

both_backends!(
    a_relationship_import_and_a_sync_at_once_both_finish,
    |db| async move {
        let files = TempDir::new("concurrent-district")?;
        homeroom_tests::sync::district(&files.0, 600, 5)?;
        let day1 = files.0.join("day1");
        let links = files.0.join("links.csv");
        let rows = links_file(&day1, &links)?;

        // The reference: sync, import, sync, one after the other.
        let reference = TestDb::new(db.backend()).await?;
        let (ref_connector, _) = add_csv_connector(&reference.url, &day1)?;
        let (code, out) = cli_sync(&reference.url, &ref_connector)?;
        assert_eq!(code, 0, "{out}");
        let (code, out) = finish(import(&reference.url, &links).spawn()?, "import").await?;
        assert_eq!(code, 0, "{out}");
        let (code, out) = cli_sync(&reference.url, &ref_connector)?;
        assert_eq!(code, 0, "{out}");
        let want = snapshot::take(&reference.store).await?;
        drop(reference);

        // The same, with the import and the second sync started together.
        let (connector, _) = add_csv_connector(&db.url, &day1)?;
        let (code, out) = cli_sync(&db.url, &connector)?;
        assert_eq!(code, 0, "{out}");
        let imp = import(&db.url, &links).spawn()?;
        let syn = sync(&db.url, &connector).spawn()?;
        let (imported, synced) = tokio::join!(finish(imp, "import"), finish(syn, "sync"));
        let ((import_code, import_out), (sync_code, sync_out)) = (imported?, synced?);
        for out in [&import_out, &sync_out] {
            assert!(
                !out.contains("database is locked") && !out.contains("deadlock"),
                "{out}"
            );
        }
        assert_eq!(import_code, 0, "the import: {import_out}");
        assert_eq!(sync_code, 0, "the sync: {sync_out}");
        let json = import_out
            .find('{')
            .map(|at| &import_out[at..])
            .context("the import printed no JSON")?;
        let job: serde_json::Value = serde_json::Deserializer::from_str(json)
            .into_iter()
            .next()
            .context("the import printed no JSON")?
            .with_context(|| format!("the import's JSON: {import_out}"))?;
        assert_eq!(
            job["state"]
                .as_str()
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("succeeded"),
            "{job}"
        );
        println!("{rows} rows: {}", job["message"]);

        snapshot::assert_same(
            &snapshot::take(&db.store).await?,
            &want,
            "import and sync at once",
        );
        Ok(())
    }
);
