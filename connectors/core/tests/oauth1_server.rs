//! OAuth 1.0a signing through the HTTP client, verified by a fake OneRoster server.

#[allow(dead_code)]
mod support;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use homeroom_connector_core::http::set_query_pairs;
use homeroom_connector_core::oauth::verify_oauth1;
use homeroom_connector_core::{ConnectorError, HttpClient, OAuth1Signer, RequestAuth, Url};
use support::{Hits, fast_config};

#[derive(Clone)]
struct Fake {
    base: Url,
    hits: Hits,
}

/// Verifies the signature against the URL the client requested, as a OneRoster provider would.
async fn users(
    State(fake): State<Fake>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> impl IntoResponse {
    fake.hits.record();
    let url = fake.base.join(&uri.to_string()).unwrap();
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return (StatusCode::UNAUTHORIZED, "missing Authorization".to_owned());
    };
    match verify_oauth1("GET", &url, auth, |key| {
        (key == "district-key").then_some("district-secret")
    }) {
        Ok(verified) => {
            let filter = url
                .query_pairs()
                .find(|(k, _)| k == "filter")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            (
                StatusCode::OK,
                serde_json::json!({"consumer": verified.consumer_key, "filter": filter})
                    .to_string(),
            )
        }
        Err(e) => (StatusCode::UNAUTHORIZED, e.to_string()),
    }
}

/// Starts the fake on 127.0.0.1; the handler needs its own base URL, known only after binding.
async fn fake() -> (Url, Hits) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base: Url = format!("http://{}/", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let hits = Hits::default();
    let router = Router::new()
        .route("/ims/oneroster/v1p1/users", get(users))
        .with_state(Fake {
            base: base.clone(),
            hits: hits.clone(),
        });
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (base, hits)
}

fn users_url(base: &Url) -> Url {
    let mut url = base.join("ims/oneroster/v1p1/users").unwrap();
    set_query_pairs(
        &mut url,
        &[
            ("limit", "100"),
            ("offset", "0"),
            (
                "filter",
                "dateLastModified>'2024-01-01T00:00:00Z' AND role='student'",
            ),
        ],
    );
    url
}

#[tokio::test]
async fn signed_requests_with_filters_verify_on_the_server() {
    let (base, hits) = fake().await;
    let client = HttpClient::new(fast_config()).unwrap();
    let auth = RequestAuth::OAuth1(OAuth1Signer::new("district-key", "district-secret"));
    let body: serde_json::Value = client
        .get_json(users_url(&base), &auth, "users page")
        .await
        .unwrap();
    assert_eq!(body["consumer"], "district-key");
    assert_eq!(
        body["filter"],
        "dateLastModified>'2024-01-01T00:00:00Z' AND role='student'"
    );
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn a_wrong_secret_is_an_auth_error() {
    let (base, hits) = fake().await;
    let client = HttpClient::new(fast_config()).unwrap();
    let auth = RequestAuth::OAuth1(OAuth1Signer::new("district-key", "not-the-secret"));
    let err = client.get(users_url(&base), &auth).await.unwrap_err();
    match err {
        ConnectorError::Auth(message) => {
            assert!(message.contains("HTTP 401"), "{message}");
            assert!(message.contains("OAuth signature mismatch"), "{message}");
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(hits.count(), 1, "a 401 is not retried");
}
