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
