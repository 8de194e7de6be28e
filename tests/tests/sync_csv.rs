//! The sync engine end to end through the OneRoster CSV connector, on both backends.

use homeroom_district_gen::{GenerateOptions, generate_to_dir};
use homeroom_schema::enums::{ConnectorKind, SyncMode};
use homeroom_sync::RunOutcome;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::expect;
use homeroom_tests::sync::{Census, add_connector, census, csv_connector, district, run};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(to)? {
        std::fs::remove_file(entry?.path())?;
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

both_backends!(
    generated_district_imports_resyncs_and_churns_exactly,
    |db| async move {
        let dir = TempDir::new("gen")?;
        let report = generate_to_dir(
            GenerateOptions {
                students: 300,
                seed: 7,
                churn_pct: Some(5.0),
            },
            &dir.0,
        )?;
        let day1 = &report.day1.summary;
        let live = dir.0.join("live");
        copy_dir(&dir.0.join("day1"), &live)?;
        let connector = csv_connector(&db.store, &live).await?;

        // Dry run first: the same report, nothing written.
        let dry = run(&db.store, &connector, SyncMode::Full, true).await?;
        assert_eq!(dry.outcome, RunOutcome::Succeeded, "{:?}", dry.run.error);
        assert_eq!(
            census(&db.store).await?,
            Census::default(),
            "a dry run writes nothing"
        );
        assert_eq!(
            dry.of("person").created + dry.of("person").merged,
            day1.users as u64
        );

        // The import.
        let first = run(&db.store, &connector, SyncMode::Full, false).await?;
        first.assert_clean();
        let mut after_first = expect(day1);
        after_first.archived_people = 0;
        assert_eq!(census(&db.store).await?, after_first);
        assert_eq!(
            first.of("person").merged,
            day1.guardian_teachers as u64,
            "a guardian who teaches is one person"
        );
        assert_eq!(first.of("enrollment").created, day1.enrollments as u64);
        // Each link is written once: the guardian's side (which carries the kind) comes first,
        // and the student's side finds the link made.
        assert_eq!(
            (
                first.of("relationship").created,
                first.of("relationship").updated
            ),
            (day1.relationships as u64, 0)
        );
        assert_eq!(
            first.with_code("shared_phone").len(),
            day1.shared_phone_pairs
        );
        assert_eq!(
            first.of("person").created + first.of("person").merged,
            dry.of("person").created + dry.of("person").merged
        );

        // Nothing changed: nothing is written.
        let second = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(second.outcome, RunOutcome::Succeeded);
        for entity in [
            "person",
            "class",
            "enrollment",
            "relationship",
            "org",
            "course",
            "term",
        ] {
            let c = second.of(entity);
            assert_eq!(
                (c.created, c.updated, c.archived),
                (0, 0, 0),
                "{entity}: {c:?}"
            );
            assert!(c.unchanged > 0, "{entity}");
        }
        assert_eq!(census(&db.store).await?, after_first);

        // Day two: adds, updates and removals converge to the new snapshot.
        copy_dir(&dir.0.join("day2"), &live)?;
        let third = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            third.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            third.run.error
        );
        let day2 = &report.day2.as_ref().expect("day2").summary;
        let now = census(&db.store).await?;
        let mut want = expect(day2);
        want.archived_people = now.archived_people;
        assert_eq!(now, want);
        let churn = report.churn.as_ref().expect("churn");
        assert!(
            now.archived_people > 0,
            "leavers are archived, not deleted: {churn:?}"
        );
        assert!(third.of("person").archived > 0);
        Ok(())
    }
);

both_backends!(mass_removal_is_held_until_confirmed, |db| async move {
    let dir = TempDir::new("gen")?;
    generate_to_dir(
        GenerateOptions {
            students: 120,
            seed: 1,
            churn_pct: None,
        },
        dir.0.join("a"),
    )?;
    generate_to_dir(
        GenerateOptions {
            students: 40,
            seed: 1,
            churn_pct: None,
        },
        dir.0.join("b"),
    )?;
    let live = dir.0.join("live");
    copy_dir(&dir.0.join("a/day1"), &live)?;
    let connector = csv_connector(&db.store, &live).await?;
    run(&db.store, &connector, SyncMode::Full, false).await?;
    let before = census(&db.store).await?;

    // A much smaller roster: more than 10% would go. Held, nothing removed.
    copy_dir(&dir.0.join("b/day1"), &live)?;
    let held = run(&db.store, &connector, SyncMode::Full, false).await?;
    assert!(
        matches!(held.outcome, RunOutcome::Held(_)),
        "{:?}",
        held.outcome
    );
    let during = census(&db.store).await?;
    assert_eq!(during.archived_people, 0, "nothing archived while held");
    assert!(during.students >= before.students);
    assert!(during.classes >= before.classes);
    assert!(!held.with_code("would_remove").is_empty());
    // The held run keeps what it saw unchanged: its confirmation needs it.
    let seen = async || -> anyhow::Result<i64> {
        Ok(homeroom_schema::store::links::count_seen(&mut db.store.conn().await?).await?)
    };
    assert!(seen().await? > 0);

    // Discarding keeps everything; a second held run can be confirmed.
    let service = homeroom_service::sync::SyncService::new(db.store.clone(), None);
    service
        .discard_hold(&held.run.district_id, &held.run.id)
        .await?;
    assert_eq!(census(&db.store).await?.archived_people, 0);
    assert_eq!(seen().await?, 0, "a discarded hold's seen rows go");
    let again = run(&db.store, &connector, SyncMode::Full, false).await?;
    assert!(matches!(again.outcome, RunOutcome::Held(_)));
    let confirmed = service
        .confirm_hold(&again.run.district_id, &again.run.id)
        .await?;
    assert_eq!(
        confirmed.status,
        homeroom_schema::enums::SyncStatus::Succeeded
    );
    let after = census(&db.store).await?;
    assert!(after.archived_people > 0);
    assert!(after.students < before.students);
    assert_eq!(seen().await?, 0, "a confirmed hold's seen rows go");
    // A no-change re-sync archives nothing more and leaves no seen rows behind.
    let same = run(&db.store, &connector, SyncMode::Full, false).await?;
    assert_eq!(same.outcome, RunOutcome::Succeeded);
    assert!(same.of("person").unchanged > 0);
    assert_eq!(census(&db.store).await?, after);
    assert_eq!(seen().await?, 0);
    Ok(())
});

both_backends!(
    an_empty_roster_is_held_and_changes_nothing,
    |db| async move {
        let dir = TempDir::new("gen")?;
        generate_to_dir(
            GenerateOptions {
                students: 60,
                seed: 3,
                churn_pct: None,
            },
            &dir.0,
        )?;
        let live = dir.0.join("live");
        copy_dir(&dir.0.join("day1"), &live)?;
        let connector = csv_connector(&db.store, &live).await?;
        run(&db.store, &connector, SyncMode::Full, false).await?;
        let before = census(&db.store).await?;
        // Every file keeps only its header.
        for entry in std::fs::read_dir(&live)? {
            let path = entry?.path();
            if path.file_name().is_some_and(|n| n != "manifest.csv") {
                let text = std::fs::read_to_string(&path)?;
                let header = text.lines().next().unwrap_or_default().to_owned();
                std::fs::write(&path, format!("{header}\n"))?;
            }
        }
        let held = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(
            matches!(held.outcome, RunOutcome::Held(_)),
            "{:?}",
            held.outcome
        );
        assert_eq!(census(&db.store).await?, before);
        Ok(())
    }
);

both_backends!(
    a_broken_file_fails_the_run_and_keeps_the_last_good_data,
    |db| async move {
        let dir = TempDir::new("gen")?;
        generate_to_dir(
            GenerateOptions {
                students: 60,
                seed: 4,
                churn_pct: None,
            },
            &dir.0,
        )?;
        let live = dir.0.join("live");
        copy_dir(&dir.0.join("day1"), &live)?;
        let connector = csv_connector(&db.store, &live).await?;
        run(&db.store, &connector, SyncMode::Full, false).await?;
        let before = census(&db.store).await?;
        // enrollments.csv loses its header's required column.
        let path = live.join("enrollments.csv");
        let text = std::fs::read_to_string(&path)?.replacen("classSourcedId", "classSourceId", 1);
        std::fs::write(&path, text)?;
        let failed = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(
            matches!(failed.outcome, RunOutcome::Failed(_)),
            "{:?}",
            failed.outcome
        );
        let message = failed.run.error.clone().unwrap_or_default();
        assert!(message.contains("enrollments"), "names the file: {message}");
        assert_eq!(census(&db.store).await?, before, "nothing removed or lost");
        Ok(())
    }
);

both_backends!(
    rest_and_csv_connectors_refuse_bad_config_clearly,
    |db| async move {
        let err = add_connector(
            &db.store,
            ConnectorKind::OneRosterCsv,
            "x",
            serde_json::json!({}),
        )
        .await;
        assert!(err.is_err());
        let err = add_connector(
        &db.store,
        ConnectorKind::OneRosterRest,
        "y",
        serde_json::json!({ "base_url": "http://127.0.0.1:9", "version": "9.9", "client_id": "a", "client_secret": "b" }),
    )
    .await;
        assert!(err.is_err());
        Ok(())
    }
);

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/oneroster")
        .join(name)
}

both_backends!(
    the_public_delta_fixture_imports_without_errors,
    |db| async move {
        let connector = csv_connector(&db.store, &fixture("v1p2_delta_small.zip")).await?;
        // A delta export is a change set: a full snapshot of it is refused, a delta sync applies it.
        let full = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(
            matches!(full.outcome, RunOutcome::Failed(_)),
            "{:?}",
            full.outcome
        );
        let delta = run(&db.store, &connector, SyncMode::Delta, false).await?;
        assert_eq!(
            delta.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            delta.run.error
        );
        assert!(delta.errors().is_empty(), "{:?}", delta.errors());
        let c = census(&db.store).await?;
        assert_eq!((c.students, c.classes), (1, 1), "{c:?}");
        assert!(c.enrollments >= 1);
        Ok(())
    }
);

both_backends!(
    misspelled_headers_are_reported_never_silently,
    |db| async move {
        let connector = csv_connector(&db.store, &fixture("v1p2_misspelled_headers.zip")).await?;
        let done = run(&db.store, &connector, SyncMode::Full, false).await?;
        // What is valid is imported; every unknown column and bad value is in the report.
        assert!(
            !done.issues.is_empty(),
            "never silently: {:?}",
            done.outcome
        );
        let unknown = done.with_code("unknown_column");
        assert!(!unknown.is_empty(), "{:?}", done.issues);
        let text: String = unknown
            .iter()
            .map(|i| i.message.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("dataLastModified"), "{text}");
        assert!(text.to_lowercase().contains("preffered"), "{text}");
        Ok(())
    }
);

/// Appends a copy of the first data row of `dir/file` at its end; returns that row's id.
fn repeat_first_row(dir: &std::path::Path, file: &str) -> anyhow::Result<String> {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)?;
    let first = text
        .lines()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("{file} has no rows"))?
        .to_owned();
    let mut out = text;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&first);
    out.push('\n');
    std::fs::write(&path, out)?;
    Ok(first.split(',').next().unwrap_or_default().to_owned())
}

both_backends!(
    a_record_sent_twice_on_a_first_import_is_applied_once,
    |db| async move {
        // A first import looks up no links for kinds the connector never linked; a record the
        // SIS repeats pages later must still be recognised as the one already applied.
        let dir = TempDir::new("gen")?;
        let day1 = &district(&dir.0, 150, 11)?;
        let live = dir.0.join("live");
        copy_dir(&dir.0.join("day1"), &live)?;
        let user = repeat_first_row(&live, "users.csv")?;
        let enrollment = repeat_first_row(&live, "enrollments.csv")?;
        assert!(!user.is_empty() && !enrollment.is_empty());
        let connector = add_connector(
            &db.store,
            ConnectorKind::OneRosterCsv,
            "small pages",
            serde_json::json!({ "path": live.display().to_string(), "page_size": 25 }),
        )
        .await?;

        let first = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            first.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            first.run.error
        );
        assert!(first.errors().is_empty(), "{:?}", first.errors());
        assert_eq!(census(&db.store).await?, expect(day1), "nothing doubled");
        assert_eq!(first.of("enrollment").created, day1.enrollments as u64);

        // The next run sees every record as it left it.
        let again = run(&db.store, &connector, SyncMode::Full, false).await?;
        again.assert_clean();
        assert_eq!(again.of("enrollment").created, 0);
        assert_eq!(again.of("person").created, 0);
        assert_eq!(census(&db.store).await?, expect(day1));
        Ok(())
    }
);
