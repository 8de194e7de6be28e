//! V6 and V11: cost control before work. One request may carry one expensive mutation, and
//! nested lists count by their bounds multiplied.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::{World, code};

both_backends!(aliased_expensive_mutations_are_refused, |db| async move {
    let w = World::start(db).await?;
    let one = |i: usize| {
        format!(
            "a{i}: acceptInvitation(token: \"hr_inv_guess_{i}\", password: \"correct horse battery {i}\",
               profile: {{givenName: \"A\", familyName: \"B\"}}) {{ token userErrors {{ code }} }} "
        )
    };
    let many: String = (0..50).map(one).collect();
    let resp = w
        .gql(None, &format!("mutation {{ {many} }}"), json!({}))
        .await?;
    assert!(resp["data"].is_null(), "not one alias runs: {resp}");
    assert_eq!(code(&resp).as_deref(), Some("BAD_USER_INPUT"), "{resp}");
    // Two different expensive mutations are refused alike.
    let resp = w
        .gql(
            None,
            "mutation { a: login(email: \"g1@example.org\", password: \"x\") { token }
                        b: joinClass(joinCode: \"K7XQ4M\") { userErrors { code } } }",
            json!({}),
        )
        .await?;
    assert!(resp["data"].is_null(), "{resp}");
    // One is fine.
    let resp = w
        .gql(None, &format!("mutation {{ {} }}", one(0)), json!({}))
        .await?;
    assert_eq!(
        resp["data"]["a0"]["userErrors"][0]["code"], "INVALID_TOKEN",
        "{resp}"
    );
    Ok(())
});

both_backends!(nested_lists_multiply_complexity, |db| async move {
    let w = World::start(db).await?;
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let nested = "people(first: 500) { edges { node {
        classes { students { guardians { guardian { displayName } } } } } } }";
    let q = format!("query {{ a: {nested} b: {nested} c: {nested} }}");
    let resp = w.gql(Some(&admin), &q, json!({})).await?;
    assert!(resp["data"].is_null(), "refused before any work: {resp}");
    assert_eq!(code(&resp).as_deref(), Some("BAD_USER_INPUT"), "{resp}");
    // An ordinary page with one nested list still runs.
    let resp = w
        .gql(
            Some(&admin),
            "query { people(first: 50) { edges { node { displayName classes { title } } } } }",
            json!({}),
        )
        .await?;
    assert!(resp["errors"].is_null(), "{resp}");
    Ok(())
});

both_backends!(
    answers_have_a_size_budget_and_queries_a_time_budget,
    |db| async move {
        // A small size budget, so the fixture district can exceed it.
        let w = World::start_with(db, &[("HOMEROOM_MAX_RESPONSE_BYTES", "600".to_owned())]).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let small = w
            .gql(Some(&admin), "{ viewer { role } }", json!({}))
            .await?;
        assert_eq!(small["data"]["viewer"]["role"], "DISTRICT_ADMIN", "{small}");
        let big = "{ people(first: 100) { nodes { id displayName roles { role }
            contactPoints { kind value } } } }";
        let resp = w.gql(Some(&admin), big, json!({})).await?;
        assert_eq!(code(&resp).as_deref(), Some("RESPONSE_TOO_LARGE"), "{resp}");
        assert!(
            resp["data"].is_null(),
            "nothing of the answer is sent: {resp}"
        );
        assert!(resp.to_string().len() < 600, "{resp}");

        // A 1 ms time budget (a second replica): a query with nested lists is cut short with
        // a clear error; a mutation is not cut short (it commits or rolls back whole).
        let slow = homeroom_tests::server::Server::start_with_env(
            &w.db.url,
            &[],
            &[("HOMEROOM_QUERY_TIMEOUT_MS", "1".to_owned())],
        )
        .await?;
        let nested = "{ a: people(first: 100) { nodes { classes { students { displayName } } } }
                        b: classes(first: 100) { nodes { students { guardians { guardian { displayName } } } } } }";
        let resp = slow.graphql(Some(&admin), nested, json!({})).await?;
        assert_eq!(code(&resp).as_deref(), Some("QUERY_TOO_SLOW"), "{resp}");
        let throwaway = w.token(TokenRole::Teacher, Some("TA")).await?;
        let resp = slow
            .graphql(Some(&throwaway), "mutation { logout }", json!({}))
            .await?;
        assert_eq!(resp["data"]["logout"], true, "{resp}");
        Ok(())
    }
);

// The same attack over the WebSocket endpoint (graphql-transport-ws), which executes
// operations through its own path: aliased expensive mutations are refused there too.
both_backends!(
    aliased_expensive_mutations_over_the_websocket_are_refused,
    |db| async move {
        use futures::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest};

        let w = World::start(db).await?;
        let url = format!("{}/graphql/ws", w.server.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
        // The next text message, bounded: a server that never answers fails the test.
        async fn next_json(
            ws: &mut (impl StreamExt<Item = tokio_tungstenite::tungstenite::Result<Message>> + Unpin),
        ) -> anyhow::Result<serde_json::Value> {
            loop {
                let msg = tokio::time::timeout(std::time::Duration::from_secs(30), ws.next())
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("the socket closed"))??;
                if let Message::Text(text) = msg {
                    return Ok(serde_json::from_str(&text)?);
                }
            }
        }
        ws.send(Message::text(
            json!({"type": "connection_init", "payload": {}}).to_string(),
        ))
        .await?;
        assert_eq!(next_json(&mut ws).await?["type"], "connection_ack");

        let many: String = (0..20)
            .map(|i| {
                format!(
                    "a{i}: login(email: \"g{i}@example.org\", password: \"guess {i}\") {{ token }} "
                )
            })
            .collect();
        ws.send(Message::text(
            json!({"id": "1", "type": "subscribe", "payload": {"query": format!("mutation {{ {many} }}")}})
                .to_string(),
        ))
        .await?;
        let answer = next_json(&mut ws).await?;
        let text = answer.to_string();
        assert!(
            text.contains("at most one sign-in"),
            "not refused before it ran: {answer}"
        );
        assert!(
            answer["payload"]["data"].is_null(),
            "not one alias runs: {answer}"
        );

        // One sign-in is an ordinary request there too.
        ws.send(Message::text(
            json!({"id": "2", "type": "subscribe", "payload": {"query":
                "mutation { login(email: \"g1@example.org\", password: \"x\") { token } }"}})
            .to_string(),
        ))
        .await?;
        let mut answer = next_json(&mut ws).await?;
        while answer["id"] != "2" || answer["type"] != "next" {
            answer = next_json(&mut ws).await?;
        }
        assert!(
            !answer.to_string().contains("at most one"),
            "a single sign-in was refused: {answer}"
        );
        Ok(())
    }
);
