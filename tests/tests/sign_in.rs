//! Issue 18: sign-in for everyone. Staff invitations and password resets, end to end through
//! the running binary and the local SMTP sink, on both backends.

use homeroom_schema::enums::{Role, TokenRole};
use homeroom_schema::store::{outbox, people};
use homeroom_tests::both_backends;
use serde_json::{Value, json};

use crate::security::{PUBLIC, World, code};

const INVITE_STAFF: &str = "mutation($ids: [ID!], $school: ID) {
  inviteStaff(personIds: $ids, schoolId: $school) {
    invitations { id channel } userErrors { field code message } } }";
const PREVIEW: &str = "query($t: String!) { invitationPreview(token: $t) {
  guardianGivenName studentGivenNames invitedByName canAccept purpose } }";
const ACCEPT: &str = "mutation($t: String!, $pw: String!) {
  acceptInvitation(token: $t, password: $pw, profile: {givenName: \"Mallory\", familyName: \"Renamed\"}) {
    token person { displayName } userErrors { code message } } }";
const LOGIN: &str = "mutation($e: String!, $pw: String!) { login(email: $e, password: $pw) {
  token userErrors { code } } }";
const VIEWER: &str = "{ viewer { role person { displayName } } }";
const REQUEST: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str =
    "mutation($t: String!, $pw: String!) { resetPassword(token: $t, password: $pw) {
  token userErrors { code message } } }";

fn errors(resp: &Value, field: &str) -> Vec<String> {
    resp["data"][field]["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect()
}

fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

both_backends!(
    staff_are_invited_by_their_admins_and_set_a_password,
    |db| async move {
        let w = World::start(db).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let sa = w.token(TokenRole::SchoolAdmin, Some("SA")).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;

        // Refused, and answered like unknown people: a teacher inviting a colleague; a school
        // admin inviting staff of another school; anyone inviting a student or a guardian.
        let resp = w
            .gql(Some(&ta), INVITE_STAFF, json!({"ids": [w.person("TB")]}))
            .await?;
        assert_eq!(errors(&resp, "inviteStaff"), ["NOT_FOUND"], "{resp}");
        let resp = w
            .gql(Some(&sa), INVITE_STAFF, json!({"ids": [w.person("TC")]}))
            .await?;
        assert_eq!(errors(&resp, "inviteStaff"), ["NOT_FOUND"], "{resp}");
        let resp = w
            .gql(
                Some(&admin),
                INVITE_STAFF,
                json!({"ids": [w.person("S1"), w.person("G1")]}),
            )
            .await?;
        assert_eq!(
            errors(&resp, "inviteStaff"),
            ["NOT_FOUND", "NOT_FOUND"],
            "{resp}"
        );
        let resp = w
            .gql(
                Some(&sa),
                INVITE_STAFF,
                json!({"school": homeroom_core::ids::encode(
                    homeroom_core::ids::NodeKind::Org, w.fx.id("schoolB"))}),
            )
            .await?;
        assert_eq!(code(&resp).as_deref(), Some("NOT_FOUND"), "{resp}");
        {
            let mut c = w.db.store.conn().await?;
            let queued = outbox::of_kind(&mut c, &w.fx.district_id, "").await?;
            assert!(queued.is_empty(), "nothing was sent: {queued:?}");
        }

        // The school admin invites a teacher of their school; the district admin invites
        // every staff member of school B (TC).
        let resp = w
            .gql(Some(&sa), INVITE_STAFF, json!({"ids": [w.person("TA")]}))
            .await?;
        assert_eq!(errors(&resp, "inviteStaff"), Vec::<String>::new(), "{resp}");
        let resp = w
            .gql(
                Some(&admin),
                INVITE_STAFF,
                json!({"school": homeroom_core::ids::encode(
                    homeroom_core::ids::NodeKind::Org, w.fx.id("schoolB"))}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteStaff"]["invitations"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{resp}"
        );
        let mails = w.sink.wait_for(2).await?;
        let to_ta = mails
            .iter()
            .find(|m| m.to[0] == "ta@example.org")
            .expect("TA's invitation");
        assert!(mails.iter().any(|m| m.to[0] == "tc@example.org"));
        let subject = to_ta.header("Subject").unwrap_or_default();
        assert_eq!(
            subject,
            "Sam Admin at Fixture District invites you to sign in to Homeroom"
        );
        let link = to_ta
            .link(&format!("{PUBLIC}/invitations/"))
            .expect("a link");
        let token = token_of(&link);

        let preview = w.gql(None, PREVIEW, json!({"t": token})).await?;
        assert_eq!(preview["data"]["invitationPreview"]["purpose"], "STAFF");
        assert_eq!(preview["data"]["invitationPreview"]["canAccept"], true);

        // A common password is refused and the link still works; a good one signs her in as a
        // teacher, under the school's name for her (not the one typed in), with no new role.
        let weak = w
            .gql(None, ACCEPT, json!({"t": token, "pw": "password1234"}))
            .await?;
        assert_eq!(
            errors(&weak, "acceptInvitation"),
            ["WEAK_PASSWORD"],
            "{weak}"
        );
        let password = "ledger maple quietly orbit";
        let ok = w
            .gql(None, ACCEPT, json!({"t": token, "pw": password}))
            .await?;
        let session = ok["data"]["acceptInvitation"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("a session: {ok}"))
            .to_owned();
        let viewer = w.gql(Some(&session), VIEWER, json!({})).await?;
        assert_eq!(viewer["data"]["viewer"]["role"], "TEACHER", "{viewer}");
        assert_eq!(
            viewer["data"]["viewer"]["person"]["displayName"],
            "Tia Alpha"
        );
        {
            let mut c = w.db.store.conn().await?;
            let roles = people::roles_of(&mut c, &[w.fx.id("TA").to_owned()]).await?;
            assert!(roles.iter().all(|r| r.role != Role::Guardian), "{roles:?}");
        }
        let again = w
            .gql(None, ACCEPT, json!({"t": token, "pw": password}))
            .await?;
        assert_eq!(
            errors(&again, "acceptInvitation"),
            ["ALREADY_USED"],
            "{again}"
        );
        let login = w
            .gql(None, LOGIN, json!({"e": "ta@example.org", "pw": password}))
            .await?;
        assert!(login["data"]["login"]["token"].is_string(), "{login}");
        // She has an account now: inviting her again is refused with the reason.
        let resp = w
            .gql(Some(&admin), INVITE_STAFF, json!({"ids": [w.person("TA")]}))
            .await?;
        assert_eq!(errors(&resp, "inviteStaff"), ["ALREADY_CLAIMED"], "{resp}");
        Ok(())
    }
);

both_backends!(
    password_reset_answers_alike_works_once_expires_and_is_rate_limited,
    |db| async move {
        let w = World::start(db).await?;
        let first = "granite puzzle lantern seven";
        let (code_, _, err) = homeroom_tests::server::run_with_stdin(
            &[
                "account",
                "set-password",
                "--database-url",
                &w.db.url,
                &w.person("TA"),
            ],
            &format!("{first}\n"),
        )?;
        assert_eq!(code_, 0, "{err}");
        let login = async |password: &str| -> anyhow::Result<Value> {
            Ok(
                w.gql(None, LOGIN, json!({"e": "ta@example.org", "pw": password}))
                    .await?["data"]["login"]
                    .clone(),
            )
        };
        let old_session = login(first).await?["token"]
            .as_str()
            .expect("signed in")
            .to_owned();
        let resets = async || -> anyhow::Result<Vec<String>> {
            let mut c = w.db.store.conn().await?;
            Ok(outbox::of_kind(&mut c, &w.fx.district_id, "password_reset")
                .await?
                .into_iter()
                .map(|m| m.recipient)
                .collect())
        };

        // The same answer for an account, an unknown address, an adult without an account and
        // a malformed address; only the account gets a message.
        let mut answers = Vec::new();
        for email in [
            "ta@example.org",
            "nobody@example.org",
            "g2@example.org",
            "not an email",
        ] {
            answers.push(w.gql(None, REQUEST, json!({"e": email})).await?);
        }
        assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
        assert_eq!(answers[0]["data"]["requestPasswordReset"], true);
        assert_eq!(resets().await?, ["ta@example.org"]);
        let mail = w.sink.wait_for(1).await?;
        let link = mail[0]
            .link(&format!("{PUBLIC}/password-reset/"))
            .expect("a reset link");
        let token = token_of(&link);

        // A weak password is refused and the link still works; a good one sets the password,
        // ends the old session and starts a new one; the link works once.
        let weak = w
            .gql(None, RESET, json!({"t": token, "pw": "qwertyuiop12"}))
            .await?;
        assert_eq!(errors(&weak, "resetPassword"), ["WEAK_PASSWORD"], "{weak}");
        let second = "harbor violet cactus ninety";
        let done = w
            .gql(None, RESET, json!({"t": token, "pw": second}))
            .await?;
        assert!(done["data"]["resetPassword"]["token"].is_string(), "{done}");
        let old = w.gql(Some(&old_session), VIEWER, json!({})).await?;
        assert_eq!(code(&old).as_deref(), Some("UNAUTHENTICATED"), "{old}");
        assert_eq!(
            login(first).await?["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
        assert!(login(second).await?["token"].is_string());
        let reused = w
            .gql(
                None,
                RESET,
                json!({"t": token, "pw": "a third passphrase entirely"}),
            )
            .await?;
        assert_eq!(
            errors(&reused, "resetPassword"),
            ["INVALID_TOKEN"],
            "{reused}"
        );

        // A link past its 30 minutes does not work.
        w.gql(None, REQUEST, json!({"e": "ta@example.org"})).await?;
        let mails = w.sink.wait_for(2).await?;
        let expired = token_of(
            &mails[1]
                .link(&format!("{PUBLIC}/password-reset/"))
                .expect("a second link"),
        );
        {
            let mut c = w.db.store.conn().await?;
            c.batch_execute("UPDATE password_resets SET expires_at = 1 WHERE used_at IS NULL")
                .await?;
        }
        let late = w
            .gql(
                None,
                RESET,
                json!({"t": expired, "pw": "a fourth passphrase entirely"}),
            )
            .await?;
        assert_eq!(errors(&late, "resetPassword"), ["INVALID_TOKEN"], "{late}");

        // Three messages an hour at most; further requests are answered alike and send nothing.
        for _ in 0..3 {
            let again = w.gql(None, REQUEST, json!({"e": "ta@example.org"})).await?;
            assert_eq!(again, answers[0]);
        }
        assert_eq!(resets().await?.len(), 3);
        Ok(())
    }
);
