//! Keyset pagination: cursors are opaque, pages are stable across inserts, `first` is capped.

use homeroom_schema::enums::{RecordSource, Role, TokenRole};
use homeroom_schema::store::{districts, people};
use homeroom_tests::both_backends;
use homeroom_tests::graphql::{execute, token};
use serde_json::{Value, json};

const PAGE: &str = "query($after: String, $first: Int) {
  people(first: $first, after: $after, filter: {role: STUDENT}) {
    totalCount edges { cursor node { id givenName } } pageInfo { hasNextPage endCursor } } }";

fn ids(resp: &Value) -> Vec<String> {
    resp["data"]["people"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

both_backends!(pages_are_stable_across_inserts, |db| async move {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "D").await?;
    // Ids follow creation order: adults made before, and between, the students must neither
    // appear on a student page nor shorten one (the page's lower bound is the first student).
    for i in 0..25 {
        if i % 5 == 0 {
            let adult = people::new_person(&d.id, &format!("Adult{i:02}"), "Page");
            people::insert(&mut c, &adult).await?;
            people::add_role(&mut c, &adult, Role::Teacher, None, RecordSource::Sis).await?;
        }
        let p = people::new_person(&d.id, &format!("Kid{i:02}"), "Page");
        people::insert(&mut c, &p).await?;
        people::add_role(&mut c, &p, Role::Student, None, RecordSource::Sis).await?;
    }
    let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
    let first = execute(&db.store, Some(&admin), PAGE, json!({ "first": 10 })).await;
    assert_eq!(first["data"]["people"]["totalCount"], 25);
    assert_eq!(ids(&first).len(), 10);
    assert_eq!(first["data"]["people"]["pageInfo"]["hasNextPage"], true);
    let cursor = first["data"]["people"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!cursor.contains("Kid"), "cursors are opaque");

    // New people arrive between page requests: the next page is unchanged by them.
    let second_before = execute(
        &db.store,
        Some(&admin),
        PAGE,
        json!({ "first": 10, "after": cursor }),
    )
    .await;
    for i in 0..5 {
        let p = people::new_person(&d.id, &format!("Late{i}"), "Page");
        people::insert(&mut c, &p).await?;
        people::add_role(&mut c, &p, Role::Student, None, RecordSource::Sis).await?;
    }
    let second_after = execute(
        &db.store,
        Some(&admin),
        PAGE,
        json!({ "first": 10, "after": cursor }),
    )
    .await;
    assert_eq!(ids(&second_before), ids(&second_after));

    // Walking all pages yields every row once, in order, and the late arrivals at the end.
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let resp = execute(
            &db.store,
            Some(&admin),
            PAGE,
            json!({ "first": 7, "after": after }),
        )
        .await;
        all.extend(ids(&resp));
        let info = &resp["data"]["people"]["pageInfo"];
        if info["hasNextPage"] != true {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(all.len(), 30);
    let mut sorted = all.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 30, "no row twice");

    // `first` is capped at 500 and at least 1.
    let resp = execute(&db.store, Some(&admin), PAGE, json!({ "first": 100000 })).await;
    assert_eq!(ids(&resp).len(), 30);
    Ok(())
});

both_backends!(archived_people_leave_default_lists, |db| async move {
    let mut c = db.store.conn().await?;
    let d = districts::ensure_default(&mut c, "D").await?;
    let mut gone = people::new_person(&d.id, "Gone", "Away");
    gone.status = homeroom_schema::enums::Status::Archived;
    people::insert(&mut c, &gone).await?;
    people::add_role(&mut c, &gone, Role::Student, None, RecordSource::Sis).await?;
    let here = people::new_person(&d.id, "Here", "Still");
    people::insert(&mut c, &here).await?;
    people::add_role(&mut c, &here, Role::Student, None, RecordSource::Sis).await?;
    let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
    let q = "{ a: people { totalCount } b: people(filter: {status: ARCHIVED}) { totalCount edges { node { givenName } } }
              c: people(filter: {search: \"STILL\"}) { totalCount } }";
    let resp = execute(&db.store, Some(&admin), q, json!({})).await;
    assert_eq!(resp["data"]["a"]["totalCount"], 1, "{resp}");
    assert_eq!(resp["data"]["b"]["edges"][0]["node"]["givenName"], "Gone");
    assert_eq!(
        resp["data"]["c"]["totalCount"], 1,
        "case-insensitive search: {resp}"
    );
    Ok(())
});
