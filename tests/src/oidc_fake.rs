//! A fake OpenID Connect provider on 127.0.0.1: discovery, a JWKS with a real RSA key (a fixed
//! test key under `tests/keys/`), `/authorize` (signs in whoever the test says, at once, and
//! redirects back with a code), and `/token` (checks the client's credentials, the redirect URI
//! and the PKCE verifier, then issues an RS256-signed ID token). A test can make the next ID
//! token defective (wrong audience, expired, signed with another key, no nonce) to check that
//! Homeroom refuses it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, Result};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use openidconnect::core::{
    CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AdditionalClaims, Audience, EndUserEmail, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId,
    Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use sha2::{Digest, Sha256};

/// The key the fake signs with (published in its JWKS).
const SIGNING_KEY: &str = include_str!("../keys/oidc-test-rsa.pem");
/// Another key, for ID tokens with a bad signature (same key id, not in the JWKS).
const OTHER_KEY: &str = include_str!("../keys/oidc-other-rsa.pem");
/// The key id of both.
const KID: &str = "homeroom-test-key";

/// Who signs in at the fake's next `/authorize`.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// Subject id (`sub`).
    pub subject: String,
    /// `email`, if any.
    pub email: Option<String>,
    /// `email_verified`, if the provider says.
    pub email_verified: Option<bool>,
    /// Microsoft Entra's `xms_edov` (the email's domain is verified), if sent.
    pub xms_edov: Option<bool>,
}

/// Claims beyond the standard ones that the fake can send.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct ExtraClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    xms_edov: Option<bool>,
}

impl AdditionalClaims for ExtraClaims {}

type FakeIdToken = IdToken<
    ExtraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

impl Identity {
    /// A person with a verified email.
    pub fn verified(subject: &str, email: &str) -> Identity {
        Identity {
            subject: subject.into(),
            email: Some(email.into()),
            email_verified: Some(true),
            xms_edov: None,
        }
    }
}

/// What is wrong with the ID token the fake issues.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Defect {
    /// Nothing: a valid token.
    #[default]
    None,
    /// `aud` is another client.
    WrongAudience,
    /// `exp` is ten minutes ago.
    Expired,
    /// Signed with a key that is not in the JWKS.
    BadSignature,
    /// No `nonce` claim.
    NoNonce,
}

#[derive(Debug, Clone)]
struct Pending {
    redirect_uri: String,
    nonce: Option<String>,
    challenge: String,
    who: Identity,
    defect: Defect,
}

#[derive(Default)]
struct Inner {
    next: Option<(Identity, Defect)>,
    codes: HashMap<String, Pending>,
    tokens_issued: usize,
}

/// The running fake.
#[derive(Clone)]
pub struct OidcFake {
    /// The issuer (`http://127.0.0.1:PORT`).
    pub issuer: String,
    /// The client id it knows.
    pub client_id: String,
    /// The client secret it knows.
    pub client_secret: String,
    inner: Arc<Mutex<Inner>>,
    key: Arc<CoreRsaPrivateSigningKey>,
    other: Arc<CoreRsaPrivateSigningKey>,
}

impl OidcFake {
    /// Starts the fake for one client.
    pub async fn start(client_id: &str, client_secret: &str) -> Result<OidcFake> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let kid = Some(JsonWebKeyId::new(KID.into()));
        let fake = OidcFake {
            issuer: format!("http://127.0.0.1:{port}"),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            inner: Arc::new(Mutex::new(Inner::default())),
            key: Arc::new(
                CoreRsaPrivateSigningKey::from_pem(SIGNING_KEY, kid.clone())
                    .map_err(anyhow::Error::msg)
                    .context("test signing key")?,
            ),
            other: Arc::new(
                CoreRsaPrivateSigningKey::from_pem(OTHER_KEY, kid)
                    .map_err(anyhow::Error::msg)
                    .context("other test key")?,
            ),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(fake)
    }

    /// Who signs in at the next `/authorize`, and what is wrong with their ID token.
    pub fn sign_in_next(&self, who: Identity, defect: Defect) {
        self.lock().next = Some((who, defect));
    }

    /// How many ID tokens the fake has issued.
    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn discovery(State(fake): State<OidcFake>) -> Json<serde_json::Value> {
    let i = &fake.issuer;
    Json(serde_json::json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

async fn jwks(State(fake): State<OidcFake>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "keys": [fake.key.as_verification_key()] }))
}

fn bad_request(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": error })),
    )
        .into_response()
}

async fn authorize(
    State(fake): State<OidcFake>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).cloned();
    if get("response_type").as_deref() != Some("code")
        || get("client_id").as_deref() != Some(fake.client_id.as_str())
        || get("code_challenge_method").as_deref() != Some("S256")
        || !get("scope").is_some_and(|s| s.split(' ').any(|s| s == "openid"))
    {
        return bad_request("invalid_request");
    }
    let (Some(redirect_uri), Some(state), Some(challenge)) =
        (get("redirect_uri"), get("state"), get("code_challenge"))
    else {
        return bad_request("invalid_request");
    };
    let Some((who, defect)) = fake.lock().next.take() else {
        return bad_request("access_denied");
    };
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    fake.lock().codes.insert(
        code.clone(),
        Pending {
            redirect_uri: redirect_uri.clone(),
            nonce: get("nonce"),
            challenge,
            who,
            defect,
        },
    );
    let query = serde_urlencoded::to_string([("code", code.as_str()), ("state", state.as_str())])
        .unwrap_or_default();
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{redirect_uri}{sep}{query}"))],
    )
        .into_response()
}

/// The client's credentials, from HTTP Basic or the form.
fn client_auth(headers: &HeaderMap, form: &HashMap<String, String>) -> Option<(String, String)> {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let raw = String::from_utf8(STANDARD.decode(basic.trim()).ok()?).ok()?;
        let (id, secret) = raw.split_once(':')?;
        return Some((percent_decode(id), percent_decode(secret)));
    }
    Some((
        form.get("client_id")?.clone(),
        form.get("client_secret")?.clone(),
    ))
}

/// Form-urlencoding decoding (RFC 6749 §2.3.1 encodes Basic credentials that way).
fn percent_decode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_default()
}

async fn token(
    State(fake): State<OidcFake>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    match client_auth(&headers, &form) {
        Some((id, secret)) if id == fake.client_id && secret == fake.client_secret => {}
        _ => {
            return (
                StatusCode::UNAUTHORIZED,
                Json(serde_json::json!({"error": "invalid_client"})),
            )
                .into_response();
        }
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return bad_request("unsupported_grant_type");
    }
    // Codes are single use.
    let Some(pending) = form.get("code").and_then(|c| fake.lock().codes.remove(c)) else {
        return bad_request("invalid_grant");
    };
    if form.get("redirect_uri") != Some(&pending.redirect_uri) {
        return bad_request("invalid_grant");
    }
    let verified = form
        .get("code_verifier")
        .is_some_and(|v| URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())) == pending.challenge);
    if !verified {
        return bad_request("invalid_grant");
    }
    let now = chrono::Utc::now();
    let (issued, expires) = match pending.defect {
        Defect::Expired => (
            now - chrono::Duration::minutes(20),
            now - chrono::Duration::minutes(10),
        ),
        _ => (now, now + chrono::Duration::minutes(5)),
    };
    let audience = match pending.defect {
        Defect::WrongAudience => "another-client".to_owned(),
        _ => fake.client_id.clone(),
    };
    let Ok(issuer) = IssuerUrl::new(fake.issuer.clone()) else {
        return bad_request("server_error");
    };
    let who = pending.who;
    let claims = IdTokenClaims::new(
        issuer,
        vec![Audience::new(audience)],
        expires,
        issued,
        StandardClaims::new(SubjectIdentifier::new(who.subject))
            .set_email(who.email.map(EndUserEmail::new))
            .set_email_verified(who.email_verified),
        ExtraClaims {
            xms_edov: who.xms_edov,
        },
    )
    .set_nonce(match pending.defect {
        Defect::NoNonce => None,
        _ => pending.nonce.map(Nonce::new),
    });
    let key = match pending.defect {
        Defect::BadSignature => &fake.other,
        _ => &fake.key,
    };
    let Ok(id_token) = FakeIdToken::new(
        claims,
        key.as_ref(),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    ) else {
        return bad_request("server_error");
    };
    fake.lock().tokens_issued += 1;
    Json(serde_json::json!({
        "access_token": format!("at-{}", uuid::Uuid::new_v4().simple()),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}
