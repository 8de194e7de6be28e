//! Issue 15: a property test over the demo district. For callers drawn at random (every
//! role, and partners), and objects drawn at random (people and classes, visible or not),
//! every path that reaches an object agrees with the policy: the lists (`people`, `classes`),
//! `node(id)`, `person(id)`/`class(id)`, the nested lists of a class, and a mutation
//! (`updateClass`, which only a class's managers may call). The draws come from a
//! deterministic proptest runner, so a failure names its caller and object and reproduces.

use std::collections::BTreeSet;

use anyhow::Context as _;
use homeroom_core::ids::{NodeKind, decode, encode};
use homeroom_schema::enums::{Role, TokenRole};
use homeroom_schema::page::PageRequest;
use homeroom_schema::scope::{self, Scope, Visible};
use homeroom_schema::store::{classes, districts, people};
use homeroom_service::auth::policy;
use homeroom_tests::both_backends;
use homeroom_tests::graphql::{token, token_with_scopes};
use homeroom_tests::server::Server;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

/// Callers drawn per role.
const PER_ROLE: usize = 2;
/// Objects drawn per caller and kind (half from what the policy shows them, half from all).
const OBJECTS: usize = 8;

/// Draws an index below `n` from the runner.
fn pick(runner: &mut TestRunner, n: usize) -> usize {
    (0..n.max(1))
        .new_tree(runner)
        .map(|t| t.current())
        .unwrap_or_default()
}

/// Every row id a connection field lists, page by page.
async fn list_all(server: &Server, token: &str, field: &str) -> anyhow::Result<BTreeSet<String>> {
    let mut ids = BTreeSet::new();
    let mut after = Value::Null;
    loop {
        let q = format!(
            "query($after: String) {{ {field}(first: 500, after: $after) {{
               edges {{ node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        );
        let resp = server
            .graphql(Some(token), &q, json!({"after": after}))
            .await?;
        let conn = &resp["data"][field];
        let edges = conn["edges"]
            .as_array()
            .with_context(|| format!("{field}: {resp}"))?;
        for e in edges {
            let (_, row) = decode(e["node"]["id"].as_str().unwrap_or_default())?;
            ids.insert(row);
        }
        if conn["pageInfo"]["hasNextPage"] != true {
            return Ok(ids);
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
}

fn set_of(visible: &Visible, all: &BTreeSet<String>) -> BTreeSet<String> {
    all.iter()
        .filter(|id| visible.contains(id))
        .cloned()
        .collect()
}

both_backends!(every_path_agrees_with_the_policy, |db| async move {
    let server = Server::start_with_env(&db.url, &["--demo"], &[]).await?;
    let store = &db.store;
    let mut c = store.conn().await?;
    let district = districts::get_default(&mut c)
        .await?
        .context("the demo district")?;
    // Everyone and every class of the district, straight from the store.
    let mut all_people = BTreeSet::new();
    let mut page = PageRequest {
        first: Some(500),
        after: None,
    };
    loop {
        let rows = people::list(
            &mut c,
            &district.id,
            &Scope::District,
            &people::PersonFilter::default(),
            &page,
        )
        .await?;
        page.after = rows.items.last().map(|p| p.id.clone());
        all_people.extend(rows.items.into_iter().map(|p| p.id));
        if !rows.has_next {
            break;
        }
    }
    let mut all_classes = BTreeSet::new();
    let mut page = PageRequest {
        first: Some(500),
        after: None,
    };
    loop {
        let rows = classes::list(
            &mut c,
            &district.id,
            &Scope::District,
            &classes::ClassFilter::default(),
            &page,
        )
        .await?;
        page.after = rows.items.last().map(|x| x.id.clone());
        all_classes.extend(rows.items.into_iter().map(|x| x.id));
        if !rows.has_next {
            break;
        }
    }
    let ids: Vec<String> = all_people.iter().cloned().collect();
    let roles = people::roles_of(&mut c, &ids).await?;
    drop(c);

    // Callers: PER_ROLE people of each role, a district admin and two partners.
    let mut runner = TestRunner::deterministic();
    let mut callers: Vec<(String, String)> = Vec::new();
    for (role, token_role) in [
        (Role::Teacher, TokenRole::Teacher),
        (Role::Aide, TokenRole::Aide),
        (Role::Staff, TokenRole::Staff),
        (Role::SchoolAdmin, TokenRole::SchoolAdmin),
        (Role::Guardian, TokenRole::Guardian),
        (Role::Student, TokenRole::Student),
    ] {
        let holders: Vec<&str> = roles
            .iter()
            .filter(|r| r.role == role)
            .map(|r| r.person_id.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for _ in 0..PER_ROLE.min(holders.len()) {
            let who = holders[pick(&mut runner, holders.len())];
            let t = token(store, token_role, Some(who)).await?;
            callers.push((format!("{token_role} {who}"), t));
        }
    }
    callers.push((
        "district admin".into(),
        token(store, TokenRole::DistrictAdmin, None).await?,
    ));
    callers.push((
        "partner roster:read".into(),
        token_with_scopes(store, TokenRole::Partner, None, vec!["roster:read".into()]).await?,
    ));
    assert!(callers.len() >= 10, "the demo has every role: {callers:?}");

    let all_people_v: Vec<&String> = all_people.iter().collect();
    let all_classes_v: Vec<&String> = all_classes.iter().collect();
    let mut wrong = Vec::new();
    let mut checked = 0usize;
    for (who, t) in &callers {
        let principal =
            homeroom_service::tokens::authenticate(store, Some(&format!("Bearer {t}"))).await?;
        let mut c = store.conn().await?;
        let scope = principal.scope()?;
        let people_ok = set_of(&scope::visible_people(&mut c, &scope).await?, &all_people);
        let classes_ok = set_of(&scope::visible_classes(&mut c, &scope).await?, &all_classes);
        drop(c);

        // The lists hold exactly the policy's sets.
        let listed = list_all(&server, t, "people").await?;
        if listed != people_ok {
            wrong.push(format!(
                "{who}: people list {} rows, policy {} (only listed: {:?}, only policy: {:?})",
                listed.len(),
                people_ok.len(),
                listed.difference(&people_ok).take(3).collect::<Vec<_>>(),
                people_ok.difference(&listed).take(3).collect::<Vec<_>>()
            ));
        }
        let listed = list_all(&server, t, "classes").await?;
        if listed != classes_ok {
            wrong.push(format!(
                "{who}: classes list {} rows, policy {}",
                listed.len(),
                classes_ok.len()
            ));
        }

        // Random people: node(id) and person(id) agree with the policy.
        let ok_v: Vec<&String> = people_ok.iter().collect();
        for i in 0..OBJECTS {
            let id = if i % 2 == 0 && !ok_v.is_empty() {
                ok_v[pick(&mut runner, ok_v.len())]
            } else {
                all_people_v[pick(&mut runner, all_people_v.len())]
            };
            let gid = encode(NodeKind::Person, id);
            let resp = server
                .graphql(
                    Some(t),
                    "query($id: ID!) { node(id: $id) { id } person(id: $id) { id } }",
                    json!({"id": gid}),
                )
                .await?;
            let expected = people_ok.contains(id);
            for path in ["node", "person"] {
                if resp["data"][path]["id"].is_string() != expected {
                    wrong.push(format!(
                        "{who}: {path}(person {id}) != policy {expected}: {resp}"
                    ));
                }
            }
            checked += 1;
        }

        // Random classes: node(id), class(id), the nested people, and updateClass.
        let ok_v: Vec<&String> = classes_ok.iter().collect();
        for i in 0..OBJECTS {
            let id = if i % 2 == 0 && !ok_v.is_empty() {
                ok_v[pick(&mut runner, ok_v.len())]
            } else {
                all_classes_v[pick(&mut runner, all_classes_v.len())]
            };
            let gid = encode(NodeKind::Class, id);
            let resp = server
                .graphql(
                    Some(t),
                    "query($id: ID!) { node(id: $id) { id } class(id: $id) { id
                       teachers { id } students { id } guardians { id } } }",
                    json!({"id": gid}),
                )
                .await?;
            let expected = classes_ok.contains(id);
            for path in ["node", "class"] {
                if resp["data"][path]["id"].is_string() != expected {
                    wrong.push(format!(
                        "{who}: {path}(class {id}) != policy {expected}: {resp}"
                    ));
                }
            }
            // Nested lists never reach a person the policy hides.
            for list in ["teachers", "students", "guardians"] {
                for p in resp["data"]["class"][list].as_array().into_iter().flatten() {
                    let (_, row) = decode(p["id"].as_str().unwrap_or_default())?;
                    if !people_ok.contains(&row) {
                        wrong.push(format!(
                            "{who}: class {id}.{list} shows hidden person {row}"
                        ));
                    }
                }
            }
            // A mutation: only the class's managers may update it (a no-op update here).
            let mut c = store.conn().await?;
            let class = classes::get_many(&mut c, std::slice::from_ref(id)).await?;
            let manages = match class.first() {
                Some(class) => policy::manages(&mut c, &principal, class).await?,
                None => false,
            };
            drop(c);
            let resp = server
                .graphql(
                    Some(t),
                    "mutation($id: ID!) { updateClass(id: $id) { class { id } userErrors { code } } }",
                    json!({"id": gid}),
                )
                .await?;
            let updated = resp["data"]["updateClass"]["class"]["id"].is_string();
            if updated != manages {
                wrong.push(format!(
                    "{who}: updateClass(class {id}) != manages {manages}: {resp}"
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 10 * 2 * OBJECTS, "{checked} objects checked");
    assert!(
        wrong.is_empty(),
        "paths that disagree with the policy:\n{}",
        wrong.join("\n")
    );
    Ok(())
});
