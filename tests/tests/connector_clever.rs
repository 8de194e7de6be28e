//! The sync engine through the Clever connector against the fake Clever server, on both
//! backends: a full sync imports exactly what the OneRoster CSV import of the same generated
//! district imports; an Events API delta converges to the next day's snapshot with contacts
//! that churn ids kept as one person; faults end in a failed or held run with the previous
//! data intact; an expired cursor falls back to a full snapshot.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use homeroom_clever::ObjectId;
use homeroom_clever::fake::{CleverDataset, FakeClever, FakeHandle};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, Status, SyncMode};
use homeroom_schema::store::{connectors, links, people};
use homeroom_sync::RunOutcome;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::{Census, add_connector, census, csv_connector, expect, run};
use homeroom_tests::{TestDb, both_backends};

const TOKEN: &str = "clever-district-token";

fn district(students: usize, seed: u64) -> District {
    District::generate(&GenerateOptions {
        students,
        seed,
        churn_pct: None,
    })
}

async fn clever_connector(store: &Store, fake: &FakeHandle) -> Result<String> {
    add_connector(
        store,
        ConnectorKind::Clever,
        "Clever",
        fake.connector_config(),
    )
    .await
}

/// Imports `d` through the OneRoster CSV connector into a fresh database of the same backend.
async fn csv_census(db: &TestDb, days: &[&District]) -> Result<Census> {
    let other = TestDb::new(db.backend()).await?;
    let dir = TempDir::new("clever-csv")?;
    let mut connector = None;
    for d in days {
        write_oneroster_csv(d, &dir.0, OneRosterCsvOptions::default())?;
        let id = match &connector {
            Some(id) => String::clone(id),
            None => csv_connector(&other.store, &dir.0).await?,
        };
        let done = run(&other.store, &id, SyncMode::Full, false).await?;
        anyhow::ensure!(
            done.outcome == RunOutcome::Succeeded,
            "{:?}",
            done.run.error
        );
        connector = Some(id);
    }
    census(&other.store).await
}

/// Live links of `connector` for the Clever ids of the generator ids starting with `prefix`:
/// generator id → local id.
async fn linked(
    store: &Store,
    connector: &str,
    kind: &str,
    data: &CleverDataset,
    prefixes: &[&str],
) -> Result<BTreeMap<String, String>> {
    let pairs: Vec<(&str, &str)> = data
        .id_pairs()
        .filter(|(g, _)| prefixes.iter().any(|p| g.starts_with(p)))
        .collect();
    let by_clever: BTreeMap<&str, &str> = pairs.iter().map(|(g, c)| (*c, *g)).collect();
    let ids: Vec<String> = pairs.iter().map(|(_, c)| (*c).to_owned()).collect();
    let mut out = BTreeMap::new();
    for link in links::lookup(&mut store.conn().await?, connector, kind, &ids).await? {
        if link.removed_at.is_none()
            && let Some(g) = by_clever.get(link.external_id.as_str())
        {
            out.insert((*g).to_owned(), link.local_id);
        }
    }
    Ok(out)
}

both_backends!(
    full_sync_matches_the_oneroster_csv_import,
    |db| async move {
        let d = district(300, 21);
        let s = d.summary();
        let fake = FakeClever::start(CleverDataset::from_district(&d), TOKEN).await?;
        let id = clever_connector(&db.store, &fake).await?;
        let done = run(&db.store, &id, SyncMode::Full, false).await?;
        assert_eq!(done.outcome, RunOutcome::Succeeded, "{:?}", done.run.error);
        assert!(done.errors().is_empty(), "{:?}", done.errors());
        let clever = census(&db.store).await?;
        assert_eq!(clever, expect(&s));
        assert_eq!(
            clever,
            csv_census(&db, &[&d]).await?,
            "same as the OneRoster CSV import"
        );
        assert_eq!(done.of("person").merged, s.guardian_teachers as u64);

        // Every generated person and class is linked, by the ids the fake gave it.
        let data = fake.dataset();
        let people_links =
            linked(&db.store, &id, "person", &data, &["stu-", "stf-", "gdn-"]).await?;
        assert_eq!(people_links.len(), s.users);
        let distinct: BTreeSet<&String> = people_links.values().collect();
        assert_eq!(distinct.len(), s.expected_people);
        let classes = linked(&db.store, &id, "class", &data, &["cls-"]).await?;
        assert_eq!(classes.len(), s.classes);
        // Relationships: exactly the generated guardian–student pairs.
        let rel_ids: Vec<String> = d
            .relationships
            .iter()
            .map(|r| {
                format!(
                    "{}|{}",
                    data.clever_id_of(&r.guardian.to_string())
                        .unwrap_or_default(),
                    data.clever_id_of(&r.student.to_string())
                        .unwrap_or_default()
                )
            })
            .collect();
        let rels =
            links::lookup(&mut db.store.conn().await?, &id, "relationship", &rel_ids).await?;
        assert_eq!(
            rels.iter().filter(|l| l.removed_at.is_none()).count(),
            s.relationships
        );

        // The delta cursor was stored.
        let row = connectors::get(&mut db.store.conn().await?, &done.run.district_id, &id)
            .await?
            .context("connector")?;
        assert!(
            row.delta_cursor
                .as_deref()
                .and_then(ObjectId::parse)
                .is_some()
        );
        Ok(())
    }
);

both_backends!(events_delta_converges_to_the_next_day, |db| async move {
    let d1 = district(300, 33);
    let (d2, _churn) = d1.next_day(10.0, 33);
    let fake = FakeClever::start(CleverDataset::from_district(&d1), TOKEN).await?;
    let id = clever_connector(&db.store, &fake).await?;
    let first = run(&db.store, &id, SyncMode::Full, false).await?;
    assert_eq!(
        first.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        first.run.error
    );
    let day1 = fake.dataset();
    let before = linked(&db.store, &id, "person", &day1, &["gdn-"]).await?;

    assert!(fake.advance_to(&d2) > 0);
    let day2 = fake.dataset();
    let delta = run(&db.store, &id, SyncMode::Delta, false).await?;
    assert_eq!(
        delta.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        delta.run.error
    );
    assert!(delta.errors().is_empty(), "{:?}", delta.errors());
    let now = census(&db.store).await?;
    let mut want = expect(&d2.summary());
    want.archived_people = now.archived_people;
    assert_eq!(now, want);

    // Contacts without an SIS id that changed were deleted and re-created by Clever under new
    // ids; those still reachable by the same e-mail or phone are the same person as before.
    // One whose only contact point changed cannot be recognised: it becomes a new person and
    // the old one is archived.
    let after = linked(&db.store, &id, "person", &day2, &["gdn-"]).await?;
    let (mut churned, mut unrecognisable) = (0, 0);
    for g2 in d2.guardians.iter().filter(|g| g.id.0 % 3 == 0) {
        let key = g2.id.to_string();
        let (Some(old), Some(new)) = (day1.clever_id_of(&key), day2.clever_id_of(&key)) else {
            continue;
        };
        let Some(g1) = d1.guardian(g2.id) else {
            continue;
        };
        let same_point = (g1.email.is_some() && g1.email == g2.email)
            || (g1.phone.is_some() && g1.phone == g2.phone);
        if old == new {
            continue;
        }
        if !same_point {
            unrecognisable += 1;
            continue;
        }
        churned += 1;
        assert_eq!(
            before.get(&key),
            after.get(&key),
            "{key}: one person across the id change"
        );
        let local = after.get(&key).context("linked")?;
        let person =
            people::get_many(&mut db.store.conn().await?, std::slice::from_ref(local)).await?;
        assert_eq!(person[0].status, Status::Active, "{key} stays active");
    }
    assert!(churned > 0, "the churn re-created some sis-less contacts");
    let mut csv = csv_census(&db, &[&d1, &d2]).await?;
    csv.archived_people += unrecognisable;
    assert_eq!(now, csv, "as if day two were imported whole");

    // Nothing new: an empty delta changes nothing.
    let quiet = run(&db.store, &id, SyncMode::Delta, false).await?;
    assert_eq!(quiet.outcome, RunOutcome::Succeeded);
    assert_eq!(census(&db.store).await?, now);
    Ok(())
});

both_backends!(faults_leave_the_previous_data_intact, |db| async move {
    let d = district(150, 5);
    let fake = FakeClever::start(CleverDataset::from_district(&d), TOKEN).await?;
    let id = clever_connector(&db.store, &fake).await?;
    let first = run(&db.store, &id, SyncMode::Full, false).await?;
    assert_eq!(
        first.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        first.run.error
    );
    let good = census(&db.store).await?;

    fake.faults().malformed_next(1);
    let failed = run(&db.store, &id, SyncMode::Full, false).await?;
    assert!(
        matches!(&failed.outcome, RunOutcome::Failed(m) if m.contains("malformed")),
        "{:?}",
        failed.outcome
    );
    assert_eq!(census(&db.store).await?, good);

    fake.faults().set_empty_roster(true);
    let held = run(&db.store, &id, SyncMode::Full, false).await?;
    assert!(
        matches!(&held.outcome, RunOutcome::Held(m) if m.contains("empty roster")),
        "{:?}",
        held.outcome
    );
    assert_eq!(census(&db.store).await?, good);
    fake.faults().clear();

    // A delta whose cursor is past Clever's 30-day window runs as a full snapshot.
    let d2 = d.next_day(10.0, 5).0;
    fake.advance_to(&d2);
    let old = ObjectId::from_parts(
        std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 86_400),
        1,
    );
    connectors::record_success(&mut db.store.conn().await?, &id, Some(old.as_str())).await?;
    let fallback = run(&db.store, &id, SyncMode::Delta, false).await?;
    assert_eq!(
        fallback.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        fallback.run.error
    );
    assert_eq!(fallback.with_code("delta_fell_back_to_full").len(), 1);
    let now = census(&db.store).await?;
    let mut want = expect(&d2.summary());
    want.archived_people = now.archived_people;
    assert_eq!(now, want, "removals applied as after a full snapshot");
    assert!(now.archived_people > 0);
    Ok(())
});
