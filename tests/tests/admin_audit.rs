//! The audit log: each audited action leaves exactly one event; admins read it with filters.

use homeroom_schema::enums::*;
use homeroom_schema::store::{connectors as store_connectors, people, relationships};
use homeroom_service::connectors::{self, ConnectorChanges};
use homeroom_service::tokens;
use homeroom_service::webhooks;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, token};
use homeroom_tests::sync::{csv_connector, test_key};
use serde_json::{Value, json};

use crate::admin_support::{audit_count, audit_events, cid, pid};

/// Asserts that exactly one event, of `action`, was written since `before` events.
async fn one_more(
    store: &homeroom_schema::Store,
    before: &mut usize,
    action: &str,
) -> anyhow::Result<()> {
    let mut c = store.conn().await?;
    let events = audit_events(&mut c).await?;
    assert_eq!(
        events.len(),
        *before + 1,
        "{action}: {:?}",
        events[*before..]
            .iter()
            .map(|e| &e.action)
            .collect::<Vec<_>>()
    );
    assert_eq!(events[*before].action, action);
    *before += 1;
    Ok(())
}

fn ok(resp: &Value, field: &str) {
    assert_eq!(resp["data"][field]["userErrors"], json!([]), "{resp}");
}

both_backends!(
    each_audited_action_leaves_exactly_one_event,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let s = &db.store;
        let api = crate::admin_support::Api::start(&db).await?;
        let mut c = s.conn().await?;
        let mut n = audit_count(&mut c).await?;
        assert_eq!(n, 0, "loading rows directly audits nothing");

        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        one_more(s, &mut n, "token.create").await?;
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        one_more(s, &mut n, "token.create").await?;
        let s4 = token(s, TokenRole::Student, Some(fx.id("S4"))).await?;
        one_more(s, &mut n, "token.create").await?;

        let dir = TempDir::new("audit")?;
        let connector = csv_connector(s, &dir.0).await?;
        one_more(s, &mut n, "connector.create").await?;
        let principal = tokens::authenticate(s, Some(&format!("Bearer {admin}"))).await?;
        let row = store_connectors::get(&mut c, &fx.district_id, &connector)
            .await?
            .expect("connector");
        connectors::update(
            s,
            &connectors::registry(),
            Some(&test_key()),
            &principal,
            row,
            ConnectorChanges {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await?;
        one_more(s, &mut n, "connector.update").await?;

        let a1 = cid(fx.id("A1"));
        const CLAIM: &str = "mutation($id: ID!) { claimClass(id: $id) { userErrors { code } } }";
        ok(
            &api.execute(Some(&ta), CLAIM, json!({ "id": a1 })).await,
            "claimClass",
        );
        one_more(s, &mut n, "class.claim").await?;
        ok(
            &api.execute(Some(&ta), CLAIM, json!({ "id": a1 })).await,
            "claimClass",
        );
        assert_eq!(
            audit_count(&mut c).await?,
            n,
            "claiming again changes nothing"
        );

        const UPDATE: &str = "mutation($id: ID!) { updateClass(id: $id, title: \"Homeroom A\") {
      userErrors { code } } }";
        ok(
            &api.execute(Some(&ta), UPDATE, json!({ "id": a1 })).await,
            "updateClass",
        );
        one_more(s, &mut n, "class.update").await?;
        ok(
            &api.execute(Some(&ta), UPDATE, json!({ "id": a1 })).await,
            "updateClass",
        );
        assert_eq!(
            audit_count(&mut c).await?,
            n,
            "the same title again changes nothing"
        );

        const ADD: &str = "mutation($c: ID!, $p: ID!) { addParticipant(classId: $c, personId: $p) {
      userErrors { code } } }";
        const REMOVE: &str = "mutation($c: ID!, $p: ID!) {
      removeParticipant(classId: $c, personId: $p) { userErrors { code } } }";
        let s3 = json!({ "c": a1, "p": pid(fx.id("S3")) });
        ok(
            &api.execute(Some(&ta), ADD, s3.clone()).await,
            "addParticipant",
        );
        one_more(s, &mut n, "enrollment.add").await?;
        ok(
            &api.execute(Some(&ta), REMOVE, s3).await,
            "removeParticipant",
        );
        one_more(s, &mut n, "enrollment.remove").await?;
        const JOIN: &str = "mutation { joinClass(joinCode: \"JOIN-A2\") { userErrors { code } } }";
        ok(&api.execute(Some(&s4), JOIN, json!({})).await, "joinClass");
        one_more(s, &mut n, "enrollment.join").await?;

        const ARCHIVE: &str = "mutation($ids: [ID!]!) { archivePeople(ids: $ids) {
      userErrors { code } } }";
        const RESTORE: &str = "mutation($ids: [ID!]!) { restorePeople(ids: $ids) {
      userErrors { code } } }";
        let ids = json!({ "ids": [pid(fx.id("S1"))] });
        ok(
            &api.execute(Some(&admin), ARCHIVE, ids.clone()).await,
            "archivePeople",
        );
        one_more(s, &mut n, "person.archive").await?;
        ok(
            &api.execute(Some(&admin), RESTORE, ids).await,
            "restorePeople",
        );
        one_more(s, &mut n, "person.restore").await?;

        // A merge and its undo.
        let dup = people::new_person(&fx.district_id, "Gus", "Three");
        people::insert(&mut c, &dup).await?;
        relationships::insert(
            &mut c,
            &[fixture::link(&fx.district_id, &dup.id, fx.id("S4"))],
        )
        .await?;
        const MERGE: &str =
            "mutation($s: ID!, $d: ID!) { mergePeople(survivorId: $s, duplicateId: $d) {
      auditEvent { id } userErrors { code } } }";
        let resp = api
            .execute(
                Some(&admin),
                MERGE,
                json!({ "s": pid(fx.id("G2")), "d": pid(&dup.id) }),
            )
            .await;
        ok(&resp, "mergePeople");
        one_more(s, &mut n, "person.merge").await?;
        let event = resp["data"]["mergePeople"]["auditEvent"]["id"].clone();
        const UNMERGE: &str =
            "mutation($e: ID!) { unmerge(auditEventId: $e) { userErrors { code } } }";
        ok(
            &api.execute(Some(&admin), UNMERGE, json!({ "e": event }))
                .await,
            "unmerge",
        );
        one_more(s, &mut n, "person.unmerge").await?;

        const REMOVE_GUARDIANS: &str =
            "mutation($ids: [ID!]!) { removeGuardians(studentIds: $ids) {
      userErrors { code } } }";
        let s4_ids = json!({ "ids": [pid(fx.id("S4"))] });
        ok(
            &api.execute(Some(&admin), REMOVE_GUARDIANS, s4_ids.clone())
                .await,
            "removeGuardians",
        );
        one_more(s, &mut n, "relationship.remove_guardians").await?;
        ok(
            &api.execute(Some(&admin), REMOVE_GUARDIANS, s4_ids).await,
            "removeGuardians",
        );
        assert_eq!(
            audit_count(&mut c).await?,
            n,
            "no links left: nothing to record"
        );

        const SET: &str =
            "mutation { setRosteringEnforcement(enabled: true) { rosteringEnforced } }";
        api.execute(Some(&admin), SET, json!({})).await;
        one_more(s, &mut n, "district.settings").await?;
        api.execute(Some(&admin), SET, json!({})).await;
        assert_eq!(audit_count(&mut c).await?, n, "already on");

        const NOTIFY: &str = "mutation { setNotificationSettings(input: {teacherNewClasses: false})
          { notificationSettings { teacherNewClasses } } }";
        api.execute(Some(&admin), NOTIFY, json!({})).await;
        one_more(s, &mut n, "district.settings").await?;
        api.execute(Some(&admin), NOTIFY, json!({})).await;
        assert_eq!(audit_count(&mut c).await?, n, "already off");

        let system_admin = homeroom_tests::principals::district_admin(&fx.district_id);
        let hook = webhooks::create(
            s,
            &system_admin,
            Some(&test_key()),
            webhooks::NewWebhook {
                url: "https://hooks.example.org/homeroom".into(),
                events: vec![webhooks::WebhookEvent::PersonMerged],
                secret: "0123456789abcdef0123".into(),
            },
        )
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        one_more(s, &mut n, "webhook.create").await?;
        webhooks::set_enabled(s, &system_admin, &hook.id, false).await?;
        one_more(s, &mut n, "webhook.update").await?;
        webhooks::set_enabled(s, &system_admin, &hook.id, false).await?;
        assert_eq!(audit_count(&mut c).await?, n, "already off");
        webhooks::delete(s, &system_admin, &hook.id).await?;
        one_more(s, &mut n, "webhook.delete").await?;

        // Refused actions record nothing.
        let resp = api
            .execute(Some(&ta), ARCHIVE, json!({ "ids": [pid(fx.id("S2"))] }))
            .await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"]);
        assert_eq!(audit_count(&mut c).await?, n);
        Ok(())
    }
);

both_backends!(admins_read_the_audit_log_with_filters, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    let a1 = cid(fx.id("A1"));
    for title in ["One", "Two", "Three"] {
        let resp = api
            .execute(
                Some(&ta),
                "mutation($id: ID!, $t: String) { updateClass(id: $id, title: $t) {
              userErrors { code } } }",
                json!({ "id": a1, "t": title }),
            )
            .await;
        ok(&resp, "updateClass");
    }
    const LOG: &str = "query($f: AuditEventFilter, $first: Int, $after: String) {
      auditEvents(filter: $f, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { action actorKind actorId actor { displayName } targetKind targetId
          before after createdAt } } } }";
    let log = async |f: Value, first: i64, after: Value| {
        api.execute(
            Some(&admin),
            LOG,
            json!({ "f": f, "first": first, "after": after }),
        )
        .await
    };

    // Two token creations, then three class edits.
    let resp = log(json!(null), 50, json!(null)).await;
    assert_eq!(resp["data"]["auditEvents"]["totalCount"], 5, "{resp}");
    let resp = log(json!({ "action": "class.update" }), 2, json!(null)).await;
    let page = &resp["data"]["auditEvents"];
    assert_eq!(page["totalCount"], 3, "{resp}");
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let first = &page["edges"][0]["node"];
    assert_eq!(first["actorKind"], "person");
    assert_eq!(first["actorId"], pid(fx.id("TA")));
    assert_eq!(first["actor"]["displayName"], "Tia Alpha");
    assert_eq!(first["targetKind"], "class");
    assert_eq!(first["targetId"], a1);
    assert_eq!(first["before"]["local_title"], json!(null));
    assert_eq!(first["after"]["local_title"], "One");
    let cursor = page["pageInfo"]["endCursor"].clone();
    let resp = log(json!({ "action": "class.update" }), 2, cursor).await;
    let rest = &resp["data"]["auditEvents"];
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        rest["edges"][0]["node"]["after"]["local_title"], "Three",
        "{resp}"
    );

    let resp = log(json!({ "actor": pid(fx.id("TA")) }), 50, json!(null)).await;
    assert_eq!(resp["data"]["auditEvents"]["totalCount"], 3);
    let resp = log(json!({ "target": a1 }), 50, json!(null)).await;
    assert_eq!(resp["data"]["auditEvents"]["totalCount"], 3);
    let resp = log(json!({ "since": "2999-01-01T00:00:00Z" }), 50, json!(null)).await;
    assert_eq!(resp["data"]["auditEvents"]["totalCount"], 0);
    let resp = log(json!({ "since": "2000-01-01T00:00:00Z" }), 50, json!(null)).await;
    assert_eq!(resp["data"]["auditEvents"]["totalCount"], 5);
    let resp = log(json!({ "since": "yesterday" }), 50, json!(null)).await;
    assert_eq!(error_codes(&resp), vec!["BAD_USER_INPUT"]);

    // District admins only.
    let resp = api
        .execute(Some(&ta), "{ auditEvents { totalCount } }", json!({}))
        .await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
    Ok(())
});
