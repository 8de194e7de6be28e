//! Authorization matrix: every query × every role; no out-of-scope row ever appears.

use std::collections::BTreeSet;

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::{error_codes, execute, token, token_with_scopes};
use serde_json::{Value, json};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The fixture row id behind a global id.
fn row_id(global: &str) -> String {
    let raw = URL_SAFE_NO_PAD.decode(global).expect("global id is base64");
    let text = String::from_utf8(raw).expect("utf-8");
    text.split_once(':').expect("Type:id").1.to_owned()
}

fn names(fx: &Fixture, ids: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    ids.into_iter()
        .map(|id| {
            fx.name_of(&id)
                .map_or_else(|| format!("?{id}"), str::to_owned)
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn edge_ids(resp: &Value, field: &str) -> Vec<String> {
    resp["data"][field]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} edges in {resp}"))
        .iter()
        .map(|e| row_id(e["node"]["id"].as_str().expect("id")))
        .collect()
}

const LISTS: &str = "{ people(first: 100) { totalCount edges { node { id } } }
  classes(first: 100) { totalCount edges { node { id } } }
  relationships(first: 100) { totalCount edges { node { id } } } }";

struct Expect {
    who: &'static str,
    people: &'static [&'static str],
    classes: &'static [&'static str],
    links: &'static [&'static str],
}

const ALL_PEOPLE: &[&str] = &[
    "SA", "TA", "TB", "TC", "S1", "S2", "S3", "S4", "G1", "G2", "G3",
];

const MATRIX: &[Expect] = &[
    Expect {
        who: "district_admin",
        people: ALL_PEOPLE,
        classes: &["A1", "A2", "B1"],
        links: &["G1-S1", "G1-S2", "G2-S3", "G3-S4"],
    },
    Expect {
        who: "partner",
        people: ALL_PEOPLE,
        classes: &["A1", "A2", "B1"],
        links: &["G1-S1", "G1-S2", "G2-S3", "G3-S4"],
    },
    Expect {
        who: "SA",
        people: &["SA", "TA", "TB", "S1", "S2", "S3", "G1", "G2"],
        classes: &["A1", "A2"],
        links: &["G1-S1", "G1-S2", "G2-S3"],
    },
    Expect {
        who: "TA",
        people: &["TA", "S1", "S2", "G1"],
        classes: &["A1"],
        links: &["G1-S1", "G1-S2"],
    },
    Expect {
        who: "TB",
        people: &["TB", "S3", "G2"],
        classes: &["A2"],
        links: &["G2-S3"],
    },
    Expect {
        who: "G1",
        people: &["G1", "S1", "S2", "TA"],
        classes: &["A1"],
        links: &["G1-S1", "G1-S2"],
    },
    Expect {
        who: "S1",
        people: &["S1"],
        classes: &["A1"],
        links: &[],
    },
];

async fn token_for(db: &homeroom_tests::TestDb, fx: &Fixture, who: &str) -> anyhow::Result<String> {
    let s = &db.store;
    Ok(match who {
        "district_admin" => token(s, TokenRole::DistrictAdmin, None).await?,
        "partner" => {
            token_with_scopes(s, TokenRole::Partner, None, vec!["roster:read".into()]).await?
        }
        "SA" => token(s, TokenRole::SchoolAdmin, Some(fx.id("SA"))).await?,
        "TA" | "TB" | "TC" => token(s, TokenRole::Teacher, Some(fx.id(who))).await?,
        "G1" | "G2" | "G3" => token(s, TokenRole::Guardian, Some(fx.id(who))).await?,
        "S1" => token(s, TokenRole::Student, Some(fx.id("S1"))).await?,
        other => panic!("no such caller {other}"),
    })
}

both_backends!(lists_hold_exactly_the_callers_scope, |db| async move {
    let fx = fixture::load(&db.store).await?;
    for row in MATRIX {
        let tok = token_for(&db, &fx, row.who).await?;
        let resp = execute(&db.store, Some(&tok), LISTS, json!({})).await;
        assert!(resp["errors"].is_null(), "{}: {resp}", row.who);
        assert_eq!(
            names(&fx, edge_ids(&resp, "people")),
            set(row.people),
            "people for {}",
            row.who
        );
        assert_eq!(
            names(&fx, edge_ids(&resp, "classes")),
            set(row.classes),
            "classes for {}",
            row.who
        );
        assert_eq!(
            names(&fx, edge_ids(&resp, "relationships")),
            set(row.links),
            "links for {}",
            row.who
        );
        assert_eq!(
            resp["data"]["people"]["totalCount"],
            json!(row.people.len()),
            "{}",
            row.who
        );
        assert_eq!(
            resp["data"]["classes"]["totalCount"],
            json!(row.classes.len()),
            "{}",
            row.who
        );
        assert_eq!(
            resp["data"]["relationships"]["totalCount"],
            json!(row.links.len()),
            "{}",
            row.who
        );

        // person(id), class(id) and node(id) give exactly the visible objects, null otherwise.
        for person in ALL_PEOPLE {
            let gid = homeroom_graphql::ids::encode(
                homeroom_graphql::ids::NodeKind::Person,
                fx.id(person),
            );
            let q = "query($id: ID!) { person(id: $id) { id } node(id: $id) { id } }";
            let resp = execute(&db.store, Some(&tok), q, json!({ "id": gid.0 })).await;
            let visible = row.people.contains(person);
            assert_eq!(
                !resp["data"]["person"].is_null(),
                visible,
                "{} person {person}: {resp}",
                row.who
            );
            assert_eq!(
                !resp["data"]["node"].is_null(),
                visible,
                "{} node {person}: {resp}",
                row.who
            );
        }
        for class in ["A1", "A2", "B1"] {
            let gid =
                homeroom_graphql::ids::encode(homeroom_graphql::ids::NodeKind::Class, fx.id(class));
            let q = "query($id: ID!) { class(id: $id) { id students { id } guardians { id } teachers { id } } }";
            let resp = execute(&db.store, Some(&tok), q, json!({ "id": gid.0 })).await;
            let visible = row.classes.contains(&class);
            assert_eq!(
                !resp["data"]["class"].is_null(),
                visible,
                "{} class {class}: {resp}",
                row.who
            );
            if visible {
                // Nested lists never leak people outside the caller's scope.
                for list in ["students", "guardians", "teachers"] {
                    let ids: Vec<String> = resp["data"]["class"][list]
                        .as_array()
                        .expect("list")
                        .iter()
                        .map(|p| row_id(p["id"].as_str().expect("id")))
                        .collect();
                    for name in names(&fx, ids) {
                        assert!(
                            row.people.contains(&name.as_str()),
                            "{} sees {name} in {class}.{list}",
                            row.who
                        );
                    }
                }
            }
        }
    }
    Ok(())
});

both_backends!(guardians_see_teacher_names_only, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let tok = token_for(&db, &fx, "G1").await?;
    let ta = homeroom_graphql::ids::encode(homeroom_graphql::ids::NodeKind::Person, fx.id("TA"));
    let s1 = homeroom_graphql::ids::encode(homeroom_graphql::ids::NodeKind::Person, fx.id("S1"));
    let q = "query($t: ID!, $s: ID!) {
        t: person(id: $t) { displayName contactPoints { value } classes { id } }
        s: person(id: $s) { displayName contactPoints { value masked } classes { id } } }";
    let resp = execute(&db.store, Some(&tok), q, json!({ "t": ta.0, "s": s1.0 })).await;
    assert_eq!(resp["data"]["t"]["displayName"], "Tia Alpha");
    assert_eq!(resp["data"]["t"]["contactPoints"], json!([]));
    assert_eq!(resp["data"]["t"]["classes"], json!([]));
    assert_eq!(resp["data"]["s"]["contactPoints"][0]["masked"], json!(true));
    assert_eq!(
        resp["data"]["s"]["contactPoints"][0]["value"],
        json!("s***@example.org")
    );
    // Admins see contact points in full.
    let admin = token_for(&db, &fx, "district_admin").await?;
    let resp = execute(&db.store, Some(&admin), q, json!({ "t": ta.0, "s": s1.0 })).await;
    assert_eq!(
        resp["data"]["t"]["contactPoints"][0]["value"],
        json!("ta@example.org")
    );
    Ok(())
});

both_backends!(
    no_token_bad_token_and_missing_scope_are_refused,
    |db| async move {
        let _fx = fixture::load(&db.store).await?;
        let resp = execute(&db.store, None, LISTS, json!({})).await;
        assert!(resp["data"].is_null(), "{resp}");
        assert!(
            error_codes(&resp).iter().all(|c| c == "UNAUTHENTICATED"),
            "{resp}"
        );
        let resp = execute(
            &db.store,
            Some("hr_not-a-real-token"),
            "{ viewer { role } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&resp), vec!["UNAUTHENTICATED"]);
        let partner = token_with_scopes(
            &db.store,
            TokenRole::Partner,
            None,
            vec!["connectors:write".into()],
        )
        .await?;
        let resp = execute(
            &db.store,
            Some(&partner),
            "{ people(first: 5) { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"]);
        assert!(resp["data"].is_null(), "{resp}");
        // Malformed ids and cursors are BAD_USER_INPUT, not internal errors.
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let resp = execute(
            &db.store,
            Some(&admin),
            "{ person(id: \"nope\") { id } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&resp), vec!["BAD_USER_INPUT"]);
        let resp = execute(
            &db.store,
            Some(&admin),
            "{ people(after: \"zzz\") { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&resp), vec!["BAD_USER_INPUT"]);
        let resp = execute(
            &db.store,
            Some(&admin),
            "{ people { nosuchfield } }",
            json!({}),
        )
        .await;
        assert_eq!(error_codes(&resp), vec!["BAD_USER_INPUT"]);
        Ok(())
    }
);
