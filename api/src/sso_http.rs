//! Single sign-on routes (OpenID Connect): `GET /auth/{providerId}/start` sends the browser to
//! the provider; `GET /auth/{providerId}/callback` finishes there and sends the browser to
//! `{HOMEROOM_PUBLIC_URL}/?signin=CODE` (a one-time code for `completeSignIn`), or on any
//! failure to `{HOMEROOM_PUBLIC_URL}/?signin_error=REASON` with a fixed reason code. The
//! work is `homeroom_service::sso`'s; nothing a provider sent is ever echoed.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeroom_service::sso::{BROWSER_COOKIE, CallbackParams, SignIn, SignInError};
use serde::Deserialize;

use crate::server::AppState;

/// What a provider may send to the callback.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// A 302 to `location`, never cached, never leaking the URL as a referrer.
fn redirect(location: &str, cookie: Option<String>) -> Response {
    let Ok(location) = HeaderValue::from_str(location) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

fn cookie(sign_in: &SignIn, value: &str, max_age: u32) -> String {
    let secure = if sign_in.public_is_https() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{BROWSER_COOKIE}={value}; Path=/auth; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    )
}

fn failure(sign_in: &SignIn, error: &SignInError, clear: Option<String>) -> Response {
    match error {
        SignInError::Service(_) | SignInError::NotConfigured(_) => {
            tracing::error!(reason = error.reason(), error = %error, "single sign-on failed");
        }
        _ => tracing::warn!(reason = error.reason(), error = %error, "single sign-on refused"),
    }
    redirect(&sign_in.failure_url(error), clear)
}

/// The browser's binding cookie, if it sent one.
fn browser_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == BROWSER_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// `GET /auth/{providerId}/start`.
pub async fn start(State(app): State<AppState>, Path(provider): Path<String>) -> Response {
    match app.sign_in.start(&provider).await {
        Ok(started) => redirect(
            &started.location,
            Some(cookie(&app.sign_in, &started.browser_secret, 600)),
        ),
        Err(e) => failure(&app.sign_in, &e, None),
    }
}

/// `GET /auth/{providerId}/callback?code&state` (or `?error&state`).
pub async fn callback(
    State(app): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, QueryRejection>,
) -> Response {
    let params = match query {
        Ok(Query(q)) => CallbackParams {
            code: q.code,
            state: q.state,
            error: q.error,
        },
        Err(_) => CallbackParams::default(),
    };
    let clear = Some(cookie(&app.sign_in, "", 0));
    let browser = browser_secret(&headers);
    match app
        .sign_in
        .callback(&provider, params, browser.as_deref())
        .await
    {
        Ok(code) => redirect(&app.sign_in.success_url(&code), clear),
        Err(e) => failure(&app.sign_in, &e, clear),
    }
}
