//! Manual family links: who may add, remove and restore them, audit events, and how a removal
//! (a tombstone) and the SIS's own removals combine with syncs.

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::{RelationshipStatus, SyncMode, TokenRole};
use homeroom_schema::models::Relationship;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::relationships::{self, REMOVED_BY_SYNC, RelationshipFilter};
use homeroom_schema::store::{audit, districts};
use homeroom_sync::RunOutcome;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture;
use homeroom_tests::graphql::{error_codes, execute, token};
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{csv_connector, run};
use serde_json::{Value, json};

const ADD: &str = "mutation($g: ID!, $s: ID!, $k: RelationshipKind!) {
  addRelationship(input: {guardianId: $g, studentId: $s, kind: $k}) {
    relationship { id kind status source } userErrors { code field } } }";
const REMOVE: &str = "mutation($id: ID!) { removeRelationship(id: $id) {
  relationship { id status } userErrors { code } } }";
const APPROVE: &str = "mutation($id: ID!) { approveGuardianLink(relationshipId: $id) {
  relationship { id status } userErrors { code } } }";
const RESTORE: &str = "mutation($id: ID!) { restoreRelationship(id: $id) {
  relationship { id status } userErrors { code } } }";

fn person(id: &str) -> String {
    encode(NodeKind::Person, id).0
}

fn link_id(id: &str) -> String {
    encode(NodeKind::Relationship, id).0
}

both_backends!(
    admins_in_scope_and_the_students_teachers_manage_links,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let s = &db.store;
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let tb = token(s, TokenRole::Teacher, Some(fx.id("TB"))).await?;
        let tc = token(s, TokenRole::Teacher, Some(fx.id("TC"))).await?;
        let sa = token(s, TokenRole::SchoolAdmin, Some(fx.id("SA"))).await?;
        let g1 = token(s, TokenRole::Guardian, Some(fx.id("G1"))).await?;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;

        // A teacher links only adults they see: G3 (a parent in school B) is answered like an
        // unknown id (issue 15, V7); an admin links G3 to S1, and then the teacher sees G3.
        let vars = json!({ "g": person(fx.id("G3")), "s": person(fx.id("S1")), "k": "GUARDIAN" });
        let resp = execute(s, Some(&ta), ADD, vars.clone()).await;
        assert_eq!(
            resp["data"]["addRelationship"]["userErrors"][0]["code"], "NOT_FOUND",
            "{resp}"
        );
        let resp = execute(s, Some(&admin), ADD, vars.clone()).await;
        let added = &resp["data"]["addRelationship"]["relationship"];
        assert_eq!(added["kind"], "GUARDIAN", "{resp}");
        assert_eq!(added["source"], "MANUAL");
        assert_eq!(added["status"], "ACTIVE");
        let again = execute(s, Some(&ta), ADD, vars).await;
        assert_eq!(
            again["data"]["addRelationship"]["userErrors"][0]["code"], "ALREADY_LINKED",
            "{again}"
        );
        // Not their student; a guardian; a student as guardian.
        let other = json!({ "g": person(fx.id("G1")), "s": person(fx.id("S4")), "k": "PARENT" });
        assert_eq!(
            error_codes(&execute(s, Some(&ta), ADD, other.clone()).await),
            ["FORBIDDEN"]
        );
        assert_eq!(
            error_codes(&execute(s, Some(&g1), ADD, other.clone()).await),
            ["FORBIDDEN"]
        );
        let resp = execute(s, Some(&admin), ADD, other).await;
        assert_eq!(
            resp["data"]["addRelationship"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let student_guardian =
            json!({ "g": person(fx.id("S2")), "s": person(fx.id("S1")), "k": "OTHER" });
        let resp = execute(s, Some(&admin), ADD, student_guardian).await;
        assert_eq!(
            resp["data"]["addRelationship"]["userErrors"][0]["code"], "GUARDIAN_IS_STUDENT",
            "{resp}"
        );

        // Removing: the school admin in scope, not a teacher elsewhere, not a guardian.
        let g2s3 = link_id(fx.id("G2-S3"));
        let g3s4 = link_id(fx.id("G3-S4"));
        let g1s1 = link_id(fx.id("G1-S1"));
        assert_eq!(
            error_codes(&execute(s, Some(&tc), REMOVE, json!({ "id": g1s1 })).await),
            ["FORBIDDEN"]
        );
        assert_eq!(
            error_codes(&execute(s, Some(&g1), REMOVE, json!({ "id": g1s1 })).await),
            ["FORBIDDEN"]
        );
        assert_eq!(
            error_codes(&execute(s, Some(&sa), REMOVE, json!({ "id": g3s4 })).await),
            ["FORBIDDEN"]
        );
        let resp = execute(s, Some(&sa), REMOVE, json!({ "id": g2s3 })).await;
        assert_eq!(
            resp["data"]["removeRelationship"]["relationship"]["status"], "REMOVED",
            "{resp}"
        );
        let mut c = s.conn().await?;
        let row = relationships::get(&mut c, &fx.district_id, fx.id("G2-S3"))
            .await?
            .expect("link");
        assert_eq!(row.status, RelationshipStatus::Removed);
        assert_eq!(row.removed_by.as_deref(), Some(fx.id("SA")));
        let resp = execute(s, Some(&sa), REMOVE, json!({ "id": g2s3 })).await;
        assert_eq!(
            resp["data"]["removeRelationship"]["userErrors"][0]["code"],
            "ALREADY_REMOVED"
        );

        // The student's teacher restores it: a link a teacher makes waits for a district
        // admin's approval (issue 15), then counts; restoring an active link is refused.
        let resp = execute(s, Some(&tb), RESTORE, json!({ "id": g2s3 })).await;
        assert_eq!(
            resp["data"]["restoreRelationship"]["relationship"]["status"], "REMOVED",
            "{resp}"
        );
        let resp = execute(s, Some(&admin), APPROVE, json!({ "id": g2s3 })).await;
        assert_eq!(
            resp["data"]["approveGuardianLink"]["relationship"]["status"], "ACTIVE",
            "{resp}"
        );
        let resp = execute(s, Some(&tb), RESTORE, json!({ "id": g2s3 })).await;
        assert_eq!(
            resp["data"]["restoreRelationship"]["userErrors"][0]["code"],
            "NOT_REMOVED"
        );
        let row = relationships::get(&mut c, &fx.district_id, fx.id("G2-S3"))
            .await?
            .expect("link");
        assert_eq!(
            (row.status, row.removed_by),
            (RelationshipStatus::Active, None)
        );

        let events = audit::for_target(&mut c, fx.id("G2-S3")).await?;
        let actions: Vec<(&str, Option<&str>)> = events
            .iter()
            .map(|e| (e.action.as_str(), e.actor_id.as_deref()))
            .collect();
        assert_eq!(
            actions[..2],
            [
                ("relationship.remove", Some(fx.id("SA"))),
                ("relationship.restore", Some(fx.id("TB")))
            ]
        );
        assert_eq!(
            actions.get(2).map(|a| a.0),
            Some("relationship.approve"),
            "{actions:?}"
        );
        assert_eq!(actions.len(), 3, "{actions:?}");
        Ok(())
    }
);

/// Twelve students, each with one parent (`s1`…`s12`, `p1`…`p12`); `linked(n)` says whether
/// student n's link is in the file.
fn sis_users(linked: impl Fn(usize) -> bool) -> Vec<(String, String, String, String, String)> {
    let mut rows = vec![(
        "t1".to_owned(),
        "teacher".to_owned(),
        "Tina".to_owned(),
        "tina@school.example".to_owned(),
        String::new(),
    )];
    for n in 1..=12 {
        let (s, p) = (format!("s{n}"), format!("p{n}"));
        let (sa, pa) = if linked(n) {
            (p.clone(), s.clone())
        } else {
            (String::new(), String::new())
        };
        rows.push((s, "student".into(), format!("Kid{n}"), String::new(), sa));
        rows.push((
            p,
            "parent".into(),
            format!("Parent{n}"),
            format!("p{n}@example.com"),
            pa,
        ));
    }
    rows
}

fn write_sis(dir: &std::path::Path, linked: impl Fn(usize) -> bool) -> anyhow::Result<()> {
    let rows = sis_users(linked);
    let users: Vec<User<'_>> = rows
        .iter()
        .map(|(id, role, given, email, agents)| User {
            id,
            role,
            given,
            family: "Family",
            identifier: id,
            email,
            phone: "",
            agents,
        })
        .collect();
    write(dir, &users)
}

async fn all_links(db: &homeroom_tests::TestDb) -> anyhow::Result<Vec<Relationship>> {
    let mut c = db.store.conn().await?;
    let d = districts::get_default(&mut c).await?.expect("district");
    let mut out = Vec::new();
    for status in [RelationshipStatus::Active, RelationshipStatus::Removed] {
        let page = relationships::list(
            &mut c,
            &d.id,
            &Scope::District,
            &RelationshipFilter {
                status: Some(status),
                ..Default::default()
            },
            &homeroom_schema::page::PageRequest {
                first: Some(100),
                after: None,
            },
        )
        .await?;
        out.extend(page.items);
    }
    Ok(out)
}

fn resp_ok(resp: &Value, field: &str) {
    assert_eq!(resp["data"][field]["userErrors"], json!([]), "{resp}");
}

both_backends!(
    a_removed_link_stays_removed_across_syncs_until_restored,
    |db| async move {
        let dir = TempDir::new("links")?;
        write_sis(&dir.0, |_| true)?;
        let connector = csv_connector(&db.store, &dir.0).await?;
        let first = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            first.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            first.run.error
        );
        let links = all_links(&db).await?;
        assert_eq!(links.len(), 12);
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let target = links[0].clone();

        // Removed by hand: the SIS still sends it, the sync keeps it removed and alerts.
        let resp = execute(
            &db.store,
            Some(&admin),
            REMOVE,
            json!({ "id": link_id(&target.id) }),
        )
        .await;
        resp_ok(&resp, "removeRelationship");
        let again = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            again.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            again.run.error
        );
        let alerts = again.with_code("tombstoned_relationship");
        assert_eq!(alerts.len(), 1, "{:?}", again.issues);
        assert_eq!(alerts[0].severity, homeroom_schema::enums::Severity::Alert);
        let mut c = db.store.conn().await?;
        let row = relationships::get(&mut c, &target.district_id, &target.id)
            .await?
            .expect("link");
        assert_eq!(row.status, RelationshipStatus::Removed);

        // Restored: active again, and the next sync has nothing to alert.
        let resp = execute(
            &db.store,
            Some(&admin),
            RESTORE,
            json!({ "id": link_id(&target.id) }),
        )
        .await;
        resp_ok(&resp, "restoreRelationship");
        let third = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert!(third.with_code("tombstoned_relationship").is_empty());
        let row = relationships::get(&mut c, &target.district_id, &target.id)
            .await?
            .expect("link");
        assert_eq!(row.status, RelationshipStatus::Active);
        Ok(())
    }
);

both_backends!(
    a_sis_link_dropped_before_invitation_is_removed_by_the_next_full_sync,
    |db| async move {
        let dir = TempDir::new("links")?;
        write_sis(&dir.0, |_| true)?;
        let connector = csv_connector(&db.store, &dir.0).await?;
        let first = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            first.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            first.run.error
        );
        assert_eq!(all_links(&db).await?.len(), 12);

        // The SIS drops student 12's parent link; nobody was invited.
        write_sis(&dir.0, |n| n != 12)?;
        let second = run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(
            second.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            second.run.error
        );
        let links = all_links(&db).await?;
        let removed: Vec<&Relationship> = links
            .iter()
            .filter(|l| l.status == RelationshipStatus::Removed)
            .collect();
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].removed_by.as_deref(), Some(REMOVED_BY_SYNC));
        // A person may still restore it, and then remove it by hand as a tombstone.
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let resp = execute(
            &db.store,
            Some(&admin),
            RESTORE,
            json!({ "id": link_id(&removed[0].id) }),
        )
        .await;
        resp_ok(&resp, "restoreRelationship");
        let resp = execute(
            &db.store,
            Some(&admin),
            REMOVE,
            json!({ "id": link_id(&removed[0].id) }),
        )
        .await;
        resp_ok(&resp, "removeRelationship");
        let mut c = db.store.conn().await?;
        let tombstones = relationships::tombstoned_among(&mut c, &[removed[0].id.clone()]).await?;
        assert_eq!(tombstones.len(), 1);
        Ok(())
    }
);
