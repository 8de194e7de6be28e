//! The "also found" list of issue 15: join codes leaking to partners, four disagreeing
//! definitions of "teaches this class", claims for anyone, and hygiene at the HTTP edge.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::{World, code};

const CODE: &str = "query($id: ID!) { class(id: $id) { joinCode } }";
const CLAIM: &str = "mutation($id: ID!, $t: ID) { claimClass(id: $id, teacherId: $t) {
  class { claimed } userErrors { code } } }";
const MANAGER: &str = "query($id: ID!) { class(id: $id) {
  familyInviteManager { totalCount } } }";
const ADD: &str = "mutation($c: ID!, $p: ID) { addParticipant(classId: $c, personId: $p) {
  userErrors { code } } }";
const UPDATE: &str = "mutation($id: ID!, $j: String) { updateClass(id: $id, joinCode: $j) {
  userErrors { code } } }";

both_backends!(partners_do_not_see_join_codes, |db| async move {
    let w = World::start(db).await?;
    let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
    let resp = w
        .gql(
            Some(&tb),
            UPDATE,
            json!({"id": w.class("A2"), "j": "K7XQ4M"}),
        )
        .await?;
    assert_eq!(
        resp["data"]["updateClass"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = w.gql(Some(&tb), CODE, json!({"id": w.class("A2")})).await?;
    assert_eq!(resp["data"]["class"]["joinCode"], "K7XQ4M", "{resp}");
    let partner = w.partner(&["roster:read"]).await?;
    let resp = w
        .gql(Some(&partner), CODE, json!({"id": w.class("A2")}))
        .await?;
    assert!(
        resp["data"]["class"]["joinCode"].is_null(),
        "a roster:read partner does not see join codes: {resp}"
    );
    Ok(())
});

both_backends!(
    one_definition_of_teaching_and_claims_only_for_teachers,
    |db| async move {
        let w = World::start(db).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        // A claim is given only to a teacher or aide of the district, never to a student.
        let resp = w
            .gql(
                Some(&admin),
                CLAIM,
                json!({"id": w.class("A1"), "t": w.person("S1")}),
            )
            .await?;
        assert_eq!(
            resp["data"]["claimClass"]["userErrors"][0]["code"], "NOT_FOUND",
            "{resp}"
        );
        // An admin claims A1 for TC (not enrolled in it): TC now teaches A1 everywhere alike.
        let resp = w
            .gql(
                Some(&admin),
                CLAIM,
                json!({"id": w.class("A1"), "t": w.person("TC")}),
            )
            .await?;
        assert_eq!(
            resp["data"]["claimClass"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let tc = w.token(TokenRole::Teacher, Some("TC")).await?;
        let resp = w
            .gql(Some(&tc), MANAGER, json!({"id": w.class("A1")}))
            .await?;
        assert!(
            code(&resp).is_none(),
            "the claim holder runs the family invite manager: {resp}"
        );
        assert_eq!(
            resp["data"]["class"]["familyInviteManager"]["totalCount"], 2,
            "{resp}"
        );
        let resp = w
            .gql(
                Some(&tc),
                UPDATE,
                json!({"id": w.class("A1"), "j": "HQ7RX4"}),
            )
            .await?;
        assert_eq!(
            resp["data"]["updateClass"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w.gql(Some(&tc), CODE, json!({"id": w.class("A1")})).await?;
        assert_eq!(resp["data"]["class"]["joinCode"], "HQ7RX4", "{resp}");
        // The enrolled teacher still teaches it too; another teacher does not.
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        let resp = w
            .gql(Some(&ta), MANAGER, json!({"id": w.class("A1")}))
            .await?;
        assert!(code(&resp).is_none(), "{resp}");
        let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
        let resp = w
            .gql(
                Some(&tb),
                ADD,
                json!({"c": w.class("A1"), "p": w.person("S3")}),
            )
            .await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        Ok(())
    }
);

both_backends!(http_edge_hygiene, |db| async move {
    let w = World::start(db).await?;
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let client = reqwest::Client::new();
    // A text/plain POST (what a cross-site form can send) is not executed.
    let resp = client
        .post(format!("{}/graphql", w.server.base))
        .bearer_auth(&admin)
        .header("content-type", "text/plain")
        .body(r#"{"query":"mutation { archivePeople(ids: []) { userErrors { code } } }"}"#)
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 415, "text/plain is refused");
    // A malformed request's error carries no Rust Debug text.
    let resp = client
        .post(format!("{}/graphql", w.server.base))
        .header("content-type", "application/json")
        .body(r#"{"query": 5}"#)
        .send()
        .await?;
    let text = resp.text().await?;
    for debug in ["Error(", "line:", "column:", "Some(", "invalid type"] {
        assert!(!text.contains(debug), "Debug text in a 400 answer: {text}");
    }
    Ok(())
});

both_backends!(roster_metadata_needs_roster_scope, |db| async move {
    let w = World::start(db).await?;
    let school =
        homeroom_graphql::ids::encode(homeroom_graphql::ids::NodeKind::Org, w.fx.id("schoolA")).0;
    let q = "query($id: ID!) { node(id: $id) { id } }";
    let hooks_only = w.partner(&["webhooks:write"]).await?;
    let resp = w.gql(Some(&hooks_only), q, json!({"id": school})).await?;
    assert!(
        resp["data"]["node"].is_null(),
        "a partner without roster:read gets no school: {resp}"
    );
    let roster = w.partner(&["roster:read"]).await?;
    let resp = w.gql(Some(&roster), q, json!({"id": school})).await?;
    assert_eq!(resp["data"]["node"]["id"], json!(school), "{resp}");
    Ok(())
});

both_backends!(invite_guardian_user_errors_roll_back, |db| async move {
    use homeroom_schema::enums::{ContactKind, ContactSource, Reachability};
    use homeroom_schema::ids::{new_id, now_micros};
    use homeroom_schema::models::ContactPoint;
    let w = World::start(db).await?;
    // G2 holds a home phone; a new guardian named differently with that phone has no contact
    // point of their own, so the invitation cannot be sent.
    let mut c = w.db.store.conn().await?;
    let now = now_micros();
    homeroom_schema::store::contacts::insert(
        &mut c,
        &[ContactPoint {
            id: new_id(),
            district_id: w.fx.district_id.clone(),
            person_id: w.fx.id("G2").to_owned(),
            kind: ContactKind::Phone,
            value: "+16039876547".into(),
            display_value: "+16039876547".into(),
            is_adult: true,
            source: ContactSource::Sis,
            verified_at: None,
            reachability: Reachability::Ok,
            unreachable_reason: None,
            unreachable_at: None,
            created_at: now,
            updated_at: now,
        }],
    )
    .await?;
    drop(c);
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let q =
        "mutation($s: ID!, $i: GuardianInviteInput!) { inviteGuardian(studentId: $s, input: $i) {
      invitations { id } userErrors { code } } }";
    let resp = w
        .gql(
            Some(&ta),
            q,
            json!({"s": w.person("S1"),
                   "i": {"phone": "+16039876547", "givenName": "Ursula", "familyName": "Unreachable"}}),
        )
        .await?;
    assert_eq!(
        resp["data"]["inviteGuardian"]["userErrors"][0]["code"], "NO_REACHABLE_CONTACT_POINT",
        "{resp}"
    );
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let resp = w
        .gql(
            Some(&admin),
            "{ people(filter: {search: \"Unreachable\"}) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(
        resp["data"]["people"]["totalCount"], 0,
        "the refused invitation left no guardian behind: {resp}"
    );
    Ok(())
});

both_backends!(
    introspection_graphiql_and_metrics_are_operator_switches,
    |db| async move {
        const INTROSPECT: &str = "{ __schema { queryType { name } } }";
        let client = reqwest::Client::new();
        // Off by default outside --demo: no GraphiQL page, no introspection; /metrics open.
        let w = World::start(db).await?;
        let page = client
            .get(format!("{}/graphql", w.server.base))
            .send()
            .await?;
        assert_eq!(page.status().as_u16(), 404);
        let resp = w.gql(None, INTROSPECT, json!({})).await?;
        assert!(resp["data"]["__schema"].is_null(), "{resp}");
        assert!(
            !resp.to_string().contains("Query"),
            "no schema leaks: {resp}"
        );
        let metrics = client
            .get(format!("{}/metrics", w.server.base))
            .send()
            .await?;
        assert_eq!(metrics.status().as_u16(), 200);

        // Switched on, with a metrics token (a second replica on the same database):
        // GraphiQL and introspection answer, and /metrics wants the bearer token.
        let on = homeroom_tests::server::Server::start_with_env(
            &w.db.url,
            &[],
            &[
                ("HOMEROOM_INTROSPECTION", "on".to_owned()),
                (
                    "HOMEROOM_METRICS_TOKEN",
                    "metrics-secret-for-tests".to_owned(),
                ),
            ],
        )
        .await?;
        let page = client.get(format!("{}/graphql", on.base)).send().await?;
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.text().await?.contains("graphiql"));
        let resp = on.graphql(None, INTROSPECT, json!({})).await?;
        assert_eq!(
            resp["data"]["__schema"]["queryType"]["name"], "Query",
            "{resp}"
        );
        let metrics = |bearer: Option<&'static str>| {
            let mut req = client.get(format!("{}/metrics", on.base));
            if let Some(b) = bearer {
                req = req.bearer_auth(b);
            }
            req.send()
        };
        assert_eq!(metrics(None).await?.status().as_u16(), 401);
        assert_eq!(metrics(Some("wrong")).await?.status().as_u16(), 401);
        let ok = metrics(Some("metrics-secret-for-tests")).await?;
        assert_eq!(ok.status().as_u16(), 200);
        assert!(ok.text().await?.contains("homeroom_"));
        Ok(())
    }
);

// A SIS whose paging links point at another server (tampered with, or misconfigured behind a
// proxy): following them would send the district's bearer token there. Before the fix the
// connector followed any absolute `Link: rel="next"`, and this test saw the token arrive at
// the other server.
both_backends!(paging_links_do_not_leave_the_sis, |db| async move {
    use homeroom_oneroster::OneRosterVersion;
    use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeOneRoster};
    use homeroom_schema::enums::SyncStatus;
    use homeroom_schema::store::sync_runs;
    use homeroom_tests::chaos::ChaosProxy;
    use homeroom_tests::rest_sis;

    let files = homeroom_tests::db::TempDir::new("foreign-links")?;
    homeroom_tests::sync::district(&files.0, 60, 5)?;
    let dataset = FakeDataset::from_csv(files.0.join("day1"))?.with_version(OneRosterVersion::V1p2);
    let fake = FakeOneRoster::start(dataset, FakeAuth::oauth2("district", "s3cret")).await?;
    // "Another server": a proxy that forwards to the fake, so a client that follows the link
    // gets real pages back (the attack works end to end) and the proxy counts who came.
    let (elsewhere, elsewhere_url) = ChaosProxy::in_front_of(fake.base_url().as_str()).await?;
    fake.faults()
        .set_link_origin(Some(url::Url::parse(&elsewhere_url)?));

    let config = rest_sis::config(&fake, fake.base_url().as_str(), 20);
    let (connector, connector_row) = rest_sis::add_connector(&db.url, &config)?;
    let (code, out) = rest_sis::sync(&db.url, &connector).await?;
    assert_eq!(
        elsewhere.accepted(),
        0,
        "the connector followed a paging link to another server: {out}"
    );
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("another server"), "{out}");
    let run = sync_runs::latest(&mut db.store.conn().await?, &connector_row)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no run"))?;
    assert_eq!(run.status, SyncStatus::Failed, "{run:?}");

    // Links on the SIS's own origin are followed as before.
    fake.faults().set_link_origin(None);
    let (code, out) = rest_sis::sync(&db.url, &connector).await?;
    assert_eq!(code, 0, "{out}");
    Ok(())
});
