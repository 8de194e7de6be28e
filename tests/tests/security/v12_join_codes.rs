//! V12 and item 9: join codes are long enough, guesses are limited, and a wrong code and a
//! code the caller may not use get one answer.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::{World, code};

const UPDATE: &str = "mutation($id: ID!, $j: String) { updateClass(id: $id, joinCode: $j) {
  class { joinCode } userErrors { code } } }";
const JOIN: &str = "mutation($j: String!) { joinClass(joinCode: $j) {
  class { id } userErrors { code } } }";

both_backends!(join_codes_resist_guessing, |db| async move {
    let w = World::start(db).await?;
    let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let s4 = w.token(TokenRole::Student, Some("S4")).await?;

    // Three-character codes are refused; six from the unambiguous alphabet are fine.
    let resp = w
        .gql(Some(&tb), UPDATE, json!({"id": w.class("A2"), "j": "abc"}))
        .await?;
    assert_eq!(
        resp["data"]["updateClass"]["userErrors"][0]["code"], "TOO_SHORT",
        "{resp}"
    );
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
    // A1 is not claimed: its code answers exactly like a wrong one.
    let resp = w
        .gql(
            Some(&ta),
            UPDATE,
            json!({"id": w.class("A1"), "j": "RT9PWZ"}),
        )
        .await?;
    assert_eq!(
        resp["data"]["updateClass"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let unclaimed = w.gql(Some(&s4), JOIN, json!({"j": "RT9PWZ"})).await?;
    let wrong = w.gql(Some(&s4), JOIN, json!({"j": "ZZZZZZ"})).await?;
    assert_eq!(
        unclaimed["data"]["joinClass"]["userErrors"], wrong["data"]["joinClass"]["userErrors"],
        "one answer for wrong and not-allowed codes: {unclaimed} / {wrong}"
    );

    // 200 guesses in one request are refused outright.
    let aliases: String = (0..200)
        .map(|i| format!("g{i}: joinClass(joinCode: \"G{i:05}\") {{ userErrors {{ code }} }} "))
        .collect();
    let resp = w
        .gql(Some(&s4), &format!("mutation {{ {aliases} }}"), json!({}))
        .await?;
    assert!(
        resp["data"].is_null() || resp["errors"].is_array(),
        "{resp}"
    );
    assert!(
        resp["data"]["g1"].is_null(),
        "no second guess runs in one request: {resp}"
    );

    // Guessing one request at a time is rate-limited: after the limit, even the right code is
    // refused for a while.
    for i in 0..12 {
        let _ = w
            .gql(Some(&s4), JOIN, json!({"j": format!("W{i:05}")}))
            .await?;
    }
    let resp = w.gql(Some(&s4), JOIN, json!({"j": "K7XQ4M"})).await?;
    assert!(
        resp["data"]["joinClass"]["class"].is_null(),
        "the right code after many wrong guesses is refused: {resp}"
    );
    assert_eq!(
        resp["data"]["joinClass"]["userErrors"][0]["code"], "RATE_LIMITED",
        "{resp}"
    );
    // Another student is not locked out by S4's guessing.
    let s1 = w.token(TokenRole::Student, Some("S1")).await?;
    let resp = w.gql(Some(&s1), JOIN, json!({"j": "K7XQ4M"})).await?;
    assert_eq!(resp["data"]["joinClass"]["userErrors"], json!([]), "{resp}");
    let _ = code(&resp);
    Ok(())
});
