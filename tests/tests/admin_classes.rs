//! Class ownership: local title and join code, manual participants that survive syncs, joining
//! with a code, and rostering enforcement.

use homeroom_schema::enums::*;
use homeroom_schema::store::{contacts, districts, people};
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, token};
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{csv_connector, run};
use serde_json::{Value, json};

use crate::admin_support::{cid, pid};

const UPDATE: &str = "mutation($id: ID!, $t: String, $j: String) {
  updateClass(id: $id, title: $t, joinCode: $j) {
    class { title sisTitle joinCode } userErrors { field code } } }";
const ADD: &str = "mutation($c: ID!, $p: ID, $n: NewStudentInput, $r: EnrollmentRole) {
  addParticipant(classId: $c, personId: $p, newStudent: $n, role: $r) {
    person { id displayName } userErrors { code } } }";
const REMOVE: &str = "mutation($c: ID!, $p: ID!) { removeParticipant(classId: $c, personId: $p) {
  person { id } userErrors { code } } }";
const JOIN: &str = "mutation($j: String!) { joinClass(joinCode: $j) {
  class { title } userErrors { code } } }";
const STUDENTS: &str = "query($id: ID!) { class(id: $id) { title sisTitle joinCode
  students { displayName } } }";

fn user<'a>(
    id: &'a str,
    role: &'a str,
    given: &'a str,
    family: &'a str,
    email: &'a str,
) -> User<'a> {
    User {
        id,
        role,
        given,
        family,
        identifier: id,
        email,
        phone: "",
        agents: "",
    }
}

fn roster() -> Vec<User<'static>> {
    vec![
        user("t1", "teacher", "Tara", "Teach", "tara@example.org"),
        user("s1", "student", "Sam", "Kid", ""),
        user("s2", "student", "Sky", "Kid", ""),
    ]
}

fn names(resp: &Value) -> Vec<String> {
    resp["data"]["class"]["students"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["displayName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Ids after the first sync: (class, teacher, s1, s2).
async fn synced(
    db: &homeroom_tests::TestDb,
    dir: &std::path::Path,
) -> anyhow::Result<(String, String, String, String, String)> {
    let s = &db.store;
    let api = crate::admin_support::Api::start(db).await?;
    write(dir, &roster())?;
    let connector = csv_connector(s, dir).await?;
    let done = run(s, &connector, SyncMode::Full, false).await?;
    assert!(done.errors().is_empty(), "{:?}", done.errors());
    let mut c = s.conn().await?;
    let d = districts::get_default(&mut c).await?.expect("district");
    let teacher = contacts::adult_holder(&mut c, &d.id, ContactKind::Email, "tara@example.org")
        .await?
        .expect("teacher")
        .person_id;
    let kids = people::students_by_number(&mut c, &d.id, &["s1".into(), "s2".into()]).await?;
    let by = |n: &str| {
        kids.iter()
            .find(|p| p.student_number.as_deref() == Some(n))
            .map(|p| p.id.clone())
            .expect("student")
    };
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let resp = api
        .execute(
            Some(&admin),
            "{ classes { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let class = resp["data"]["classes"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("class")
        .to_owned();
    Ok((connector, class, teacher, by("s1"), by("s2")))
}

both_backends!(
    local_fields_and_manual_enrollments_survive_full_resync,
    |db| async move {
        let s = &db.store;
        let api = crate::admin_support::Api::start(&db).await?;
        let dir = TempDir::new("class-local")?;
        let (connector, class, teacher, _, _) = synced(&db, &dir.0).await?;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let tara = token(s, TokenRole::Teacher, Some(&teacher)).await?;

        let resp = api
            .execute(
                Some(&tara),
                UPDATE,
                json!({ "id": class, "t": "Room 12 Math", "j": "MATH12" }),
            )
            .await;
        let updated = &resp["data"]["updateClass"];
        assert_eq!(updated["userErrors"], json!([]), "{resp}");
        assert_eq!(updated["class"]["title"], "Room 12 Math");
        assert_eq!(updated["class"]["sisTitle"], "Math 5 - A");
        assert_eq!(updated["class"]["joinCode"], "MATH12");
        let resp = api.execute(
        Some(&tara),
        ADD,
        json!({ "c": class, "n": { "givenName": "Nia", "familyName": "New", "studentNumber": "x9" } }),
    )
    .await;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        assert_eq!(
            resp["data"]["addParticipant"]["person"]["displayName"],
            "Nia New"
        );

        // The SIS renames the class; a full re-sync keeps the local title, code and manual student.
        write(&dir.0, &roster())?;
        let classes_csv = dir.0.join("classes.csv");
        let text = std::fs::read_to_string(&classes_csv)?.replace("Math 5 - A", "Math 5 - B");
        std::fs::write(&classes_csv, text)?;
        let again = run(s, &connector, SyncMode::Full, false).await?;
        assert_eq!(again.outcome, homeroom_sync::RunOutcome::Succeeded);
        assert_eq!(again.of("class").updated, 1, "the SIS title changed");
        let resp = api
            .execute(Some(&admin), STUDENTS, json!({ "id": class }))
            .await;
        let node = &resp["data"]["class"];
        assert_eq!(node["title"], "Room 12 Math", "{resp}");
        assert_eq!(node["sisTitle"], "Math 5 - B");
        assert_eq!(node["joinCode"], "MATH12");
        assert_eq!(names(&resp), vec!["Sam Kid", "Sky Kid", "Nia New"]);

        // Clearing the local title shows the SIS title again.
        // (A declared variable left unset is null, so this operation names only the title.)
        const CLEAR_TITLE: &str = "mutation($id: ID!) { updateClass(id: $id, title: null) {
      class { title joinCode } userErrors { code } } }";
        let resp = api
            .execute(Some(&admin), CLEAR_TITLE, json!({ "id": class }))
            .await;
        assert_eq!(
            resp["data"]["updateClass"]["class"]["title"], "Math 5 - B",
            "{resp}"
        );
        assert_eq!(
            resp["data"]["updateClass"]["class"]["joinCode"], "MATH12",
            "kept"
        );
        Ok(())
    }
);

both_backends!(
    teachers_manage_participants_and_students_join,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let s = &db.store;
        let api = crate::admin_support::Api::start(&db).await?;
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let s4 = token(s, TokenRole::Student, Some(fx.id("S4"))).await?;
        let a1 = cid(fx.id("A1"));
        let b1 = cid(fx.id("B1"));
        let add = |class: &Value, person: &str| json!({ "c": class, "p": pid(fx.id(person)) });

        // A teacher adds a student to their class; not to another's, not as a teacher.
        let resp = api.execute(Some(&ta), ADD, add(&a1, "S3")).await;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = api.execute(Some(&ta), ADD, add(&a1, "S3")).await;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"][0]["code"],
            "ALREADY_ENROLLED"
        );
        let resp = api.execute(Some(&ta), ADD, add(&b1, "S1")).await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        let mut as_teacher = add(&a1, "TB");
        as_teacher["r"] = json!("TEACHER");
        let resp = api.execute(Some(&ta), ADD, as_teacher.clone()).await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        let resp = api.execute(Some(&admin), ADD, as_teacher).await;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        // Guardians follow their students; they are never enrolled.
        let resp = api.execute(Some(&ta), ADD, add(&a1, "G1")).await;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"][0]["code"],
            "NOT_A_STUDENT"
        );
        let resp = api.execute(Some(&ta), ADD, json!({ "c": a1 })).await;
        assert_eq!(error_codes(&resp), vec!["BAD_USER_INPUT"], "{resp}");

        // Removing: the teacher their students; not another class's; the person themselves.
        let resp = api.execute(Some(&ta), REMOVE, add(&a1, "S3")).await;
        assert_eq!(
            resp["data"]["removeParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = api.execute(Some(&ta), REMOVE, add(&a1, "S3")).await;
        assert_eq!(
            resp["data"]["removeParticipant"]["userErrors"][0]["code"],
            "NOT_ENROLLED"
        );
        let resp = api.execute(Some(&ta), REMOVE, add(&b1, "S4")).await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        let resp = api.execute(Some(&ta), REMOVE, add(&a1, "TB")).await;
        assert_eq!(
            error_codes(&resp),
            vec!["FORBIDDEN"],
            "a teacher removes students only"
        );

        // Join codes: a claimed class only (A2 is claimed by TB; A1 is not).
        let resp = api
            .execute(Some(&s4), JOIN, json!({ "j": "JOIN-A2" }))
            .await;
        assert_eq!(resp["data"]["joinClass"]["userErrors"], json!([]), "{resp}");
        assert_eq!(resp["data"]["joinClass"]["class"]["title"], "A2");
        let resp = api
            .execute(Some(&s4), JOIN, json!({ "j": "JOIN-A2" }))
            .await;
        assert_eq!(
            resp["data"]["joinClass"]["userErrors"][0]["code"],
            "ALREADY_ENROLLED"
        );
        let resp = api
            .execute(Some(&s4), JOIN, json!({ "j": "JOIN-A1" }))
            .await;
        assert_eq!(
            resp["data"]["joinClass"]["userErrors"][0]["code"], "INVALID_JOIN_CODE",
            "an unclaimed class's code answers like a wrong one (issue 15, item 9)"
        );
        let resp = api.execute(Some(&s4), JOIN, json!({ "j": "nope" })).await;
        assert_eq!(
            resp["data"]["joinClass"]["userErrors"][0]["code"],
            "INVALID_JOIN_CODE"
        );
        let resp = api
            .execute(Some(&ta), JOIN, json!({ "j": "JOIN-A2" }))
            .await;
        assert_eq!(
            error_codes(&resp),
            vec!["FORBIDDEN"],
            "teachers do not join"
        );
        let tb = token(s, TokenRole::Teacher, Some(fx.id("TB"))).await?;
        let resp = api
            .execute(Some(&tb), STUDENTS, json!({ "id": cid(fx.id("A2")) }))
            .await;
        assert_eq!(names(&resp), vec!["Sue Four", "Sal Three"], "{resp}");

        // A join code is unique in the district; only a teacher of the class or an admin edits.
        let resp = api
            .execute(Some(&ta), UPDATE, json!({ "id": a1, "j": "JOIN-B1" }))
            .await;
        assert_eq!(
            resp["data"]["updateClass"]["userErrors"][0]["code"],
            "JOIN_CODE_TAKEN"
        );
        let resp = api
            .execute(Some(&ta), UPDATE, json!({ "id": a1, "t": "  " }))
            .await;
        assert_eq!(
            resp["data"]["updateClass"]["userErrors"][0]["code"],
            "BLANK"
        );
        let resp = api
            .execute(Some(&ta), UPDATE, json!({ "id": b1, "t": "Mine" }))
            .await;
        assert_eq!(error_codes(&resp), vec!["FORBIDDEN"], "{resp}");
        Ok(())
    }
);

both_backends!(rostering_enforcement_on_and_off, |db| async move {
    let s = &db.store;
    let api = crate::admin_support::Api::start(&db).await?;
    let dir = TempDir::new("class-roster")?;
    let (_, class, teacher, s1, s2) = synced(&db, &dir.0).await?;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let tara = token(s, TokenRole::Teacher, Some(&teacher)).await?;
    let sam = token(s, TokenRole::Student, Some(&s1)).await?;
    let sky = token(s, TokenRole::Student, Some(&s2)).await?;
    let remove = |p: &str| json!({ "c": class, "p": pid(p) });
    let code = |resp: &Value| resp["data"]["removeParticipant"]["userErrors"][0]["code"].clone();

    // Off (the default): a SIS-linked student leaves a class themselves.
    let resp = api.execute(Some(&sam), REMOVE, remove(&s1)).await;
    assert_eq!(
        resp["data"]["removeParticipant"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = api.execute(Some(&sam), REMOVE, remove(&s2)).await;
    assert_eq!(
        error_codes(&resp),
        vec!["FORBIDDEN"],
        "not someone else: {resp}"
    );

    // Only district admins switch it on.
    const SET: &str = "mutation($on: Boolean!) { setRosteringEnforcement(enabled: $on) {
      rosteringEnforced } }";
    let resp = api.execute(Some(&tara), SET, json!({ "on": true })).await;
    assert_eq!(error_codes(&resp), vec!["FORBIDDEN"]);
    let resp = api.execute(Some(&admin), SET, json!({ "on": true })).await;
    assert_eq!(
        resp["data"]["setRosteringEnforcement"]["rosteringEnforced"],
        true
    );
    let resp = api
        .execute(Some(&sky), "{ district { rosteringEnforced } }", json!({}))
        .await;
    assert_eq!(resp["data"]["district"]["rosteringEnforced"], true);

    // On: SIS-linked people leave only through sync or an admin.
    let resp = api.execute(Some(&sky), REMOVE, remove(&s2)).await;
    assert_eq!(code(&resp), "ROSTERING_ENFORCED", "{resp}");
    let resp = api.execute(Some(&tara), REMOVE, remove(&s2)).await;
    assert_eq!(code(&resp), "ROSTERING_ENFORCED", "{resp}");
    let resp = api.execute(Some(&tara), REMOVE, remove(&teacher)).await;
    assert_eq!(
        code(&resp),
        "ROSTERING_ENFORCED",
        "the teacher cannot leave either"
    );
    // A student added by hand is not SIS-linked: their teacher may remove them.
    let resp = api
        .execute(
            Some(&tara),
            ADD,
            json!({ "c": class, "n": { "givenName": "Nia", "familyName": "New" } }),
        )
        .await;
    let nia = resp["data"]["addParticipant"]["person"]["id"].clone();
    let resp = api
        .execute(Some(&tara), REMOVE, json!({ "c": class, "p": nia }))
        .await;
    assert_eq!(
        resp["data"]["removeParticipant"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = api.execute(Some(&admin), REMOVE, remove(&s2)).await;
    assert_eq!(
        resp["data"]["removeParticipant"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let resp = api
        .execute(Some(&admin), STUDENTS, json!({ "id": class }))
        .await;
    assert_eq!(names(&resp), Vec::<String>::new(), "{resp}");

    // Off again: the teacher may leave the class themselves.
    let resp = api.execute(Some(&admin), SET, json!({ "on": false })).await;
    assert_eq!(
        resp["data"]["setRosteringEnforcement"]["rosteringEnforced"],
        false
    );
    let resp = api.execute(Some(&tara), REMOVE, remove(&teacher)).await;
    assert_eq!(
        resp["data"]["removeParticipant"]["userErrors"],
        json!([]),
        "{resp}"
    );
    Ok(())
});
