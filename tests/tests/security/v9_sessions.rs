//! V9 and item 8: archiving a person ends their sessions at once, and tokens can be listed,
//! revoked and signed out.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::{World, code};

const VIEWER: &str = "query { viewer { role } }";
const ARCHIVE: &str = "mutation($ids: [ID!]!) { archivePeople(ids: $ids, override: true) {
  userErrors { code } } }";

both_backends!(archived_people_lose_their_sessions, |db| async move {
    let w = World::start(db).await?;
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
    let resp = w.gql(Some(&tb), VIEWER, json!({})).await?;
    assert_eq!(resp["data"]["viewer"]["role"], "TEACHER", "{resp}");
    let resp = w
        .gql(Some(&admin), ARCHIVE, json!({"ids": [w.person("TB")]}))
        .await?;
    assert_eq!(
        resp["data"]["archivePeople"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = w.gql(Some(&tb), VIEWER, json!({})).await?;
    assert_eq!(
        code(&resp).as_deref(),
        Some("UNAUTHENTICATED"),
        "an archived person's session ends: {resp}"
    );
    Ok(())
});

both_backends!(tokens_are_listed_revoked_and_signed_out, |db| async move {
    let w = World::start(db).await?;
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
    let resp = w
        .gql(
            Some(&admin),
            "query { apiTokens { id role revoked } }",
            json!({}),
        )
        .await?;
    let tokens = resp["data"]["apiTokens"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(tokens.len() >= 3, "{resp}");
    // The list names each token's person: find TB's.
    let resp = w
        .gql(
            Some(&admin),
            "query { apiTokens { id person { id } } }",
            json!({}),
        )
        .await?;
    let tb_id = w.person("TB");
    let id = resp["data"]["apiTokens"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["person"]["id"] == json!(tb_id))
        .map(|t| t["id"].clone())
        .expect("TB's token is listed");
    // Another teacher cannot revoke it: refused, and TB's session goes on.
    let resp = w
        .gql(
            Some(&ta),
            "mutation($id: ID!) { revokeApiToken(id: $id) { token { id } userErrors { code } } }",
            json!({"id": id}),
        )
        .await?;
    assert!(
        resp["data"]["revokeApiToken"]["token"].is_null(),
        "a teacher revoked another's token: {resp}"
    );
    let resp = w.gql(Some(&tb), VIEWER, json!({})).await?;
    assert_eq!(code(&resp), None, "TB's token still works: {resp}");
    let resp = w
        .gql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiToken(id: $id) { userErrors { code } } }",
            json!({"id": id}),
        )
        .await?;
    assert_eq!(
        resp["data"]["revokeApiToken"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = w.gql(Some(&tb), VIEWER, json!({})).await?;
    assert_eq!(code(&resp).as_deref(), Some("UNAUTHENTICATED"), "{resp}");
    // A teacher cannot list or revoke others' tokens.
    let resp = w
        .gql(Some(&ta), "query { apiTokens { id } }", json!({}))
        .await?;
    assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
    // Signing out ends the caller's own token.
    let resp = w.gql(Some(&ta), "mutation { logout }", json!({})).await?;
    assert_eq!(resp["data"]["logout"], true, "{resp}");
    let resp = w.gql(Some(&ta), VIEWER, json!({})).await?;
    assert_eq!(code(&resp).as_deref(), Some("UNAUTHENTICATED"), "{resp}");
    Ok(())
});

both_backends!(
    operators_list_and_revoke_tokens_from_the_cli,
    |db| async move {
        use homeroom_tests::server::run;
        let w = World::start(db).await?;
        let url = w.db.url.clone();
        let (code_, out, err) = run(&[
            "token",
            "create",
            "--database-url",
            &url,
            "--role",
            "teacher",
            "--person",
            &w.person("TA"),
            "--label",
            "grading app",
        ])?;
        assert_eq!(code_, 0, "{err}");
        let secret = out.trim().to_owned();
        assert_eq!(
            w.gql(Some(&secret), VIEWER, json!({})).await?["data"]["viewer"]["role"],
            "TEACHER"
        );

        // `token list` shows the token (id, role, label, live) and never a secret.
        let (code_, listing, err) = run(&["token", "list", "--database-url", &url])?;
        assert_eq!(code_, 0, "{err}");
        assert!(!listing.contains(&secret), "a secret in the listing");
        let line = listing
            .lines()
            .find(|l| l.contains("grading app"))
            .unwrap_or_else(|| panic!("the token is listed: {listing}"));
        assert!(line.contains("teacher") && line.ends_with("live"), "{line}");
        let id = line.split('\t').next().expect("id").to_owned();

        // `token revoke ID`: refused at once, listed as revoked; a second revoke says so.
        let (code_, _, err) = run(&["token", "revoke", "--database-url", &url, &id])?;
        assert_eq!(code_, 0, "{err}");
        let resp = w.gql(Some(&secret), VIEWER, json!({})).await?;
        assert_eq!(code(&resp).as_deref(), Some("UNAUTHENTICATED"), "{resp}");
        let (_, listing, _) = run(&["token", "list", "--database-url", &url])?;
        assert!(
            listing
                .lines()
                .any(|l| l.starts_with(&format!("{id}\t")) && l.ends_with("revoked")),
            "{listing}"
        );
        let (code_, _, err) = run(&["token", "revoke", "--database-url", &url, &id])?;
        assert_eq!(code_, 1, "{err}");
        assert!(err.contains("no live token"), "{err}");
        // An unknown id changes nothing.
        let (code_, _, _) = run(&["token", "revoke", "--database-url", &url, "no-such-token"])?;
        assert_eq!(code_, 1);
        Ok(())
    }
);
