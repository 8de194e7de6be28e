//! Single sign-on with OpenID Connect (authorization code flow with PKCE, the `openidconnect`
//! crate).
//!
//! 1. `GET /auth/{providerId}/start` ([`SignIn::start`]): the provider's discovery document and
//!    keys are fetched, a state, a nonce and a PKCE verifier are made; the state is stored only
//!    as a hash (with the nonce, the verifier encrypted, and the hash of a cookie that binds the
//!    sign-in to the browser that started it), and the browser is sent to the provider.
//! 2. `GET /auth/{providerId}/callback?code&state` ([`SignIn::callback`]): the state is taken
//!    once (the cookie must match), the code is exchanged with the verifier, and the ID token's
//!    signature (the provider's JWKS), issuer, audience, nonce and expiry are checked. A person
//!    is found only through the provider's subject id linked to their source link of a connector
//!    of the provider's kind (Clever, ClassLink), or through an email the provider asserts as
//!    verified in one of the provider's allowed domains that exactly one active person of the
//!    district holds. Nobody is created. The browser gets a one-time code (60 s, single use,
//!    stored as a hash) — never a session token in a URL.
//! 3. `completeSignIn(code)` ([`complete`]) takes the code once and starts a session like
//!    `login`'s (same token format and lifetime; listed and revoked like them).
//!
//! Failures are typed ([`SignInError`]); the browser sees only a fixed reason code.

pub mod http;
pub mod providers;

use homeroom_core::ids::{NodeKind, decode_as, encode};
use homeroom_core::secrets::SecretKey;
use homeroom_schema::enums::{
    ActorKind, IdentityProviderKind, Role, SignInMatch, Status, TokenRole,
};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::{IdentityProvider, SignInCode, SignInState};
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::identity_providers as store;
use homeroom_schema::store::{people, tokens};
use homeroom_schema::{Store, StoreError};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreProviderMetadata,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde_json::json;

use self::http::ProviderHttp;
use crate::UserError;
use crate::accounts::{Session, session_role, session_row};
use crate::auth::token;
use crate::error::{ServiceError, ServiceResult};

/// How long a sign-in may stay at the provider (state lifetime).
pub const STATE_MICROS: i64 = 10 * 60 * 1_000_000;
/// How long the one-time code of a finished sign-in is valid.
pub const CODE_MICROS: i64 = 60 * 1_000_000;
/// Name of the cookie that binds a sign-in to the browser that started it.
pub const BROWSER_COOKIE: &str = "homeroom_sso";

/// Why a single sign-on failed. The browser sees only [`SignInError::reason`]; the detail is
/// for the log.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// No such provider, or it is archived.
    #[error("unknown or archived identity provider")]
    UnknownProvider,
    /// The state is unknown, expired, already used, of another provider, or the browser is not
    /// the one that started the sign-in.
    #[error("the sign-in is unknown, expired, already used or from another browser")]
    InvalidState,
    /// The provider answered the callback with an error (the person cancelled, …).
    #[error("the provider did not sign the person in")]
    Denied,
    /// Discovery, keys or the token exchange failed.
    #[error("the identity provider failed: {0}")]
    ProviderFailed(String),
    /// The ID token failed verification (signature, issuer, audience, nonce, expiry) or is
    /// missing.
    #[error("the ID token was refused: {0}")]
    TokenRejected(String),
    /// Nobody matches: no verified email in an allowed domain and no linked SIS id, an
    /// ambiguous match, an archived person or one without roles.
    #[error("no account matches this sign-in")]
    NoAccount,
    /// The server cannot decrypt the provider's secret (no or another `HOMEROOM_SECRET_KEY`).
    #[error("single sign-on is not configured: {0}")]
    NotConfigured(String),
    /// The database or another use-case failure.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Service(e.into())
    }
}

impl SignInError {
    /// The fixed reason code the browser is sent back with (`?signin_error=…`).
    pub fn reason(&self) -> &'static str {
        match self {
            SignInError::UnknownProvider => "unknown_provider",
            SignInError::InvalidState => "invalid_state",
            SignInError::Denied => "denied",
            SignInError::ProviderFailed(_) => "provider_unavailable",
            SignInError::TokenRejected(_) => "invalid_token",
            SignInError::NoAccount => "no_account",
            SignInError::NotConfigured(_) | SignInError::Service(_) => "unavailable",
        }
    }
}

/// The redirect that starts a sign-in.
#[derive(Debug, Clone)]
pub struct Started {
    /// The provider's authorization URL (state, nonce, PKCE challenge included).
    pub location: String,
    /// The value of the [`BROWSER_COOKIE`] to set on the browser.
    pub browser_secret: String,
}

/// What the provider sent back to the callback.
#[derive(Debug, Clone, Default)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The state given at the start.
    pub state: Option<String>,
    /// An OAuth error (`access_denied`, …).
    pub error: Option<String>,
}

/// The single sign-on use cases that talk to identity providers (the HTTP routes hold one).
#[derive(Clone)]
pub struct SignIn {
    store: Store,
    key: Option<SecretKey>,
    public_url: String,
    http: ProviderHttp,
}

/// A provider's id from a URL path: its global id (as the API shows it) or the raw id.
fn provider_id(reference: &str) -> String {
    decode_as(NodeKind::IdentityProvider, reference).unwrap_or_else(|_| reference.to_owned())
}

/// Where the provider sends the browser back: `{public_url}/auth/{global id}/callback` (what
/// admins register with the provider).
pub fn redirect_url(public_url: &str, provider_id: &str) -> String {
    format!(
        "{}/auth/{}/callback",
        public_url.trim_end_matches('/'),
        encode(NodeKind::IdentityProvider, provider_id)
    )
}

type Client = openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

impl SignIn {
    /// The sign-in service of a server whose links start at `public_url`.
    pub fn new(
        store: Store,
        key: Option<SecretKey>,
        public_url: &str,
    ) -> Result<SignIn, http::ProviderHttpError> {
        Ok(SignIn {
            store,
            key,
            public_url: public_url.trim_end_matches('/').to_owned(),
            http: ProviderHttp::new()?,
        })
    }

    /// Where a finished sign-in sends the browser: `{public_url}/?signin=CODE`.
    pub fn success_url(&self, code: &str) -> String {
        format!("{}/?signin={code}", self.public_url)
    }

    /// Where a failed sign-in sends the browser: `{public_url}/?signin_error=REASON`.
    pub fn failure_url(&self, error: &SignInError) -> String {
        format!("{}/?signin_error={}", self.public_url, error.reason())
    }

    /// Whether the public URL is https (the browser cookie is then `Secure`).
    pub fn public_is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    fn key(&self) -> Result<&SecretKey, SignInError> {
        self.key
            .as_ref()
            .ok_or_else(|| SignInError::NotConfigured("HOMEROOM_SECRET_KEY is not set".into()))
    }

    async fn provider(&self, id: &str) -> Result<IdentityProvider, SignInError> {
        let mut conn = self.store.conn().await?;
        store::get_active(&mut conn, id)
            .await?
            .ok_or(SignInError::UnknownProvider)
    }

    /// The provider's client: its discovery document and keys fetched now.
    async fn client(&self, provider: &IdentityProvider) -> Result<Client, SignInError> {
        let secret = self
            .key()?
            .decrypt(&provider.client_secret)
            .map_err(|e| SignInError::NotConfigured(e.to_string()))?;
        let issuer = IssuerUrl::new(provider.issuer.clone())
            .map_err(|e| SignInError::ProviderFailed(format!("issuer: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SignInError::ProviderFailed(format!("discovery: {e}")))?;
        // A provider that takes the client secret only in the form body says so.
        let post_only = metadata
            .token_endpoint_auth_methods_supported()
            .is_some_and(|methods| {
                methods.contains(&CoreClientAuthMethod::ClientSecretPost)
                    && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
            });
        let redirect = RedirectUrl::new(redirect_url(&self.public_url, &provider.id))
            .map_err(|e| SignInError::NotConfigured(format!("public URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(secret)),
        )
        .set_redirect_uri(redirect);
        Ok(if post_only {
            client.set_auth_type(AuthType::RequestBody)
        } else {
            client
        })
    }

    /// Starts a sign-in through provider `reference` (global or raw id).
    pub async fn start(&self, reference: &str) -> Result<Started, SignInError> {
        let provider = self.provider(&provider_id(reference)).await?;
        let client = self.client(&provider).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let browser_secret = token::generate();
        let now = now_micros();
        let row = SignInState {
            state_hash: token::hash(state.secret()),
            provider_id: provider.id.clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: self.key()?.encrypt(verifier.secret()),
            browser_hash: token::hash(&browser_secret),
            expires_at: now + STATE_MICROS,
            created_at: now,
        };
        let mut conn = self.store.conn().await?;
        store::insert_state(&mut conn, &row, now).await?;
        Ok(Started {
            location: url.to_string(),
            browser_secret,
        })
    }

    /// Finishes a sign-in at its callback: returns the one-time code for `completeSignIn`.
    /// `browser_secret` is the [`BROWSER_COOKIE`] the browser sent, if any.
    pub async fn callback(
        &self,
        reference: &str,
        params: CallbackParams,
        browser_secret: Option<&str>,
    ) -> Result<String, SignInError> {
        let id = provider_id(reference);
        let state = params.state.as_deref().ok_or(SignInError::InvalidState)?;
        let now = now_micros();
        // The state is taken first, whatever follows: a state is good for one callback.
        let taken = {
            let mut conn = self.store.conn().await?;
            store::take_state(&mut conn, &token::hash(state), now)
                .await?
                .ok_or(SignInError::InvalidState)?
        };
        let same_browser = browser_secret.is_some_and(|b| token::hash(b) == taken.browser_hash);
        if taken.provider_id != id || !same_browser {
            return Err(SignInError::InvalidState);
        }
        if params.error.is_some() {
            return Err(SignInError::Denied);
        }
        let code = params.code.ok_or(SignInError::Denied)?;
        let provider = self.provider(&id).await?;
        let client = self.client(&provider).await?;
        let verifier = self
            .key()?
            .decrypt(&taken.pkce_verifier)
            .map_err(|e| SignInError::NotConfigured(e.to_string()))?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| SignInError::ProviderFailed(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(verifier))
            .request_async(&self.http)
            .await
            .map_err(|e| SignInError::ProviderFailed(format!("token exchange: {e}")))?;
        let id_token = response
            .id_token()
            .ok_or_else(|| SignInError::TokenRejected("no ID token in the answer".into()))?;
        let nonce = Nonce::new(taken.nonce.clone());
        let claims = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .map_err(|e| SignInError::TokenRejected(e.to_string()))?;
        // Microsoft Entra never sends `email_verified` for organisational accounts; it vouches
        // for the email's domain with the optional claim `xms_edov` instead (read from the
        // token just verified).
        let email_verified = match claims.email_verified() {
            Some(v) => Some(v),
            None if provider.kind == IdentityProviderKind::Microsoft => {
                verified_claim_bool(id_token, "xms_edov")
            }
            None => None,
        };
        let asserted = Asserted {
            subject: claims.subject().as_str().to_owned(),
            email: claims.email().map(|e| e.as_str().to_owned()),
            email_verified,
        };
        let mut conn = self.store.conn().await?;
        let (person_id, matched_by) = match_person(&mut conn, &provider, &asserted).await?;
        let code = token::generate();
        let row = SignInCode {
            code_hash: token::hash(&code),
            district_id: provider.district_id.clone(),
            provider_id: provider.id.clone(),
            person_id,
            matched_by,
            expires_at: now_micros() + CODE_MICROS,
            used_at: None,
            created_at: now_micros(),
        };
        store::insert_code(&mut conn, &row, now_micros()).await?;
        Ok(code)
    }
}

/// A boolean claim of an ID token whose signature and claims were verified already (a claim the
/// `openidconnect` crate's standard claims do not carry).
fn verified_claim_bool(id_token: &openidconnect::core::CoreIdToken, name: &str) -> Option<bool> {
    use base64::Engine as _;
    let compact = serde_json::to_value(id_token).ok()?;
    let payload = compact.as_str()?.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    match &claims[name] {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// What a verified ID token says about its person.
#[derive(Debug, Clone)]
pub struct Asserted {
    /// The provider's subject id.
    pub subject: String,
    /// The email claim, if any.
    pub email: Option<String>,
    /// `email_verified`, if the provider says.
    pub email_verified: Option<bool>,
}

/// Finds the one person a verified ID token stands for (see the module docs), or refuses.
pub async fn match_person(
    conn: &mut homeroom_schema::Conn,
    provider: &IdentityProvider,
    asserted: &Asserted,
) -> Result<(String, SignInMatch), SignInError> {
    let district = provider.district_id.as_str();
    let mut found = None;
    if let Some(kind) = provider.kind.subject_connector() {
        let ids =
            store::people_by_subject(conn, district, kind, "person", &asserted.subject).await?;
        if let [one] = ids.as_slice() {
            found = Some((one.clone(), SignInMatch::SisId));
        }
    }
    if found.is_none()
        && asserted.email_verified == Some(true)
        && let Some(email) = asserted.email.as_deref()
        && let Ok(email) = homeroom_connector_core::normalize_email(email)
        && let Some((_, domain)) = email.rsplit_once('@')
        && provider.allowed_domains.0.iter().any(|d| d == domain)
    {
        let ids = store::people_by_email(conn, district, &email).await?;
        if let [one] = ids.as_slice() {
            found = Some((one.clone(), SignInMatch::Email));
        }
    }
    let (person_id, how) = found.ok_or(SignInError::NoAccount)?;
    let roles = people::roles_of(conn, std::slice::from_ref(&person_id)).await?;
    if roles.is_empty() {
        return Err(SignInError::NoAccount);
    }
    Ok((person_id, how))
}

fn invalid_code() -> ServiceResult<Result<Session, Vec<UserError>>> {
    Ok(Err(vec![UserError::new(
        Some("code"),
        "INVALID_CODE",
        "this sign-in code is not valid (each works once, for a minute); sign in again",
    )]))
}

/// Exchanges a one-time sign-in code for a session (`completeSignIn`): the code is taken once,
/// the session acts with `role` if the person holds it (else their broadest role, as `login`
/// chooses), and the sign-in is audited.
pub async fn complete(
    store: &Store,
    code: &str,
    role: Option<TokenRole>,
) -> ServiceResult<Result<Session, Vec<UserError>>> {
    let hash = token::hash(code.trim());
    store
        .transaction(async |conn| {
            let now = now_micros();
            let Some(row) = store::live_code(conn, &hash, now).await? else {
                return invalid_code();
            };
            let person = people::get(conn, &row.district_id, &row.person_id)
                .await?
                .filter(|p| p.status == Status::Active);
            let Some(person) = person else {
                return invalid_code();
            };
            let roles: Vec<Role> = people::roles_of(conn, std::slice::from_ref(&person.id))
                .await?
                .into_iter()
                .map(|r| r.role)
                .collect();
            let Some(session_as) = session_role(&roles, role) else {
                return Ok(Err(vec![UserError::new(
                    Some("role"),
                    "ROLE_NOT_HELD",
                    "you do not hold that role",
                )]));
            };
            // Taken after every check that may refuse, in one conditional statement: a second
            // use (concurrent or later) finds it taken.
            if !store::take_code(conn, &hash, now).await? {
                return invalid_code();
            }
            let (token_row, secret) = session_row(&person.district_id, &person.id, session_as);
            tokens::insert(conn, &token_row).await?;
            audit::record(
                conn,
                NewEvent {
                    district_id: &person.district_id,
                    actor_kind: ActorKind::Person,
                    actor_id: Some(&person.id),
                    action: "account.sign_in",
                    target_kind: "person",
                    target_id: &person.id,
                    before: None,
                    after: Some(json!({
                        "method": "sso",
                        "identity_provider_id": row.provider_id,
                        "matched_by": row.matched_by,
                        "role": session_as,
                        "token_id": token_row.id,
                    })),
                },
            )
            .await?;
            Ok::<_, ServiceError>(Ok(Session {
                token: secret,
                person,
            }))
        })
        .await
}
