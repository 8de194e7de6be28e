//! V5: a teacher sees a guardian's email only masked, yet search matched the full address and
//! the bounce reason quoted it.

use homeroom_schema::enums::{Reachability, TokenRole};
use homeroom_schema::store::{contacts, families};
use homeroom_tests::both_backends;
use serde_json::json;

use super::World;

const SEARCH: &str = "query($s: String!) { people(filter: {search: $s}) {
  edges { node { id displayName } } } }";
const CONTACTS: &str = "query($id: ID!) { person(id: $id) {
  contactPoints { value masked unreachableReason } } }";

both_backends!(masked_contacts_are_masked_everywhere, |db| async move {
    let w = World::start(db).await?;
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;

    // The oracle: does Gina One's address start with "g1@"? A teacher must not learn it.
    let names = |resp: &serde_json::Value| -> Vec<String> {
        resp["data"]["people"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e["node"]["displayName"].as_str().map(str::to_owned))
            .collect()
    };
    let resp = w.gql(Some(&ta), SEARCH, json!({"s": "g1@example"})).await?;
    assert_eq!(names(&resp), Vec::<String>::new(), "{resp}");
    let resp = w.gql(Some(&ta), SEARCH, json!({"s": "Gina"})).await?;
    assert_eq!(names(&resp), vec!["Gina One"], "names still match: {resp}");
    let resp = w
        .gql(Some(&admin), SEARCH, json!({"s": "g1@example"}))
        .await?;
    assert_eq!(
        names(&resp),
        vec!["Gina One"],
        "admins search addresses: {resp}"
    );

    // A bounce quoting the address is masked for those who see the address masked.
    let mut c = w.db.store.conn().await?;
    let cp = contacts::of_people(&mut c, &[w.fx.id("G1").to_owned()]).await?;
    families::set_reachability(
        &mut c,
        &cp[0].id,
        Reachability::Unreachable,
        Some("550 5.1.1 <g1@example.org>: mailbox unknown"),
    )
    .await?;
    drop(c);
    let resp = w
        .gql(Some(&ta), CONTACTS, json!({"id": w.person("G1")}))
        .await?;
    let cps = &resp["data"]["person"]["contactPoints"];
    assert_eq!(cps[0]["masked"], true, "{resp}");
    assert!(!resp.to_string().contains("g1@example.org"), "{resp}");
    assert!(
        cps[0]["unreachableReason"].is_string(),
        "still says it bounced: {resp}"
    );
    let resp = w
        .gql(Some(&admin), CONTACTS, json!({"id": w.person("G1")}))
        .await?;
    assert!(resp.to_string().contains("g1@example.org"), "{resp}");
    Ok(())
});
