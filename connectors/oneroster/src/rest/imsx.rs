//! OneRoster `imsx_StatusInfo` error bodies.

use homeroom_connector_core::{ConnectorError, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
struct StatusInfo {
    #[serde(rename = "imsx_codeMajor")]
    code_major: Option<String>,
    #[serde(rename = "imsx_description")]
    description: Option<String>,
    #[serde(rename = "imsx_CodeMinor")]
    code_minor: Option<CodeMinor>,
}

#[derive(Deserialize)]
struct CodeMinor {
    #[serde(rename = "imsx_codeMinorField", default)]
    fields: Vec<CodeMinorField>,
}

#[derive(Deserialize)]
struct CodeMinorField {
    #[serde(rename = "imsx_codeMinorFieldValue")]
    value: Option<String>,
}

/// The readable part of an imsx body: `description (codeMinor)`, or `None` when the body is
/// not one. Accepts the bare object and one wrapped in `{"imsx_StatusInfo": …}`.
pub(crate) fn describe(body: &[u8]) -> Option<(Option<String>, String)> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let inner = value.get("imsx_StatusInfo").unwrap_or(&value).clone();
    let info: StatusInfo = serde_json::from_value(inner).ok()?;
    let minor: Vec<String> = info
        .code_minor
        .map(|m| m.fields.into_iter().filter_map(|f| f.value).collect())
        .unwrap_or_default();
    if info.code_major.is_none() && info.description.is_none() && minor.is_empty() {
        return None;
    }
    let mut text = info
        .description
        .filter(|d| !d.trim().is_empty())
        .map_or_else(|| "no description".to_owned(), |d| excerpt(&d));
    if !minor.is_empty() {
        text.push_str(&format!(" ({})", excerpt(&minor.join(", "))));
    }
    Some((info.code_major, text))
}

/// At most 200 characters of a provider's text, with `…` when cut.
pub(crate) fn excerpt(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Whether a 2xx body is nevertheless an imsx failure (`imsx_codeMajor: failure`).
pub(crate) fn success_body_failure(body: &[u8]) -> Option<String> {
    match describe(body) {
        Some((Some(major), text)) if major.eq_ignore_ascii_case("failure") => Some(text),
        _ => None,
    }
}

/// The error for a final non-2xx response, using its imsx description when it has one:
/// 401/403 are [`ConnectorError::Auth`], anything else [`ConnectorError::Http`].
pub(crate) fn error_for(response: &HttpResponse) -> ConnectorError {
    let status = response.status.as_u16();
    let url = response.url.to_string();
    let detail = describe(&response.body)
        .map(|(_, text)| text)
        .unwrap_or_else(|| response.body_excerpt(300));
    match status {
        401 => ConnectorError::Auth(format!(
            "{url} rejected the credentials (HTTP 401): {detail}; check the client id and secret"
        )),
        403 => ConnectorError::Auth(format!(
            "{url} refused access (HTTP 403): {detail}; the credentials lack permission for this data"
        )),
        _ => ConnectorError::Http {
            status,
            url,
            body_excerpt: detail,
        },
    }
}

/// An imsx failure body (for the fake server and tests).
#[cfg(any(test, feature = "fake"))]
pub(crate) fn imsx_body(code_minor: &str, description: &str) -> serde_json::Value {
    serde_json::json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": code_minor}
            ]
        }
    })
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{ConnectorError, HttpResponse, StatusCode};

    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status: StatusCode::from_u16(status).unwrap(),
            url: "http://127.0.0.1/ims/oneroster/v1p1/users".parse().unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn maps_imsx_bodies_to_clear_errors() {
        let body = imsx_body("unauthorisedrequest", "Invalid signature").to_string();
        match error_for(&response(401, &body)) {
            ConnectorError::Auth(m) => {
                assert!(m.contains("Invalid signature (unauthorisedrequest)"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        let wrapped = serde_json::json!({"imsx_StatusInfo": imsx_body("invalid_filter_field", "no such field")}).to_string();
        match error_for(&response(400, &wrapped)) {
            ConnectorError::Http {
                status,
                body_excerpt,
                ..
            } => {
                assert_eq!(status, 400);
                assert_eq!(body_excerpt, "no such field (invalid_filter_field)");
            }
            other => panic!("{other:?}"),
        }
        match error_for(&response(404, "<html>nope</html>")) {
            ConnectorError::Http { body_excerpt, .. } => {
                assert_eq!(body_excerpt, "<html>nope</html>")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            success_body_failure(body.as_bytes()).as_deref(),
            Some("Invalid signature (unauthorisedrequest)")
        );
        assert_eq!(success_body_failure(br#"{"users":[]}"#), None);
    }
}
