//! `POST /webhooks/delivery/{provider}`: delivery receipts over HTTP, authenticated by the
//! shared secret `HOMEROOM_DELIVERY_WEBHOOK_SECRET`, given as `Authorization: Bearer <secret>`
//! or as the password of HTTP basic auth (what providers that only take a callback URL support:
//! `https://homeroom:<secret>@host/webhooks/delivery/twilio`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::server::AppState;
use homeroom_delivery::receipts::{self, ReceiptError};

/// The secret a request presents, if any.
fn presented(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(rest.trim().to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(rest.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        return text
            .split_once(':')
            .map(|(_, password)| password.to_owned());
    }
    None
}

/// Compares secrets in constant time (through their hashes, so lengths leak nothing either).
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Handles one receipt.
pub async fn receive(
    State(app): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = &app.webhook_secret else {
        return (
            StatusCode::NOT_FOUND,
            "delivery webhooks are off: set HOMEROOM_DELIVERY_WEBHOOK_SECRET",
        )
            .into_response();
    };
    if !presented(&headers).is_some_and(|p| same_secret(&p, secret)) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"homeroom\"")],
            "wrong or missing webhook secret",
        )
            .into_response();
    }
    let receipt = match receipts::parse(&provider, &body) {
        Ok(r) => r,
        Err(e @ ReceiptError::UnknownProvider(_)) => {
            return (StatusCode::NOT_FOUND, e.to_string()).into_response();
        }
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    match receipts::apply(&app.store, &app.families, &receipt).await {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "could not apply a delivery receipt");
            (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
        }
    }
}
