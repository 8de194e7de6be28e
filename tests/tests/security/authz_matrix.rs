//! Issue 15: the authorization matrix. Every kind of object `node(id)` takes (but webhook
//! deliveries and merge suggestions, which the fixture has none of), a class's join
//! code, and the admin objects read through their own fields (invitations, import jobs,
//! webhooks, audit events, sync runs, connectors), asked by every role a token may carry and by
//! partners with each scope, through the running binary. The expected cells are the table in
//! SECURITY.md, written out; a cell that differs names caller and object.

use std::collections::BTreeMap;

use homeroom_core::ids::{NodeKind, encode};
use homeroom_schema::enums::{
    ConnectorKind, EnrollmentRole, RecordSource, Role, Status, SyncMode, TokenRole,
};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{Connector, Course, Term};
use homeroom_schema::store::{classes, connectors, orgs, people, sync_runs};
use homeroom_tests::both_backends;
use homeroom_tests::fixture::enrollment;
use homeroom_tests::graphql::{token, token_with_scopes};
use serde_json::{Value, json};

use super::World;

/// Every caller of the matrix.
const CALLERS: [&str; 11] = [
    "DA",
    "SA",
    "TA",
    "AD",
    "ST",
    "G1",
    "S1",
    "P-none",
    "P-roster",
    "P-connectors",
    "P-webhooks",
];

/// Who sees each object through `node(id)` (everyone else gets null).
const NODE: &[(&str, &[&str])] = &[
    (
        "person S1",
        &["DA", "SA", "TA", "AD", "G1", "S1", "P-roster"],
    ),
    ("person S4", &["DA", "P-roster"]),
    ("person G1", &["DA", "SA", "TA", "AD", "G1", "P-roster"]),
    ("person TA", &["DA", "SA", "TA", "AD", "G1", "P-roster"]),
    ("person ST", &["DA", "SA", "ST", "P-roster"]),
    (
        "class A1",
        &["DA", "SA", "TA", "AD", "G1", "S1", "P-roster"],
    ),
    ("class B1", &["DA", "P-roster"]),
    ("link G1-S1", &["DA", "SA", "TA", "AD", "G1", "P-roster"]),
    ("link G3-S4", &["DA", "P-roster"]),
    (
        "school A",
        &["DA", "SA", "TA", "AD", "ST", "G1", "S1", "P-roster"],
    ),
    ("district", &CALLERS),
    ("connector", &["DA", "P-connectors"]),
    ("sync run", &["DA", "P-connectors"]),
    ("invitation for S4", &["DA"]),
    // Read only through their own fields, never through `node`.
    ("import job", &[]),
    ("webhook", &[]),
    (
        "course",
        &["DA", "SA", "TA", "AD", "ST", "G1", "S1", "P-roster"],
    ),
    (
        "term",
        &["DA", "SA", "TA", "AD", "ST", "G1", "S1", "P-roster"],
    ),
    ("audit event", &[]),
    ("identity provider", &[]),
];

/// Who reads A1's join code (everyone else gets null).
const JOIN_CODE: &[&str] = &["DA", "SA", "TA", "AD"];

/// What each list answers: `Some(n)` rows, or `None` for FORBIDDEN.
fn lists(caller: &str, audit_events: u64) -> BTreeMap<&'static str, Option<u64>> {
    let admin = caller == "DA";
    let connectors = admin || caller == "P-connectors";
    let webhooks = admin || caller == "P-webhooks";
    BTreeMap::from([
        ("connectors", connectors.then_some(1)),
        ("syncRuns", connectors.then_some(1)),
        ("webhooks", webhooks.then_some(1)),
        ("auditEvents", admin.then_some(audit_events)),
        // Teacher-made links for review: district admins (none here: admins' links are trusted).
        ("guardianLinkReviews", admin.then_some(0)),
        // Import jobs: district admins see all, everyone else their own (none).
        ("importJobs", Some(u64::from(admin))),
        // Invitations: those of people the caller sees; none for partners without roster.
        (
            "invitations",
            match caller {
                "DA" => Some(2),
                "SA" | "TA" | "AD" => Some(1),
                "G1" => Some(0),
                // Students, staff and partners (roster:read included) read no invitations.
                _ => None,
            },
        ),
    ])
}

fn gid(kind: NodeKind, id: &str) -> String {
    encode(kind, id)
}

both_backends!(
    every_role_sees_exactly_what_the_policy_says,
    |db| async move {
        let key = homeroom_tests::sync::test_key_base64();
        let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", key)]).await?;
        let d = w.fx.district_id.clone();
        let school_a = w.fx.id("schoolA").to_owned();

        // An aide of A1 and a staff member of school A (the fixture has neither).
        let mut c = w.db.store.conn().await?;
        let aide = people::new_person(&d, "Ada", "Aide");
        people::insert(&mut c, &aide).await?;
        people::add_role(
            &mut c,
            &aide,
            Role::Aide,
            Some(&school_a),
            RecordSource::Sis,
        )
        .await?;
        classes::insert_enrollments(
            &mut c,
            &[enrollment(
                &d,
                w.fx.id("A1"),
                &aide.id,
                EnrollmentRole::Aide,
            )],
        )
        .await?;
        let staff = people::new_person(&d, "Stu", "Staff");
        people::insert(&mut c, &staff).await?;
        people::add_role(
            &mut c,
            &staff,
            Role::Staff,
            Some(&school_a),
            RecordSource::Sis,
        )
        .await?;
        // A connector and one of its runs.
        let now = now_micros();
        let connector = Connector {
            id: new_id(),
            district_id: d.clone(),
            kind: ConnectorKind::OneRosterCsv,
            name: "SIS".into(),
            config_public: "{}".into(),
            config_secret: None,
            schedule: None,
            enabled: true,
            last_success_at: None,
            delta_cursor: None,
            created_at: now,
            updated_at: now,
        };
        connectors::insert(&mut c, &connector).await?;
        // A course and a term (roster data, like schools).
        let course = Course {
            id: new_id(),
            district_id: d.clone(),
            org_id: Some(school_a.clone()),
            title: "Math 5".into(),
            code: None,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        orgs::insert_courses(&mut c, std::slice::from_ref(&course)).await?;
        let term = Term {
            id: new_id(),
            district_id: d.clone(),
            title: "2026-27".into(),
            term_type: None,
            start_date: None,
            end_date: None,
            parent_id: None,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        orgs::insert_terms(&mut c, std::slice::from_ref(&term)).await?;
        let run = sync_runs::create(&mut c, &d, &connector.id, SyncMode::Full, true, None).await?;
        drop(c);

        let s = &w.db.store;
        let mut tokens = BTreeMap::new();
        tokens.insert("DA", token(s, TokenRole::DistrictAdmin, None).await?);
        tokens.insert(
            "SA",
            token(s, TokenRole::SchoolAdmin, Some(w.fx.id("SA"))).await?,
        );
        tokens.insert(
            "TA",
            token(s, TokenRole::Teacher, Some(w.fx.id("TA"))).await?,
        );
        tokens.insert("AD", token(s, TokenRole::Aide, Some(&aide.id)).await?);
        tokens.insert("ST", token(s, TokenRole::Staff, Some(&staff.id)).await?);
        tokens.insert(
            "G1",
            token(s, TokenRole::Guardian, Some(w.fx.id("G1"))).await?,
        );
        tokens.insert(
            "S1",
            token(s, TokenRole::Student, Some(w.fx.id("S1"))).await?,
        );
        for (name, scope) in [
            ("P-none", None),
            ("P-roster", Some("roster:read")),
            ("P-connectors", Some("connectors:write")),
            ("P-webhooks", Some("webhooks:write")),
        ] {
            let scopes = scope.map(|s| vec![s.to_owned()]).unwrap_or_default();
            tokens.insert(
                name,
                token_with_scopes(s, TokenRole::Partner, None, scopes).await?,
            );
        }
        let da = tokens["DA"].clone();

        // Admin-made objects: a join code, two invitations (a guardian of S4, an aunt of S1), a
        // dry-run import job, a webhook.
        let resp = w
        .gql(
            Some(&da),
            "mutation($c: ID!) { updateClass(id: $c, joinCode: \"MATRIX7Q\") { userErrors { code } } }",
            json!({"c": w.class("A1")}),
        )
        .await?;
        assert_eq!(
            resp["data"]["updateClass"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let invite = "mutation($s: ID!, $i: GuardianInviteInput!) {
      inviteGuardian(studentId: $s, input: $i) { invitations { id } userErrors { code } } }";
        let resp = w
        .gql(
            Some(&da),
            invite,
            json!({"s": w.person("S4"), "i": {"email": "g4@example.org", "givenName": "Gwen", "familyName": "Four"}}),
        )
        .await?;
        let invitation = resp["data"]["inviteGuardian"]["invitations"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_owned();
        let resp = w
        .gql(
            Some(&da),
            invite,
            json!({"s": w.person("S1"), "i": {"email": "aunt@example.org", "givenName": "Ann", "familyName": "One"}}),
        )
        .await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w
        .server
        .graphql_upload(
            Some(&da),
            "mutation($file: Upload!) { importRelationships(file: $file, dryRun: true) { id } }",
            json!({}),
            ("links.csv", b"parent_email,student_id,relationship_type\ng1@example.org,N-S3,Parent\n"),
        )
        .await?;
        let import_job = resp["data"]["importRelationships"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_owned();
        let resp = w
        .gql(
            Some(&da),
            "mutation { createWebhook(url: \"https://hooks.example.org/h\", events: [SYNC_RUN_FINISHED],
               secret: \"a-long-enough-signing-secret\") { webhook { id } userErrors { code } } }",
            json!({}),
        )
        .await?;
        let webhook = resp["data"]["createWebhook"]["webhook"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_owned();

        let resp = w
        .gql(
            Some(&da),
            "mutation { createIdentityProvider(input: {kind: GOOGLE, issuer: \"https://accounts.google.com\",
               clientId: \"matrix\", clientSecret: \"matrix-secret\", allowedDomains: [\"example.org\"]}) {
               identityProvider { id } userErrors { code } } }",
            json!({}),
        )
        .await?;
        let identity_provider = resp["data"]["createIdentityProvider"]["identityProvider"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_owned();
        let resp = w
            .gql(
                Some(&da),
                "{ auditEvents(first: 1) { edges { node { id } } } }",
                json!({}),
            )
            .await?;
        let audit_event = resp["data"]["auditEvents"]["edges"][0]["node"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{resp}"))
            .to_owned();

        let objects: BTreeMap<&str, String> = BTreeMap::from([
            ("person S1", w.person("S1")),
            ("person S4", w.person("S4")),
            ("person G1", w.person("G1")),
            ("person TA", w.person("TA")),
            ("person ST", gid(NodeKind::Person, &staff.id)),
            ("class A1", w.class("A1")),
            ("class B1", w.class("B1")),
            ("link G1-S1", gid(NodeKind::Relationship, w.fx.id("G1-S1"))),
            ("link G3-S4", gid(NodeKind::Relationship, w.fx.id("G3-S4"))),
            ("school A", gid(NodeKind::Org, &school_a)),
            ("district", gid(NodeKind::District, &d)),
            ("connector", gid(NodeKind::Connector, &connector.id)),
            ("sync run", gid(NodeKind::SyncRun, &run.id)),
            ("invitation for S4", invitation),
            ("import job", import_job),
            ("webhook", webhook),
            ("course", gid(NodeKind::Course, &course.id)),
            ("term", gid(NodeKind::Term, &term.id)),
            ("audit event", audit_event),
            ("identity provider", identity_provider),
        ]);
        assert_eq!(objects.len(), NODE.len());

        let audit_total = {
            let resp = w
                .gql(
                    Some(&da),
                    "{ auditEvents(first: 1) { totalCount } }",
                    json!({}),
                )
                .await?;
            resp["data"]["auditEvents"]["totalCount"]
                .as_u64()
                .unwrap_or_else(|| panic!("{resp}"))
        };
        let mut wrong = Vec::new();
        for caller in CALLERS {
            let t = tokens[caller].as_str();
            for (object, allowed) in NODE {
                let resp = w
                    .gql(
                        Some(t),
                        "query($id: ID!) { node(id: $id) { id } }",
                        json!({"id": objects[object]}),
                    )
                    .await?;
                let seen = resp["data"]["node"]["id"].is_string();
                if seen != allowed.contains(&caller) {
                    wrong.push(format!("{caller} node({object}): seen={seen} {resp}"));
                }
            }
            let resp = w
                .gql(
                    Some(t),
                    "query($c: ID!) { class(id: $c) { joinCode } }",
                    json!({"c": w.class("A1")}),
                )
                .await?;
            let code = resp["data"]["class"]["joinCode"]
                .as_str()
                .map(str::to_owned);
            let expected = JOIN_CODE.contains(&caller).then(|| "MATRIX7Q".to_owned());
            if code != expected {
                wrong.push(format!("{caller} joinCode: {code:?} {resp}"));
            }
            for (list, expected) in lists(caller, audit_total) {
                let query = match list {
                    "connectors" => "{ connectors { id } }".to_owned(),
                    "webhooks" => "{ webhooks { id } }".to_owned(),
                    "importJobs" => {
                        "{ importJobs(first: 100) { edges { node { id } } } }".to_owned()
                    }
                    "syncRuns" => format!(
                        "{{ syncRuns(connectorId: \"{}\") {{ totalCount }} }}",
                        objects["connector"]
                    ),
                    other => format!("{{ {other}(first: 100) {{ totalCount }} }}"),
                };
                let resp = w.gql(Some(t), &query, json!({})).await?;
                let got = count_of(&resp, list);
                if got != expected {
                    wrong.push(format!("{caller} {list}: {got:?} != {expected:?} {resp}"));
                }
            }
        }
        assert!(audit_total > 0, "the setup wrote audit events");
        assert!(
            wrong.is_empty(),
            "cells that differ from the policy:\n{}",
            wrong.join("\n")
        );
        Ok(())
    }
);

/// Rows a list answered, or `None` when it was refused with FORBIDDEN.
fn count_of(resp: &Value, list: &str) -> Option<u64> {
    if resp["errors"][0]["extensions"]["code"] == "FORBIDDEN" {
        return None;
    }
    let data = &resp["data"][list];
    data["totalCount"]
        .as_u64()
        .or_else(|| data.as_array().map(|a| a.len() as u64))
        .or_else(|| data["edges"].as_array().map(|a| a.len() as u64))
        .or(Some(u64::MAX))
}
