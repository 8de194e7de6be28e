//! OAuth 2.0 client-credentials tokens against a local token endpoint.

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use homeroom_connector_core::oauth::ClientAuthStyle;
use homeroom_connector_core::{
    ClientCredentials, ClientCredentialsTokens, ConnectorError, HttpClient, RequestAuth, Url,
};
use serde_json::json;
use support::{fast_config, serve};

const SCOPE: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly";

#[derive(Clone)]
struct Provider {
    issued: Arc<AtomicUsize>,
    /// Token lifetime in seconds; 0 = omit `expires_in`.
    expires_in: u64,
    /// Fail this many token requests with a 500 first.
    fail_first: usize,
    /// The resource server rejects the first token issued (as if revoked).
    revoke_first_token: bool,
    /// The resource server rejects every token (e.g. a missing scope grant).
    reject_all_tokens: bool,
}

fn client_of(headers: &HeaderMap, form: &[(String, String)]) -> Option<(String, String)> {
    if let Some(basic) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .ok()?;
        let (id, secret) = String::from_utf8(decoded)
            .ok()?
            .split_once(':')
            .map(|(a, b)| (a.to_owned(), b.to_owned()))?;
        return Some((id, secret));
    }
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    Some((get("client_id")?, get("client_secret")?))
}

async fn token(
    State(p): State<Provider>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> axum::response::Response {
    let n = p.issued.fetch_add(1, Ordering::SeqCst);
    if n < p.fail_first {
        return (StatusCode::INTERNAL_SERVER_ERROR, "token service hiccup").into_response();
    }
    let field = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if field("grant_type") != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type"})),
        )
            .into_response();
    }
    if field("scope") != Some(SCOPE) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_scope"})),
        )
            .into_response();
    }
    match client_of(&headers, &form) {
        Some((id, secret)) if id == "app" && secret == "s3cret" => {}
        _ => {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid_client", "error_description": "unknown client"})),
            )
                .into_response();
        }
    }
    let mut body = json!({"access_token": format!("tok-{n}"), "token_type": "Bearer"});
    if p.expires_in > 0 {
        body["expires_in"] = json!(p.expires_in);
    }
    Json(body).into_response()
}

async fn resource(State(p): State<Provider>, headers: HeaderMap) -> axum::response::Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    let valid = bearer.starts_with("tok-")
        && !p.reject_all_tokens
        && !(p.revoke_first_token && bearer == "tok-0");
    if valid {
        Json(json!({"orgs": [], "token": bearer})).into_response()
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn provider(p: Provider) -> Url {
    let router = Router::new()
        .route("/oauth/token", post(token))
        .route("/ims/oneroster/rostering/v1p2/orgs", get(resource))
        .with_state(p);
    serve(router).await
}

fn default_provider() -> Provider {
    Provider {
        issued: Arc::new(AtomicUsize::new(0)),
        expires_in: 3600,
        fail_first: 0,
        revoke_first_token: false,
        reject_all_tokens: false,
    }
}

fn tokens(base: &Url, secret: &str) -> ClientCredentialsTokens {
    ClientCredentialsTokens::new(
        ClientCredentials::new(base.join("oauth/token").unwrap(), "app", secret)
            .with_scopes([SCOPE]),
    )
}

#[tokio::test]
async fn fetches_once_and_caches_until_near_expiry() {
    let p = default_provider();
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let t = tokens(&base, "s3cret");
    let first = t.access_token(&http).await.unwrap();
    let second = t.access_token(&http).await.unwrap();
    assert_eq!(first.expose(), "tok-0");
    assert_eq!(second, first);
    assert_eq!(p.issued.load(Ordering::SeqCst), 1);
    assert_eq!(t.fetch_count(), 1);
    assert_eq!(
        http.request_count(),
        1,
        "token requests go through the connector's client"
    );

    t.invalidate().await;
    assert_eq!(t.access_token(&http).await.unwrap().expose(), "tok-1");
}

#[tokio::test]
async fn refetches_a_token_that_is_about_to_expire() {
    // A 1 s token is refreshed after half its life (the 60 s margin is capped at half).
    let p = Provider {
        expires_in: 1,
        ..default_provider()
    };
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let t = tokens(&base, "s3cret");
    assert_eq!(t.access_token(&http).await.unwrap().expose(), "tok-0");
    assert_eq!(t.access_token(&http).await.unwrap().expose(), "tok-0");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(t.access_token(&http).await.unwrap().expose(), "tok-1");
    assert_eq!(p.issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn tokens_without_expires_in_are_kept() {
    let p = Provider {
        expires_in: 0,
        ..default_provider()
    };
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let t = tokens(&base, "s3cret");
    t.access_token(&http).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    t.access_token(&http).await.unwrap();
    assert_eq!(p.issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_callers_share_one_fetch() {
    let p = default_provider();
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let t = Arc::new(tokens(&base, "s3cret"));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (t, http) = (t.clone(), http.clone());
            tokio::spawn(async move { t.access_token(&http).await.unwrap() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().expose(), "tok-0");
    }
    assert_eq!(p.issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn wrong_credentials_are_a_clear_auth_error() {
    let base = provider(default_provider()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let err = tokens(&base, "wrong")
        .access_token(&http)
        .await
        .unwrap_err();
    match err {
        ConnectorError::Auth(message) => {
            assert!(message.contains("invalid_client"), "{message}");
            assert!(message.contains("unknown client"), "{message}");
            assert!(message.contains("/oauth/token"), "{message}");
            assert!(
                !message.contains("wrong"),
                "never echo the secret: {message}"
            );
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(
        http.request_count(),
        1,
        "a 401 from the token endpoint is not retried"
    );
}

#[tokio::test]
async fn client_secret_in_the_body_works_too() {
    let base = provider(default_provider()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let mut creds = ClientCredentials::new(base.join("oauth/token").unwrap(), "app", "s3cret")
        .with_scopes([SCOPE]);
    creds.auth_style = ClientAuthStyle::RequestBody;
    let t = ClientCredentialsTokens::new(creds);
    assert_eq!(t.access_token(&http).await.unwrap().expose(), "tok-0");
}

#[tokio::test]
async fn token_endpoint_5xx_is_retried() {
    let p = Provider {
        fail_first: 1,
        ..default_provider()
    };
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let token = tokens(&base, "s3cret").access_token(&http).await.unwrap();
    assert_eq!(token.expose(), "tok-1");
    assert_eq!(http.request_count(), 2);
}

#[tokio::test]
async fn bearer_auth_through_the_client_refreshes_once_on_401() {
    let p = Provider {
        revoke_first_token: true,
        ..default_provider()
    };
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let auth = RequestAuth::OAuth2(Arc::new(tokens(&base, "s3cret")));
    let url = base.join("ims/oneroster/rostering/v1p2/orgs").unwrap();
    let body: serde_json::Value = http
        .get_json(url.clone(), &auth, "orgs page")
        .await
        .unwrap();
    assert_eq!(body["token"], "tok-1", "the revoked token was replaced");
    // token, orgs (401), token, orgs (200)
    assert_eq!(http.request_count(), 4);
    assert_eq!(p.issued.load(Ordering::SeqCst), 2);

    // The new token is cached for later requests.
    http.get(url, &auth).await.unwrap();
    assert_eq!(p.issued.load(Ordering::SeqCst), 2);
    assert_eq!(http.request_count(), 5);
}

#[tokio::test]
async fn a_second_401_after_refreshing_is_an_auth_error() {
    let p = Provider {
        reject_all_tokens: true,
        ..default_provider()
    };
    let base = provider(p.clone()).await;
    let http = HttpClient::new(fast_config()).unwrap();
    let auth = RequestAuth::OAuth2(Arc::new(tokens(&base, "s3cret")));
    let url = base.join("ims/oneroster/rostering/v1p2/orgs").unwrap();
    let err = http.get(url, &auth).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("HTTP 401")),
        "{err:?}"
    );
    // token, orgs (401), token, orgs (401) — and no further attempts.
    assert_eq!(http.request_count(), 4);
    assert_eq!(p.issued.load(Ordering::SeqCst), 2);
}
