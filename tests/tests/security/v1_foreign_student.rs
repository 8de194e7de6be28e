//! V1: a teacher pulls a student into their class by hand, invites their own address as the
//! student's guardian, accepts, and holds a guardian session over the child.

use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use serde_json::json;

use super::{World, code};

const ADD: &str = "mutation($c: ID!, $p: ID, $n: NewStudentInput) {
  addParticipant(classId: $c, personId: $p, newStudent: $n) {
    person { id } userErrors { code } } }";
const INVITE: &str = "mutation($s: ID!, $i: GuardianInviteInput!) {
  inviteGuardian(studentId: $s, input: $i) { invitations { id } userErrors { code } } }";

both_backends!(
    teacher_cannot_become_guardian_of_a_student_pulled_in_by_hand,
    |db| async move {
        let w = World::start(db).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        let me = json!({"email": "attacker@evil.test", "givenName": "Tia", "familyName": "Alpha"});

        // A student of another school is answered like an unknown person.
        let resp = w
            .gql(
                Some(&ta),
                ADD,
                json!({"c": w.class("A1"), "p": w.person("S4")}),
            )
            .await?;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"][0]["code"], "NOT_FOUND",
            "a student of school B is not placed into a class of school A: {resp}"
        );
        let resp = w
            .gql(Some(&ta), INVITE, json!({"s": w.person("S4"), "i": me}))
            .await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");

        // A student of the same school may be added by hand (a legitimate schedule change)…
        let resp = w
            .gql(
                Some(&ta),
                ADD,
                json!({"c": w.class("A1"), "p": w.person("S3")}),
            )
            .await?;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        // …but that does not let the teacher invite guardians for them.
        let resp = w
            .gql(Some(&ta), INVITE, json!({"s": w.person("S3"), "i": me}))
            .await?;
        assert_eq!(
            code(&resp).as_deref(),
            Some("FORBIDDEN"),
            "a hand-added student's guardians are not the teacher's to invite: {resp}"
        );
        assert!(w.sink.mails_to("attacker@evil.test").is_empty());

        // SIS-rostered students and students the teacher created stay invitable.
        let resp = w
            .gql(
                Some(&ta),
                INVITE,
                json!({"s": w.person("S1"),
                "i": {"email": "aunt@example.org", "givenName": "Ann", "familyName": "One"}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w
            .gql(
                Some(&ta),
                ADD,
                json!({"c": w.class("A1"),
                "n": {"givenName": "Nia", "familyName": "New"}}),
            )
            .await?;
        let nia = resp["data"]["addParticipant"]["person"]["id"].clone();
        assert!(nia.is_string(), "{resp}");
        let resp = w
            .gql(
                Some(&ta),
                INVITE,
                json!({"s": nia,
                "i": {"email": "nia.parent@example.org", "givenName": "Pat", "familyName": "New"}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"],
            json!([]),
            "{resp}"
        );
        // Another teacher of the school cannot invite for a student TA created.
        let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
        let resp = w
            .gql(Some(&tb), ADD, json!({"c": w.class("A2"), "p": nia}))
            .await?;
        assert_eq!(
            resp["data"]["addParticipant"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w.gql(Some(&tb), INVITE, json!({"s": nia, "i": me})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        Ok(())
    }
);
