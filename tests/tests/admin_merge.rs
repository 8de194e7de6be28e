//! Merging people: moves, collisions, refusals, exact undo, and suggestions from sync alerts.

use homeroom_schema::enums::*;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::*;
use homeroom_schema::store::{classes, contacts, districts, links, people, relationships};
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, token};
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{csv_connector, run};
use serde_json::json;

use crate::admin_support::{audit_count, dump, insert_invitation, mark_claimed, pid};

const MERGE: &str = "mutation($s: ID!, $d: ID!) { mergePeople(survivorId: $s, duplicateId: $d) {
  person { id displayName } auditEvent { id action } userErrors { field code message } } }";
const UNMERGE: &str = "mutation($e: ID!) { unmerge(auditEventId: $e) {
  survivor { id } duplicate { id status } userErrors { code } } }";

fn invitation(district: &str, person: &str, rel: &str, cp: &str, by: &str) -> Invitation {
    let now = now_micros();
    Invitation {
        id: new_id(),
        district_id: district.into(),
        person_id: person.into(),
        relationship_id: Some(rel.into()),
        class_id: None,
        invited_by: Some(by.into()),
        channel: Channel::Email,
        contact_point_id: Some(cp.into()),
        token_hash: format!("hash-{}", new_id()),
        status: InvitationStatus::Sent,
        attempts: 1,
        last_error: None,
        expires_at: now + 1_000_000,
        sent_at: Some(now),
        delivered_at: None,
        accepted_at: None,
        revoked_at: None,
        created_at: now,
        updated_at: now,
        resend_count: 0,
        last_resent_at: None,
        purpose: InvitationPurpose::Guardian,
    }
}

both_backends!(merge_then_unmerge_restores_every_row, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let d = fx.district_id.as_str();
    let dir = TempDir::new("merge-link")?;
    let connector = csv_connector(s, &dir.0).await?;
    let mut c = s.conn().await?;

    // A second record of guardian G1: its own email and token, the same role, a link to S1
    // (G1 has one: a collision) and to S3 (moves), an invitation through the S1 link, and a
    // source link.
    let dup = people::new_person(d, "Gina", "One");
    people::insert(&mut c, &dup).await?;
    people::add_role(&mut c, &dup, Role::Guardian, None, RecordSource::Sis).await?;
    let dup_email = fixture::email(d, &dup.id, "gina.home@example.org", true);
    contacts::insert(&mut c, std::slice::from_ref(&dup_email)).await?;
    let dup_s1 = fixture::link(d, &dup.id, fx.id("S1"));
    let dup_s3 = fixture::link(d, &dup.id, fx.id("S3"));
    relationships::insert(&mut c, &[dup_s1.clone(), dup_s3.clone()]).await?;
    insert_invitation(
        &mut c,
        &invitation(d, &dup.id, &dup_s1.id, &dup_email.id, fx.id("TA")),
    )
    .await?;
    let now = now_micros();
    links::insert(
        &mut c,
        &[SourceLink {
            id: new_id(),
            district_id: d.into(),
            connector_id: connector.clone(),
            entity_kind: "person".into(),
            external_id: "g1-second".into(),
            local_id: dup.id.clone(),
            last_run_id: None,
            content_hash: Some("h".into()),
            removed_at: None,
            created_at: now,
            updated_at: now,
        }],
    )
    .await?;
    mark_claimed(&mut c, &dup.id).await?;
    let dup_token = token(s, TokenRole::Guardian, Some(&dup.id)).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;

    // A second record of student S1 with no student number, in A1 (a collision) and B1.
    let s1dup = {
        let mut p = people::new_person(d, "Sol", "One");
        p.is_student = true;
        p
    };
    people::insert(&mut c, &s1dup).await?;
    people::add_role(&mut c, &s1dup, Role::Student, None, RecordSource::Sis).await?;
    let mk = |class: &str| Enrollment {
        id: new_id(),
        district_id: d.into(),
        class_id: class.into(),
        person_id: s1dup.id.clone(),
        role: EnrollmentRole::Student,
        is_primary: false,
        begin_date: None,
        end_date: None,
        source: RecordSource::Manual,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    classes::insert_enrollments(&mut c, &[mk(fx.id("A1")), mk(fx.id("B1"))]).await?;

    let before = dump(&mut c).await?;
    let events_before = audit_count(&mut c).await?;

    let resp = api
        .execute(
            Some(&admin),
            MERGE,
            json!({ "s": pid(fx.id("G1")), "d": pid(&dup.id) }),
        )
        .await;
    let payload = &resp["data"]["mergePeople"];
    assert_eq!(payload["userErrors"], json!([]), "{resp}");
    assert_eq!(payload["person"]["id"], pid(fx.id("G1")));
    assert_eq!(payload["auditEvent"]["action"], "person.merge");
    let event = payload["auditEvent"]["id"].clone();
    assert_eq!(audit_count(&mut c).await?, events_before + 1);

    // Everything moved to G1; the colliding link collapsed into G1's own.
    let after = dump(&mut c).await?;
    let g1 = fx.id("G1");
    let dup_row = after
        .people
        .iter()
        .find(|(p, _)| p.id == dup.id)
        .expect("dup");
    assert_eq!(dup_row.0.status, Status::Archived);
    assert!(after.roles.iter().all(|r| r.person_id != dup.id));
    assert_eq!(
        after.roles.iter().filter(|r| r.person_id == g1).count(),
        1,
        "the same guardian role once"
    );
    assert!(
        after
            .contact_points
            .iter()
            .any(|cp| cp.id == dup_email.id && cp.person_id == g1)
    );
    let g1_links: Vec<&Relationship> = after
        .relationships
        .iter()
        .filter(|r| r.guardian_id == g1)
        .collect();
    assert_eq!(g1_links.len(), 3, "S1, S2 and S3: {g1_links:?}");
    assert!(after.relationships.iter().all(|r| r.id != dup_s1.id));
    let (inv, _) = &after.invitations[0];
    assert_eq!(inv.person_id, g1);
    assert_eq!(inv.relationship_id.as_deref(), Some(fx.id("G1-S1")));
    assert!(after.source_links.iter().any(|l| l.local_id == g1));
    assert!(
        after
            .api_tokens
            .iter()
            .any(|(t, _)| t.person_id.as_deref() == Some(g1))
    );
    let holder = after.people.iter().find(|(p, _)| p.id == g1).expect("g1");
    assert_eq!(holder.0.account_state, AccountState::Claimed);
    // The moved token now acts for G1.
    let resp = api
        .execute(Some(&dup_token), "{ viewer { person { id } } }", json!({}))
        .await;
    assert_eq!(resp["data"]["viewer"]["person"]["id"], pid(g1), "{resp}");

    // Undo: every row is back exactly as it was.
    let resp = api
        .execute(Some(&admin), UNMERGE, json!({ "e": event }))
        .await;
    assert_eq!(resp["data"]["unmerge"]["userErrors"], json!([]), "{resp}");
    assert_eq!(resp["data"]["unmerge"]["duplicate"]["status"], "ACTIVE");
    assert_eq!(dump(&mut c).await?, before);
    assert_eq!(audit_count(&mut c).await?, events_before + 2);
    let resp = api
        .execute(Some(&admin), UNMERGE, json!({ "e": event }))
        .await;
    assert_eq!(
        resp["data"]["unmerge"]["userErrors"][0]["code"], "ALREADY_UNDONE",
        "{resp}"
    );

    // The student pair: the shared class collapses, the other moves, and the undo is exact.
    let resp = api
        .execute(
            Some(&admin),
            MERGE,
            json!({ "s": pid(fx.id("S1")), "d": pid(&s1dup.id) }),
        )
        .await;
    assert_eq!(
        resp["data"]["mergePeople"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let merged = dump(&mut c).await?;
    let s1_classes: Vec<&str> = merged
        .enrollments
        .iter()
        .filter(|e| e.person_id == fx.id("S1"))
        .map(|e| e.class_id.as_str())
        .collect();
    assert_eq!(s1_classes.len(), 2, "A1 once, and B1");
    assert!(s1_classes.contains(&fx.id("B1")));
    let event = resp["data"]["mergePeople"]["auditEvent"]["id"].clone();
    let resp = api
        .execute(Some(&admin), UNMERGE, json!({ "e": event }))
        .await;
    assert_eq!(resp["data"]["unmerge"]["userErrors"], json!([]), "{resp}");
    assert_eq!(dump(&mut c).await?, before);
    Ok(())
});

both_backends!(refused_merges_change_nothing, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let teacher = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    let mut c = s.conn().await?;
    let before = dump(&mut c).await?;
    let events = audit_count(&mut c).await?;
    let cases = [
        ("S1", "G1", "STUDENT_ADULT"),
        ("G1", "S1", "STUDENT_ADULT"),
        ("S1", "S2", "DIFFERENT_STUDENT_NUMBERS"),
        ("TA", "TA", "SAME_PERSON"),
    ];
    for (a, b, code) in cases {
        let resp = api
            .execute(
                Some(&admin),
                MERGE,
                json!({ "s": pid(fx.id(a)), "d": pid(fx.id(b)) }),
            )
            .await;
        assert_eq!(
            resp["data"]["mergePeople"]["userErrors"][0]["code"], code,
            "{a}+{b}: {resp}"
        );
        assert_eq!(resp["data"]["mergePeople"]["person"], json!(null));
    }
    let resp = api
        .execute(
            Some(&teacher),
            MERGE,
            json!({ "s": pid(fx.id("TA")), "d": pid(fx.id("TB")) }),
        )
        .await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
    // An event that is not a merge cannot be undone.
    let resp = api
        .execute(
            Some(&admin),
            "mutation { setRosteringEnforcement(enabled: true) { rosteringEnforced } }",
            json!({}),
        )
        .await;
    assert_eq!(
        resp["data"]["setRosteringEnforcement"]["rosteringEnforced"],
        true
    );
    let resp = api
        .execute(
            Some(&admin),
            "{ auditEvents(filter: {action: \"district.settings\"}) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let settings_event = resp["data"]["auditEvents"]["edges"][0]["node"]["id"].clone();
    let resp = api
        .execute(Some(&admin), UNMERGE, json!({ "e": settings_event }))
        .await;
    assert_eq!(
        resp["data"]["unmerge"]["userErrors"][0]["code"], "NOT_A_MERGE",
        "{resp}"
    );
    // Only the district setting changed (not a merge table); nothing else moved.
    assert_eq!(dump(&mut c).await?, before);
    assert_eq!(
        audit_count(&mut c).await?,
        events + 1,
        "only the settings change"
    );
    Ok(())
});

both_backends!(merge_suggestions_come_from_sync_alerts, |db| async move {
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let dir = TempDir::new("merge-suggest")?;
    let user = |id, role, given, family, email| User {
        id,
        role,
        given,
        family,
        identifier: id,
        email,
        phone: "",
        agents: "",
    };
    let mut users = vec![
        user("t1", "teacher", "Tara", "Teach", "tara@example.org"),
        User {
            agents: "p1",
            ..user("s1", "student", "Sam", "Kid", "")
        },
        user("p1", "parent", "Pat", "Parent", "pat@example.org"),
    ];
    write(&dir.0, &users)?;
    let connector = csv_connector(s, &dir.0).await?;
    let first = run(s, &connector, SyncMode::Full, false).await?;
    assert!(first.errors().is_empty(), "{:?}", first.errors());
    let mut c = s.conn().await?;
    let district = districts::get_default(&mut c).await?.expect("district");
    let pat = contacts::adult_holder(&mut c, &district.id, ContactKind::Email, "pat@example.org")
        .await?
        .expect("pat holds the email")
        .person_id;
    mark_claimed(&mut c, &pat).await?;

    // The SIS now sends a second record with Pat's (unverified) email: kept apart, suggested.
    users.push(user(
        "p2",
        "guardian",
        "Patricia",
        "Parent",
        "pat@example.org",
    ));
    write(&dir.0, &users)?;
    let second = run(s, &connector, SyncMode::Full, false).await?;
    assert_eq!(
        second.with_code("merge_suggestion").len(),
        1,
        "{:?}",
        second.issues
    );

    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    const SUGGESTIONS: &str = "{ mergeSuggestions(first: 10) { totalCount edges { node {
      reason survivor { id accountState } duplicate { id givenName } } } } }";
    let resp = api.execute(Some(&admin), SUGGESTIONS, json!({})).await;
    let list = &resp["data"]["mergeSuggestions"];
    assert_eq!(list["totalCount"], 1, "{resp}");
    let node = &list["edges"][0]["node"];
    assert_eq!(node["reason"], "merge_suggestion");
    assert_eq!(node["survivor"]["id"], pid(&pat));
    assert_eq!(node["survivor"]["accountState"], "CLAIMED");
    assert_eq!(node["duplicate"]["givenName"], "Patricia");

    // Teachers do not see suggestions; merging the pair settles it.
    let teacher_id =
        contacts::adult_holder(&mut c, &district.id, ContactKind::Email, "tara@example.org")
            .await?
            .expect("tara")
            .person_id;
    let teacher = token(s, TokenRole::Teacher, Some(&teacher_id)).await?;
    let resp = api.execute(Some(&teacher), SUGGESTIONS, json!({})).await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"]);
    let resp = api
        .execute(
            Some(&admin),
            MERGE,
            json!({ "s": node["survivor"]["id"], "d": node["duplicate"]["id"] }),
        )
        .await;
    assert_eq!(
        resp["data"]["mergePeople"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = api.execute(Some(&admin), SUGGESTIONS, json!({})).await;
    assert_eq!(resp["data"]["mergeSuggestions"]["totalCount"], 0, "{resp}");

    // The next sync keeps the merged record with Pat: nothing new is created or suggested.
    let third = run(s, &connector, SyncMode::Full, false).await?;
    assert_eq!(third.of("person").created, 0);
    let duplicate_links = links::lookup(&mut c, &connector, "person", &["p2".into()]).await?;
    assert_eq!(duplicate_links[0].local_id, pat);
    Ok(())
});
