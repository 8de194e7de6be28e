//! Families end to end through the binary: the invite manager, invitations over real SMTP (a
//! local sink) and a fake SMS provider, fallback between channels, delivery receipts,
//! unreachable contact points, resend and revoke, accepting, signing in and what a claimed
//! guardian sees.

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::{Channel, ContactKind, ContactSource, Reachability, TokenRole};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::ContactPoint;
use homeroom_schema::store::{contacts, districts};
use homeroom_tests::TestDb;
use homeroom_tests::both_backends;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::token;
use homeroom_tests::server::Server;
use homeroom_tests::sms_fake::SmsFake;
use homeroom_tests::smtp_sink::SmtpSink;
use serde_json::{Value, json};

const PUBLIC: &str = "https://homeroom.test";
const SECRET: &str = "whsec-test";

const MANAGER: &str = "query($id: ID!, $s: InviteState) { class(id: $id) {
  familyInviteManager(filter: {state: $s}) { totalCount edges { node {
    id state kind guardian { id displayName } student { displayName }
    contactPoints { id kind value reachable unreachableReason }
    invitation { id status channel lastError } } } } } }";
const INVITE: &str = "mutation($c: ID!, $ids: [ID!], $all: Boolean) {
  inviteFamilies(classId: $c, relationshipIds: $ids, all: $all) {
    invitations { id status channel } userErrors { field code message } } }";
const PREVIEW: &str = "query($t: String!) { invitationPreview(token: $t) {
  districtName guardianGivenName studentGivenNames invitedByName status canAccept } }";
const ACCEPT: &str = "mutation($t: String!, $pw: String!, $phone: String) {
  acceptInvitation(token: $t, password: $pw,
    profile: {givenName: \"Gina\", familyName: \"One\", phone: $phone, livesWithStudent: true}) {
    token person { id accountState } userErrors { field code message } } }";
const LOGIN: &str = "mutation($e: String!, $pw: String!) { login(email: $e, password: $pw) {
  token userErrors { code } } }";
const RESEND: &str = "mutation($id: ID!) { resendInvitation(id: $id) {
  invitation { id status resendCount } userErrors { code message } } }";
const REVOKE: &str = "mutation($id: ID!) { revokeInvitation(id: $id) {
  invitation { status } userErrors { code } } }";

struct World {
    db: TestDb,
    fx: Fixture,
    sink: SmtpSink,
    sms: SmsFake,
    server: Server,
}

impl World {
    async fn start(db: TestDb) -> anyhow::Result<World> {
        let fx = fixture::load(&db.store).await?;
        let sink = SmtpSink::start().await?;
        let sms = SmsFake::start().await?;
        let server = Server::start_with_env(
            &db.url,
            &[],
            &[
                ("HOMEROOM_SMTP_URL", sink.url()),
                ("HOMEROOM_MAIL_FROM", "school@homeroom.test".into()),
                ("HOMEROOM_SMS_URL", sms.url.clone()),
                ("HOMEROOM_SMS_TOKEN", sms.token()),
                ("HOMEROOM_SMS_FROM", "+16035550100".into()),
                ("HOMEROOM_DELIVERY_WEBHOOK_SECRET", SECRET.into()),
                ("HOMEROOM_PUBLIC_URL", PUBLIC.into()),
            ],
        )
        .await?;
        Ok(World {
            db,
            fx,
            sink,
            sms,
            server,
        })
    }

    async fn token(&self, role: TokenRole, who: Option<&str>) -> anyhow::Result<String> {
        token(&self.db.store, role, who.map(|w| self.fx.id(w))).await
    }

    async fn gql(&self, token: Option<&str>, q: &str, vars: Value) -> anyhow::Result<Value> {
        self.server.graphql(token, q, vars).await
    }

    fn class(&self, name: &str) -> String {
        encode(NodeKind::Class, self.fx.id(name)).0
    }

    async fn add_phone(&self, who: &str, e164: &str) -> anyhow::Result<()> {
        let mut c = self.db.store.conn().await?;
        let now = now_micros();
        contacts::insert(
            &mut c,
            &[ContactPoint {
                id: new_id(),
                district_id: self.fx.district_id.clone(),
                person_id: self.fx.id(who).to_owned(),
                kind: ContactKind::Phone,
                value: e164.into(),
                display_value: e164.into(),
                is_adult: true,
                source: ContactSource::Sis,
                verified_at: None,
                reachability: Reachability::Ok,
                unreachable_reason: None,
                unreachable_at: None,
                created_at: now,
                updated_at: now,
            }],
        )
        .await?;
        Ok(())
    }

    async fn settings(
        &self,
        f: impl FnOnce(&mut homeroom_schema::models::DistrictSettings),
    ) -> anyhow::Result<()> {
        let mut c = self.db.store.conn().await?;
        let d = districts::get(&mut c, &self.fx.district_id)
            .await?
            .expect("district");
        let mut s = d.settings();
        f(&mut s);
        districts::set_settings(&mut c, &d.id, &s).await?;
        Ok(())
    }

    async fn receipt(&self, provider: &str, body: String, secret: &str) -> anyhow::Result<u16> {
        let client = reqwest::Client::new();
        let mut req = client
            .post(format!("{}/webhooks/delivery/{provider}", self.server.base))
            .basic_auth("homeroom", Some(secret))
            .body(body);
        req = if provider == "twilio" {
            req.header("content-type", "application/x-www-form-urlencoded")
        } else {
            req.header("content-type", "application/json")
        };
        Ok(req.send().await?.status().as_u16())
    }
}

fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

fn rows(resp: &Value) -> Vec<Value> {
    resp["data"]["class"]["familyInviteManager"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["node"].clone())
        .collect()
}

both_backends!(invite_all_then_accept_claims_the_account, |db| async move {
    let w = World::start(db).await?;
    let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
    let tb = w.token(TokenRole::Teacher, Some("TB")).await?;

    // The manager of A1: G1 is guardian of both S1 and S2 (two rows), nobody invited yet.
    let resp = w
        .gql(Some(&ta), MANAGER, json!({"id": w.class("A1")}))
        .await?;
    let before = rows(&resp);
    assert_eq!(before.len(), 2, "{resp}");
    assert!(before.iter().all(|r| r["state"] == "NOT_INVITED"), "{resp}");
    assert_eq!(
        before[0]["contactPoints"][0]["value"], "g***@example.org",
        "teachers see masked contacts"
    );
    // Another teacher does not even see the class; nothing was sent.
    let resp = w
        .gql(Some(&tb), MANAGER, json!({"id": w.class("A1")}))
        .await?;
    assert_eq!(resp["data"]["class"], Value::Null, "{resp}");
    assert!(w.sink.mails().is_empty());

    // Invite all: one invitation for G1 (siblings share it), sent by email.
    let resp = w
        .gql(Some(&ta), INVITE, json!({"c": w.class("A1"), "all": true}))
        .await?;
    let invs = resp["data"]["inviteFamilies"]["invitations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(invs.len(), 1, "{resp}");
    assert_eq!(invs[0]["channel"], "EMAIL");
    let mails = w.sink.wait_for(1).await?;
    let mail = &mails[0];
    assert_eq!(mail.to, vec!["g1@example.org".to_owned()]);
    assert_eq!(mail.from, "school@homeroom.test");
    let subject = mail.header("Subject").unwrap_or_default();
    assert!(
        subject.contains("Tia Alpha") && subject.contains("Sol") && subject.contains("Sia"),
        "{subject}"
    );
    let link = mail
        .link(&format!("{PUBLIC}/invitations/"))
        .expect("a link in the mail");
    // Inviting all again sends nothing more.
    let resp = w
        .gql(Some(&ta), INVITE, json!({"c": w.class("A1"), "all": true}))
        .await?;
    assert_eq!(
        resp["data"]["inviteFamilies"]["invitations"],
        json!([]),
        "{resp}"
    );
    let resp = w
        .gql(
            Some(&ta),
            MANAGER,
            json!({"id": w.class("A1"), "s": "INVITED"}),
        )
        .await?;
    assert_eq!(rows(&resp).len(), 2, "{resp}");

    // The link page holds nothing secret; the preview names the family.
    let page = reqwest::get(format!("{}/invitations/{}", w.server.base, token_of(&link)))
        .await?
        .text()
        .await?;
    assert!(!page.contains("Gina") && page.contains("invitationPreview"));
    let t = token_of(&link);
    let resp = w.gql(None, PREVIEW, json!({"t": t})).await?;
    let p = &resp["data"]["invitationPreview"];
    assert_eq!(p["guardianGivenName"], "Gina", "{resp}");
    assert_eq!(p["invitedByName"], "Tia Alpha");
    assert_eq!(p["canAccept"], true);
    let resp = w.gql(None, PREVIEW, json!({"t": "hr_nope"})).await?;
    assert_eq!(resp["data"]["invitationPreview"], Value::Null);

    // A weak password is refused with a null token; a good one claims the account.
    let resp = w.gql(None, ACCEPT, json!({"t": t, "pw": "short"})).await?;
    assert_eq!(
        resp["data"]["acceptInvitation"]["token"],
        Value::Null,
        "{resp}"
    );
    assert_eq!(
        resp["data"]["acceptInvitation"]["userErrors"][0]["code"],
        "WEAK_PASSWORD"
    );
    let resp = w
        .gql(
            None,
            ACCEPT,
            json!({"t": t, "pw": "correct horse battery", "phone": "(603) 987-6549"}),
        )
        .await?;
    let session = resp["data"]["acceptInvitation"]["token"]
        .as_str()
        .expect("session")
        .to_owned();
    assert_eq!(
        resp["data"]["acceptInvitation"]["person"]["accountState"], "CLAIMED",
        "{resp}"
    );
    // Single use.
    let resp = w
        .gql(None, ACCEPT, json!({"t": t, "pw": "correct horse battery"}))
        .await?;
    assert_eq!(
        resp["data"]["acceptInvitation"]["userErrors"][0]["code"], "ALREADY_USED",
        "{resp}"
    );
    let resp = w
        .gql(
            Some(&ta),
            MANAGER,
            json!({"id": w.class("A1"), "s": "ACCEPTED"}),
        )
        .await?;
    assert_eq!(rows(&resp).len(), 2, "{resp}");

    // The claimed guardian sees exactly their students, those students' classes, and teachers'
    // names; the email they were invited at is verified.
    let resp = w
        .gql(
            Some(&session),
            "{ viewer { role } people { edges { node { displayName } } }
        classes { edges { node { title teachers { displayName contactPoints { value } } } } } }",
            json!({}),
        )
        .await?;
    let mut people: Vec<String> = resp["data"]["people"]["edges"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|e| {
            e["node"]["displayName"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    people.sort();
    assert!(
        people.contains(&"Sol One".to_owned()) && people.contains(&"Sia One".to_owned()),
        "{resp}"
    );
    assert!(
        !people
            .iter()
            .any(|p| p == "Sal Three" || p == "Sue Four" || p == "Gus Three"),
        "{resp}"
    );
    let classes = resp["data"]["classes"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(classes.len(), 1, "{resp}");
    assert_eq!(
        classes[0]["node"]["teachers"][0]["displayName"],
        "Tia Alpha"
    );
    assert!(
        classes[0]["node"]["teachers"][0]["contactPoints"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{resp}"
    );
    let resp = w
        .gql(
            Some(&session),
            "{ viewer { person { contactPoints { kind verified } } } }",
            json!({}),
        )
        .await?;
    let cps = resp["data"]["viewer"]["person"]["contactPoints"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        cps.iter()
            .any(|c| c["kind"] == "EMAIL" && c["verified"] == true),
        "{resp}"
    );
    assert!(cps.iter().any(|c| c["kind"] == "PHONE"), "{resp}");

    // Signing in: right password works, wrong ones are counted and then rate-limited.
    let resp = w
        .gql(
            None,
            LOGIN,
            json!({"e": "G1@example.org", "pw": "correct horse battery"}),
        )
        .await?;
    assert!(resp["data"]["login"]["token"].is_string(), "{resp}");
    for _ in 0..5 {
        let resp = w
            .gql(None, LOGIN, json!({"e": "g1@example.org", "pw": "wrong"}))
            .await?;
        assert_eq!(
            resp["data"]["login"]["userErrors"][0]["code"], "INVALID_CREDENTIALS",
            "{resp}"
        );
    }
    let resp = w
        .gql(
            None,
            LOGIN,
            json!({"e": "g1@example.org", "pw": "correct horse battery"}),
        )
        .await?;
    assert_eq!(
        resp["data"]["login"]["userErrors"][0]["code"], "RATE_LIMITED",
        "{resp}"
    );
    Ok(())
});

both_backends!(
    email_bounce_falls_back_to_sms_and_reset_clears_it,
    |db| async move {
        let w = World::start(db).await?;
        w.add_phone("G2", "+16039876543").await?;
        w.sink.reject("g2@example.org");
        let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let resp = w
            .gql(Some(&tb), INVITE, json!({"c": w.class("A2"), "all": true}))
            .await?;
        assert_eq!(
            resp["data"]["inviteFamilies"]["invitations"][0]["channel"], "EMAIL",
            "{resp}"
        );

        // SMTP refuses the mailbox (550): the email is unreachable, and the SMS goes out instead.
        let texts = w.sms.wait_for(1).await?;
        assert_eq!(texts[0].to, "+16039876543");
        assert_eq!(texts[0].from, "+16035550100");
        assert!(
            texts[0].body.contains(&format!("{PUBLIC}/invitations/hr_")),
            "{}",
            texts[0].body
        );
        assert_eq!(
            texts[0].status_callback.as_deref(),
            Some(&*format!("{PUBLIC}/webhooks/delivery/twilio"))
        );
        let resp = w
            .gql(Some(&admin), MANAGER, json!({"id": w.class("A2")}))
            .await?;
        let row = &rows(&resp)[0];
        assert_eq!(row["invitation"]["channel"], "SMS", "{resp}");
        let email = row["contactPoints"]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .find(|c| c["kind"] == "EMAIL")
            .cloned()
            .expect("email row");
        assert_eq!(email["reachable"], false, "{resp}");
        assert!(
            email["unreachableReason"]
                .as_str()
                .unwrap_or_default()
                .contains("550"),
            "{resp}"
        );
        assert!(w.sink.mails().is_empty());

        // A delivery receipt marks it delivered.
        let status = w
            .receipt(
                "twilio",
                format!("MessageSid={}&MessageStatus=delivered", texts[0].sid),
                SECRET,
            )
            .await?;
        assert_eq!(status, 200);
        let resp = w
            .gql(Some(&admin), MANAGER, json!({"id": w.class("A2")}))
            .await?;
        assert_eq!(rows(&resp)[0]["state"], "DELIVERED", "{resp}");
        // A wrong secret is refused.
        assert_eq!(
            w.receipt("twilio", "MessageSid=x&MessageStatus=failed".into(), "nope")
                .await?,
            401
        );

        // Reset the email; a teacher who cannot see G2 cannot.
        let ta = w.token(TokenRole::Teacher, Some("TC")).await?;
        let reset = "mutation($id: ID!) { setContactPointReachable(id: $id) { reachable unreachableReason } }";
        let resp = w.gql(Some(&ta), reset, json!({"id": email["id"]})).await?;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{resp}"
        );
        let resp = w.gql(Some(&tb), reset, json!({"id": email["id"]})).await?;
        assert_eq!(
            resp["data"]["setContactPointReachable"]["reachable"], true,
            "{resp}"
        );
        assert_eq!(
            resp["data"]["setContactPointReachable"]["unreachableReason"],
            Value::Null
        );
        Ok(())
    }
);

both_backends!(
    the_inviter_picks_the_channel_and_families_without_it_get_the_other,
    |db| async move {
        let w = World::start(db).await?;
        // The district prefers email. S4 (class B1) has two guardians: G3 also has a phone, G2
        // only an email.
        w.add_phone("G3", "+16039876544").await?;
        {
            let mut c = w.db.store.conn().await?;
            homeroom_schema::store::relationships::insert(
                &mut c,
                &[homeroom_tests::fixture::link(
                    &w.fx.district_id,
                    w.fx.id("G2"),
                    w.fx.id("S4"),
                )],
            )
            .await?;
        }
        let tc = w.token(TokenRole::Teacher, Some("TC")).await?;
        let rows = w
            .gql(Some(&tc), MANAGER, json!({"id": w.class("B1")}))
            .await?["data"]["class"]["familyInviteManager"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let has_phone = |row: &Value| {
            row["node"]["contactPoints"]
                .as_array()
                .is_some_and(|cps| cps.iter().any(|c| c["kind"] == "PHONE"))
        };
        // One invitation per guardian, however many of their children are in the class.
        let guardians = |phone: bool| {
            rows.iter()
                .filter(|r| has_phone(r) == phone)
                .map(|r| r["node"]["guardian"]["id"].to_string())
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        };
        let (by_text, by_mail) = (guardians(true), guardians(false));
        assert!(by_text >= 1 && by_mail >= 1, "{rows:?}");

        const INVITE_ON: &str = "mutation($c: ID!, $ch: Channel) {
          inviteFamilies(classId: $c, all: true, channel: $ch) {
            invitations { id channel } userErrors { code message } } }";
        let resp = w
            .gql(
                Some(&tc),
                INVITE_ON,
                json!({"c": w.class("B1"), "ch": "SMS"}),
            )
            .await?;
        assert_eq!(
            resp["data"]["inviteFamilies"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let after = w
            .gql(Some(&tc), MANAGER, json!({"id": w.class("B1")}))
            .await?;
        for row in after["data"]["class"]["familyInviteManager"]["edges"]
            .as_array()
            .expect("rows")
        {
            let want = if has_phone(row) { "SMS" } else { "EMAIL" };
            assert_eq!(row["node"]["invitation"]["channel"], want, "{row}");
        }
        assert_eq!(w.sms.wait_for(by_text).await?.len(), by_text);
        assert_eq!(w.sink.wait_for(by_mail).await?.len(), by_mail);
        Ok(())
    }
);

both_backends!(sms_failure_receipt_falls_back_to_email, |db| async move {
    let w = World::start(db).await?;
    w.settings(|s| s.preferred_channel = Channel::Sms).await?;
    w.add_phone("G3", "+16039876544").await?;
    let tc = w.token(TokenRole::Teacher, Some("TC")).await?;
    let resp = w
        .gql(Some(&tc), INVITE, json!({"c": w.class("B1"), "all": true}))
        .await?;
    assert_eq!(
        resp["data"]["inviteFamilies"]["invitations"][0]["channel"], "SMS",
        "{resp}"
    );
    let texts = w.sms.wait_for(1).await?;
    let sms_link = texts[0]
        .body
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(w.sink.mails().is_empty());

    // The carrier reports the text undelivered: the phone is unreachable, email goes out.
    let body = format!(
        "MessageSid={}&MessageStatus=undelivered&ErrorCode=30003",
        texts[0].sid
    );
    assert_eq!(w.receipt("twilio", body.clone(), SECRET).await?, 200);
    let mails = w.sink.wait_for(1).await?;
    assert_eq!(mails[0].to, vec!["g3@example.org".to_owned()]);
    let email_link = mails[0]
        .link(&format!("{PUBLIC}/invitations/"))
        .expect("link");
    assert_ne!(email_link, sms_link);
    // The same receipt again changes nothing more: it queues no message (the receipt is handled
    // before the answer), so nothing beyond the text and the email already seen can be sent.
    let queued = async || -> anyhow::Result<Vec<String>> {
        let mut c = w.db.store.conn().await?;
        let rows = homeroom_schema::store::outbox::of_kind(&mut c, &w.fx.district_id, "").await?;
        Ok(rows.into_iter().map(|m| m.id).collect())
    };
    let before = queued().await?;
    assert_eq!(w.receipt("twilio", body, SECRET).await?, 200);
    assert_eq!(queued().await?, before);
    assert_eq!(w.sink.mails().len(), 1);
    assert_eq!(w.sms.messages().len(), 1);
    // Both links lead to the same invitation.
    for link in [&sms_link, &email_link] {
        let resp = w.gql(None, PREVIEW, json!({"t": token_of(link)})).await?;
        assert_eq!(
            resp["data"]["invitationPreview"]["canAccept"], true,
            "{resp}"
        );
    }
    let admin = w.token(TokenRole::DistrictAdmin, None).await?;
    let resp = w
        .gql(Some(&admin), MANAGER, json!({"id": w.class("B1")}))
        .await?;
    let row = &rows(&resp)[0];
    let phone = row["contactPoints"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .find(|c| c["kind"] == "PHONE")
        .cloned()
        .expect("phone");
    assert_eq!(phone["reachable"], false, "{resp}");
    assert!(
        phone["unreachableReason"]
            .as_str()
            .unwrap_or_default()
            .contains("30003")
    );
    assert_eq!(row["invitation"]["channel"], "EMAIL");
    Ok(())
});

both_backends!(
    resend_keeps_old_links_revoke_and_expiry_end_them,
    |db| async move {
        let w = World::start(db).await?;
        let tb = w.token(TokenRole::Teacher, Some("TB")).await?;
        let resp = w
            .gql(Some(&tb), INVITE, json!({"c": w.class("A2"), "all": true}))
            .await?;
        let id = resp["data"]["inviteFamilies"]["invitations"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let first = w.sink.wait_for(1).await?[0]
            .link(&format!("{PUBLIC}/invitations/"))
            .expect("link");

        // Right after sending, a resend is rate-limited.
        let resp = w.gql(Some(&tb), RESEND, json!({"id": id})).await?;
        assert_eq!(
            resp["data"]["resendInvitation"]["userErrors"][0]["code"], "RATE_LIMITED",
            "{resp}"
        );
        w.settings(|s| s.resend_interval_minutes = 0).await?;
        let resp = w.gql(Some(&tb), RESEND, json!({"id": id})).await?;
        assert_eq!(
            resp["data"]["resendInvitation"]["invitation"]["resendCount"], 1,
            "{resp}"
        );
        let mails = w.sink.wait_for(2).await?;
        let second = mails[1]
            .link(&format!("{PUBLIC}/invitations/"))
            .expect("link");
        assert_ne!(first, second);
        for link in [&first, &second] {
            let resp = w.gql(None, PREVIEW, json!({"t": token_of(link)})).await?;
            assert_eq!(
                resp["data"]["invitationPreview"]["canAccept"], true,
                "{resp}"
            );
        }
        // Someone else's teacher may not resend it.
        let tc = w.token(TokenRole::Teacher, Some("TC")).await?;
        let resp = w.gql(Some(&tc), RESEND, json!({"id": id})).await?;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{resp}"
        );

        // Revoked: every link dies.
        let resp = w.gql(Some(&tb), REVOKE, json!({"id": id})).await?;
        assert_eq!(
            resp["data"]["revokeInvitation"]["invitation"]["status"], "REVOKED",
            "{resp}"
        );
        let resp = w
            .gql(
                None,
                ACCEPT,
                json!({"t": token_of(&first), "pw": "correct horse battery"}),
            )
            .await?;
        assert_eq!(
            resp["data"]["acceptInvitation"]["userErrors"][0]["code"], "REVOKED",
            "{resp}"
        );
        let resp = w
            .gql(Some(&tb), MANAGER, json!({"id": w.class("A2")}))
            .await?;
        assert_eq!(rows(&resp)[0]["state"], "NOT_INVITED", "{resp}");

        // A new invitation that expires cannot be accepted.
        let resp = w
            .gql(Some(&tb), INVITE, json!({"c": w.class("A2"), "all": true}))
            .await?;
        let id2 = resp["data"]["inviteFamilies"]["invitations"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let link = w.sink.wait_for(3).await?[2]
            .link(&format!("{PUBLIC}/invitations/"))
            .expect("link");
        // The worker records the send after the sink has the mail; expire the invitation only
        // once that write is done, or it would overwrite the expiry.
        let (_, row2) = homeroom_graphql::ids::decode(&id2)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let mut c = w.db.store.conn().await?;
            let inv = homeroom_schema::store::invitations::get(&mut c, &w.fx.district_id, &row2)
                .await?
                .expect("invitation");
            if inv.status != homeroom_schema::enums::InvitationStatus::Pending {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the worker did not record the send in 10 s"
            );
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            use homeroom_schema::tables::invitations;
            let (_, row) = homeroom_graphql::ids::decode(&id2)?;
            let mut c = w.db.store.conn().await?;
            match &mut c {
                homeroom_schema::Conn::Sqlite(c) => {
                    diesel::update(invitations::table.find(&row))
                        .set(invitations::expires_at.eq(1_i64))
                        .execute(&mut **c)
                        .await?
                }
                homeroom_schema::Conn::Pg(c) => {
                    diesel::update(invitations::table.find(&row))
                        .set(invitations::expires_at.eq(1_i64))
                        .execute(&mut **c)
                        .await?
                }
            };
        }
        let resp = w
            .gql(
                None,
                ACCEPT,
                json!({"t": token_of(&link), "pw": "correct horse battery"}),
            )
            .await?;
        assert_eq!(
            resp["data"]["acceptInvitation"]["userErrors"][0]["code"], "EXPIRED",
            "{resp}"
        );
        assert_eq!(resp["data"]["acceptInvitation"]["token"], Value::Null);
        Ok(())
    }
);

both_backends!(
    guardians_invited_from_a_student_and_by_a_co_guardian,
    |db| async move {
        let w = World::start(db).await?;
        let ta = w.token(TokenRole::Teacher, Some("TA")).await?;
        let s1 = encode(NodeKind::Person, w.fx.id("S1")).0;
        let q = "mutation($s: ID!, $i: GuardianInviteInput!) { inviteGuardian(studentId: $s, input: $i) {
        invitations { id channel } userErrors { code } } }";
        let co = "mutation($s: ID!, $i: GuardianInviteInput!) { inviteCoGuardian(studentId: $s, input: $i) {
        invitations { id } userErrors { code } } }";
        let new = json!({"email": "Nora.New@Example.org", "givenName": "Nora", "familyName": "New", "kind": "RELATIVE"});
        let resp = w.gql(Some(&ta), q, json!({"s": s1, "i": new})).await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["invitations"][0]["channel"], "EMAIL",
            "{resp}"
        );
        assert_eq!(
            w.sink.wait_for(1).await?[0].to,
            vec!["nora.new@example.org".to_owned()]
        );
        // The same guardian again is refused; G1 (already S1's guardian) too.
        let resp = w.gql(Some(&ta), q, json!({"s": s1, "i": new})).await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"][0]["code"], "ALREADY_GUARDIAN",
            "{resp}"
        );
        let g1 = json!({"email": "g1@example.org", "givenName": "Gina", "familyName": "One"});
        let resp = w.gql(Some(&ta), q, json!({"s": s1, "i": g1})).await?;
        assert_eq!(
            resp["data"]["inviteGuardian"]["userErrors"][0]["code"], "ALREADY_GUARDIAN",
            "{resp}"
        );
        // A teacher of another class may not.
        let tc = w.token(TokenRole::Teacher, Some("TC")).await?;
        let resp = w.gql(Some(&tc), q, json!({"s": s1, "i": {"phone": "+16039876545", "givenName": "X", "familyName": "Y"}})).await?;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{resp}"
        );
        // Nora's link, made by a teacher, waits for a district admin (issue 15); approved, the
        // manager lists her.
        let resp = w
            .gql(Some(&ta), MANAGER, json!({"id": w.class("A1")}))
            .await?;
        assert_eq!(rows(&resp).len(), 2, "{resp}");
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let resp = w
            .gql(
                Some(&admin),
                "{ guardianLinkReviews { edges { node { relationship { id } } } } }",
                json!({}),
            )
            .await?;
        let nora_link =
            resp["data"]["guardianLinkReviews"]["edges"][0]["node"]["relationship"]["id"].clone();
        let resp = w
            .gql(
                Some(&admin),
                "mutation($id: ID!) { approveGuardianLink(relationshipId: $id) { userErrors { code } } }",
                json!({"id": nora_link}),
            )
            .await?;
        assert_eq!(
            resp["data"]["approveGuardianLink"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w
            .gql(Some(&ta), MANAGER, json!({"id": w.class("A1")}))
            .await?;
        assert_eq!(rows(&resp).len(), 3, "{resp}");

        // Only a claimed guardian of the student invites a co-guardian.
        let resp = w.gql(Some(&ta), co, json!({"s": s1, "i": {"email": "co@example.org", "givenName": "Co", "familyName": "One"}})).await?;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{resp}"
        );
        let resp = w
            .gql(Some(&ta), INVITE, json!({"c": w.class("A1"), "all": true}))
            .await?;
        assert_eq!(
            resp["data"]["inviteFamilies"]["invitations"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{resp}"
        );
        let mails = w.sink.wait_for(2).await?;
        let link = mails
            .iter()
            .find(|m| m.to[0] == "g1@example.org")
            .and_then(|m| m.link(&format!("{PUBLIC}/invitations/")))
            .expect("g1 link");
        let resp = w
            .gql(
                None,
                ACCEPT,
                json!({"t": token_of(&link), "pw": "correct horse battery"}),
            )
            .await?;
        let session = resp["data"]["acceptInvitation"]["token"]
            .as_str()
            .expect("session")
            .to_owned();
        let resp = w.gql(Some(&session), co, json!({"s": s1, "i": {"email": "co@example.org", "givenName": "Co", "familyName": "One"}})).await?;
        assert_eq!(
            resp["data"]["inviteCoGuardian"]["invitations"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{resp}"
        );
        assert_eq!(
            w.sink
                .wait_for(3)
                .await?
                .iter()
                .filter(|m| m.to[0] == "co@example.org")
                .count(),
            1
        );
        // Not for a student who is not theirs.
        let s3 = encode(NodeKind::Person, w.fx.id("S3")).0;
        let resp = w.gql(Some(&session), co, json!({"s": s3, "i": {"email": "co2@example.org", "givenName": "Co", "familyName": "Two"}})).await?;
        assert_eq!(
            resp["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{resp}"
        );
        Ok(())
    }
);
