//! PostgreSQL unavailable for ten seconds under mixed GraphQL load and a running sync: the real
//! binary reaches the database through a [`ChaosProxy`], which cuts it. Every request completes
//! (no hang) with data or the `UNAVAILABLE` code (no panic, no `INTERNAL`), `/readyz` says 503
//! while the database is away and 200 within 5 s of its return, the server lives on, the sync
//! that was running ends cleanly, and the next run converges to a clean import of the same files.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use homeroom_core::ids::{NodeKind, decode_as};
use homeroom_schema::enums::SyncStatus;
use homeroom_schema::store::sync_runs;
use homeroom_tests::chaos::ChaosProxy;
use homeroom_tests::db::{TempDir, TestDb};
use homeroom_tests::server::{Server, run};
use homeroom_tests::{Backend, snapshot};
use serde_json::json;

/// How long the database stays away.
const OUTAGE: Duration = Duration::from_secs(10);
/// No request may take longer than this, outage or not.
const REQUEST_BOUND: Duration = Duration::from_secs(15);
/// Concurrent GraphQL clients.
const CLIENTS: usize = 4;

/// Adds a OneRoster CSV connector over `files` with the CLI; returns (global id, row id).
pub fn add_csv_connector(url: &str, files: &std::path::Path) -> Result<(String, String)> {
    let config = json!({ "path": files.display().to_string(), "page_size": 100 });
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
    let global = out
        .trim()
        .lines()
        .last()
        .context("connector id")?
        .to_owned();
    let row = decode_as(NodeKind::Connector, &global)?;
    Ok((global, row))
}

/// A district admin token made with the CLI.
pub fn admin_token(url: &str) -> Result<String> {
    let (code, out, err) = run(&[
        "token",
        "create",
        "--database-url",
        url,
        "--role",
        "district_admin",
    ])?;
    if code != 0 {
        bail!("token create failed: {err}");
    }
    Ok(out.trim().to_owned())
}

/// Runs `homeroom sync run` to the end; returns (exit code, output).
pub fn cli_sync(url: &str, connector: &str) -> Result<(i32, String)> {
    let (code, out, err) = run(&["sync", "run", connector, "--database-url", url])?;
    Ok((code, format!("{out}{err}")))
}

/// One answered request of the load.
#[derive(Debug)]
struct Answer {
    started: Instant,
    ended: Instant,
    /// The `extensions.code` of each error (empty: it answered with data).
    codes: Vec<String>,
    body: String,
}

const READS: [&str; 4] = [
    "{ district { name schools { name } } }",
    "{ people(first: 20, filter: { role: STUDENT }) { totalCount edges { node { displayName } } } }",
    "{ classes(first: 10) { totalCount edges { node { title students { displayName } } } } }",
    "query($id: ID!) { syncRuns(connectorId: $id, first: 3) { edges { node { status } } } }",
];

/// One client: requests in turn until `stop`, each bounded by [`REQUEST_BOUND`] (a request
/// that takes longer fails the test).
async fn client(
    server: Arc<Server>,
    token: String,
    connector: String,
    n: usize,
    stop: Arc<AtomicBool>,
) -> Result<Vec<Answer>> {
    let mut answers = Vec::new();
    let mut i = n;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let (query, vars) = if i.is_multiple_of(5) {
            (
                "mutation($id: ID!) { testConnector(id: $id) { ok message } }",
                json!({ "id": connector }),
            )
        } else {
            (READS[i % READS.len()], json!({ "id": connector }))
        };
        let started = Instant::now();
        let resp = tokio::time::timeout(REQUEST_BOUND, server.graphql(Some(&token), query, vars))
            .await
            .with_context(|| format!("a request hung for over {REQUEST_BOUND:?}: {query}"))?
            .with_context(|| format!("no GraphQL answer (a dropped connection?): {query}"))?;
        let ended = Instant::now();
        let codes = resp["errors"]
            .as_array()
            .map(|errs| {
                errs.iter()
                    .map(|e| e["extensions"]["code"].as_str().unwrap_or("-").to_owned())
                    .collect()
            })
            .unwrap_or_default();
        answers.push(Answer {
            started,
            ended,
            codes,
            body: resp.to_string(),
        });
    }
    Ok(answers)
}

async fn readyz(base: &str) -> Result<u16> {
    let resp = tokio::time::timeout(REQUEST_BOUND, reqwest::get(format!("{base}/readyz")))
        .await
        .context("/readyz hung")??;
    Ok(resp.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_away_for_ten_seconds_under_load_and_a_running_sync() -> Result<()> {
    let files = TempDir::new("fault-db-district")?;
    homeroom_tests::sync::district(&files.0, 1500, 11)?;
    let day1 = files.0.join("day1");

    // The reference: a clean import of the same files.
    let clean = TestDb::new(Backend::Postgres).await?;
    let (clean_connector, _) = add_csv_connector(&clean.url, &day1)?;
    let (code, out) = cli_sync(&clean.url, &clean_connector)?;
    assert_eq!(code, 0, "clean import: {out}");
    let want = snapshot::take(&clean.store).await?;
    drop(clean);

    // The database under test, reached by the server only through the proxy.
    let db = TestDb::new(Backend::Postgres).await?;
    let (connector, connector_row) = add_csv_connector(&db.url, &day1)?;
    let token = admin_token(&db.url)?;
    let (proxy, proxied_url) = ChaosProxy::in_front_of(&db.url).await?;
    let server = Arc::new(Server::start(&proxied_url, &[]).await?);
    assert_eq!(readyz(&server.base).await?, 200);

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            tokio::spawn(client(
                Arc::clone(&server),
                token.clone(),
                connector.clone(),
                n,
                Arc::clone(&stop),
            ))
        })
        .collect();

    // Start the sync and cut the database once it is seen running (read directly, not
    // through the proxy).
    let started = server
        .graphql(
            Some(&token),
            "mutation($id: ID!) { runSync(connectorId: $id) { id status } }",
            json!({ "id": connector }),
        )
        .await?;
    assert!(started["errors"].is_null(), "{started}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let running = loop {
        let mut conn = db.store.conn().await?;
        if let Some(r) = sync_runs::running(&mut conn, &connector_row).await? {
            break r;
        }
        assert!(Instant::now() < deadline, "the sync never started running");
        // A poll of another process's progress, bounded by the deadline above.
        tokio::time::sleep(Duration::from_millis(5)).await;
    };

    proxy.cut().await;
    let cut_at = Instant::now();
    assert_eq!(proxy.live(), 0);
    assert_eq!(
        readyz(&server.base).await?,
        503,
        "/readyz while the database is cut"
    );
    // The outage itself.
    tokio::time::sleep(OUTAGE).await;
    assert_eq!(
        readyz(&server.base).await?,
        503,
        "/readyz at the end of the outage"
    );
    let restore_at = Instant::now();
    proxy.restore();

    // Ready again within 5 s of the database's return.
    loop {
        if readyz(&server.base).await? == 200 {
            break;
        }
        assert!(
            restore_at.elapsed() < Duration::from_secs(5),
            "/readyz still 503 five seconds after the database came back"
        );
        // A poll bounded by the assertion above.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ready_after = restore_at.elapsed();
    // And GraphQL answers with data again.
    let resp = server.graphql(Some(&token), READS[1], json!({})).await?;
    assert!(resp["errors"].is_null(), "after recovery: {resp}");

    stop.store(true, Ordering::SeqCst);
    let mut answers = Vec::new();
    for c in clients {
        answers.extend(c.await??);
    }

    // Every answer: data, or UNAVAILABLE only.
    let wrong: Vec<_> = answers
        .iter()
        .filter(|a| a.codes.iter().any(|c| c != "UNAVAILABLE"))
        .map(|a| &a.body)
        .collect();
    assert!(wrong.is_empty(), "answers with other codes: {wrong:#?}");
    // Requests made wholly inside the outage all said UNAVAILABLE.
    let inside: Vec<_> = answers
        .iter()
        .filter(|a| a.started > cut_at && a.ended < restore_at)
        .collect();
    assert!(
        inside.len() >= CLIENTS,
        "too few requests during the outage: {}",
        inside.len()
    );
    let answered_anyway: Vec<_> = inside
        .iter()
        .filter(|a| a.codes.is_empty())
        .map(|a| &a.body)
        .collect();
    assert!(
        answered_anyway.is_empty(),
        "answered with data while the database was away: {answered_anyway:#?}"
    );
    let slowest = answers
        .iter()
        .map(|a| a.ended - a.started)
        .max()
        .unwrap_or_default();
    let unavailable = answers.iter().filter(|a| !a.codes.is_empty()).count();
    println!(
        "requests: {} ({} UNAVAILABLE, {} inside the outage); slowest {slowest:?}; \
         ready {ready_after:?} after the database returned",
        answers.len(),
        unavailable,
        inside.len()
    );

    // The sync that was running lost its connection (and its run lock's session) at the cut,
    // so it is over: it recorded its failure, or, when it could not reach the database to do
    // so, the next run takes over at once and marks it failed (interrupted).
    let before = {
        let mut conn = db.store.conn().await?;
        sync_runs::get(&mut conn, &running.id)
            .await?
            .context("the run")?
    };
    // The next run converges to the clean import.
    let (code, out) = cli_sync(&db.url, &connector)?;
    assert_eq!(code, 0, "the run after the outage: {out}");
    let after = {
        let mut conn = db.store.conn().await?;
        sync_runs::get(&mut conn, &running.id)
            .await?
            .context("the run")?
    };
    println!(
        "the run during the outage: {:?} after the outage, {:?} ({:?}) after the next run",
        before.status, after.status, after.error
    );
    assert!(
        matches!(after.status, SyncStatus::Failed | SyncStatus::Succeeded),
        "{after:?}"
    );
    snapshot::assert_same(
        &snapshot::take(&db.store).await?,
        &want,
        "the run after the outage",
    );
    Ok(())
}
