//! Issue 18: single sign-on with OpenID Connect, end to end: the running binary, a fake
//! provider on 127.0.0.1 (`homeroom_tests::oidc_fake`) and a browser-less client that follows
//! the redirects by hand, on both backends.

use homeroom_schema::enums::{ConnectorKind, RecordSource, Role, TokenRole};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::SourceLink;
use homeroom_schema::store::{audit, links, people, tokens};
use homeroom_tests::both_backends;
use homeroom_tests::oidc_fake::{Defect, Identity, OidcFake};
use homeroom_tests::sync::{add_connector, test_key_base64};
use reqwest::header;
use serde_json::{Value, json};

use crate::security::{PUBLIC, World, code};

const CREATE: &str = "mutation($input: CreateIdentityProviderInput!) {
  createIdentityProvider(input: $input) {
    identityProvider { id kind displayName issuer clientId allowedDomains redirectUrl archived }
    userErrors { field code message } } }";
const LIST: &str = "{ identityProviders { id kind issuer clientId allowedDomains } }";
const BUTTONS: &str = "{ signInProviders { id displayName } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateIdentityProviderInput!) {
  updateIdentityProvider(id: $id, input: $input) {
    identityProvider { issuer allowedDomains } userErrors { code } } }";
const ARCHIVE: &str = "mutation($id: ID!) { archiveIdentityProvider(id: $id) { archived } }";
const COMPLETE: &str = "mutation($code: String!, $role: ViewerRole) {
  completeSignIn(code: $code, role: $role) { token person { id displayName } userErrors { field code } } }";
const VIEWER: &str = "{ viewer { role person { displayName } } }";
const LOGOUT: &str = "mutation { logout }";

const CLIENT_ID: &str = "homeroom-client";
const CLIENT_SECRET: &str = "fake-provider-secret-value";

/// Where a sign-in through the browser ended.
#[derive(Debug)]
enum Outcome {
    /// `?signin=CODE`.
    Code(String),
    /// `?signin_error=REASON`.
    Refused(String),
}

/// One browser: follows the redirects of a sign-in by hand, keeping the binding cookie.
struct Browser {
    http: reqwest::Client,
    base: String,
}

/// A finished round trip: where it ended, and the callback request (to replay it).
struct Trip {
    outcome: Outcome,
    callback: String,
    cookie: Option<String>,
}

fn location(resp: &reqwest::Response) -> anyhow::Result<String> {
    anyhow::ensure!(
        resp.status() == reqwest::StatusCode::FOUND,
        "expected a redirect, got {}",
        resp.status()
    );
    Ok(resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow::anyhow!("a redirect without Location"))?
        .to_owned())
}

impl Browser {
    fn new(w: &World) -> anyhow::Result<Browser> {
        Ok(Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: w.server.base.clone(),
        })
    }

    /// Starts a sign-in through `provider` and follows it to the provider and back.
    async fn sign_in(&self, provider: &str) -> anyhow::Result<Trip> {
        let (callback, cookie) = self.begin(provider).await?;
        let outcome = self.callback(&callback, cookie.as_deref()).await?;
        Ok(Trip {
            outcome,
            callback,
            cookie,
        })
    }

    /// Starts a sign-in through `provider` and follows it to the provider: the callback path
    /// the provider sends the browser to, and the binding cookie.
    async fn begin(&self, provider: &str) -> anyhow::Result<(String, Option<String>)> {
        let start = self
            .http
            .get(format!("{}/auth/{provider}/start", self.base))
            .send()
            .await?;
        let authorize = location(&start)?;
        let cookie = start
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .map(str::to_owned);
        assert!(
            cookie
                .as_deref()
                .is_some_and(|c| c.starts_with("homeroom_sso=")),
            "{cookie:?}"
        );
        let url = url::Url::parse(&authorize)?;
        let params: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        for p in [
            "state",
            "nonce",
            "code_challenge",
            "redirect_uri",
            "client_id",
        ] {
            assert!(params.contains_key(p), "{p} in {authorize}");
        }
        assert_eq!(params["code_challenge_method"], "S256");
        assert_eq!(
            params["redirect_uri"],
            format!("{PUBLIC}/auth/{provider}/callback")
        );
        let scopes: Vec<&str> = params["scope"].split(' ').collect();
        for s in ["openid", "email", "profile"] {
            assert!(scopes.contains(&s), "{scopes:?}");
        }
        let back = location(&self.http.get(&authorize).send().await?)?;
        let callback = back
            .strip_prefix(PUBLIC)
            .ok_or_else(|| anyhow::anyhow!("the provider sent the browser to {back}"))?
            .to_owned();
        Ok((callback, cookie))
    }

    /// Opens the callback `path` (with the cookie, if any) and reads where it sends the browser.
    async fn callback(&self, path: &str, cookie: Option<&str>) -> anyhow::Result<Outcome> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let to = location(&req.send().await?)?;
        if let Some(code) = to.strip_prefix(&format!("{PUBLIC}/?signin=")) {
            Ok(Outcome::Code(code.to_owned()))
        } else if let Some(reason) = to.strip_prefix(&format!("{PUBLIC}/?signin_error=")) {
            Ok(Outcome::Refused(reason.to_owned()))
        } else {
            anyhow::bail!("the callback sent the browser to {to}")
        }
    }
}

/// Live sign-in sessions of a person.
async fn sessions(w: &World, person: &str) -> anyhow::Result<usize> {
    let mut c = w.db.store.conn().await?;
    Ok(tokens::list(&mut c, &w.fx.district_id)
        .await?
        .iter()
        .filter(|t| {
            t.person_id.as_deref() == Some(person)
                && t.label.as_deref() == Some("session")
                && t.revoked_at.is_none()
        })
        .count())
}

async fn create_provider(w: &World, admin: &str, input: Value) -> anyhow::Result<Value> {
    w.gql(Some(admin), CREATE, json!({ "input": input })).await
}

fn provider_id(resp: &Value) -> String {
    resp["data"]["createIdentityProvider"]["identityProvider"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a provider: {resp}"))
        .to_owned()
}

fn user_errors(resp: &Value, field: &str) -> Vec<String> {
    resp["data"][field]["userErrors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect()
}

fn refused(trip: &Trip, reason: &str) {
    match &trip.outcome {
        Outcome::Refused(r) => assert_eq!(r, reason),
        Outcome::Code(_) => panic!("signed in, expected {reason}"),
    }
}

both_backends!(
    a_teacher_signs_in_with_a_verified_email_and_every_bad_sign_in_is_refused,
    |db| async move {
        let fake = OidcFake::start(CLIENT_ID, CLIENT_SECRET).await?;
        let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", test_key_base64())]).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let teacher = w.token(TokenRole::Teacher, Some("TA")).await?;
        let input = json!({
            "kind": "GENERIC_OIDC", "issuer": fake.issuer, "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET, "allowedDomains": ["Example.org"],
            "displayName": "District login",
        });

        // Only district admins manage providers; issuers must be https (or loopback).
        let resp = create_provider(&w, &teacher, input.clone()).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        let resp = w.gql(Some(&teacher), LIST, json!({})).await?;
        assert_eq!(code(&resp).as_deref(), Some("FORBIDDEN"), "{resp}");
        let mut http_issuer = input.clone();
        http_issuer["issuer"] = json!("http://idp.example.org");
        let resp = create_provider(&w, &admin, http_issuer).await?;
        assert_eq!(
            user_errors(&resp, "createIdentityProvider"),
            ["INVALID_ISSUER"],
            "{resp}"
        );

        let resp = create_provider(&w, &admin, input.clone()).await?;
        let provider = provider_id(&resp);
        let created = &resp["data"]["createIdentityProvider"]["identityProvider"];
        assert_eq!(created["allowedDomains"], json!(["example.org"]));
        assert_eq!(
            created["redirectUrl"],
            format!("{PUBLIC}/auth/{provider}/callback")
        );
        // Listed without the secret, which is stored encrypted.
        let list = w.gql(Some(&admin), LIST, json!({})).await?;
        assert_eq!(
            list["data"]["identityProviders"][0]["id"],
            provider.as_str()
        );
        assert!(!list.to_string().contains(CLIENT_SECRET), "{list}");
        let buttons = w.gql(None, BUTTONS, json!({})).await?;
        assert_eq!(
            buttons["data"]["signInProviders"],
            json!([{"id": provider, "displayName": "District login"}])
        );
        {
            let mut c = w.db.store.conn().await?;
            let events = audit::for_target(
                &mut c,
                &homeroom_core::ids::decode_as(
                    homeroom_core::ids::NodeKind::IdentityProvider,
                    &provider,
                )?,
            )
            .await?;
            assert!(
                events
                    .iter()
                    .any(|e| e.action == "identity_provider.create")
            );
            assert!(
                events
                    .iter()
                    .all(|e| !format!("{e:?}").contains(CLIENT_SECRET))
            );
        }

        // A teacher signs in with her verified school email (any case); the session is hers,
        // with her role, and the one-time code works once.
        let browser = Browser::new(&w)?;
        let ta = w.fx.id("TA").to_owned();
        fake.sign_in_next(Identity::verified("g-ta", "TA@Example.org"), Defect::None);
        let trip = browser.sign_in(&provider).await?;
        let Outcome::Code(signin_code) = &trip.outcome else {
            panic!("not signed in: {:?}", trip.outcome);
        };
        let done = w
            .gql(None, COMPLETE, json!({ "code": signin_code }))
            .await?;
        let session = done["data"]["completeSignIn"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("a session: {done}"))
            .to_owned();
        assert_eq!(
            done["data"]["completeSignIn"]["person"]["id"],
            w.person("TA")
        );
        let viewer = w.gql(Some(&session), VIEWER, json!({})).await?;
        assert_eq!(viewer["data"]["viewer"]["role"], "TEACHER", "{viewer}");
        assert_eq!(
            viewer["data"]["viewer"]["person"]["displayName"],
            "Tia Alpha"
        );
        assert_eq!(sessions(&w, &ta).await?, 1);
        let again = w
            .gql(None, COMPLETE, json!({ "code": signin_code }))
            .await?;
        assert_eq!(
            user_errors(&again, "completeSignIn"),
            ["INVALID_CODE"],
            "{again}"
        );
        assert!(again["data"]["completeSignIn"]["token"].is_null());
        assert_eq!(sessions(&w, &ta).await?, 1);
        {
            let mut c = w.db.store.conn().await?;
            let events = audit::for_target(&mut c, &ta).await?;
            assert!(
                events.iter().any(|e| e.action == "account.sign_in"),
                "{events:?}"
            );
        }

        // The same callback again (a replayed state and code): refused, no session.
        let replay = browser
            .callback(&trip.callback, trip.cookie.as_deref())
            .await?;
        assert!(
            matches!(&replay, Outcome::Refused(r) if r == "invalid_state"),
            "{replay:?}"
        );
        assert_eq!(sessions(&w, &ta).await?, 1);

        // A role she does not hold is refused, and the code still works for her own.
        fake.sign_in_next(Identity::verified("g-ta", "ta@example.org"), Defect::None);
        let Outcome::Code(c2) = browser.sign_in(&provider).await?.outcome else {
            panic!("not signed in");
        };
        let wrong = w
            .gql(
                None,
                COMPLETE,
                json!({ "code": c2, "role": "DISTRICT_ADMIN" }),
            )
            .await?;
        assert_eq!(
            user_errors(&wrong, "completeSignIn"),
            ["ROLE_NOT_HELD"],
            "{wrong}"
        );
        assert!(wrong["data"]["completeSignIn"]["token"].is_null());
        let right = w
            .gql(None, COMPLETE, json!({ "code": c2, "role": "TEACHER" }))
            .await?;
        let second = right["data"]["completeSignIn"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("a session: {right}"))
            .to_owned();
        assert_eq!(sessions(&w, &ta).await?, 2);
        // Sessions end like login's.
        let out = w.gql(Some(&second), LOGOUT, json!({})).await?;
        assert_eq!(out["data"]["logout"], true, "{out}");
        let gone = w.gql(Some(&second), VIEWER, json!({})).await?;
        assert_eq!(code(&gone).as_deref(), Some("UNAUTHENTICATED"), "{gone}");
        assert_eq!(sessions(&w, &ta).await?, 1);

        // Each bad sign-in is refused with a fixed reason and makes no session. The token
        // defects are caught after the provider issued the token (its count grows).
        let unverified = Identity {
            subject: "g-ta".into(),
            email: Some("ta@example.org".into()),
            email_verified: Some(false),
            xms_edov: None,
        };
        let unasserted = Identity {
            email_verified: None,
            ..unverified.clone()
        };
        let good = Identity::verified("g-ta", "ta@example.org");
        let cases = [
            ("unverified email", unverified, Defect::None, "no_account"),
            (
                "email not asserted verified",
                unasserted,
                Defect::None,
                "no_account",
            ),
            (
                "unknown email",
                Identity::verified("g-x", "nobody@example.org"),
                Defect::None,
                "no_account",
            ),
            (
                "wrong audience",
                good.clone(),
                Defect::WrongAudience,
                "invalid_token",
            ),
            ("expired", good.clone(), Defect::Expired, "invalid_token"),
            (
                "bad signature",
                good.clone(),
                Defect::BadSignature,
                "invalid_token",
            ),
            (
                "missing nonce",
                good.clone(),
                Defect::NoNonce,
                "invalid_token",
            ),
        ];
        for (what, who, defect, reason) in cases {
            let issued = fake.tokens_issued();
            fake.sign_in_next(who, defect);
            let trip = browser.sign_in(&provider).await?;
            match &trip.outcome {
                Outcome::Refused(r) => assert_eq!(r, reason, "{what}"),
                Outcome::Code(c) => {
                    let resp = w.gql(None, COMPLETE, json!({ "code": c })).await?;
                    panic!("{what}: signed in ({resp})");
                }
            }
            assert_eq!(
                fake.tokens_issued(),
                issued + 1,
                "{what}: the token was issued"
            );
            assert_eq!(sessions(&w, &ta).await?, 1, "{what}");
        }

        // A callback from another browser (no binding cookie) is refused, and its state is
        // spent.
        fake.sign_in_next(good.clone(), Defect::None);
        let start = browser
            .http
            .get(format!("{}/auth/{provider}/start", browser.base))
            .send()
            .await?;
        let back = location(&browser.http.get(location(&start)?).send().await?)?;
        let path = back.strip_prefix(PUBLIC).unwrap_or(&back).to_owned();
        let other = browser.callback(&path, None).await?;
        assert!(
            matches!(&other, Outcome::Refused(r) if r == "invalid_state"),
            "{other:?}"
        );
        assert_eq!(sessions(&w, &ta).await?, 1);

        // A verified email outside the provider's allowed domains signs nobody in.
        let mut foreign = input.clone();
        foreign["allowedDomains"] = json!(["other.org"]);
        let foreign = provider_id(&create_provider(&w, &admin, foreign).await?);
        fake.sign_in_next(good.clone(), Defect::None);
        refused(&browser.sign_in(&foreign).await?, "no_account");
        assert_eq!(sessions(&w, &ta).await?, 1);

        // A new issuer needs the secret restated; an archived provider signs nobody in.
        let resp = w
            .gql(
                Some(&admin),
                UPDATE,
                json!({"id": provider, "input": {"issuer": "https://idp.example.org"}}),
            )
            .await?;
        assert_eq!(
            user_errors(&resp, "updateIdentityProvider"),
            ["SECRETS_REQUIRED"],
            "{resp}"
        );
        let resp = w.gql(Some(&admin), ARCHIVE, json!({"id": foreign})).await?;
        assert_eq!(
            resp["data"]["archiveIdentityProvider"]["archived"], true,
            "{resp}"
        );
        let start = browser
            .http
            .get(format!("{}/auth/{foreign}/start", browser.base))
            .send()
            .await?;
        assert_eq!(
            location(&start)?,
            format!("{PUBLIC}/?signin_error=unknown_provider")
        );
        Ok(())
    }
);

both_backends!(
    a_clever_subject_signs_in_the_teacher_its_source_link_names,
    |db| async move {
        let fake = OidcFake::start(CLIENT_ID, CLIENT_SECRET).await?;
        let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", test_key_base64())]).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let d = w.fx.district_id.clone();

        // A teacher with no email, known to the Clever connector by her Clever id.
        let clever = add_connector(
            &w.db.store,
            ConnectorKind::Clever,
            "Clever",
            json!({ "token": "clever-district-token" }),
        )
        .await?;
        let noemail = {
            let mut c = w.db.store.conn().await?;
            let p = people::new_person(&d, "Nora", "Quill");
            people::insert(&mut c, &p).await?;
            people::add_role(
                &mut c,
                &p,
                Role::Teacher,
                Some(w.fx.id("schoolA")),
                RecordSource::Sis,
            )
            .await?;
            let now = now_micros();
            links::insert(
                &mut c,
                &[SourceLink {
                    id: new_id(),
                    district_id: d.clone(),
                    connector_id: clever,
                    entity_kind: "person".into(),
                    external_id: "5f1c0ffee0000000000000a1".into(),
                    local_id: p.id.clone(),
                    last_run_id: None,
                    content_hash: None,
                    removed_at: None,
                    created_at: now,
                    updated_at: now,
                }],
            )
            .await?;
            p.id
        };
        let resp = create_provider(
            &w,
            &admin,
            json!({
                "kind": "CLEVER", "issuer": fake.issuer, "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET, "allowedDomains": [],
            }),
        )
        .await?;
        let provider = provider_id(&resp);
        assert_eq!(
            resp["data"]["createIdentityProvider"]["identityProvider"]["displayName"],
            "Clever"
        );
        // A generic provider with the same subject matches nobody: only Clever ids are looked
        // up in Clever links.
        let generic = provider_id(
            &create_provider(
                &w,
                &admin,
                json!({
                    "kind": "GENERIC_OIDC", "issuer": fake.issuer, "clientId": CLIENT_ID,
                    "clientSecret": CLIENT_SECRET, "allowedDomains": ["example.org"],
                }),
            )
            .await?,
        );
        let subject = Identity {
            subject: "5f1c0ffee0000000000000a1".into(),
            ..Identity::default()
        };
        let browser = Browser::new(&w)?;
        fake.sign_in_next(subject.clone(), Defect::None);
        refused(&browser.sign_in(&generic).await?, "no_account");
        fake.sign_in_next(
            Identity {
                subject: "5f1c0ffee0000000000000ff".into(),
                ..subject.clone()
            },
            Defect::None,
        );
        refused(&browser.sign_in(&provider).await?, "no_account");
        assert_eq!(sessions(&w, &noemail).await?, 0);

        // Two callbacks with the same state at once: one code. Two completions of that code
        // at once: one session.
        fake.sign_in_next(subject, Defect::None);
        let (callback, cookie) = browser.begin(&provider).await?;
        let (a, b) = tokio::join!(
            browser.callback(&callback, cookie.as_deref()),
            browser.callback(&callback, cookie.as_deref()),
        );
        let codes: Vec<String> = [a?, b?]
            .into_iter()
            .filter_map(|o| match o {
                Outcome::Code(c) => Some(c),
                Outcome::Refused(r) => {
                    assert_eq!(r, "invalid_state");
                    None
                }
            })
            .collect();
        let [signin_code] = codes.as_slice() else {
            panic!("one code, got {codes:?}");
        };
        let (a, b) = tokio::join!(
            w.gql(None, COMPLETE, json!({ "code": signin_code })),
            w.gql(None, COMPLETE, json!({ "code": signin_code })),
        );
        let (a, b) = (a?, b?);
        let sessions_made: Vec<String> = [&a, &b]
            .iter()
            .filter_map(|r| {
                r["data"]["completeSignIn"]["token"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        let [session] = sessions_made.as_slice() else {
            panic!("one session, got {a} {b}");
        };
        let refused_one = if a["data"]["completeSignIn"]["token"].is_null() {
            &a
        } else {
            &b
        };
        assert_eq!(
            user_errors(refused_one, "completeSignIn"),
            ["INVALID_CODE"],
            "{refused_one}"
        );
        let viewer = w.gql(Some(session), VIEWER, json!({})).await?;
        assert_eq!(viewer["data"]["viewer"]["role"], "TEACHER", "{viewer}");
        assert_eq!(
            viewer["data"]["viewer"]["person"]["displayName"],
            "Nora Quill"
        );
        assert_eq!(sessions(&w, &noemail).await?, 1);
        Ok(())
    }
);

both_backends!(
    microsoft_vouches_for_an_email_with_xms_edov_and_only_microsoft_is_believed,
    |db| async move {
        let fake = OidcFake::start(CLIENT_ID, CLIENT_SECRET).await?;
        let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", test_key_base64())]).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let create = async |kind: &str| -> anyhow::Result<String> {
            Ok(provider_id(
                &create_provider(
                    &w,
                    &admin,
                    json!({
                        "kind": kind, "issuer": fake.issuer, "clientId": CLIENT_ID,
                        "clientSecret": CLIENT_SECRET, "allowedDomains": ["example.org"],
                    }),
                )
                .await?,
            ))
        };
        let microsoft = create("MICROSOFT").await?;
        let generic = create("GENERIC_OIDC").await?;
        let tb = w.fx.id("TB").to_owned();
        // Entra sends no email_verified for organisational accounts; xms_edov vouches for the
        // domain, and only a Microsoft provider is believed on it.
        let entra = |edov: Option<bool>| Identity {
            subject: "entra-oid-tb".into(),
            email: Some("tb@example.org".into()),
            email_verified: None,
            xms_edov: edov,
        };
        let browser = Browser::new(&w)?;
        for (provider, who, what) in [
            (&microsoft, entra(None), "no xms_edov"),
            (&microsoft, entra(Some(false)), "xms_edov false"),
            (
                &generic,
                entra(Some(true)),
                "xms_edov from a generic provider",
            ),
        ] {
            fake.sign_in_next(who, Defect::None);
            let trip = browser.sign_in(provider).await?;
            assert!(
                matches!(&trip.outcome, Outcome::Refused(r) if r == "no_account"),
                "{what}: {:?}",
                trip.outcome
            );
            assert_eq!(sessions(&w, &tb).await?, 0, "{what}");
        }
        fake.sign_in_next(entra(Some(true)), Defect::None);
        let Outcome::Code(signin_code) = browser.sign_in(&microsoft).await?.outcome else {
            panic!("not signed in");
        };
        let done = w
            .gql(None, COMPLETE, json!({ "code": signin_code }))
            .await?;
        assert_eq!(
            done["data"]["completeSignIn"]["person"]["id"],
            w.person("TB"),
            "{done}"
        );
        assert_eq!(sessions(&w, &tb).await?, 1);
        Ok(())
    }
);
