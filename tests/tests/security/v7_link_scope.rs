//! V7 (addRelationship part): a teacher linked any adult of the district, admins included, to
//! their student as guardian; the guardian argument was never scope-checked.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::World;

const ADD: &str = "mutation($g: ID!, $s: ID!) {
  addRelationship(input: {guardianId: $g, studentId: $s, kind: PARENT}) {
    userErrors { field code } } }";

both_backends!(teachers_link_only_guardians_they_see, |db| async move {
    let w = World::start(db).await?;
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let code =
        |resp: &serde_json::Value| resp["data"]["addRelationship"]["userErrors"][0]["code"].clone();
    // The school admin, another teacher and another class's parent are out of TA's sight: each
    // is answered like an unknown id.
    for who in ["SA", "TB", "G2"] {
        let resp = w
            .gql(
                Some(&ta),
                ADD,
                json!({"g": w.person(who), "s": w.person("S1")}),
            )
            .await?;
        assert_eq!(code(&resp), "NOT_FOUND", "{who}: {resp}");
    }
    // A parent TA sees (S1's parent, for S1's sibling S2 — already linked) stays a normal case.
    let resp = w
        .gql(
            Some(&ta),
            ADD,
            json!({"g": w.person("G1"), "s": w.person("S2")}),
        )
        .await?;
    assert_eq!(code(&resp), "ALREADY_LINKED", "{resp}");
    Ok(())
});
