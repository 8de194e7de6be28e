//! Outgoing webhooks: registered through the binary's API by a partner with `webhooks:write`,
//! delivered signed (the signature verifies as a receiver would check it), logged; failed
//! deliveries are retried with backoff (in-process worker with millisecond backoff), refused
//! ones fail for good.

use std::time::Duration;

use homeroom_delivery::outgoing::{self, WebhookSender};
use homeroom_delivery::{Delivery, WorkerOptions};
use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::{OutboxStatus, TokenRole};
use homeroom_schema::store::outbox;
use homeroom_service::auth::Principal;
use homeroom_service::invitations::Families;
use homeroom_service::webhooks::{self, NewWebhook, WebhookEvent};
use homeroom_tests::both_backends;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::{error_codes, token, token_with_scopes};
use homeroom_tests::principals;
use homeroom_tests::server::Server;
use homeroom_tests::sync::{test_key, test_key_base64};
use homeroom_tests::webhook_sink::{Hit, WebhookSink};
use serde_json::json;

const SECRET: &str = "whsec-0123456789abcdef";

const CREATE: &str = "mutation($url: String!, $events: [WebhookEvent!]!, $secret: String!) {
  createWebhook(url: $url, events: $events, secret: $secret) {
    webhook { id url events enabled } userErrors { field code message } } }";
const LOG: &str = "query($id: ID!) { webhook(id: $id) { deliveries { edges { node {
  id event status attempts lastError body } } } } }";
const CLAIM: &str = "mutation($id: ID!) { claimClass(id: $id) { userErrors { code } } }";

fn verified(hit: &Hit) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default();
    outgoing::verify(
        SECRET,
        hit.header("homeroom-signature").unwrap_or_default(),
        &hit.body,
        now,
        300,
    )
}

both_backends!(webhooks_are_registered_signed_and_logged, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let sink = WebhookSink::start().await?;
    // The receiver is on 127.0.0.1: the operator switch lets deliveries reach it (issue 15).
    let server = Server::start_with_env(
        &db.url,
        &[],
        &[
            ("HOMEROOM_SECRET_KEY", test_key_base64()),
            ("HOMEROOM_WEBHOOK_ALLOW_PRIVATE", "1".into()),
        ],
    )
    .await?;
    let partner = token_with_scopes(
        &db.store,
        TokenRole::Partner,
        None,
        vec!["webhooks:write".into()],
    )
    .await?;
    let create = |url: &str, secret: &str| json!({"url": url, "events": ["CLASS_CLAIMED", "PERSON_MERGED"], "secret": secret});

    // Refusals: plain http off this machine, a short secret, a token without the scope.
    let out = server
        .graphql(
            Some(&partner),
            CREATE,
            create("http://hooks.example.com/x", SECRET),
        )
        .await?;
    assert_eq!(
        out["data"]["createWebhook"]["userErrors"][0]["code"],
        "INVALID_URL"
    );
    let out = server
        .graphql(Some(&partner), CREATE, create(&sink.url, "short"))
        .await?;
    assert_eq!(
        out["data"]["createWebhook"]["userErrors"][0]["code"],
        "WEAK_SECRET"
    );
    let teacher = token(&db.store, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    let out = server
        .graphql(Some(&teacher), CREATE, create(&sink.url, SECRET))
        .await?;
    assert_eq!(error_codes(&out), ["FORBIDDEN"]);

    let out = server
        .graphql(Some(&partner), CREATE, create(&sink.url, SECRET))
        .await?;
    let hook = &out["data"]["createWebhook"]["webhook"];
    assert_eq!(
        hook["events"],
        json!(["CLASS_CLAIMED", "PERSON_MERGED"]),
        "{out}"
    );
    assert!(
        !out.to_string().contains(SECRET),
        "the secret is never returned"
    );
    let hook_id = hook["id"].as_str().unwrap_or_default().to_owned();

    // A claim is delivered, signed, with the class's global id.
    let class = encode(NodeKind::Class, fx.id("A1")).0;
    let out = server
        .graphql(Some(&teacher), CLAIM, json!({"id": class}))
        .await?;
    assert_eq!(out["data"]["claimClass"]["userErrors"], json!([]), "{out}");
    let hits = sink.wait_for(1).await?;
    let hit = &hits[0];
    assert!(verified(hit), "signature verifies: {hit:?}");
    assert_eq!(hit.header("homeroom-event"), Some("CLASS_CLAIMED"));
    assert_eq!(hit.header("content-type"), Some("application/json"));
    let body = hit.json();
    assert_eq!(body["event"], "CLASS_CLAIMED");
    assert_eq!(body["data"]["classId"], class.as_str());
    assert_eq!(
        body["data"]["teacherId"],
        encode(NodeKind::Person, fx.id("TA")).0.as_str()
    );
    assert_eq!(hit.header("homeroom-delivery"), body["id"].as_str());
    let mut tampered = hit.clone();
    tampered.body = tampered.body.replace("CLASS_CLAIMED", "CLASS_RELEASED");
    assert!(!verified(&tampered), "a changed body fails the signature");

    // The delivery log shows it delivered on the first attempt.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = server
            .graphql(Some(&partner), LOG, json!({"id": hook_id}))
            .await?;
        if log["data"]["webhook"]["deliveries"]["edges"][0]["node"]["status"] == "DELIVERED" {
            break log;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not recorded as delivered in 10 s: {log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let node = &log["data"]["webhook"]["deliveries"]["edges"][0]["node"];
    assert_eq!(node["status"], "DELIVERED", "{log}");
    assert_eq!(node["event"], "CLASS_CLAIMED");
    assert_eq!(node["attempts"], 1);
    assert_eq!(node["id"], body["id"]);

    // Releasing is not subscribed: nothing more is queued (events are queued in the mutation's
    // own transaction), and the one queued delivery was delivered above, so nothing more is sent.
    let release = "mutation($id: ID!) { releaseClass(id: $id) { userErrors { code } } }";
    let released = server
        .graphql(Some(&teacher), release, json!({"id": class}))
        .await?;
    assert_eq!(
        released["data"]["releaseClass"]["userErrors"],
        json!([]),
        "{released}"
    );
    let mut c = db.store.conn().await?;
    assert_eq!(
        outbox::of_kind(&mut c, &fx.district_id, "webhook.")
            .await?
            .len(),
        1
    );
    assert_eq!(sink.hits().len(), 1);
    Ok(())
});

both_backends!(
    failed_deliveries_retry_then_fail_or_give_up,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let sink = WebhookSink::start().await?;
        let hook = webhooks::create(
            &db.store,
            &admin(&fx),
            Some(&test_key()),
            NewWebhook {
                url: sink.url.clone(),
                events: vec![WebhookEvent::ClassClaimed, WebhookEvent::ClassReleased],
                secret: SECRET.into(),
            },
        )
        .await?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let delivery = Delivery {
            // The receiver is on 127.0.0.1: the operator switch lets deliveries reach it.
            webhooks: WebhookSender::new(Some(test_key())).allow_private(true),
            ..Delivery::default()
        };
        let families = Families::new("https://homeroom.test");
        let options = WorkerOptions {
            backoff: Duration::from_millis(1),
            max_attempts: 3,
            ..WorkerOptions::default()
        };
        let drain = async || -> anyhow::Result<usize> {
            homeroom_tests::delivery::run_pending(&db.store, &families, &delivery, &options).await
        };
        let mut c = db.store.conn().await?;

        // 500, then 429, then accepted: three attempts of the same delivery, each signed.
        sink.fail_next(&[500, 429]);
        homeroom_service::classes::claim(&db.store, &teacher(&fx, "TA"), fx.id("A1"), None)
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        drain().await?;
        let hits = sink.hits();
        assert_eq!(
            hits.iter().map(|h| h.answered).collect::<Vec<_>>(),
            [500, 429, 200]
        );
        assert!(hits.iter().all(verified));
        let ids: Vec<_> = hits.iter().map(|h| h.header("homeroom-delivery")).collect();
        assert!(ids.iter().all(|i| i.is_some() && *i == ids[0]), "{ids:?}");
        let log = outbox::of_kind(&mut c, &fx.district_id, "webhook.").await?;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].status, OutboxStatus::Sent);
        assert_eq!(log[0].attempts, 3);
        assert_eq!(log[0].webhook_id.as_deref(), Some(hook.id.as_str()));

        // A 404 is a refusal: failed at once, not retried.
        sink.fail_next(&[404]);
        homeroom_service::classes::release(&db.store, &teacher(&fx, "TA"), fx.id("A1"))
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        drain().await?;
        let log = outbox::of_kind(&mut c, &fx.district_id, "webhook.class_released").await?;
        assert_eq!(log[0].status, OutboxStatus::Failed);
        assert_eq!(log[0].attempts, 1);
        assert!(
            log[0]
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("HTTP 404"),
            "{:?}",
            log[0].last_error
        );

        // Always 503: out of attempts after three.
        sink.fail_next(&[503, 503, 503]);
        homeroom_service::classes::claim(&db.store, &teacher(&fx, "TA"), fx.id("A1"), None)
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        drain().await?;
        let log = outbox::of_kind(&mut c, &fx.district_id, "webhook.class_claimed").await?;
        let last = log.last().ok_or_else(|| anyhow::anyhow!("no delivery"))?;
        assert_eq!(last.status, OutboxStatus::Failed);
        assert_eq!(last.attempts, 3);
        assert!(
            last.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("gave up after 3 attempts"),
            "{:?}",
            last.last_error
        );
        assert_eq!(sink.hits().len(), 7);

        // A disabled webhook gets nothing.
        webhooks::set_enabled(&db.store, &admin(&fx), &hook.id, false).await?;
        homeroom_service::classes::release(&db.store, &teacher(&fx, "TA"), fx.id("A1"))
            .await?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        drain().await?;
        assert_eq!(sink.hits().len(), 7);
        Ok(())
    }
);

fn admin(fx: &Fixture) -> Principal {
    principals::district_admin(&fx.district_id)
}

fn teacher(fx: &Fixture, who: &str) -> Principal {
    principals::person(fx, who, TokenRole::Teacher)
}
