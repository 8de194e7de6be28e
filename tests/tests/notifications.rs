//! Notifications through the binary, asserted against the local SMTP sink: an initial sync
//! sends nothing; a maintenance sync tells teachers of their new classes; claiming a class tells
//! its invited or claimed families (not archived students' families, not uninvited ones); a held
//! run tells district admins; each notification can be turned off per district.

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::{
    ContactSource, RecordSource, Role, Status, SyncMode, SyncStatus, TokenRole,
};
use homeroom_schema::models::OutboxMessage;
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::store::{contacts, districts, outbox, people};
use homeroom_service::auth::Principal;
use homeroom_service::invitations::Families;
use homeroom_service::invitations::invite::{Selection, invite_families};
use homeroom_tests::both_backends;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::token;
use homeroom_tests::oneroster_files;
use homeroom_tests::oneroster_files::user;
use homeroom_tests::principals;
use homeroom_tests::server::Server;
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::{TestDb, sync};
use serde_json::json;

const PUBLIC: &str = "https://homeroom.test";

const CLAIM: &str = "mutation($id: ID!) { claimClass(id: $id) { class { claimedBy { id } }
  userErrors { code } } }";
const RELEASE: &str = "mutation($id: ID!) { releaseClass(id: $id) { userErrors { code } } }";
const SWITCHES: &str =
    "mutation($i: NotificationSettingsInput!) { setNotificationSettings(input: $i) {
  notificationSettings { teacherNewClasses familiesClassClaimed adminSyncSummary } } }";

async fn start(db: &TestDb, sink: &SmtpSink) -> anyhow::Result<Server> {
    Server::start_with_env(
        &db.url,
        &[],
        &[
            ("HOMEROOM_SMTP_URL", sink.url()),
            ("HOMEROOM_MAIL_FROM", "school@homeroom.test".into()),
            ("HOMEROOM_PUBLIC_URL", PUBLIC.into()),
        ],
    )
    .await
}

async fn notices(db: &TestDb, kind: &str) -> anyhow::Result<Vec<OutboxMessage>> {
    let mut c = db.store.conn().await?;
    let district = districts::get_default(&mut c)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no district"))?;
    Ok(outbox::of_kind(&mut c, &district.id, kind).await?)
}

fn recipients(messages: &[OutboxMessage]) -> Vec<String> {
    let mut r: Vec<String> = messages.iter().map(|m| m.recipient.clone()).collect();
    r.sort();
    r
}

/// A second class `c2` ("Science 5 - B") taught by `teachers`, with every student enrolled.
fn add_class(dir: &std::path::Path, teachers: &[&str], students: &[&str]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut classes = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("classes.csv"))?;
    writeln!(classes, "c2,,,Science 5 - B,05,k1,S5B,scheduled,,s1,y1,,,")?;
    let mut e = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("enrollments.csv"))?;
    for t in teachers {
        writeln!(e, "e2-{t},,,c2,s1,{t},teacher,false,,")?;
    }
    for s in students {
        writeln!(e, "e2-{s},,,c2,s1,{s},student,false,,")?;
    }
    Ok(())
}

both_backends!(
    initial_sync_is_silent_then_teachers_hear_of_new_classes,
    |db| async move {
        let sink = SmtpSink::start().await?;
        let _server = start(&db, &sink).await?;
        let dir = homeroom_tests::db::TempDir::new("notify-teachers")?;
        let roster = |day2: bool| {
            let mut users = vec![
                user("t1", "teacher", "Tina", "tina@school.test", ""),
                user("s1", "student", "Sam", "", ""),
                user("s2", "student", "Sue", "", ""),
                user("g1", "guardian", "Gail", "gail@home.test", "s1"),
            ];
            if day2 {
                users.push(user("t2", "teacher", "Ted", "ted@school.test", ""));
            }
            users
        };
        oneroster_files::write(&dir.0, &roster(false))?;
        let connector = sync::csv_connector(&db.store, &dir.0).await?;

        // The initial sync creates Tina's class and tells nobody.
        let first = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(first.run.status, SyncStatus::Succeeded);
        assert!(notices(&db, "notice.").await?.is_empty());

        // A dry run of the next day tells nobody either.
        oneroster_files::write(&dir.0, &roster(true))?;
        add_class(&dir.0, &["t1", "t2"], &["s1", "s2"])?;
        let dry = sync::run(&db.store, &connector, SyncMode::Full, true).await?;
        assert_eq!(dry.run.status, SyncStatus::Succeeded);
        assert!(notices(&db, "notice.").await?.is_empty());

        // The maintenance sync adds Science 5 - B for Tina and for Ted (new): each hears of it,
        // and Tina not of Math, which she already had.
        let second = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(second.run.status, SyncStatus::Succeeded);
        let queued = notices(&db, "notice.teacher_new_classes").await?;
        assert_eq!(recipients(&queued), ["ted@school.test", "tina@school.test"]);
        sink.wait_for(2).await?;
        for to in ["tina@school.test", "ted@school.test"] {
            let mails = sink.mails_to(to);
            assert_eq!(mails.len(), 1, "{to}");
            let text = mails[0].text();
            assert!(text.contains("Science 5 - B"), "{text}");
            assert!(!text.contains("Math 5 - A"), "{text}");
        }
        assert!(sink.mails_to("gail@home.test").is_empty());

        // A sync with nothing new tells nobody.
        let third = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(third.run.status, SyncStatus::Succeeded);
        assert_eq!(notices(&db, "notice.teacher_new_classes").await?.len(), 2);
        Ok(())
    }
);

both_backends!(families_hear_when_their_class_is_claimed, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let sink = SmtpSink::start().await?;
    let server = start(&db, &sink).await?;
    let families = Families::new(PUBLIC);
    let p = admin(&fx);
    // G1 (S1, S2 in A1) and G3 (S4 in B1) are invited; S4 is then archived. G2 (S3 in A2) is
    // never invited.
    invite_families(&db.store, &families, &p, fx.id("A1"), Selection::All, None).await?;
    invite_families(&db.store, &families, &p, fx.id("B1"), Selection::All, None).await?;
    sink.wait_for(2).await?;
    {
        let mut c = db.store.conn().await?;
        status::set(
            &mut c,
            Archivable::Person,
            &[fx.id("S4").to_owned()],
            Status::Archived,
        )
        .await?;
    }
    let class = |name: &str| encode(NodeKind::Class, fx.id(name)).0;
    for (teacher, name) in [("TA", "A1"), ("TC", "B1")] {
        let t = token(&db.store, TokenRole::Teacher, Some(fx.id(teacher))).await?;
        let out = server
            .graphql(Some(&t), CLAIM, json!({"id": class(name)}))
            .await?;
        assert_eq!(out["data"]["claimClass"]["userErrors"], json!([]), "{out}");
    }
    // A2 was claimed by TB: releasing and claiming again tells nobody (G2 was never invited).
    let tb = token(&db.store, TokenRole::Teacher, Some(fx.id("TB"))).await?;
    server
        .graphql(Some(&tb), RELEASE, json!({"id": class("A2")}))
        .await?;
    server
        .graphql(Some(&tb), CLAIM, json!({"id": class("A2")}))
        .await?;

    let queued = notices(&db, "notice.class_claimed").await?;
    assert_eq!(recipients(&queued), ["g1@example.org"]);
    sink.wait_for(3).await?;
    let mails = sink.mails_to("g1@example.org");
    assert_eq!(mails.len(), 2, "the invitation and the notice");
    let notice = mails
        .iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.contains("is now on Homeroom"))
        })
        .ok_or_else(|| anyhow::anyhow!("no class notice"))?;
    let text = notice.text();
    assert!(text.contains("Tia Alpha") && text.contains("A1"), "{text}");
    assert!(text.contains("Sol") && text.contains("Sia"), "{text}");
    assert_eq!(
        sink.mails_to("g3@example.org").len(),
        1,
        "only the invitation"
    );

    // Turned off: claiming again after a release tells nobody.
    let admin_token = token(&db.store, TokenRole::DistrictAdmin, None).await?;
    let out = server
        .graphql(
            Some(&admin_token),
            SWITCHES,
            json!({"i": {"familiesClassClaimed": false}}),
        )
        .await?;
    assert_eq!(
        out["data"]["setNotificationSettings"]["notificationSettings"],
        json!({"teacherNewClasses": true, "familiesClassClaimed": false, "adminSyncSummary": true}),
        "{out}"
    );
    let ta = token(&db.store, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    server
        .graphql(Some(&ta), RELEASE, json!({"id": class("A1")}))
        .await?;
    let out = server
        .graphql(Some(&ta), CLAIM, json!({"id": class("A1")}))
        .await?;
    assert_eq!(out["data"]["claimClass"]["userErrors"], json!([]), "{out}");
    assert_eq!(notices(&db, "notice.class_claimed").await?.len(), 1);
    Ok(())
});

both_backends!(
    admins_hear_of_held_runs_unless_switched_off,
    |db| async move {
        let sink = SmtpSink::start().await?;
        let server = start(&db, &sink).await?;
        let dir = homeroom_tests::db::TempDir::new("notify-admins")?;
        let everyone: Vec<String> = (1..=20).map(|i| format!("s{i}")).collect();
        let roster = |n: usize| {
            let mut users = vec![user("t1", "teacher", "Tina", "tina@school.test", "")];
            users.extend(
                everyone
                    .iter()
                    .take(n)
                    .map(|s| user(s, "student", "Kid", "", "")),
            );
            users
        };
        oneroster_files::write(&dir.0, &roster(20))?;
        let connector = sync::csv_connector(&db.store, &dir.0).await?;
        assert_eq!(
            sync::run(&db.store, &connector, SyncMode::Full, false)
                .await?
                .run
                .status,
            SyncStatus::Succeeded
        );
        // A district admin with an email.
        {
            let mut c = db.store.conn().await?;
            let district = districts::get_default(&mut c)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no district"))?;
            let person = people::new_person(&district.id, "Ada", "Admin");
            people::insert(&mut c, &person).await?;
            people::add_role(
                &mut c,
                &person,
                Role::DistrictAdmin,
                None,
                RecordSource::Manual,
            )
            .await?;
            let mut cp = fixture::email(&district.id, &person.id, "ada@district.test", true);
            cp.source = ContactSource::Manual;
            contacts::insert(&mut c, &[cp]).await?;
        }

        // Half the students vanish: the run is held and the admin hears why.
        oneroster_files::write(&dir.0, &roster(10))?;
        let held = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(held.run.status, SyncStatus::Held);
        let queued = notices(&db, "notice.sync_summary").await?;
        assert_eq!(recipients(&queued), ["ada@district.test"]);
        let mails = sink.wait_for(1).await?;
        let subject = mails[0].header("Subject").unwrap_or_default();
        assert!(subject.contains("held for your review"), "{subject}");
        assert!(mails[0].text().contains(&held.run.id));

        // A dry run that would be held tells nobody.
        let dry = sync::run(&db.store, &connector, SyncMode::Full, true).await?;
        assert_eq!(dry.run.status, SyncStatus::Held);
        assert_eq!(notices(&db, "notice.sync_summary").await?.len(), 1);

        // Switched off: the next held run tells nobody.
        let admin_token = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        server
            .graphql(
                Some(&admin_token),
                SWITCHES,
                json!({"i": {"adminSyncSummary": false}}),
            )
            .await?;
        let again = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(again.run.status, SyncStatus::Held);
        assert_eq!(notices(&db, "notice.sync_summary").await?.len(), 1);
        Ok(())
    }
);

fn admin(fx: &Fixture) -> Principal {
    principals::district_admin(&fx.district_id)
}
