//! Storage: migrations, constraints of the identity rules, pagination.

use homeroom_schema::enums::SyncMode;
use homeroom_schema::enums::*;
use homeroom_schema::models::*;
use homeroom_schema::store::{contacts, districts, people};
use homeroom_schema::{StoreError, ids};
use homeroom_tests::both_backends;

fn contact(
    district: &str,
    person: &str,
    kind: ContactKind,
    value: &str,
    adult: bool,
) -> ContactPoint {
    let now = ids::now_micros();
    ContactPoint {
        id: ids::new_id(),
        district_id: district.into(),
        person_id: person.into(),
        kind,
        value: value.into(),
        display_value: value.into(),
        is_adult: adult,
        source: ContactSource::Sis,
        verified_at: None,
        reachability: Reachability::Ok,
        unreachable_reason: None,
        unreachable_at: None,
        created_at: now,
        updated_at: now,
    }
}

both_backends!(one_adult_per_contact_point, |db| async move {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "Test District").await?;
    let a = people::new_person(&d.id, "Ann", "Lee");
    let b = people::new_person(&d.id, "Bo", "Lee");
    people::insert(&mut c, &a).await?;
    people::insert(&mut c, &b).await?;
    contacts::insert(
        &mut c,
        &[contact(
            &d.id,
            &a.id,
            ContactKind::Email,
            "fam@example.org",
            true,
        )],
    )
    .await?;
    let clash = contacts::insert(
        &mut c,
        &[contact(
            &d.id,
            &b.id,
            ContactKind::Email,
            "fam@example.org",
            true,
        )],
    )
    .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    // Students may share a family email.
    let s1 = people::new_person(&d.id, "Kid", "Lee");
    let s2 = people::new_person(&d.id, "Kiddo", "Lee");
    people::insert(&mut c, &s1).await?;
    people::insert(&mut c, &s2).await?;
    contacts::insert(
        &mut c,
        &[
            contact(&d.id, &s1.id, ContactKind::Email, "fam@example.org", false),
            contact(&d.id, &s2.id, ContactKind::Email, "fam@example.org", false),
        ],
    )
    .await?;
    let holder =
        contacts::adult_holder(&mut c, &d.id, ContactKind::Email, "fam@example.org").await?;
    assert_eq!(holder.map(|h| h.person_id), Some(a.id.clone()));
    Ok(())
});

fn source_link(district: &str, connector: &str, external: &str, local: &str) -> SourceLink {
    let now = ids::now_micros();
    SourceLink {
        id: ids::new_id(),
        district_id: district.into(),
        connector_id: connector.into(),
        entity_kind: "person".into(),
        external_id: external.into(),
        local_id: local.into(),
        last_run_id: None,
        content_hash: None,
        removed_at: None,
        created_at: now,
        updated_at: now,
    }
}

fn connector_row(district: &str, name: &str) -> Connector {
    let now = ids::now_micros();
    Connector {
        id: ids::new_id(),
        district_id: district.into(),
        kind: ConnectorKind::OneRosterCsv,
        name: name.into(),
        config_public: "{}".into(),
        config_secret: None,
        schedule: None,
        enabled: true,
        last_success_at: None,
        delta_cursor: None,
        created_at: now,
        updated_at: now,
    }
}

both_backends!(identity_constraints_hold, |db| async move {
    use homeroom_schema::store::{connectors, links, relationships, sync_runs};
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "D").await?;
    let conn_row = connector_row(&d.id, "SIS");
    connectors::insert(&mut c, &conn_row).await?;
    // One source link per (connector, kind, external id).
    let p = people::new_person(&d.id, "A", "B");
    people::insert(&mut c, &p).await?;
    links::insert(&mut c, &[source_link(&d.id, &conn_row.id, "ext-1", &p.id)]).await?;
    let dup = links::insert(&mut c, &[source_link(&d.id, &conn_row.id, "ext-1", &p.id)]).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    // A second connector may link the same external id.
    let other = connector_row(&d.id, "Other SIS");
    connectors::insert(&mut c, &other).await?;
    links::insert(&mut c, &[source_link(&d.id, &other.id, "ext-1", &p.id)]).await?;
    // Connector names are unique in a district.
    let same_name = connectors::insert(&mut c, &connector_row(&d.id, "SIS")).await;
    assert!(matches!(same_name, Err(StoreError::Conflict(_))));

    // Students are unique by student number within the district; adults may share none of it.
    let mut s1 = people::new_person(&d.id, "Kid", "One");
    s1.is_student = true;
    s1.student_number = Some("1001".into());
    people::insert(&mut c, &s1).await?;
    let mut s2 = people::new_person(&d.id, "Kid", "Two");
    s2.is_student = true;
    s2.student_number = Some("1001".into());
    assert!(matches!(
        people::insert(&mut c, &s2).await,
        Err(StoreError::Conflict(_))
    ));

    // One relationship per guardian and student; never a person with themselves.
    let g = people::new_person(&d.id, "Guard", "One");
    people::insert(&mut c, &g).await?;
    relationships::insert(
        &mut c,
        &[homeroom_tests::fixture::link(&d.id, &g.id, &s1.id)],
    )
    .await?;
    let again = relationships::insert(
        &mut c,
        &[homeroom_tests::fixture::link(&d.id, &g.id, &s1.id)],
    )
    .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))));
    let selfie = relationships::insert(
        &mut c,
        &[homeroom_tests::fixture::link(&d.id, &g.id, &g.id)],
    )
    .await;
    assert!(matches!(selfie, Err(StoreError::Conflict(_))));

    // One running sync per connector: the second claim fails cleanly.
    let r1 = sync_runs::create(&mut c, &d.id, &conn_row.id, SyncMode::Full, false, None).await?;
    let r2 = sync_runs::create(&mut c, &d.id, &conn_row.id, SyncMode::Full, false, None).await?;
    assert!(
        sync_runs::claim(&mut c, &r1.id, "replica-a", 60_000_000)
            .await?
            .is_some()
    );
    assert!(
        sync_runs::claim(&mut c, &r2.id, "replica-b", 60_000_000)
            .await?
            .is_none()
    );
    // The holder of the run lock finds r1 running with nobody behind it: it fails it as
    // interrupted, and the next claim wins; r1's old holder can no longer renew.
    let dead = sync_runs::fail_interrupted(&mut c, &conn_row.id).await?;
    assert_eq!(
        dead.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [r1.id.as_str()]
    );
    let r1_after = sync_runs::get(&mut c, &r1.id).await?.expect("run");
    assert_eq!(r1_after.status, homeroom_schema::enums::SyncStatus::Failed);
    assert!(
        r1_after
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("interrupted")),
        "{:?}",
        r1_after.error
    );
    assert!(sync_runs::running(&mut c, &conn_row.id).await?.is_none());
    assert!(
        sync_runs::claim(&mut c, &r2.id, "replica-b", 60_000_000)
            .await?
            .is_some()
    );
    assert!(
        !sync_runs::renew(&mut c, &r1.id, "replica-a", 60_000_000).await?,
        "lost lease"
    );
    Ok(())
});

both_backends!(
    a_connectors_run_lock_has_one_holder_and_dies_with_it,
    |db| async move {
        let held = db.store.try_lock_runs("connector-a").await?;
        assert!(held.is_some(), "a free lock is taken");
        assert!(
            db.store.try_lock_runs("connector-a").await?.is_none(),
            "held: nobody else gets it"
        );
        assert!(
            db.store.try_lock_runs("connector-b").await?.is_some(),
            "each connector has its own"
        );
        drop(held);
        assert!(
            db.store.try_lock_runs("connector-a").await?.is_some(),
            "released with its holder"
        );
        Ok(())
    }
);

both_backends!(migrations_run_once_and_again_cleanly, |db| async move {
    // Migrations already ran when the test database was made; running again applies nothing.
    assert!(db.store.migrate().await?.is_empty());
    Ok(())
});

/// `pg_class.reltuples` of `table` (-1 until the table is first analyzed).
async fn reltuples(conn: &mut homeroom_schema::Conn, table: &str) -> anyhow::Result<f32> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Float)]
        reltuples: f32,
    }
    let homeroom_schema::Conn::Pg(c) = conn else {
        anyhow::bail!("PostgreSQL only");
    };
    let rows: Vec<Row> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT reltuples FROM pg_class WHERE relname = $1")
            .bind::<diesel::sql_types::Text, _>(table),
        &mut **c,
    )
    .await?;
    rows.first()
        .map(|r| r.reltuples)
        .ok_or_else(|| anyhow::anyhow!("no table {table}"))
}

both_backends!(sync_tables_get_planner_statistics, |db| async move {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "Test District").await?;
    let rows: Vec<Person> = (0..50)
        .map(|i| people::new_person(&d.id, &format!("P{i}"), "Lee"))
        .collect();
    for p in &rows {
        people::insert(&mut c, p).await?;
    }
    let is_pg = matches!(c, homeroom_schema::Conn::Pg(_));
    if is_pg {
        assert!(
            reltuples(&mut c, "people").await? < 0.0,
            "a fresh table has no statistics"
        );
    }
    homeroom_schema::store::planner_stats::refresh(&mut c).await?;
    if is_pg {
        assert_eq!(reltuples(&mut c, "people").await?, 50.0);
        for table in [
            "enrollments",
            "contact_points",
            "source_links",
            "relationships",
        ] {
            assert!(reltuples(&mut c, table).await? >= 0.0, "{table} analyzed");
        }
    }
    Ok(())
});

both_backends!(
    enrollments_between_returns_exactly_the_pairs_asked,
    |db| async move {
        let fx = homeroom_tests::fixture::load(&db.store).await?;
        let mut c = db.store.conn().await?;
        // S1 is also in A2: asking for (A1, S1) and (A2, S3) names both classes and both students,
        // but not the pair (A2, S1).
        homeroom_schema::store::classes::insert_enrollments(
            &mut c,
            &[homeroom_tests::fixture::enrollment(
                &fx.district_id,
                fx.id("A2"),
                fx.id("S1"),
                EnrollmentRole::Student,
            )],
        )
        .await?;
        let pair = |class: &str, person: &str| (fx.id(class).to_owned(), fx.id(person).to_owned());
        let asked = [
            pair("A1", "S1"),
            pair("A2", "S3"),
            pair("A1", "S1"),
            pair("B1", "S1"),
        ];
        let rows = homeroom_schema::store::classes::enrollments_between(&mut c, &asked).await?;
        let mut got: Vec<(&str, &str)> = rows
            .iter()
            .map(|e| {
                (
                    fx.name_of(&e.class_id).unwrap_or("?"),
                    fx.name_of(&e.person_id).unwrap_or("?"),
                )
            })
            .collect();
        got.sort_unstable();
        assert_eq!(got, [("A1", "S1"), ("A2", "S3")]);
        Ok(())
    }
);

both_backends!(a_corrupt_json_column_is_a_corrupt_error, |db| async move {
    let mut c = db.store.conn().await?;
    let district = districts::ensure_default(&mut c, "District").await?;
    assert_eq!(district.settings(), DistrictSettings::default());
    // Raw SQL, as a bad manual edit or a half-migrated row would leave it.
    c.batch_execute(&format!(
        "UPDATE districts SET settings = '{{\"removal_threshold_pct\": \"lots\"' WHERE id = '{}'",
        district.id
    ))
    .await?;
    match districts::get_default(&mut c).await {
        Err(StoreError::Corrupt(why)) => assert!(why.contains("DistrictSettings"), "{why}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    Ok(())
});

both_backends!(
    run_counts_are_typed_and_never_read_as_zeros,
    |db| async move {
        use homeroom_schema::counts::{Counts, EntityCounts};
        use homeroom_schema::store::{connectors, sync_runs};
        let mut c = db.store.conn().await?;
        let d = districts::ensure_default(&mut c, "D").await?;
        let conn_row = connector_row(&d.id, "SIS");
        connectors::insert(&mut c, &conn_row).await?;
        let run =
            sync_runs::create(&mut c, &d.id, &conn_row.id, SyncMode::Full, false, None).await?;
        assert!(run.counts.0.is_empty());
        let written = vec![EntityCounts {
            entity: "person".into(),
            counts: Counts {
                created: 3,
                rejected: 1,
                ..Counts::default()
            },
        }];
        sync_runs::set_counts(&mut c, &run.id, &written).await?;
        let read = sync_runs::get(&mut c, &run.id).await?.expect("run");
        assert_eq!(read.counts.0, written);
        assert_eq!(read.counts.0[0].counts.records_seen(), 4);
        // A counts column that is not the list (a bad edit, a half-migrated row): an error naming
        // the type, where callers used to read zeros.
        c.batch_execute(&format!(
            "UPDATE sync_runs SET counts = '{{\"person\": 3}}' WHERE id = '{}'",
            run.id
        ))
        .await?;
        match sync_runs::get(&mut c, &run.id).await {
            Err(StoreError::Corrupt(why)) => assert!(why.contains("EntityCounts"), "{why}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
        Ok(())
    }
);
