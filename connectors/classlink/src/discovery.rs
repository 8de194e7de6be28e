//! Tenant discovery through ClassLink's OneRoster proxy.
//!
//! `GET <proxy root>/applications` (bearer token) lists the districts (tenants) that gave the
//! application access:
//!
//! ```json
//! {"status": 1, "applications": [{"id": 1176, "tenant_name": "ClassLink Demo", "tenant_id": 2,
//!   "application_id": 57, "bearer": null, "name": "ClassLink",
//!   "oneroster_application_id": "MoYPlyQWmG0%3D"}]}
//! ```
//!
//! The configured `tenant` is matched against `tenant_id` (exactly) or `tenant_name` (any
//! case); exactly one application must match. Its data is then read at
//! `<proxy root>/<oneroster_application_id>/ims/oneroster/v1p1/`.

use homeroom_connector_core::{ConnectorError, HttpClient, RequestAuth, Url};
use serde::Deserialize;

use crate::config::config_error;

/// One entry of `/applications`.
#[derive(Clone, Debug, Deserialize)]
pub(crate) struct Application {
    #[serde(default)]
    tenant_name: Option<String>,
    #[serde(default)]
    tenant_id: Option<serde_json::Value>,
    #[serde(default)]
    oneroster_application_id: Option<String>,
}

#[derive(Deserialize)]
struct Applications {
    #[serde(default)]
    status: Option<serde_json::Value>,
    #[serde(default)]
    applications: Option<ApplicationList>,
    #[serde(default)]
    message: Option<String>,
}

/// ClassLink's docs show `applications` as one object; a list is what a client should expect
/// once more than one district is connected. Both are read.
#[derive(Deserialize)]
#[serde(untagged)]
enum ApplicationList {
    Many(Vec<Application>),
    One(Application),
}

impl Application {
    fn tenant_id_text(&self) -> Option<String> {
        match self.tenant_id.as_ref()? {
            serde_json::Value::String(s) => Some(s.trim().to_owned()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} (tenant_id {})",
            self.tenant_name.as_deref().unwrap_or("unnamed"),
            self.tenant_id_text().as_deref().unwrap_or("?")
        )
    }

    fn matches(&self, tenant: &str) -> bool {
        self.tenant_id_text().as_deref() == Some(tenant)
            || self
                .tenant_name
                .as_deref()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(tenant))
    }
}

/// The proxy API base of `tenant`'s application: `<root>/<oneroster_application_id>/`.
pub(crate) async fn discover_tenant(
    client: &HttpClient,
    proxy_root: &Url,
    token: &RequestAuth,
    tenant: &str,
) -> Result<Url, ConnectorError> {
    let url = proxy_root
        .join("applications")
        .map_err(|e| config_error(format!("`proxy_url` cannot take `applications`: {e}")))?;
    let listing: Applications = client
        .get_json(url.clone(), token, "ClassLink applications list")
        .await?;
    let ok = match &listing.status {
        None => true,
        Some(serde_json::Value::Number(n)) => n.as_u64() == Some(1),
        Some(serde_json::Value::String(s)) => s.trim() == "1",
        Some(_) => false,
    };
    if !ok {
        return Err(ConnectorError::malformed(
            format!("ClassLink applications list ({url})"),
            format!(
                "the proxy reported status {} ({})",
                listing.status.map(|s| s.to_string()).unwrap_or_default(),
                listing.message.unwrap_or_default()
            ),
        ));
    }
    let applications = match listing.applications {
        None => Vec::new(),
        Some(ApplicationList::Many(list)) => list,
        Some(ApplicationList::One(one)) => vec![one],
    };
    let found: Vec<&Application> = applications.iter().filter(|a| a.matches(tenant)).collect();
    let application = match found.as_slice() {
        [one] => *one,
        [] => {
            let known: Vec<String> = applications.iter().map(Application::describe).collect();
            return Err(config_error(format!(
                "no tenant `{tenant}` among the districts that gave this application access ({})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        several => {
            let names: Vec<String> = several.iter().map(|a| a.describe()).collect();
            return Err(config_error(format!(
                "tenant `{tenant}` matches several applications ({}); name it by tenant_id",
                names.join(", ")
            )));
        }
    };
    let app_id = application
        .oneroster_application_id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            ConnectorError::malformed(
                format!("ClassLink applications list ({url})"),
                format!("{} has no oneroster_application_id", application.describe()),
            )
        })?;
    tracing::info!(
        target: "homeroom_classlink",
        tenant = %application.describe(),
        "found the tenant's OneRoster application through the proxy"
    );
    // The id is used as ClassLink gives it (already URL-encoded, e.g. `MoYPlyQWmG0%3D`).
    proxy_root.join(&format!("{app_id}/")).map_err(|e| {
        ConnectorError::malformed(
            format!("ClassLink applications list ({url})"),
            format!("`{app_id}` cannot be a path segment: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_one_or_many_and_matches_id_or_name() {
        let one: Applications = serde_json::from_value(json!({
            "status": 1, "applications": {"id": 1176, "tenant_name": "ClassLink Demo",
            "tenant_id": 2, "application_id": 57, "bearer": null, "name": "ClassLink",
            "oneroster_application_id": "MoYPlyQWmG0%3D"}
        }))
        .unwrap();
        let Some(ApplicationList::One(app)) = one.applications else {
            panic!("one object")
        };
        assert!(app.matches("2"));
        assert!(app.matches("classlink demo"));
        assert!(!app.matches("3"));
        let many: Applications = serde_json::from_value(json!({
            "status": 1, "applications": [{"tenant_id": "7", "tenant_name": "A"}]
        }))
        .unwrap();
        assert!(matches!(many.applications, Some(ApplicationList::Many(v)) if v[0].matches("7")));
    }
}
