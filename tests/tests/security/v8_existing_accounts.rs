//! V8: a claimed guardian's `inviteCoGuardian` with the district admin's email linked that
//! admin to the student as guardian and gave her account the guardian role, without consent.
//! An existing account is never linked or given a role by someone else's action: it gets an
//! invitation it may accept.

use homeroom_schema::enums::{RelationshipStatus, Role, TokenRole};
use homeroom_schema::store::{families, people, relationships};
use homeroom_tests::both_backends;
use serde_json::json;

use super::World;

const CO: &str = "mutation($s: ID!, $i: GuardianInviteInput!) {
  inviteCoGuardian(studentId: $s, input: $i) { invitations { id } userErrors { code } } }";

both_backends!(existing_accounts_are_invited_not_linked, |db| async move {
    let w = World::start(db).await?;
    let mut c = w.db.store.conn().await?;
    families::claim_account(&mut c, w.fx.id("G1"), "Gina", "One", "not-a-real-hash").await?;
    drop(c);
    let g1 = w.token(TokenRole::Guardian, Some("G1")).await?;
    // TA is a teacher with an account; G1 names her as co-guardian of S1.
    let resp = w
        .gql(
            Some(&g1),
            CO,
            json!({"s": w.person("S1"),
                   "i": {"email": "ta@example.org", "givenName": "Tia", "familyName": "Alpha"}}),
        )
        .await?;
    assert_eq!(
        resp["data"]["inviteCoGuardian"]["userErrors"],
        json!([]),
        "{resp}"
    );
    let mut c = w.db.store.conn().await?;
    let links = relationships::between(
        &mut c,
        &[w.fx.id("TA").to_owned()],
        &[w.fx.id("S1").to_owned()],
    )
    .await?;
    assert!(
        links.iter().all(|l| l.status != RelationshipStatus::Active),
        "no active link without TA's consent: {links:?}"
    );
    let roles = people::roles_of(&mut c, &[w.fx.id("TA").to_owned()]).await?;
    assert!(
        roles.iter().all(|r| r.role != Role::Guardian),
        "no guardian role without TA's consent: {roles:?}"
    );
    drop(c);
    // TA can still see no guardian session exists for her: she was sent an invitation.
    let mails = w.sink.wait_for(1).await?;
    assert!(
        mails.iter().any(|m| m.to[0] == "ta@example.org"),
        "{} mails",
        mails.len()
    );
    Ok(())
});

both_backends!(
    a_guardians_invitation_does_not_speak_in_a_name_they_chose,
    |db| async move {
        let w = World::start(db).await?;
        // G1 claimed their account and chose a name that borrows the school's authority.
        let mut c = w.db.store.conn().await?;
        families::claim_account(
            &mut c,
            w.fx.id("G1"),
            "Principal",
            "Skinner (Springfield Elementary office)",
            "not-a-real-hash",
        )
        .await?;
        drop(c);
        let g1 = w.token(TokenRole::Guardian, Some("G1")).await?;
        let resp = w
            .gql(
                Some(&g1),
                CO,
                json!({"s": w.person("S1"),
                       "i": {"email": "new.adult@example.org", "givenName": "Nel", "familyName": "Adult"}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteCoGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let mails = w.sink.wait_for(1).await?;
        let mail = mails
            .iter()
            .find(|m| m.to[0] == "new.adult@example.org")
            .expect("the invitation");
        let subject = mail.header("Subject").unwrap_or_default();
        assert!(
            subject.starts_with("Another guardian at Fixture District invites you"),
            "{subject}"
        );
        for said in [subject, mail.text()] {
            assert!(
                !said.contains("Skinner"),
                "the chosen name is in the message: {said}"
            );
        }
        Ok(())
    }
);
