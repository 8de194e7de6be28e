//! Every identity rule as its own test, through hand-written OneRoster CSV files.

use homeroom_schema::enums::{
    AccountState, ConnectorKind, ContactKind, RelationshipStatus, Role, SyncMode,
};
use homeroom_schema::scope::Scope;
use homeroom_schema::store::people::PersonFilter;
use homeroom_schema::store::relationships::RelationshipFilter;
use homeroom_schema::store::{classes, contacts, districts, people, relationships};
use homeroom_sync::RunOutcome;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{Finished, add_connector, csv_connector, run};

fn user<'a>(
    id: &'a str,
    role: &'a str,
    name: &'a str,
    email: &'a str,
    phone: &'a str,
    agents: &'a str,
) -> User<'a> {
    let (given, family) = name.split_once(' ').unwrap_or((name, ""));
    User {
        id,
        role,
        given,
        family,
        identifier: id,
        email,
        phone,
        agents,
    }
}

async fn sync(
    db: &homeroom_tests::TestDb,
    dir: &std::path::Path,
) -> anyhow::Result<(String, Finished)> {
    let connector = csv_connector(&db.store, dir).await?;
    let done = run(&db.store, &connector, SyncMode::Full, false).await?;
    assert_eq!(done.outcome, RunOutcome::Succeeded, "{:?}", done.run.error);
    Ok((connector, done))
}

async fn people_named(
    db: &homeroom_tests::TestDb,
    text: &str,
) -> anyhow::Result<Vec<homeroom_schema::models::Person>> {
    let mut c = db.store.conn().await?;
    let d = districts::get_default(&mut c).await?.expect("district");
    let page = people::list(
        &mut c,
        &d.id,
        &Scope::District,
        &PersonFilter {
            search: Some(text.into()),
            ..Default::default()
        },
        &homeroom_schema::page::PageRequest {
            first: Some(100),
            after: None,
        },
    )
    .await?;
    Ok(page.items)
}

async fn count_links(
    db: &homeroom_tests::TestDb,
    status: RelationshipStatus,
) -> anyhow::Result<i64> {
    let mut c = db.store.conn().await?;
    let d = districts::get_default(&mut c).await?.expect("district");
    Ok(relationships::count(
        &mut c,
        &d.id,
        &Scope::District,
        &RelationshipFilter {
            status: Some(status),
            ..Default::default()
        },
    )
    .await?)
}

both_backends!(
    siblings_sharing_a_family_email_stay_separate,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user(
                    "s1",
                    "student",
                    "Ana Park",
                    "park.family@example.com",
                    "",
                    "p1",
                ),
                user(
                    "s2",
                    "student",
                    "Ben Park",
                    "park.family@example.com",
                    "",
                    "p1",
                ),
                user(
                    "p1",
                    "parent",
                    "Mina Park",
                    "park.family@example.com",
                    "",
                    "s1,s2",
                ),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        assert_eq!(
            people_named(&db, "park").await?.len(),
            3,
            "two students and their parent"
        );
        assert_eq!(done.with_code("student_adult_shared_email").len(), 2);
        assert_eq!(count_links(&db, RelationshipStatus::Active).await?, 2);
        Ok(())
    }
);

both_backends!(
    a_shared_home_phone_never_joins_different_names,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user("s1", "student", "Ana Lee", "", "", "p1,p2"),
                user("p1", "parent", "Ann Lee", "", "+1 (201) 555-0134", "s1"),
                user("p2", "parent", "Bob Lee", "", "(201) 555-0134", "s1"),
                user("p3", "guardian", "ANN LEE", "", "201.555.0134", ""),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        let lees = people_named(&db, "lee").await?;
        // Ann (twice, same phone and same names: one person), Bob apart, and the student.
        assert_eq!(lees.len(), 3, "{lees:?}");
        assert_eq!(done.with_code("shared_phone").len(), 1, "{:?}", done.issues);
        assert_eq!(done.of("person").merged, 1);
        // The phone stays with Ann only.
        let mut c = db.store.conn().await?;
        let bob = lees.iter().find(|p| p.given_name == "Bob").expect("bob");
        assert!(
            contacts::of_people(&mut c, std::slice::from_ref(&bob.id))
                .await?
                .is_empty()
        );
        Ok(())
    }
);

both_backends!(
    a_teacher_who_is_a_parent_is_one_person_with_two_roles,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user(
                    "t1",
                    "teacher",
                    "Maria Garcia",
                    "Maria.Garcia@School.example",
                    "",
                    "",
                ),
                user("s1", "student", "Leo Garcia", "", "", "p1"),
                user(
                    "p1",
                    "parent",
                    "Maria Garcia",
                    "maria.garcia@school.example ",
                    "",
                    "s1",
                ),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        let marias = people_named(&db, "maria").await?;
        assert_eq!(marias.len(), 1);
        let mut c = db.store.conn().await?;
        let roles: Vec<Role> = people::roles_of(&mut c, std::slice::from_ref(&marias[0].id))
            .await?
            .into_iter()
            .map(|r| r.role)
            .collect();
        assert!(
            roles.contains(&Role::Teacher) && roles.contains(&Role::Guardian),
            "{roles:?}"
        );
        assert_eq!(done.of("person").merged, 1);
        assert_eq!(count_links(&db, RelationshipStatus::Active).await?, 1);
        Ok(())
    }
);

both_backends!(
    one_guardian_listed_under_two_students_is_one_person,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user("s1", "student", "Ana Okafor", "", "", "g-under-s1"),
                user("s2", "student", "Ben Okafor", "", "", "g-under-s2"),
                user(
                    "g-under-s1",
                    "guardian",
                    "Ify Okafor",
                    "ify@example.com",
                    "",
                    "s1",
                ),
                user(
                    "g-under-s2",
                    "guardian",
                    "Ify Okafor",
                    "IFY@example.com",
                    "",
                    "s2",
                ),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        assert_eq!(people_named(&db, "ify").await?.len(), 1);
        assert_eq!(done.of("person").merged, 1);
        assert_eq!(count_links(&db, RelationshipStatus::Active).await?, 2);
        Ok(())
    }
);

both_backends!(
    agents_pointing_at_teachers_and_six_guardians_are_alerts,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user("s1", "student", "Sam Many", "", "", "t1,g1,g2,g3,g4,g5,g6"),
                user("g1", "guardian", "G1 Many", "g1@example.com", "", "s1"),
                user("g2", "guardian", "G2 Many", "g2@example.com", "", "s1"),
                user("g3", "guardian", "G3 Many", "g3@example.com", "", "s1"),
                user("g4", "relative", "G4 Many", "g4@example.com", "", "s1"),
                user("g5", "relative", "G5 Many", "g5@example.com", "", "s1"),
                user("g6", "parent", "G6 Many", "g6@example.com", "", "s1"),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        assert_eq!(
            done.with_code("agent_not_guardian").len(),
            1,
            "{:?}",
            done.issues
        );
        assert_eq!(done.with_code("many_guardians").len(), 1);
        assert_eq!(
            count_links(&db, RelationshipStatus::Active).await?,
            6,
            "no link to the teacher"
        );
        Ok(())
    }
);

both_backends!(
    unknown_references_reject_only_that_record,
    |db| async move {
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user("s1", "student", "Ana Real", "", "", "ghost"),
            ],
        )?;
        // An enrollment of a user who is not in users.csv.
        let path = dir.0.join("enrollments.csv");
        let mut text = std::fs::read_to_string(&path)?;
        text.push_str("e-nobody,,,c1,s1,nobody,student,false,,\n");
        std::fs::write(&path, text)?;
        let (_, done) = sync(&db, &dir.0).await?;
        let errors = done.errors();
        assert_eq!(
            errors.len(),
            2,
            "the enrollment and the link to a ghost: {errors:?}"
        );
        assert!(errors.iter().all(|e| e.code == "unknown_reference"));
        assert_eq!(
            done.of("enrollment").created,
            2,
            "the teacher's and the student's"
        );
        Ok(())
    }
);

both_backends!(
    tombstones_and_local_fields_survive_a_resync,
    |db| async move {
        let dir = TempDir::new("id")?;
        let users = [
            user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
            user("s1", "student", "Ana Kim", "", "", "p1"),
            user("p1", "parent", "Jin Kim", "jin@example.com", "", "s1"),
        ];
        write(&dir.0, &users)?;
        let (connector, _) = sync(&db, &dir.0).await?;
        let mut c = db.store.conn().await?;
        let d = districts::get_default(&mut c).await?.expect("district");
        // A person removes the link by hand; a teacher renames and claims the class.
        let link = relationships::list(
            &mut c,
            &d.id,
            &Scope::District,
            &RelationshipFilter::default(),
            &Default::default(),
        )
        .await?
        .items
        .remove(0);
        let tina = people_named(&db, "tina").await?.remove(0);
        relationships::remove_by_person(&mut c, &link.id, &tina.id).await?;
        let class = classes::list(
            &mut c,
            &d.id,
            &Scope::District,
            &Default::default(),
            &Default::default(),
        )
        .await?
        .items
        .remove(0);
        classes::set_local_title(&mut c, &class.id, Some("Ms. Teach's Math")).await?;
        classes::claim(&mut c, &d.id, &class.id, &tina.id).await?;
        // The SIS renames the class and still sends the link.
        let path = dir.0.join("classes.csv");
        std::fs::write(
            &path,
            std::fs::read_to_string(&path)?.replace("Math 5 - A", "Math 5 - Section A"),
        )?;
        let again = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(again.outcome, RunOutcome::Succeeded);
        assert_eq!(again.with_code("tombstoned_relationship").len(), 1);
        let link_after = relationships::get(&mut c, &d.id, &link.id)
            .await?
            .expect("link");
        assert_eq!(link_after.status, RelationshipStatus::Removed);
        let class_after = classes::get(&mut c, &d.id, &class.id)
            .await?
            .expect("class");
        assert_eq!(class_after.sis_title, "Math 5 - Section A");
        assert_eq!(class_after.title(), "Ms. Teach's Math");
        assert_eq!(class_after.claimed_by.as_deref(), Some(tina.id.as_str()));
        Ok(())
    }
);

both_backends!(
    claimed_accounts_join_only_through_verified_contact_points,
    |db| async move {
        let mut c = db.store.conn().await?;
        let d = districts::ensure_default(&mut c, "D").await?;
        for (name, email, verified) in [
            ("Una Verified", "una@example.com", true),
            ("Cal Claimed", "cal@example.com", false),
        ] {
            let (given, family) = name.split_once(' ').expect("name");
            let mut p = people::new_person(&d.id, given, family);
            p.account_state = AccountState::Claimed;
            people::insert(&mut c, &p).await?;
            people::add_role(
                &mut c,
                &p,
                Role::Guardian,
                None,
                homeroom_schema::enums::RecordSource::Manual,
            )
            .await?;
            let mut cp = homeroom_tests::fixture::email(&d.id, &p.id, email, true);
            cp.kind = ContactKind::Email;
            cp.verified_at = verified.then(homeroom_schema::ids::now_micros);
            contacts::insert(&mut c, &[cp]).await?;
        }
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina Teach", "tina@school.example", "", ""),
                user("s1", "student", "Ana Student", "", "", "g1,g2"),
                user(
                    "g1",
                    "guardian",
                    "Una Verified",
                    "una@example.com",
                    "",
                    "s1",
                ),
                user("g2", "guardian", "Cal Claimed", "cal@example.com", "", "s1"),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        assert_eq!(
            people_named(&db, "una").await?.len(),
            1,
            "joined through a verified email"
        );
        assert_eq!(
            people_named(&db, "cal").await?.len(),
            2,
            "kept apart: the email was never verified"
        );
        assert_eq!(done.with_code("merge_suggestion").len(), 1);
        Ok(())
    }
);

fn student<'a>(id: &'a str, name: &'a str, number: &'a str) -> User<'a> {
    User {
        identifier: number,
        ..user(id, "student", name, "", "", "")
    }
}

both_backends!(
    two_records_of_one_source_sharing_a_student_number_are_two_children,
    |db| async move {
        // A public export had two different children under one `identifier`: merging them
        // would show each child's guardians the other child's classes.
        let dir = TempDir::new("id")?;
        write(
            &dir.0,
            &[
                student("s1", "Ana Diaz", "4711"),
                student("s2", "Ben Diaz", "4711"),
            ],
        )?;
        let (_, done) = sync(&db, &dir.0).await?;
        assert_eq!(people_named(&db, "diaz").await?.len(), 2, "two children");
        assert_eq!(done.of("person").created, 2);
        assert_eq!(done.of("person").merged, 0);
        let mut flagged: Vec<String> = done
            .with_code("duplicate_student_number")
            .iter()
            .filter_map(|i| i.external_id.clone())
            .collect();
        flagged.sort();
        assert_eq!(flagged, ["s1", "s2"], "both records are flagged");
        // A second run changes nothing and merges nothing.
        let again = run(&db.store, &done.run.connector_id, SyncMode::Full, false).await?;
        assert_eq!(again.of("person").merged, 0);
        assert_eq!(people_named(&db, "diaz").await?.len(), 2);
        Ok(())
    }
);

both_backends!(
    a_student_number_joins_another_source_only_under_the_same_names,
    |db| async move {
        let first = TempDir::new("id")?;
        write(
            &first.0,
            &[
                student("a-1", "Cleo Nash", "5001"),
                student("a-2", "Dev Rao", "5002"),
            ],
        )?;
        sync(&db, &first.0).await?;
        // Another source sends the same two numbers: Cleo under her names, and someone else
        // under Dev's number.
        let second = TempDir::new("id")?;
        write(
            &second.0,
            &[
                student("b-1", "cleo NASH", "5001"),
                student("b-2", "Eli Rao", "5002"),
            ],
        )?;
        let other = add_connector(
            &db.store,
            ConnectorKind::OneRosterCsv,
            "Second SIS",
            serde_json::json!({ "path": second.0.display().to_string() }),
        )
        .await?;
        let done = run(&db.store, &other, SyncMode::Full, false).await?;
        assert_eq!(done.outcome, RunOutcome::Succeeded, "{:?}", done.run.error);
        assert_eq!(done.of("person").merged, 1, "Cleo is one person");
        assert_eq!(done.of("person").created, 1, "Eli is not Dev");
        assert_eq!(people_named(&db, "nash").await?.len(), 1);
        assert_eq!(people_named(&db, "rao").await?.len(), 2);
        let flagged: Vec<String> = done
            .with_code("duplicate_student_number")
            .iter()
            .filter_map(|i| i.external_id.clone())
            .collect();
        assert_eq!(flagged, ["b-2"]);
        Ok(())
    }
);
