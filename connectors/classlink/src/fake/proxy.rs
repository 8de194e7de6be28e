//! The fake's OneRoster proxy: bearer checks and `GET /applications`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

/// A district (tenant) that gave the application access, as `/applications` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeTenant {
    /// `tenant_id`.
    pub tenant_id: u64,
    /// `tenant_name`.
    pub tenant_name: String,
    /// `oneroster_application_id`: the proxy path segment of its data (URL-encoded, as
    /// ClassLink gives it).
    pub oneroster_application_id: String,
}

impl Default for FakeTenant {
    /// The tenant of ClassLink's documentation example.
    fn default() -> Self {
        Self {
            tenant_id: 2,
            tenant_name: "ClassLink Demo".to_owned(),
            oneroster_application_id: "MoYPlyQWmG0%3D".to_owned(),
        }
    }
}

/// A second tenant `/applications` lists, whose data the fake does not serve (so a
/// connector that picks the wrong tenant fails).
pub(crate) fn decoy() -> FakeTenant {
    FakeTenant {
        tenant_id: 77,
        tenant_name: "Other Unified School District".to_owned(),
        oneroster_application_id: "x9Qv2LbTn0A%3D".to_owned(),
    }
}

/// Whether `authorization` is `Bearer <token>`.
pub(crate) fn bearer_matches(token: &str, authorization: Option<&str>) -> Result<(), String> {
    let presented = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or("missing bearer token")?;
    if presented.trim() == token {
        Ok(())
    } else {
        Err("invalid bearer token".to_owned())
    }
}

pub(crate) struct ProxyState {
    pub token: String,
    pub tenants: Vec<FakeTenant>,
    pub requests: AtomicU64,
}

/// `GET /applications`.
pub(crate) fn routes(state: Arc<ProxyState>) -> Router {
    Router::new()
        .route("/applications", get(applications))
        .with_state(state)
}

async fn applications(State(state): State<Arc<ProxyState>>, headers: HeaderMap) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Err(reason) = bearer_matches(&state.token, authorization) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"status": 0, "message": reason})),
        )
            .into_response();
    }
    let list: Vec<_> = state
        .tenants
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "id": 1176 + i, "tenant_name": t.tenant_name, "tenant_id": t.tenant_id,
                "application_id": 57, "bearer": null, "name": "Homeroom",
                "oneroster_application_id": t.oneroster_application_id,
            })
        })
        .collect();
    axum::Json(json!({"status": 1, "applications": list})).into_response()
}
