//! The HTTP client against a real local server: retries, waits, timeouts, errors, rate limit.

#[allow(dead_code)]
mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use homeroom_connector_core::http::HttpRequest;
use homeroom_connector_core::{
    ConnectorError, HttpClient, HttpConfig, RateLimit, RequestAuth, RetryPolicy,
};
use serde::Deserialize;
use support::{Hits, fast_config, serve};

#[derive(Deserialize, Debug, PartialEq)]
struct Ok {
    ok: bool,
}

const OK_BODY: &str = r#"{"ok":true}"#;

fn client(config: HttpConfig) -> HttpClient {
    HttpClient::new(config).unwrap()
}

async fn server(
    handler: fn(usize, HeaderMap) -> axum::response::Response,
) -> (homeroom_connector_core::Url, Hits) {
    let hits = Hits::default();
    let router = Router::new()
        .route(
            "/r",
            get(
                move |State(hits): State<Hits>, headers: HeaderMap| async move {
                    let n = hits.record();
                    handler(n, headers)
                },
            ),
        )
        .with_state(hits.clone());
    (serve(router).await.join("r").unwrap(), hits)
}

#[tokio::test]
async fn retries_a_500_then_succeeds() {
    let (url, hits) = server(|n, _| {
        if n == 0 {
            (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response()
        } else {
            OK_BODY.into_response()
        }
    })
    .await;
    let c = client(fast_config());
    let body: Ok = c.get_json(url, &RequestAuth::None, "test").await.unwrap();
    assert_eq!(body, Ok { ok: true });
    assert_eq!(hits.count(), 2);
    assert_eq!(c.request_count(), 2);
    // Equal jitter: the first retry waits between base/2 and base (20 ms).
    assert!(
        hits.gaps()[0] >= Duration::from_millis(10),
        "{:?}",
        hits.gaps()
    );
}

#[tokio::test]
async fn gives_up_on_persistent_5xx_after_max_attempts() {
    let (url, hits) =
        server(|_, _| (StatusCode::SERVICE_UNAVAILABLE, "down for maintenance").into_response())
            .await;
    let c = client(fast_config());
    let err = c.get(url.clone(), &RequestAuth::None).await.unwrap_err();
    match err {
        ConnectorError::Http {
            status,
            url: u,
            body_excerpt,
        } => {
            assert_eq!(status, 503);
            assert_eq!(u, url.as_str());
            assert_eq!(body_excerpt, "down for maintenance");
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert_eq!(hits.count(), 3);
    // Backoff doubles: the second gap's ceiling (40 ms) is twice the first's (20 ms).
    let gaps = hits.gaps();
    assert!(
        gaps[0] >= Duration::from_millis(10) && gaps[1] >= Duration::from_millis(20),
        "{gaps:?}"
    );
}

#[tokio::test]
async fn honours_retry_after_seconds_on_429() {
    let (url, hits) = server(|n, _| {
        if n == 0 {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                "slow down",
            )
                .into_response()
        } else {
            OK_BODY.into_response()
        }
    })
    .await;
    let c = client(fast_config());
    c.get(url, &RequestAuth::None).await.unwrap();
    assert_eq!(hits.count(), 2);
    let gap = hits.gaps()[0];
    assert!(
        gap >= Duration::from_millis(990) && gap < Duration::from_secs(3),
        "{gap:?}"
    );
}

#[tokio::test]
async fn honours_retry_after_http_date_on_429() {
    let (url, hits) = server(|n, _| {
        if n == 0 {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
            (StatusCode::TOO_MANY_REQUESTS, [("retry-after", when)], "").into_response()
        } else {
            OK_BODY.into_response()
        }
    })
    .await;
    client(fast_config())
        .get(url, &RequestAuth::None)
        .await
        .unwrap();
    // The date has one-second resolution, so "now + 2 s" means a wait of 1–2 s.
    let gap = hits.gaps()[0];
    assert!(
        gap >= Duration::from_millis(900) && gap < Duration::from_secs(3),
        "{gap:?}"
    );
}

#[tokio::test]
async fn honours_x_ratelimit_reset_epoch_on_429() {
    let (url, hits) = server(|n, _| {
        if n == 0 {
            let reset = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs()
                + 2;
            (
                StatusCode::TOO_MANY_REQUESTS,
                [("x-ratelimit-reset", reset.to_string())],
                "",
            )
                .into_response()
        } else {
            OK_BODY.into_response()
        }
    })
    .await;
    client(fast_config())
        .get(url, &RequestAuth::None)
        .await
        .unwrap();
    let gap = hits.gaps()[0];
    assert!(
        gap >= Duration::from_millis(900) && gap < Duration::from_secs(3),
        "{gap:?}"
    );
}

#[tokio::test]
async fn a_429_demanding_too_long_a_wait_fails_at_once() {
    let (url, hits) = server(|_, _| {
        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "3600")], "").into_response()
    })
    .await;
    let started = Instant::now();
    let err = client(fast_config())
        .get(url, &RequestAuth::None)
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(hits.count(), 1);
    match err {
        ConnectorError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
}

#[tokio::test]
async fn persistent_429_without_headers_ends_rate_limited() {
    let (url, hits) = server(|_, _| StatusCode::TOO_MANY_REQUESTS.into_response()).await;
    let err = client(fast_config())
        .get(url, &RequestAuth::None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConnectorError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(hits.count(), 3);
}

#[tokio::test]
async fn times_out_slow_responses_with_bounded_attempts() {
    let hits = Hits::default();
    let router = Router::new()
        .route(
            "/slow",
            get(|State(hits): State<Hits>| async move {
                hits.record();
                tokio::time::sleep(Duration::from_secs(5)).await;
                OK_BODY
            }),
        )
        .with_state(hits.clone());
    let url = serve(router).await.join("slow").unwrap();
    let config = HttpConfig {
        timeout: Duration::from_millis(200),
        retry: RetryPolicy {
            max_attempts: 2,
            ..fast_config().retry
        },
        ..fast_config()
    };
    let c = client(config);
    let started = Instant::now();
    let err = c.get(url.clone(), &RequestAuth::None).await.unwrap_err();
    let elapsed = started.elapsed();
    match err {
        ConnectorError::Timeout { url: u, after } => {
            assert_eq!(u, url.as_str());
            assert_eq!(after, Duration::from_millis(200));
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(hits.count(), 2);
    assert_eq!(c.request_count(), 2);
    assert!(
        elapsed >= Duration::from_millis(400) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_401_is_an_auth_error_and_never_retried() {
    let (url, hits) =
        server(|_, _| (StatusCode::UNAUTHORIZED, r#"{"message":"invalid token"}"#).into_response())
            .await;
    let err = client(fast_config())
        .get(url, &RequestAuth::Bearer("wrong".into()))
        .await
        .unwrap_err();
    match &err {
        ConnectorError::Auth(message) => {
            assert!(
                message.contains("rejected the credentials (HTTP 401)"),
                "{message}"
            );
            assert!(message.contains("invalid token"), "{message}");
            assert!(
                !message.contains("wrong"),
                "never echo the credential: {message}"
            );
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert!(!err.is_transient());
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn a_403_is_an_auth_error_about_permissions() {
    let (url, hits) = server(|_, _| StatusCode::FORBIDDEN.into_response()).await;
    let err = client(fast_config())
        .get(url, &RequestAuth::None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("lack permission")),
        "{err:?}"
    );
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn other_4xx_and_501_are_never_retried() {
    for status in [
        StatusCode::BAD_REQUEST,
        StatusCode::NOT_FOUND,
        StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::NOT_IMPLEMENTED,
    ] {
        let hits = Hits::default();
        let router = Router::new()
            .route(
                "/r",
                get(move |State(hits): State<Hits>| async move {
                    hits.record();
                    (status, r#"{"message":"nope"}"#)
                }),
            )
            .with_state(hits.clone());
        let url = serve(router).await.join("r").unwrap();
        let err = client(fast_config())
            .get(url, &RequestAuth::None)
            .await
            .unwrap_err();
        assert_eq!(err.http_status(), Some(status.as_u16()), "{err:?}");
        assert_eq!(hits.count(), 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn send_unchecked_returns_final_4xx_responses() {
    let (url, hits) =
        server(|_, _| (StatusCode::NOT_FOUND, r#"{"message":"deleted"}"#).into_response()).await;
    let c = client(fast_config());
    let response = c
        .send_unchecked(&HttpRequest::get(url), &RequestAuth::None)
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 404);
    assert_eq!(response.text(), r#"{"message":"deleted"}"#);
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url: homeroom_connector_core::Url =
        format!("http://127.0.0.1:{port}/gone").parse().unwrap();
    let c = client(fast_config());
    let err = c.get(url, &RequestAuth::None).await.unwrap_err();
    assert!(matches!(&err, ConnectorError::Network { .. }), "{err:?}");
    assert!(err.is_transient());
    assert_eq!(c.request_count(), 3);
}

#[tokio::test]
async fn malformed_json_is_reported_with_context() {
    let (url, _) = server(|_, _| "<html>maintenance</html>".into_response()).await;
    let err = client(fast_config())
        .get_json::<Ok>(url, &RequestAuth::None, "Clever users page")
        .await
        .unwrap_err();
    match err {
        ConnectorError::Malformed { what, detail } => {
            assert_eq!(what, "Clever users page");
            assert!(detail.contains("<html>maintenance</html>"), "{detail}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[tokio::test]
async fn sends_accept_user_agent_and_auth_headers() {
    let (url, _) = server(|_, headers| {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        axum::Json(serde_json::json!({
            "accept": get("accept"),
            "user_agent": get("user-agent"),
            "cert": get("aeries-cert"),
        }))
        .into_response()
    })
    .await;
    let auth = RequestAuth::Header {
        name: homeroom_connector_core::header::HeaderName::from_static("aeries-cert"),
        value: "477abe9e7d27439681d62f4e0de1f5e1".into(),
    };
    let seen: serde_json::Value = client(fast_config())
        .get_json(url, &auth, "echo")
        .await
        .unwrap();
    assert_eq!(seen["accept"], "application/json");
    assert!(
        seen["user_agent"]
            .as_str()
            .unwrap()
            .starts_with("homeroom-connector/")
    );
    assert_eq!(seen["cert"], "477abe9e7d27439681d62f4e0de1f5e1");
}

#[tokio::test]
async fn every_request_passes_through_the_rate_limiter() {
    let (url, hits) = server(|_, _| OK_BODY.into_response()).await;
    // 5 requests per 500 ms, no burst: evenly spaced 100 ms apart.
    let config = HttpConfig {
        rate_limit: Some(
            RateLimit::new(5, Duration::from_millis(500))
                .unwrap()
                .with_burst(1),
        ),
        ..fast_config()
    };
    let c = client(config);
    let started = Instant::now();
    let clones: Vec<HttpClient> = (0..3).map(|_| c.clone()).collect();
    let tasks = clones.into_iter().map(|c| {
        let url = url.clone();
        tokio::spawn(async move {
            for _ in 0..2 {
                c.get(url.clone(), &RequestAuth::None).await.unwrap();
            }
        })
    });
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(hits.count(), 6);
    assert_eq!(c.request_count(), 6, "clones share the counter");
    // Six evenly spaced slots: the last starts 500 ms after the first.
    assert!(elapsed >= Duration::from_millis(495), "{elapsed:?}");
    for gap in hits.gaps() {
        assert!(
            gap >= Duration::from_millis(80),
            "requests closer than the limit allows: {:?}",
            hits.gaps()
        );
    }
}

/// A host that records every request it gets, with its `Authorization` header.
async fn recording_host() -> (
    homeroom_connector_core::Url,
    Arc<Mutex<Vec<Option<String>>>>,
) {
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let router = Router::new()
        .fallback(
            |State(seen): State<Arc<Mutex<Vec<Option<String>>>>>, headers: HeaderMap| async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                seen.lock().unwrap().push(auth);
                OK_BODY
            },
        )
        .with_state(seen.clone());
    (serve(router).await, seen)
}

#[tokio::test]
async fn redirects_are_followed_on_the_same_origin_only() {
    use homeroom_connector_core::Secret;
    // Another origin (another port of the same address) that would collect the credential.
    let (elsewhere, collected) = recording_host().await;
    let target = elsewhere.join("steal").unwrap().to_string();
    let router = Router::new()
        .route(
            "/away",
            get(move || {
                let target = target.clone();
                async move { (StatusCode::FOUND, [("location", target)]).into_response() }
            }),
        )
        .route(
            "/here",
            get(|| async { (StatusCode::FOUND, [("location", "/ok")]).into_response() }),
        )
        .route("/ok", get(|| async { OK_BODY }));
    let base = serve(router).await;
    let auth = RequestAuth::Bearer(Secret::new("district-sis-token"));
    let c = client(fast_config());

    // Same origin: followed.
    let body: Ok = c
        .get_json(base.join("here").unwrap(), &auth, "test")
        .await
        .unwrap();
    assert_eq!(body, Ok { ok: true });
    // Another origin: not followed; the answer is the redirect itself (an error), and the
    // other host never saw a request, let alone the token.
    let err = c.get(base.join("away").unwrap(), &auth).await.unwrap_err();
    assert!(!err.to_string().contains("district-sis-token"), "{err}");
    assert!(
        collected.lock().unwrap().is_empty(),
        "{:?}",
        collected.lock().unwrap()
    );
}

#[tokio::test]
async fn bodies_are_read_up_to_the_cap() {
    use homeroom_connector_core::http::MAX_BODY_BYTES;
    let router = Router::new().route(
        "/huge",
        get(|| async { vec![b' '; MAX_BODY_BYTES + 1024 * 1024] }),
    );
    let base = serve(router).await;
    let c = client(fast_config());
    let response = c
        .get(base.join("huge").unwrap(), &RequestAuth::None)
        .await
        .unwrap();
    assert_eq!(response.body.len(), MAX_BODY_BYTES);
}
