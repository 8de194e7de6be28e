//! V4: webhooks reached private, link-local, metadata and loopback addresses, and the delivery
//! log showed the internal service's answer. Without the operator switch
//! (`HOMEROOM_WEBHOOK_ALLOW_PRIVATE`) the host is resolved at send time and such addresses are
//! refused.

use std::time::{Duration, Instant};

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use homeroom_tests::sync::test_key_base64;
use homeroom_tests::webhook_sink::WebhookSink;
use serde_json::{Value, json};

use super::World;

const CREATE: &str = "mutation($url: String!) {
  createWebhook(url: $url, events: [CLASS_CLAIMED], secret: \"whsec-0123456789abcdef\") {
    webhook { id } userErrors { code } } }";
const LOG: &str = "query($id: ID!) { webhook(id: $id) { deliveries { edges { node {
  status lastError } } } } }";
const CLAIM: &str = "mutation($id: ID!) { claimClass(id: $id) { userErrors { code } } }";

both_backends!(webhooks_do_not_reach_internal_addresses, |db| async move {
    let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", test_key_base64())]).await?;
    let sink = WebhookSink::start().await?;
    let partner = w.partner(&["webhooks:write"]).await?;
    // A name that resolves to loopback: only the send-time resolution can catch it.
    let url = sink.url.replace("127.0.0.1", "localhost");
    let resp = w.gql(Some(&partner), CREATE, json!({"url": url})).await?;
    let id = resp["data"]["createWebhook"]["webhook"]["id"].clone();
    assert!(id.is_string(), "{resp}");
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let resp = w
        .gql(Some(&ta), CLAIM, json!({"id": w.class("A1")}))
        .await?;
    assert_eq!(
        resp["data"]["claimClass"]["userErrors"],
        json!([]),
        "{resp}"
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    let node = loop {
        let resp = w.gql(Some(&partner), LOG, json!({"id": id})).await?;
        let node: Value = resp["data"]["webhook"]["deliveries"]["edges"][0]["node"].clone();
        // Done once it left the queue: delivered (the attack worked) or failed.
        if node["status"].is_string() && node["status"] != "PENDING" && node["status"] != "SENDING"
        {
            break node;
        }
        assert!(
            Instant::now() < deadline,
            "the delivery never finished: {resp}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        sink.hits().is_empty(),
        "nothing reached the loopback receiver"
    );
    assert_eq!(node["status"], "FAILED", "{node}");
    assert_eq!(
        node["lastError"], "address not allowed",
        "a short fixed reason: {node}"
    );
    Ok(())
});
