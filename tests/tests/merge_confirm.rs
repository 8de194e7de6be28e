//! A claimed guardian confirming a merge suggestion about themselves through the binary: the
//! one-time code goes to exactly the contact point the SIS record matched (read from the local
//! SMTP sink), a wrong code is refused, the right one verifies the contact point and merges the
//! SIS record into the account, and the next sync suggests nothing more.

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::{
    AccountState, ContactSource, RecordSource, Role, SyncMode, SyncStatus, TokenRole,
};
use homeroom_schema::store::{contacts, districts, people, relationships};
use homeroom_tests::both_backends;
use homeroom_tests::fixture;
use homeroom_tests::graphql::token;
use homeroom_tests::oneroster_files;
use homeroom_tests::oneroster_files::user;
use homeroom_tests::server::Server;
use homeroom_tests::smtp_sink::SmtpSink;
use homeroom_tests::sync;
use serde_json::json;

const MINE: &str = "{ myMergeSuggestions { id recordName contactPoints { id value verified } } }";
const REQUEST: &str = "mutation($s: ID!) { requestMergeConfirmationCode(suggestionId: $s) {
  sentTo { value } userErrors { field code } } }";
const CONFIRM: &str =
    "mutation($s: ID!, $c: String!) { confirmMergeSuggestion(suggestionId: $s, code: $c) {
  person { id } auditEvent { action } userErrors { field code } } }";

both_backends!(
    a_guardian_confirms_a_suggestion_with_a_code,
    |db| async move {
        let sink = SmtpSink::start().await?;
        let server = Server::start_with_env(
            &db.url,
            &[],
            &[
                ("HOMEROOM_SMTP_URL", sink.url()),
                ("HOMEROOM_MAIL_FROM", "school@homeroom.test".into()),
            ],
        )
        .await?;
        // Pat signed up before the district synced, with an email not yet verified; Quinn is
        // another claimed account.
        let (pat, quinn) = {
            let mut c = db.store.conn().await?;
            let district = districts::ensure_default(&mut c, "Test District").await?;
            let mut ids = Vec::new();
            for (given, email) in [("Pat", "pat@home.test"), ("Quinn", "quinn@home.test")] {
                let mut p = people::new_person(&district.id, given, "Test");
                p.account_state = AccountState::Claimed;
                people::insert(&mut c, &p).await?;
                people::add_role(&mut c, &p, Role::Guardian, None, RecordSource::Manual).await?;
                let mut cp = fixture::email(&district.id, &p.id, email, true);
                cp.source = ContactSource::SelfReported;
                contacts::insert(&mut c, &[cp]).await?;
                ids.push(p.id);
            }
            (ids[0].clone(), ids[1].clone())
        };
        let dir = homeroom_tests::db::TempDir::new("merge-confirm")?;
        oneroster_files::write(
            &dir.0,
            &[
                user("t1", "teacher", "Tina", "tina@school.test", ""),
                user("s1", "student", "Sam", "", ""),
                user("g1", "guardian", "Pat", "Pat@Home.test", "s1"),
            ],
        )?;
        let connector = sync::csv_connector(&db.store, &dir.0).await?;
        let first = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(first.run.status, SyncStatus::Succeeded);
        assert_eq!(first.with_code("merge_suggestion").len(), 1);

        let pat_token = token(&db.store, TokenRole::Guardian, Some(&pat)).await?;
        let quinn_token = token(&db.store, TokenRole::Guardian, Some(&quinn)).await?;
        let mine = server.graphql(Some(&pat_token), MINE, json!({})).await?;
        let suggestion = &mine["data"]["myMergeSuggestions"][0];
        assert_eq!(suggestion["recordName"], "Pat Test", "{mine}");
        assert_eq!(
            suggestion["contactPoints"],
            json!([{"id": suggestion["contactPoints"][0]["id"], "value": "pat@home.test", "verified": false}])
        );
        let id = suggestion["id"].as_str().unwrap_or_default().to_owned();

        // Quinn sees nothing and cannot act on Pat's suggestion.
        let theirs = server.graphql(Some(&quinn_token), MINE, json!({})).await?;
        assert_eq!(theirs["data"]["myMergeSuggestions"], json!([]));
        let out = server
            .graphql(Some(&quinn_token), REQUEST, json!({"s": id}))
            .await?;
        assert_eq!(
            out["data"]["requestMergeConfirmationCode"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );

        // Pat asks for a code; it goes to the matched email.
        let out = server
            .graphql(Some(&pat_token), REQUEST, json!({"s": id}))
            .await?;
        assert_eq!(
            out["data"]["requestMergeConfirmationCode"]["sentTo"]["value"], "pat@home.test",
            "{out}"
        );
        let mails = sink.wait_for(1).await?;
        assert_eq!(sink.mails_to("pat@home.test").len(), 1);
        let subject = mails[0].header("Subject").unwrap_or_default();
        let code: String = subject.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(code.len(), 6, "{subject}");

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let out = server
            .graphql(Some(&pat_token), CONFIRM, json!({"s": id, "c": wrong}))
            .await?;
        assert_eq!(
            out["data"]["confirmMergeSuggestion"]["userErrors"][0]["code"],
            "WRONG_CODE"
        );
        let out = server
            .graphql(Some(&quinn_token), CONFIRM, json!({"s": id, "c": code}))
            .await?;
        assert_eq!(
            out["data"]["confirmMergeSuggestion"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );

        let out = server
            .graphql(Some(&pat_token), CONFIRM, json!({"s": id, "c": code}))
            .await?;
        let done = &out["data"]["confirmMergeSuggestion"];
        assert_eq!(done["userErrors"], json!([]), "{out}");
        assert_eq!(
            done["person"]["id"],
            encode(NodeKind::Person, &pat).0.as_str()
        );
        assert_eq!(done["auditEvent"]["action"], "person.merge");

        // Pat's email is verified and Pat is now Sam's guardian; nothing is left to confirm.
        let mut c = db.store.conn().await?;
        let cps = contacts::of_people(&mut c, std::slice::from_ref(&pat)).await?;
        assert!(cps.iter().all(|cp| cp.verified_at.is_some()), "{cps:?}");
        let links = relationships::active_of_people(&mut c, std::slice::from_ref(&pat)).await?;
        assert_eq!(links.len(), 1);
        let mine = server.graphql(Some(&pat_token), MINE, json!({})).await?;
        assert_eq!(mine["data"]["myMergeSuggestions"], json!([]));
        let out = server
            .graphql(Some(&pat_token), CONFIRM, json!({"s": id, "c": code}))
            .await?;
        assert_eq!(
            out["data"]["confirmMergeSuggestion"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );

        // The next sync updates Pat through the moved source link and suggests nothing.
        let second = sync::run(&db.store, &connector, SyncMode::Full, false).await?;
        assert_eq!(second.run.status, SyncStatus::Succeeded);
        assert!(second.with_code("merge_suggestion").is_empty());
        assert!(second.with_code("contact_point_taken").is_empty());
        Ok(())
    }
);
