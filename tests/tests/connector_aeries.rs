//! The sync engine through the Aeries connector against the fake Aeries site, on both
//! backends: a full sync gives what the OneRoster CSV import of the same district gives, a
//! delta through the change feeds converges to a full sync of the next day, and faults end in
//! a failed or held run with the earlier data intact.

use anyhow::{Context, Result};
use homeroom_aeries::fake::{FAKE_CERT, FakeAeries, FakeHandle};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, Status, SyncMode};
use homeroom_schema::page::PageRequest;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::districts;
use homeroom_schema::store::people::{self, PersonFilter};
use homeroom_sync::RunOutcome;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::{add_connector, census, csv_connector, expect, run};
use homeroom_tests::{TestDb, both_backends};

fn generated(students: usize, seed: u64) -> District {
    District::generate(&GenerateOptions {
        students,
        seed,
        churn_pct: None,
    })
}

/// Every person of the default district as "given | family | middle | student | grade |
/// number | status", sorted: comparable across databases and connectors.
async fn people_rows(store: &Store) -> Result<Vec<String>> {
    let mut c = store.conn().await?;
    let d = districts::get_default(&mut c)
        .await?
        .context("no default district")?;
    let mut rows = Vec::new();
    for status in [Status::Active, Status::Archived] {
        let mut after = None;
        loop {
            let page = people::list(
                &mut c,
                &d.id,
                &Scope::District,
                &PersonFilter {
                    status: Some(status),
                    ..PersonFilter::default()
                },
                &PageRequest {
                    first: Some(500),
                    after: after.clone(),
                },
            )
            .await?;
            after = page.items.last().map(|p| p.id.clone());
            rows.extend(page.items.iter().map(|p| {
                format!(
                    "{} | {} | {:?} | {} | {:?} | {:?} | {:?}",
                    p.given_name,
                    p.family_name,
                    p.middle_name,
                    p.is_student,
                    p.grade,
                    p.student_number,
                    p.status
                )
            }));
            if !page.has_next {
                break;
            }
        }
    }
    rows.sort();
    Ok(rows)
}

async fn aeries_connector(store: &Store, fake: &FakeHandle) -> Result<String> {
    add_connector(
        store,
        ConnectorKind::Aeries,
        "Aeries",
        fake.connector_config(),
    )
    .await
}

async fn sync_ok(
    store: &Store,
    connector: &str,
    mode: SyncMode,
) -> Result<homeroom_tests::sync::Finished> {
    let done = run(store, connector, mode, false).await?;
    anyhow::ensure!(
        done.outcome == RunOutcome::Succeeded,
        "{mode:?} sync: {:?} {:?}",
        done.outcome,
        done.run.error
    );
    Ok(done)
}

both_backends!(
    aeries_full_sync_matches_the_oneroster_import,
    |db| async move {
        let d = generated(300, 7);
        let fake = FakeAeries::start(d.clone(), FAKE_CERT).await?;
        let connector = aeries_connector(&db.store, &fake).await?;
        let full = sync_ok(&db.store, &connector, SyncMode::Full).await?;
        assert!(full.errors().is_empty(), "{:?}", full.errors());
        let aeries = census(&db.store).await?;
        assert_eq!(aeries, expect(&d.summary()));

        // The OneRoster CSV import of the same district, into a fresh database.
        let dir = TempDir::new("aeries-or")?;
        write_oneroster_csv(&d, &dir.0, OneRosterCsvOptions::default())?;
        let other = TestDb::new(db.backend()).await?;
        let csv = csv_connector(&other.store, &dir.0).await?;
        sync_ok(&other.store, &csv, SyncMode::Full).await?;
        assert_eq!(aeries, census(&other.store).await?);
        assert_eq!(
            people_rows(&db.store).await?,
            people_rows(&other.store).await?
        );

        // A second full sync of an unchanged site writes nothing.
        let again = sync_ok(&db.store, &connector, SyncMode::Full).await?;
        assert_eq!(again.of("person").created + again.of("person").updated, 0);
        assert_eq!(census(&db.store).await?, aeries);
        fake.shutdown().await;
        Ok(())
    }
);

both_backends!(aeries_delta_converges_to_the_next_day, |db| async move {
    let d = generated(300, 9);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await?;
    let connector = aeries_connector(&db.store, &fake).await?;
    sync_ok(&db.store, &connector, SyncMode::Full).await?;
    let day1 = census(&db.store).await?;

    let (day2, _) = d.next_day(5.0, 9);
    fake.advance(day2);
    let delta = sync_ok(&db.store, &connector, SyncMode::Delta).await?;
    assert!(delta.errors().is_empty(), "{:?}", delta.errors());
    let after_delta = census(&db.store).await?;
    assert_ne!(after_delta, day1, "the churn changed something");

    // A full sync of the next day into a fresh database holds the same.
    let fresh = TestDb::new(db.backend()).await?;
    let other = aeries_connector(&fresh.store, &fake).await?;
    sync_ok(&fresh.store, &other, SyncMode::Full).await?;
    assert_eq!(after_delta, census(&fresh.store).await?);
    assert_eq!(
        people_rows(&db.store).await?,
        people_rows(&fresh.store).await?
    );

    // And a full sync after the delta changes nothing more.
    let full = sync_ok(&db.store, &connector, SyncMode::Full).await?;
    for entity in ["person", "class", "enrollment", "relationship"] {
        let c = full.of(entity);
        assert_eq!(c.created + c.updated + c.archived, 0, "{entity}: {c:?}");
    }
    fake.shutdown().await;
    Ok(())
});

both_backends!(
    aeries_faults_fail_or_hold_with_data_intact,
    |db| async move {
        let d = generated(200, 5);
        let fake = FakeAeries::start(d, FAKE_CERT).await?;
        let connector = aeries_connector(&db.store, &fake).await?;
        sync_ok(&db.store, &connector, SyncMode::Full).await?;
        let before = census(&db.store).await?;

        fake.faults().malformed_next(1);
        let failed = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(
            matches!(failed.outcome, RunOutcome::Failed(_)),
            "{:?}",
            failed.outcome
        );
        assert_eq!(census(&db.store).await?, before);
        fake.faults().clear();

        fake.faults().set_empty_roster(true);
        let held = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(
            matches!(held.outcome, RunOutcome::Held(_)),
            "{:?}",
            held.outcome
        );
        assert_eq!(census(&db.store).await?, before);
        fake.faults().clear();

        // Transient trouble is retried inside the run.
        fake.faults().fail_next(2);
        sync_ok(&db.store, &connector, SyncMode::Full).await?;
        assert_eq!(census(&db.store).await?, before);
        fake.shutdown().await;
        Ok(())
    }
);
