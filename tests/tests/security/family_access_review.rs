//! Issue 15, item 2: family access is granted only through trusted paths (the SIS, an admin, or
//! an adult accepting their own invitation). A guardian link a teacher makes waits for a district
//! admin's approval by default; with approval turned off it counts at once and admins can still
//! list and revoke it. A link waiting for its adult or an admin is never restored by hand.

use homeroom_schema::enums::{RelationshipStatus, TokenRole};
use homeroom_schema::store::relationships;
use homeroom_tests::both_backends;
use serde_json::{Value, json};

use super::{PUBLIC, World, code};

const INVITE: &str = "mutation($s: ID!, $i: GuardianInviteInput!) {
  inviteGuardian(studentId: $s, input: $i) { invitations { id } userErrors { code } } }";
const ACCEPT: &str = "mutation($t: String!) {
  acceptInvitation(token: $t, password: \"correct horse battery staple 42\",
    profile: {givenName: \"Ann\", familyName: \"One\"}) { token userErrors { code } } }";
const SEES: &str = "query($id: ID!) { person(id: $id) { displayName } }";
const REVIEWS: &str = "query($states: [LinkReviewState!]) {
  guardianLinkReviews(states: $states) { totalCount edges { node {
    state requestedBy { displayName } relationship { id status review } } } } }";
const APPROVE: &str = "mutation($id: ID!) { approveGuardianLink(relationshipId: $id) {
  relationship { status review } userErrors { code } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeGuardianLink(relationshipId: $id) {
  relationship { status review } userErrors { code } } }";
const RESTORE: &str = "mutation($id: ID!) { restoreRelationship(id: $id) {
  relationship { status } userErrors { code } } }";
const ADD_LINK: &str = "mutation($g: ID!, $s: ID!) {
  addRelationship(input: {guardianId: $g, studentId: $s, kind: PARENT}) {
    relationship { id status review } userErrors { code } } }";
const NEW_STUDENT: &str = "mutation($c: ID!) {
  addParticipant(classId: $c, newStudent: {givenName: \"Nia\", familyName: \"New\"}) {
    person { id } userErrors { code } } }";
const APPROVAL: &str =
    "mutation($r: Boolean!) { setTeacherLinkApproval(required: $r) { teacherLinksNeedApproval } }";

/// The display name `token`'s caller sees for `person`, if they see them at all.
async fn seen(w: &World, token: &str, person: &Value) -> anyhow::Result<Option<String>> {
    let resp = w.gql(Some(token), SEES, json!({"id": person})).await?;
    assert!(resp["errors"].is_null(), "{resp}");
    Ok(resp["data"]["person"]["displayName"]
        .as_str()
        .map(str::to_owned))
}

both_backends!(
    a_teachers_invited_guardian_waits_for_an_admin,
    |db| async move {
        let w = World::start(db).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        let s1 = json!(w.person("S1"));

        // TA invites a new adult for S1, a student of her SIS roster (allowed), and the adult
        // accepts: she has an account, but no access to the child yet.
        let resp = w
            .gql(
                Some(&ta),
                INVITE,
                json!({"s": s1, "i": {"email": "aunt@example.org", "givenName": "Ann", "familyName": "One"}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let mails = w.sink.wait_for(1).await?;
        let link = mails[0]
            .link(&format!("{PUBLIC}/invitations/"))
            .expect("an invitation link");
        let token = link.rsplit('/').next().unwrap_or_default();
        let resp = w.gql(None, ACCEPT, json!({"t": token})).await?;
        let aunt = resp["data"]["acceptInvitation"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("accepted: {resp}"))
            .to_owned();
        assert_eq!(
            seen(&w, &aunt, &s1).await?,
            None,
            "a teacher-invited guardian sees nothing before an admin approves"
        );

        // The teacher cannot list, approve or restore her own link.
        let resp = w.gql(Some(&ta), REVIEWS, json!({})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        let link_id = {
            let mut c = w.db.store.conn().await?;
            let aunt_links =
                relationships::of_students(&mut c, &w.fx.district_id, &[w.fx.id("S1").to_owned()])
                    .await?
                    .into_iter()
                    .filter(|l| l.status == RelationshipStatus::Removed)
                    .collect::<Vec<_>>();
            assert_eq!(aunt_links.len(), 1, "{aunt_links:?}");
            homeroom_core::ids::encode(
                homeroom_core::ids::NodeKind::Relationship,
                &aunt_links[0].id,
            )
        };
        let resp = w.gql(Some(&ta), APPROVE, json!({"id": link_id})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        let resp = w.gql(Some(&ta), REVOKE, json!({"id": link_id})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        let resp = w.gql(Some(&ta), RESTORE, json!({"id": link_id})).await?;
        assert_eq!(
            resp["data"]["restoreRelationship"]["userErrors"][0]["code"], "WAITING",
            "{resp}"
        );
        assert_eq!(seen(&w, &aunt, &s1).await?, None);

        // The admin finds it waiting, with who asked, and approves it: the aunt sees S1.
        let resp = w.gql(Some(&admin), REVIEWS, json!({})).await?;
        let reviews = &resp["data"]["guardianLinkReviews"];
        assert_eq!(reviews["totalCount"], 1, "{resp}");
        let node = &reviews["edges"][0]["node"];
        assert_eq!(node["state"], "PENDING");
        assert_eq!(node["requestedBy"]["displayName"], "Tia Alpha");
        assert_eq!(node["relationship"]["id"], link_id);
        assert_eq!(node["relationship"]["status"], "REMOVED");
        let resp = w.gql(Some(&admin), APPROVE, json!({"id": link_id})).await?;
        assert_eq!(
            resp["data"]["approveGuardianLink"],
            json!({"relationship": {"status": "ACTIVE", "review": "APPROVED"}, "userErrors": []}),
            "{resp}"
        );
        assert_eq!(seen(&w, &aunt, &s1).await?.as_deref(), Some("Sol One"));
        let resp = w.gql(Some(&admin), APPROVE, json!({"id": link_id})).await?;
        assert_eq!(
            resp["data"]["approveGuardianLink"]["userErrors"][0]["code"], "NOT_PENDING",
            "{resp}"
        );

        // Revoked, the access ends; the link is a tombstone an admin's decision made.
        let resp = w.gql(Some(&admin), REVOKE, json!({"id": link_id})).await?;
        assert_eq!(
            resp["data"]["revokeGuardianLink"],
            json!({"relationship": {"status": "REMOVED", "review": "REVOKED"}, "userErrors": []}),
            "{resp}"
        );
        assert_eq!(seen(&w, &aunt, &s1).await?, None);
        let resp = w.gql(Some(&admin), REVIEWS, json!({})).await?;
        assert_eq!(
            resp["data"]["guardianLinkReviews"]["totalCount"], 0,
            "{resp}"
        );
        let resp = w
            .gql(Some(&admin), REVIEWS, json!({"states": ["REVOKED"]}))
            .await?;
        assert_eq!(
            resp["data"]["guardianLinkReviews"]["totalCount"], 1,
            "{resp}"
        );
        Ok(())
    }
);

both_backends!(
    without_approval_teacher_links_count_at_once_and_admins_revoke_them,
    |db| async move {
        let w = World::start(db).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        let g1 = w.token(TokenRole::Guardian, Some("G1")).await?;

        // A link waiting for an existing adult's own acceptance is not the teacher's to
        // restore (before: restoreRelationship made the school admin S1's guardian at once).
        let resp = w
            .gql(
                Some(&ta),
                INVITE,
                json!({"s": w.person("S1"),
                       "i": {"email": "sa@example.org", "givenName": "Sam", "familyName": "Admin"}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let waiting = {
            let mut c = w.db.store.conn().await?;
            relationships::between(
                &mut c,
                &[w.fx.id("SA").to_owned()],
                &[w.fx.id("S1").to_owned()],
            )
            .await?
        };
        assert_eq!(waiting.len(), 1, "{waiting:?}");
        let id =
            homeroom_core::ids::encode(homeroom_core::ids::NodeKind::Relationship, &waiting[0].id);
        let resp = w.gql(Some(&ta), RESTORE, json!({"id": id})).await?;
        assert_eq!(
            resp["data"]["restoreRelationship"]["userErrors"][0]["code"], "WAITING",
            "{resp}"
        );
        let after = {
            let mut c = w.db.store.conn().await?;
            relationships::between(
                &mut c,
                &[w.fx.id("SA").to_owned()],
                &[w.fx.id("S1").to_owned()],
            )
            .await?
        };
        assert_eq!(after[0].status, RelationshipStatus::Removed, "{after:?}");

        // Only a district admin changes the setting.
        let resp = w.gql(Some(&ta), APPROVAL, json!({"r": false})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");

        // By default, a teacher's addRelationship holds the link: G1 does not see the student.
        let resp = w
            .gql(Some(&ta), NEW_STUDENT, json!({"c": w.class("A1")}))
            .await?;
        let nia = resp["data"]["addParticipant"]["person"]["id"].clone();
        assert!(nia.is_string(), "{resp}");
        let resp = w
            .gql(Some(&ta), ADD_LINK, json!({"g": w.person("G1"), "s": nia}))
            .await?;
        let held = &resp["data"]["addRelationship"]["relationship"];
        assert_eq!(held["status"], "REMOVED", "{resp}");
        assert_eq!(held["review"], "PENDING", "{resp}");
        assert_eq!(seen(&w, &g1, &nia).await?, None);
        let resp = w
            .gql(Some(&admin), REVOKE, json!({"id": held["id"]}))
            .await?;
        assert_eq!(
            resp["data"]["revokeGuardianLink"]["userErrors"],
            json!([]),
            "{resp}"
        );

        // With approval off, the link counts at once and is listed as AUTOMATIC.
        let resp = w.gql(Some(&admin), APPROVAL, json!({"r": false})).await?;
        assert_eq!(
            resp["data"]["setTeacherLinkApproval"]["teacherLinksNeedApproval"], false,
            "{resp}"
        );
        let resp = w
            .gql(Some(&ta), NEW_STUDENT, json!({"c": w.class("A1")}))
            .await?;
        let nia2 = resp["data"]["addParticipant"]["person"]["id"].clone();
        let resp = w
            .gql(Some(&ta), ADD_LINK, json!({"g": w.person("G1"), "s": nia2}))
            .await?;
        let link = resp["data"]["addRelationship"]["relationship"].clone();
        assert_eq!(link["status"], "ACTIVE", "{resp}");
        assert_eq!(link["review"], "AUTOMATIC", "{resp}");
        assert_eq!(seen(&w, &g1, &nia2).await?.as_deref(), Some("Nia New"));
        let resp = w
            .gql(Some(&admin), REVIEWS, json!({"states": ["AUTOMATIC"]}))
            .await?;
        assert_eq!(
            resp["data"]["guardianLinkReviews"]["totalCount"], 1,
            "{resp}"
        );
        let resp = w
            .gql(Some(&admin), REVOKE, json!({"id": link["id"]}))
            .await?;
        assert_eq!(
            resp["data"]["revokeGuardianLink"]["userErrors"],
            json!([]),
            "{resp}"
        );
        assert_eq!(seen(&w, &g1, &nia2).await?, None);

        Ok(())
    }
);
