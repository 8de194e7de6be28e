//! The SIS's network failing under the real binary: `homeroom sync run` reaches a fake OneRoster
//! 1.2 server (OAuth 2.0, requests of 50 records) only through a [`ChaosProxy`].
//!
//! - Connections reset mid-sync (the proxy drops every open connection): the HTTP client
//!   retries the page on a new connection and the run succeeds, converging to a clean import.
//! - The SIS unreachable mid-sync (the proxy refuses every connection until restored): the run
//!   fails after its retries with a message that names the SIS and says what to do (no
//!   library's `Debug` text), the run is recorded `failed`, the last good data stays exactly as
//!   it was (a partial read archives nothing), and the next run after the SIS returns converges
//!   to the state of fault-free runs, change-detection hashes included.

use std::time::Duration;

use anyhow::{Context, Result};
use homeroom_oneroster::OneRosterVersion;
use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeHandle, FakeOneRoster};
use homeroom_schema::enums::SyncStatus;
use homeroom_schema::store::sync_runs;
use homeroom_tests::chaos::ChaosProxy;
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::rest_sis::{self, SYNC_BOUND, add_connector, config, start_sync};
use homeroom_tests::server::finish_within;
use homeroom_tests::{Backend, both_backends, snapshot, wait};

const CLIENT_ID: &str = "district-sync";
const CLIENT_SECRET: &str = "fault-sis-secret";

/// Waits until the fake has answered more than `pages` data requests (the run is mid-read).
async fn wait_for_pages(fake: &FakeHandle, pages: u64) -> Result<()> {
    wait::until(
        &format!("the sync reads page {pages}"),
        SYNC_BOUND,
        || async { Ok(fake.request_count() > pages) },
    )
    .await
}

both_backends!(sis_connection_faults_mid_sync, |db| async move {
    sis_faults(db).await
});

async fn sis_faults(db: TestDb) -> Result<()> {
    let files = TempDir::new("fault-sis-district")?;
    homeroom_tests::sync::district(&files.0, 300, 23)?;
    let dataset = FakeDataset::from_csv(files.0.join("day1"))?.with_version(OneRosterVersion::V1p2);
    let fake = FakeOneRoster::start(dataset, FakeAuth::oauth2(CLIENT_ID, CLIENT_SECRET)).await?;

    // The reference: a clean import straight from the fake.
    let clean = TestDb::new(db.backend()).await?;
    let (clean_connector, _) =
        add_connector(&clean.url, &config(&fake, fake.base_url().as_str(), 50))?;
    let (code, out) = rest_sis::sync(&clean.url, &clean_connector).await?;
    assert_eq!(code, 0, "clean import: {out}");
    let first = snapshot::take(&clean.store).await?;
    let pages = fake.request_count();
    // And a second, fault-free run: that is the state every later run keeps. (It rewrites the
    // content hash of a few relationship links the first import stored from the student's side,
    // and nothing else.)
    let (code, out) = rest_sis::sync(&clean.url, &clean_connector).await?;
    assert_eq!(code, 0, "clean re-sync: {out}");
    let want = snapshot::take(&clean.store).await?;
    snapshot::assert_same(
        &snapshot::without_hashes(&want),
        &snapshot::without_hashes(&first),
        "a fault-free re-sync of the same data",
    );
    drop(clean);
    assert!(pages >= 20, "too few pages to fault mid-read: {pages}");

    // The database under test reaches the SIS through the proxy.
    let (proxy, proxied) = ChaosProxy::in_front_of(fake.base_url().as_str()).await?;
    let (connector, connector_row) = add_connector(&db.url, &config(&fake, &proxied, 50))?;
    // Each request takes at least 20 ms, so the read is still going when a fault is injected.
    proxy.set_latency(Duration::from_millis(20));

    // 1. Resets mid-read: retried on new connections, the run succeeds.
    let before = fake.request_count();
    let child = start_sync(&db.url, &connector)?;
    wait_for_pages(&fake, before + pages / 3).await?;
    assert!(proxy.live() > 0, "no connection open mid-read");
    proxy.reset().await;
    assert_eq!(proxy.live(), 0, "open connections survived the reset");
    let accepted_at_reset = proxy.accepted();
    wait_for_pages(&fake, before + 2 * pages / 3).await?;
    proxy.reset().await;
    let (code, out) = finish_within(child, SYNC_BOUND, "sync run").await?;
    assert_eq!(code, 0, "the run with resets: {out}");
    assert!(
        proxy.accepted() > accepted_at_reset,
        "the run never opened a new connection after the reset"
    );
    snapshot::assert_same(
        &snapshot::take(&db.store).await?,
        &first,
        "the run with resets",
    );

    // 2. The SIS unreachable mid-read: the run fails clearly and changes nothing.
    let before = fake.request_count();
    let child = start_sync(&db.url, &connector)?;
    wait_for_pages(&fake, before + pages / 2).await?;
    proxy.cut().await;
    let (code, out) = finish_within(child, SYNC_BOUND, "sync run").await?;
    assert_ne!(
        code, 0,
        "a run that could not read the SIS succeeded: {out}"
    );
    let lower = out.to_lowercase();
    assert!(
        lower.contains("could not") || lower.contains("unreachable") || lower.contains("connect"),
        "the failure does not say the SIS could not be reached: {out}"
    );
    for leak in ["reqwest", "Error {", "kind:", "hyper", "source:"] {
        assert!(!out.contains(leak), "library internals ({leak}) in: {out}");
    }
    let run = {
        let mut conn = db.store.conn().await?;
        sync_runs::latest(&mut conn, &connector_row)
            .await?
            .context("the failed run")?
    };
    assert_eq!(run.status, SyncStatus::Failed, "{run:?}");
    // The roster is exactly the last good one.
    snapshot::assert_same(
        &snapshot::without_hashes(&snapshot::take(&db.store).await?),
        &snapshot::without_hashes(&want),
        "after the run the SIS cut short (the last good data)",
    );

    // 3. The SIS back: the next run converges.
    proxy.restore();
    let (code, out) = rest_sis::sync(&db.url, &connector).await?;
    assert_eq!(code, 0, "the run after the SIS returned: {out}");
    snapshot::assert_same(
        &snapshot::take(&db.store).await?,
        &want,
        "the run after the SIS returned",
    );
    if db.backend() == Backend::Postgres {
        println!(
            "fault_sis: {pages} pages per run; failure reported as: {}",
            out.trim()
        );
    }
    Ok(())
}
