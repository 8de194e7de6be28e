//! The sync engine through the ClassLink connector against the fake ClassLink server, on both
//! backends: a full sync imports what the OneRoster CSV import of the same district imports,
//! a delta converges to the next day's snapshot, and faults leave the last good data intact.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result};
use homeroom_classlink::fake::{ClassLinkHandle, FakeAccess, FakeClassLink, dataset_from_district};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, SyncMode, SyncStatus};
use homeroom_schema::store::{districts, links};
use homeroom_service::connectors::{self, ConnectorChanges};
use homeroom_sync::RunOutcome;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::{Census, Finished, add_connector, census, csv_connector, expect, run};
use homeroom_tests::{TestDb, both_backends};
use serde_json::Value;

const KEY: &str = "classlink-district-key";
const SECRET: &str = "classlink-district-secret";
const TOKEN: &str = "classlink-proxy-token";

fn generate(students: usize, seed: u64) -> District {
    District::generate(&GenerateOptions {
        students,
        seed,
        churn_pct: None,
    })
}

/// The `sourcedId`s of one CSV file of an export.
fn sourced_ids(dir: &Path, file: &str) -> Result<Vec<String>> {
    let mut reader = csv::Reader::from_path(dir.join(file))?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "sourcedId")
        .context("no sourcedId column")?;
    let mut ids = Vec::new();
    for row in reader.records() {
        ids.push(row?.get(column).unwrap_or_default().to_owned());
    }
    Ok(ids)
}

/// The external ids of `file` (`users.csv`, `classes.csv`) linked by `connector_id`.
async fn linked(
    store: &Store,
    connector_id: &str,
    kind: &str,
    dir: &Path,
    file: &str,
) -> Result<BTreeSet<String>> {
    let ids = sourced_ids(dir, file)?;
    let mut c = store.conn().await?;
    Ok(links::lookup(&mut c, connector_id, kind, &ids)
        .await?
        .into_iter()
        .map(|l| l.external_id)
        .collect())
}

/// Imports `district`'s CSV export into a fresh database of `db`'s backend: (census, linked
/// user ids, linked class ids).
async fn csv_reference(
    db: &TestDb,
    dir: &Path,
) -> Result<(Census, BTreeSet<String>, BTreeSet<String>)> {
    let csv_db = TestDb::new(db.backend()).await?;
    let id = csv_connector(&csv_db.store, dir).await?;
    let by_csv = run(&csv_db.store, &id, SyncMode::Full, false).await?;
    assert_eq!(
        by_csv.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        by_csv.run.error
    );
    Ok((
        census(&csv_db.store).await?,
        linked(&csv_db.store, &id, "person", dir, "users.csv").await?,
        linked(&csv_db.store, &id, "class", dir, "classes.csv").await?,
    ))
}

fn succeeded(f: &Finished, what: &str) {
    assert_eq!(
        f.outcome,
        RunOutcome::Succeeded,
        "{what}: {:?}",
        f.run.error
    );
    assert!(f.errors().is_empty(), "{what}: {:?}", f.errors());
}

async fn add(store: &Store, config: Value) -> Result<String> {
    add_connector(store, ConnectorKind::ClassLink, "ClassLink", config).await
}

async fn full_sync_matches_csv(db: TestDb, access: FakeAccess, seed: u64) -> Result<()> {
    let d = generate(300, seed);
    let summary = d.summary();
    let dir = TempDir::new("classlink")?;
    write_oneroster_csv(&d, &dir.0, OneRosterCsvOptions::default())?;
    let (csv_census, csv_people, csv_classes) = csv_reference(&db, &dir.0).await?;
    assert_eq!(csv_census, expect(&summary));

    let fake = FakeClassLink::from_district(&d, access).await?;
    let connector = add(&db.store, fake.connector_config()).await?;
    let first = run(&db.store, &connector, SyncMode::Full, false).await?;
    succeeded(&first, "the ClassLink import");
    assert_eq!(census(&db.store).await?, csv_census);
    assert_eq!(
        linked(&db.store, &connector, "person", &dir.0, "users.csv").await?,
        csv_people,
        "the same users, by sourcedId"
    );
    assert_eq!(
        linked(&db.store, &connector, "class", &dir.0, "classes.csv").await?,
        csv_classes,
        "the same classes, by sourcedId"
    );
    assert_eq!(csv_people.len(), summary.users);
    let stored = stored_connector(&db.store, &connector).await?;
    assert!(stored.delta_cursor.is_some(), "a full sync stores a cursor");
    assert!(!stored.config_public.contains(SECRET) && !stored.config_public.contains(TOKEN));

    // Nothing changed: a second full sync writes nothing.
    let second = run(&db.store, &connector, SyncMode::Full, false).await?;
    succeeded(&second, "the second import");
    for entity in ["person", "class", "enrollment", "relationship"] {
        let c = second.of(entity);
        assert_eq!((c.created, c.updated, c.archived), (0, 0, 0), "{entity}");
    }
    fake.shutdown().await;
    Ok(())
}

both_backends!(classlink_oauth1_imports_like_csv, |db| async move {
    full_sync_matches_csv(db, FakeAccess::direct(KEY, SECRET), 51).await
});

both_backends!(classlink_proxy_imports_like_csv, |db| async move {
    full_sync_matches_csv(db, FakeAccess::proxy(TOKEN), 52).await
});

async fn stored_connector(store: &Store, id: &str) -> Result<homeroom_schema::models::Connector> {
    let mut conn = store.conn().await?;
    let district = districts::get_default(&mut conn)
        .await?
        .context("no default district")?;
    homeroom_schema::store::connectors::get(&mut conn, &district.id, id)
        .await?
        .context("no such connector")
}

/// Points the connector at another server, as an operator would (a new address needs the
/// secret restated: issue 15).
async fn repoint(store: &Store, id: &str, fake: &ClassLinkHandle) -> Result<()> {
    let row = stored_connector(store, id).await?;
    let operator = homeroom_tests::principals::district_admin(&row.district_id);
    let mut config = fake.connector_config();
    // The district's secret, restated (the SIS may have rotated its own: a refused login).
    if let Some(c) = config.as_object_mut()
        && c.contains_key("client_secret")
    {
        c.insert("client_secret".into(), serde_json::json!(SECRET));
    }
    connectors::update(
        store,
        &connectors::registry(),
        Some(&homeroom_tests::sync::test_key()),
        &operator,
        row,
        ConnectorChanges {
            config: Some(config),
            ..ConnectorChanges::default()
        },
    )
    .await?;
    Ok(())
}

both_backends!(classlink_delta_converges_to_the_next_day, |db| async move {
    let mut d = generate(200, 53);
    let fake = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, SECRET)).await?;
    let connector = add(&db.store, fake.connector_config()).await?;
    succeeded(
        &run(&db.store, &connector, SyncMode::Full, false).await?,
        "day 1",
    );
    fake.shutdown().await;

    // Day 2: churn, served with soft deletes for what vanished; the SIS's clock is the
    // generator's, so the cursor is day 1's stamp.
    let day1 = dataset_from_district(&d)?;
    let churn = d.advance_day(8.0, 53);
    let day2_stamp = format!("{}T06:00:00.000Z", District::date_of_day(2));
    let day2 = dataset_from_district(&d)?.with_tombstones(&day1, &day2_stamp);
    let fake = FakeClassLink::start(day2, FakeAccess::direct(KEY, SECRET)).await?;
    repoint(&db.store, &connector, &fake).await?;
    let day1_stamp = format!("{}T06:00:00Z", District::date_of_day(1));
    homeroom_schema::store::connectors::record_success(
        &mut db.store.conn().await?,
        &connector,
        Some(&day1_stamp),
    )
    .await?;
    let delta = run(&db.store, &connector, SyncMode::Delta, false).await?;
    succeeded(&delta, "the delta");
    assert!(
        fake.requests()
            .iter()
            .filter(|r| r.path.ends_with("/users"))
            .all(|r| r.param("filter") == Some(&format!("dateLastModified>'{day1_stamp}'"))),
        "every user page was a delta"
    );
    assert!(delta.of("person").created > 0, "{churn:?}");

    // The same census as a fresh import of day 2 (besides the archived leavers).
    let dir = TempDir::new("classlink-day2")?;
    write_oneroster_csv(&d, &dir.0, OneRosterCsvOptions::default())?;
    let (day2_census, day2_people, _) = csv_reference(&db, &dir.0).await?;
    let mut now = census(&db.store).await?;
    assert!(now.archived_people > 0, "the leavers are archived");
    now.archived_people = 0;
    assert_eq!(now, day2_census, "{churn:?}");
    assert_eq!(day2_census, expect(&d.summary()));
    assert_eq!(
        linked(&db.store, &connector, "person", &dir.0, "users.csv").await?,
        day2_people
    );
    fake.shutdown().await;
    Ok(())
});

both_backends!(classlink_faults_keep_the_last_good_data, |db| async move {
    let d = generate(60, 54);
    let fake = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, SECRET)).await?;
    let connector = add(&db.store, fake.connector_config()).await?;
    succeeded(
        &run(&db.store, &connector, SyncMode::Full, false).await?,
        "the good sync",
    );
    let good = census(&db.store).await?;
    let cursor = stored_connector(&db.store, &connector).await?.delta_cursor;

    // A broken page: failed, naming what could not be read.
    fake.faults().malformed_next(1);
    let failed = run(&db.store, &connector, SyncMode::Full, false).await?;
    let RunOutcome::Failed(message) = &failed.outcome else {
        panic!("expected a failure, got {:?}", failed.outcome);
    };
    assert_eq!(failed.run.status, SyncStatus::Failed);
    assert!(message.contains("malformed orgs page"), "{message}");
    assert_eq!(census(&db.store).await?, good);

    // Refused credentials: failed as an authentication error.
    fake.faults().clear();
    let other = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, "rotated-secret")).await?;
    repoint(&db.store, &connector, &other).await?;
    let failed = run(&db.store, &connector, SyncMode::Delta, false).await?;
    let RunOutcome::Failed(message) = &failed.outcome else {
        panic!("expected a failure, got {:?}", failed.outcome);
    };
    assert!(message.contains("authentication failed"), "{message}");
    assert_eq!(census(&db.store).await?, good);

    // An empty roster claiming success: held, nothing removed.
    repoint(&db.store, &connector, &fake).await?;
    fake.faults().set_empty_roster(true);
    let held = run(&db.store, &connector, SyncMode::Full, false).await?;
    let RunOutcome::Held(message) = &held.outcome else {
        panic!("expected a hold, got {:?}", held.outcome);
    };
    assert!(message.contains("empty roster"), "{message}");
    assert_eq!(census(&db.store).await?, good);
    assert_eq!(
        stored_connector(&db.store, &connector).await?.delta_cursor,
        cursor,
        "the cursor did not move"
    );
    other.shutdown().await;
    fake.shutdown().await;
    Ok(())
});
