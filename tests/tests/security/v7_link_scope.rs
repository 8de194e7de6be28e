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

const IMPORT: &str = "mutation($file: Upload!) {
  importRelationships(file: $file, dryRun: true) {
    errors(first: 100) { row field code message }
    preview { rows { row } } } }";

both_backends!(
    an_import_dry_run_is_no_oracle_for_people_out_of_sight,
    |db| async move {
        let w = World::start(db).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        // Each pair differs only in whether the named person exists out of TA's sight:
        // the school admin's address vs an unknown one, another teacher's class's parent vs an
        // unknown one, TA herself, and a student of another school vs an unknown number.
        let file = "parent_email,student_id,relationship_type\n\
            sa@example.org,N-S1,Parent\n\
            nobody.here@example.org,N-S1,Parent\n\
            g2@example.org,N-S1,Parent\n\
            nobody.there@example.org,N-S1,Parent\n\
            ta@example.org,N-S1,Parent\n\
            g1@example.org,N-S4,Parent\n\
            g1@example.org,N-S9,Parent\n";
        let resp = w
            .server
            .graphql_upload(Some(&ta), IMPORT, json!({}), ("links.csv", file.as_bytes()))
            .await?;
        let job = &resp["data"]["importRelationships"];
        assert!(job.is_object(), "{resp}");
        let errors = job["errors"].as_array().expect("errors");
        let of_row = |row: i64| -> (String, String) {
            let e = errors
                .iter()
                .find(|e| e["row"] == row)
                .unwrap_or_else(|| panic!("row {row} is refused: {resp}"));
            (
                e["code"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        };
        let same = |a: i64, b: i64, a_value: &str, b_value: &str| {
            let (code_a, msg_a) = of_row(a);
            let (code_b, msg_b) = of_row(b);
            assert_eq!(code_a, code_b, "rows {a} and {b}");
            assert_eq!(msg_a.replace(a_value, "X"), msg_b.replace(b_value, "X"));
        };
        // Rows 2.. are the data lines (row 1 is the header).
        assert_eq!(of_row(2).0, "PARENT_NOT_FOUND");
        same(2, 3, "sa@example.org", "nobody.here@example.org");
        same(4, 5, "g2@example.org", "nobody.there@example.org");
        same(6, 3, "ta@example.org", "nobody.here@example.org");
        assert_eq!(of_row(7).0, "STUDENT_NOT_FOUND");
        same(7, 8, "N-S4", "N-S9");
        assert_eq!(job["preview"]["rows"], json!([]), "{resp}");
        // Nothing in the answer names a person out of sight.
        let text = resp.to_string();
        for who in ["SA", "TB", "G2", "S4"] {
            assert!(!text.contains(w.fx.id(who)), "{who} is named: {text}");
            assert!(!text.contains(&w.person(who)), "{who} is named: {text}");
        }
        Ok(())
    }
);
