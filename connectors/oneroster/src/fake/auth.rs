//! How the fake checks credentials.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use homeroom_connector_core::Url;
use homeroom_connector_core::oauth::{generate_nonce, verify_oauth1};

/// Largest accepted distance between an OAuth 1.0a timestamp and the fake's clock.
const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// The credentials the fake accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FakeAuth {
    /// No authentication at all.
    None,
    /// OneRoster 1.1: every request signed with OAuth 1.0a HMAC-SHA256 by this consumer.
    OAuth1 {
        /// Consumer key.
        client_id: String,
        /// Consumer secret.
        client_secret: String,
    },
    /// OneRoster 1.2: bearer tokens from `POST /token` (client credentials, HTTP Basic or form
    /// body), optionally requiring a scope.
    OAuth2 {
        /// Client id.
        client_id: String,
        /// Client secret.
        client_secret: String,
        /// A scope the token request must include, if any.
        required_scope: Option<String>,
    },
    /// Checks of another provider's making (ClassLink's signature rules, a proxy's bearer
    /// token): every data request goes through [`CustomAuth::check`].
    Custom(CustomAuth),
}

/// The check of a data request: its full URL and `Authorization` header → `Ok` or the
/// reason for a 401.
pub type CustomCheck = dyn Fn(&Url, Option<&str>) -> Result<(), String> + Send + Sync;

/// A named [`CustomCheck`] (equal when it is the same check).
#[derive(Clone)]
pub struct CustomAuth {
    name: String,
    check: Arc<CustomCheck>,
}

impl CustomAuth {
    /// A check called `name` (shown in `Debug`).
    pub fn new(
        name: impl Into<String>,
        check: impl Fn(&Url, Option<&str>) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            check: Arc::new(check),
        }
    }

    /// Runs the check.
    pub fn check(&self, url: &Url, authorization: Option<&str>) -> Result<(), String> {
        (self.check)(url, authorization)
    }
}

impl std::fmt::Debug for CustomAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomAuth({})", self.name)
    }
}

impl PartialEq for CustomAuth {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.check, &other.check)
    }
}

impl Eq for CustomAuth {}

impl FakeAuth {
    /// OAuth 1.0a with these credentials.
    pub fn oauth1(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        FakeAuth::OAuth1 {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// OAuth 2.0 client credentials with these credentials and no scope requirement.
    pub fn oauth2(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        FakeAuth::OAuth2 {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            required_scope: None,
        }
    }

    /// The client id and secret, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        match self {
            FakeAuth::None | FakeAuth::Custom(_) => None,
            FakeAuth::OAuth1 {
                client_id,
                client_secret,
            }
            | FakeAuth::OAuth2 {
                client_id,
                client_secret,
                ..
            } => Some((client_id, client_secret)),
        }
    }
}

/// Tokens issued by `/token`.
#[derive(Debug, Default)]
pub(crate) struct TokenStore(Mutex<HashSet<String>>);

impl TokenStore {
    fn issue(&self) -> String {
        let token = format!("tok-{}", generate_nonce(24));
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token.clone());
        token
    }

    fn knows(&self, token: &str) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(token)
    }
}

/// Checks a data request: `Ok` or the reason for a 401.
pub(crate) fn check_request(
    auth: &FakeAuth,
    tokens: &TokenStore,
    url: &Url,
    authorization: Option<&str>,
) -> Result<(), String> {
    match auth {
        FakeAuth::None => Ok(()),
        FakeAuth::Custom(custom) => custom.check(url, authorization),
        FakeAuth::OAuth1 {
            client_id,
            client_secret,
        } => {
            let header = authorization.ok_or("missing OAuth 1.0a Authorization header")?;
            let verified = verify_oauth1("GET", url, header, |key| {
                (key == client_id).then_some(client_secret.as_str())
            })
            .map_err(|e| e.to_string())?;
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            verified
                .check_freshness(now, MAX_CLOCK_SKEW_SECS)
                .map_err(|e| e.to_string())
        }
        FakeAuth::OAuth2 { .. } => {
            let token = authorization
                .and_then(|h| h.strip_prefix("Bearer "))
                .ok_or("missing bearer token")?;
            if tokens.knows(token.trim()) {
                Ok(())
            } else {
                Err("unknown or expired access token".to_owned())
            }
        }
    }
}

/// The outcome of a token request: status and JSON body.
pub(crate) fn token_response(
    auth: &FakeAuth,
    tokens: &TokenStore,
    authorization: Option<&str>,
    form: &[(String, String)],
) -> (u16, serde_json::Value) {
    let FakeAuth::OAuth2 {
        client_id,
        client_secret,
        required_scope,
    } = auth
    else {
        return (404, serde_json::json!({"error": "no token endpoint here"}));
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let presented = basic_credentials(authorization).or_else(|| {
        Some((
            field("client_id")?.to_owned(),
            field("client_secret")?.to_owned(),
        ))
    });
    if presented.as_ref().map(|(i, s)| (i.as_str(), s.as_str()))
        != Some((client_id.as_str(), client_secret.as_str()))
    {
        return (
            401,
            serde_json::json!({"error": "invalid_client", "error_description": "unknown client or wrong secret"}),
        );
    }
    if field("grant_type") != Some("client_credentials") {
        return (400, serde_json::json!({"error": "unsupported_grant_type"}));
    }
    let scope = field("scope").unwrap_or_default();
    if let Some(required) = required_scope
        && !scope.split_whitespace().any(|s| s == required)
    {
        return (
            400,
            serde_json::json!({"error": "invalid_scope", "error_description": format!("scope {required} is required")}),
        );
    }
    let token = tokens.issue();
    (
        200,
        serde_json::json!({"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": scope}),
    )
}

fn basic_credentials(authorization: Option<&str>) -> Option<(String, String)> {
    let encoded = authorization?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded inside the Basic header.
    let decode = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((decode(id)?, decode(secret)?))
}
