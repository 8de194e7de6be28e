//! A sync killed with SIGKILL at random points is taken over at once by the next `sync run`
//! (no waiting for a lease), which marks the dead run `failed: interrupted` and converges to
//! exactly what a clean import of the same files holds: no half-applied page, no duplicate.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use homeroom_schema::enums::SyncStatus;
use homeroom_schema::store::sync_runs;
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::server::{binary, run};
use homeroom_tests::{both_backends, snapshot};

/// Kills that must land while a run is going, per backend.
const KILLS: usize = 10;

/// A small deterministic generator (the seed is printed, so a failure can be replayed with
/// `HOMEROOM_TEST_SEED`).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A fraction in [lo, hi).
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        lo + unit * (hi - lo)
    }
}

fn add_connector(url: &str, files: &std::path::Path) -> Result<String> {
    let config = serde_json::json!({ "path": files.display().to_string(), "page_size": 100 });
    let (code, out, err) = run(&[
        "connector",
        "add",
        "oneroster-csv",
        "--name",
        "Nightly export",
        "--config",
        &config.to_string(),
        "--database-url",
        url,
    ])?;
    if code != 0 {
        bail!("connector add failed: {err}");
    }
    // The CLI prints the global id; the store's queries below take the row id inside it.
    let global = out.trim().lines().last().context("connector id")?;
    Ok(homeroom_core::ids::decode_as(
        homeroom_core::ids::NodeKind::Connector,
        global,
    )?)
}

fn sync(url: &str, connector: &str) -> Result<(i32, String)> {
    let (code, out, err) = run(&["sync", "run", connector, "--database-url", url])?;
    Ok((code, format!("{out}{err}")))
}

both_backends!(
    killed_syncs_are_taken_over_at_once_and_converge_to_a_clean_import,
    |db| async move {
        let files = TempDir::new("crash-district")?;
        homeroom_tests::sync::district(&files.0, 150, 7)?;
        let day1 = files.0.join("day1");

        // The reference: a clean import of the same files, and how long its run takes.
        let clean_connector = add_connector(&db.url, &day1)?;
        let (code, out) = sync(&db.url, &clean_connector)?;
        assert_eq!(code, 0, "clean import: {out}");
        let want = snapshot::take(&db.store).await?;
        let full = {
            let mut conn = db.store.conn().await?;
            let run = sync_runs::latest(&mut conn, &clean_connector)
                .await?
                .context("the clean run")?;
            let micros = run.finished_at.unwrap_or_default() - run.started_at.unwrap_or_default();
            Duration::from_micros(u64::try_from(micros).unwrap_or(0))
        };

        let seed = std::env::var("HOMEROOM_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                u64::from(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(1, |d| d.subsec_nanos()),
                ) | 1
            });
        println!("HOMEROOM_TEST_SEED={seed} (full import took {full:?})");
        let mut rng = Rng(seed);
        let mut mid_run = 0;
        let mut attempts = 0;
        while mid_run < KILLS {
            attempts += 1;
            assert!(
                attempts <= 4 * KILLS,
                "only {mid_run} of {attempts} kills landed while a run was going"
            );
            let fresh = TestDb::new(db.backend()).await?;
            let connector = add_connector(&fresh.url, &day1)?;
            let mut child = Command::new(binary()?)
                .args(["sync", "run", &connector, "--database-url", &fresh.url])
                .env("HOMEROOM_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?;
            // Once the run has started, kill it at a random point of a run's length.
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let mut conn = fresh.store.conn().await?;
                if sync_runs::running(&mut conn, &connector).await?.is_some()
                    || child.try_wait()?.is_some()
                {
                    break;
                }
                assert!(Instant::now() < deadline, "the run never started");
                // A poll, bounded by the deadline above (the run's start is in another process).
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let at = full.mul_f64(rng.between(0.0, 1.0));
            // Not a wait for anything: the random moment of the kill.
            tokio::time::sleep(at).await;
            child.kill()?; // SIGKILL: no cleanup of any kind runs
            child.wait()?;

            let mut conn = fresh.store.conn().await?;
            let Some(dead) = sync_runs::running(&mut conn, &connector).await? else {
                // Killed before its run started or after it ended: not a takeover; the next
                // run still has to converge.
                let (code, out) = sync(&fresh.url, &connector)?;
                assert_eq!(code, 0, "{out}");
                snapshot::assert_same(&snapshot::take(&fresh.store).await?, &want, "no takeover");
                continue;
            };
            drop(conn);
            mid_run += 1;

            // The next run takes over at once: no "another sync is running".
            let took = Instant::now();
            let (code, out) = sync(&fresh.url, &connector)?;
            assert_eq!(code, 0, "run after a kill at {at:?}: {out}");
            assert!(
                took.elapsed() < Duration::from_secs(60),
                "no lease to wait out"
            );
            let mut conn = fresh.store.conn().await?;
            let dead = sync_runs::get(&mut conn, &dead.id)
                .await?
                .context("dead run")?;
            assert_eq!(dead.status, SyncStatus::Failed, "the killed run is marked");
            assert!(
                dead.error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("interrupted")),
                "{:?}",
                dead.error
            );
            drop(conn);
            let got = snapshot::take(&fresh.store).await?;
            snapshot::assert_same(&got, &want, &format!("killed at {at:?} (seed {seed})"));
        }
        Ok(())
    }
);
