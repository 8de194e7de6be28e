//! Archiving and restoring people, the SIS override, and removing guardians in bulk.

use homeroom_schema::enums::*;
use homeroom_schema::store::{districts, people};
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, token};
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{census, csv_connector, run};
use serde_json::{Value, json};

use crate::admin_support::{cid, pid};

const ARCHIVE: &str =
    "mutation($ids: [ID!]!, $o: Boolean) { archivePeople(ids: $ids, override: $o) {
  people { id status } userErrors { field code } } }";
const RESTORE: &str = "mutation($ids: [ID!]!) { restorePeople(ids: $ids) {
  people { status } userErrors { code } } }";
const REMOVE_GUARDIANS: &str = "mutation($ids: [ID!]!) { removeGuardians(studentIds: $ids) {
  people { id } userErrors { field code } } }";
const CLASS: &str = "query($id: ID!) { class(id: $id) { students { displayName }
  guardians { displayName } } }";

fn names(resp: &Value, list: &str) -> Vec<String> {
    resp["data"]["class"][list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["displayName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

both_backends!(archived_students_leave_default_lists, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    let tb = token(s, TokenRole::Teacher, Some(fx.id("TB"))).await?;
    let people_count = async || {
        api.execute(Some(&admin), "{ people { totalCount } }", json!({}))
            .await["data"]["people"]["totalCount"]
            .as_i64()
    };
    let before = people_count().await;

    let resp = api
        .execute(Some(&ta), ARCHIVE, json!({ "ids": [pid(fx.id("S1"))] }))
        .await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
    let resp = api
        .execute(
            Some(&admin),
            ARCHIVE,
            json!({ "ids": [pid(fx.id("S1")), pid(fx.id("S3"))] }),
        )
        .await;
    assert_eq!(
        resp["data"]["archivePeople"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(
        resp["data"]["archivePeople"]["people"][0]["status"],
        "ARCHIVED"
    );
    assert_eq!(people_count().await, before.map(|n| n - 2));
    let resp = api
        .execute(Some(&ta), CLASS, json!({ "id": cid(fx.id("A1")) }))
        .await;
    assert_eq!(names(&resp, "students"), vec!["Sia One"], "{resp}");
    assert_eq!(
        names(&resp, "guardians"),
        vec!["Gina One"],
        "S2's guardian stays"
    );
    let resp = api
        .execute(Some(&tb), CLASS, json!({ "id": cid(fx.id("A2")) }))
        .await;
    assert_eq!(names(&resp, "students"), Vec::<String>::new(), "{resp}");
    assert_eq!(
        names(&resp, "guardians"),
        Vec::<String>::new(),
        "an archived student's family is not the class's"
    );
    let resp = api
        .execute(
            Some(&admin),
            "{ people(filter: {status: ARCHIVED}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(resp["data"]["people"]["totalCount"], 2);

    // Restoring brings them back; an unknown id refuses the whole call.
    let resp = api
        .execute(
            Some(&admin),
            RESTORE,
            json!({ "ids": [pid(fx.id("S1")), pid("no-such-person")] }),
        )
        .await;
    assert_eq!(
        resp["data"]["restorePeople"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        people_count().await,
        before.map(|n| n - 2),
        "nothing restored"
    );
    let resp = api
        .execute(
            Some(&admin),
            RESTORE,
            json!({ "ids": [pid(fx.id("S1")), pid(fx.id("S3"))] }),
        )
        .await;
    assert_eq!(
        resp["data"]["restorePeople"]["people"][1]["status"], "ACTIVE",
        "{resp}"
    );
    assert_eq!(people_count().await, before);
    let resp = api
        .execute(Some(&tb), CLASS, json!({ "id": cid(fx.id("A2")) }))
        .await;
    assert_eq!(names(&resp, "guardians"), vec!["Gus Three"]);
    Ok(())
});

both_backends!(
    sis_managed_people_are_archived_only_with_override,
    |db| async move {
        let s = &db.store;
        let api = crate::admin_support::Api::start(&db).await?;
        let dir = TempDir::new("archive-sis")?;
        let u = |id, role, given| User {
            id,
            role,
            given,
            family: "Kid",
            identifier: id,
            email: "",
            phone: "",
            agents: "",
        };
        write(
            &dir.0,
            &[
                u("t1", "teacher", "Tara"),
                u("s1", "student", "Sam"),
                u("s2", "student", "Sky"),
            ],
        )?;
        let connector = csv_connector(s, &dir.0).await?;
        run(s, &connector, SyncMode::Full, false).await?;
        let mut c = s.conn().await?;
        let d = districts::get_default(&mut c).await?.expect("district");
        let sam = people::students_by_number(&mut c, &d.id, &["s1".into()]).await?[0]
            .id
            .clone();
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let resp = api
            .execute(Some(&admin), ARCHIVE, json!({ "ids": [pid(&sam)] }))
            .await;
        let errors = &resp["data"]["archivePeople"]["userErrors"];
        assert_eq!(errors[0]["code"], "SIS_MANAGED", "{resp}");
        assert_eq!(errors[0]["field"], json!(["ids", "0"]));
        assert_eq!(census(s).await?.archived_people, 0);
        let resp = api
            .execute(
                Some(&admin),
                ARCHIVE,
                json!({ "ids": [pid(&sam)], "o": true }),
            )
            .await;
        assert_eq!(
            resp["data"]["archivePeople"]["userErrors"],
            json!([]),
            "{resp}"
        );
        assert_eq!(census(s).await?.archived_people, 1);
        Ok(())
    }
);

both_backends!(remove_guardians_of_students_in_bulk, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let links = async || census(s).await.map(|c| c.relationships);
    assert_eq!(links().await?, 4);
    let resp = api
        .execute(
            Some(&admin),
            REMOVE_GUARDIANS,
            json!({ "ids": [pid(fx.id("S1")), pid(fx.id("G2"))] }),
        )
        .await;
    let errors = &resp["data"]["removeGuardians"]["userErrors"];
    assert_eq!(errors[0]["code"], "NOT_A_STUDENT", "{resp}");
    assert_eq!(errors[0]["field"], json!(["ids", "1"]));
    assert_eq!(links().await?, 4, "all or nothing");
    let resp = api
        .execute(
            Some(&admin),
            REMOVE_GUARDIANS,
            json!({ "ids": [pid(fx.id("S1")), pid(fx.id("S3"))] }),
        )
        .await;
    assert_eq!(
        resp["data"]["removeGuardians"]["userErrors"],
        json!([]),
        "{resp}"
    );
    assert_eq!(links().await?, 2, "G1–S2 and G3–S4 remain");
    let resp = api
        .execute(
            Some(&admin),
            "query($s: ID!) { relationships(filter: {studentId: $s, status: REMOVED}) {
          totalCount edges { node { guardian { displayName } } } } }",
            json!({ "s": pid(fx.id("S1")) }),
        )
        .await;
    assert_eq!(resp["data"]["relationships"]["totalCount"], 1, "{resp}");
    let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
    let resp = api
        .execute(
            Some(&ta),
            REMOVE_GUARDIANS,
            json!({ "ids": [pid(fx.id("S2"))] }),
        )
        .await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"]);
    Ok(())
});
