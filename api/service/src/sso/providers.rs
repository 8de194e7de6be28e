//! A district's identity providers, managed by its district admins (the policy's
//! [`may_manage_identity_providers`]): created with an encrypted client secret, listed without
//! it, changed (a new issuer requires restating the secret) and archived.

use homeroom_core::secrets::{SecretError, SecretKey};
use homeroom_schema::enums::IdentityProviderKind;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::json::Json;
use homeroom_schema::models::IdentityProvider;
use homeroom_schema::store::identity_providers as store;
use homeroom_schema::{Conn, Store};
use serde_json::json;

use crate::auth::Principal;
use crate::auth::policy::may_manage_identity_providers;
use crate::error::{ServiceError, ServiceResult};
use crate::{UserError, audit_log};

/// Longest issuer, client id, secret or display name accepted.
const MAX_FIELD: usize = 2048;
/// Most allowed domains per provider.
const MAX_DOMAINS: usize = 100;

fn require_manager(principal: &Principal) -> ServiceResult<()> {
    if may_manage_identity_providers(principal) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins manage identity providers".into(),
        ))
    }
}

/// Why `issuer` may not be an identity provider's issuer, if it may not: an absolute https URL
/// (plain http only to a loopback host, for development) without credentials, query or
/// fragment.
pub fn issuer_refusal(issuer: &str) -> Option<UserError> {
    let bad = |msg: &str| Some(UserError::new(Some("issuer"), "INVALID_ISSUER", msg));
    let Ok(url) = url::Url::parse(issuer.trim()) else {
        return bad("not a valid URL");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return bad("the issuer URL must not hold credentials");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("the issuer URL must not have a query or fragment");
    }
    if url.scheme() == "https" && url.host().is_some() {
        return None;
    }
    if url.scheme() == "http" && is_loopback(&url) {
        return None;
    }
    bad("issuers must use https (plain http only to a loopback address, for development)")
}

/// Whether `url`'s host is this machine (`localhost`, 127.0.0.0/8, `::1`).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The allowed domains, lower-cased, deduplicated and checked.
fn domains(raw: &[String]) -> Result<Vec<String>, UserError> {
    let bad = |msg: String| UserError::new(Some("allowedDomains"), "INVALID_DOMAIN", msg);
    if raw.len() > MAX_DOMAINS {
        return Err(bad(format!("at most {MAX_DOMAINS} domains")));
    }
    let mut out = Vec::new();
    for d in raw {
        let d = d.trim().trim_start_matches('@').to_ascii_lowercase();
        let ok = d.len() <= 253
            && d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && !d.contains("..")
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !ok {
            return Err(bad(format!(
                "{d:?} is not a domain name (e.g. district.org)"
            )));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    Ok(out)
}

fn required(field: &str, value: &str) -> Option<UserError> {
    let v = value.trim();
    if v.is_empty() {
        Some(UserError::new(
            Some(field),
            "REQUIRED",
            format!("{field} is required"),
        ))
    } else if v.len() > MAX_FIELD {
        Some(UserError::new(
            Some(field),
            "TOO_LONG",
            format!("{field} is too long"),
        ))
    } else {
        None
    }
}

/// The name shown on a sign-in button when none is given.
pub fn default_display_name(kind: IdentityProviderKind) -> &'static str {
    match kind {
        IdentityProviderKind::Google => "Google",
        IdentityProviderKind::Microsoft => "Microsoft",
        IdentityProviderKind::Clever => "Clever",
        IdentityProviderKind::ClassLink => "ClassLink",
        IdentityProviderKind::GenericOidc => "Single sign-on",
    }
}

/// What a new identity provider is.
#[derive(Debug, Clone)]
pub struct NewIdentityProvider {
    /// Kind.
    pub kind: IdentityProviderKind,
    /// Name on the sign-in button (default: the kind's).
    pub display_name: Option<String>,
    /// Issuer URL (its discovery document is at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// OAuth client id registered with the provider.
    pub client_id: String,
    /// OAuth client secret (stored encrypted, never returned).
    pub client_secret: String,
    /// Email domains whose verified addresses may sign people in.
    pub allowed_domains: Vec<String>,
}

/// Changes to an identity provider; `None` keeps a field.
#[derive(Debug, Clone, Default)]
pub struct IdentityProviderChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New issuer (the client secret must be restated with it).
    pub issuer: Option<String>,
    /// New client id.
    pub client_id: Option<String>,
    /// New client secret.
    pub client_secret: Option<String>,
    /// New allowed domains (replacing the old ones).
    pub allowed_domains: Option<Vec<String>>,
}

fn public_view(p: &IdentityProvider) -> serde_json::Value {
    json!({
        "kind": p.kind, "display_name": p.display_name, "issuer": p.issuer,
        "client_id": p.client_id, "allowed_domains": p.allowed_domains.0,
    })
}

/// Creates an identity provider; the secret is stored encrypted and never returned.
pub async fn create(
    store: &Store,
    principal: &Principal,
    key: Option<&SecretKey>,
    input: NewIdentityProvider,
) -> ServiceResult<Result<IdentityProvider, Vec<UserError>>> {
    require_manager(principal)?;
    let mut problems: Vec<UserError> = [
        issuer_refusal(&input.issuer),
        required("clientId", &input.client_id),
        required("clientSecret", &input.client_secret),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(name) = &input.display_name
        && let Some(p) = required("displayName", name)
    {
        problems.push(p);
    }
    let allowed = match domains(&input.allowed_domains) {
        Ok(d) => d,
        Err(e) => {
            problems.push(e);
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let key = key.ok_or_else(|| ServiceError::BadUserInput(SecretError::NoKey.to_string()))?;
    let now = now_micros();
    let row = IdentityProvider {
        id: new_id(),
        district_id: principal.district_id.clone(),
        kind: input.kind,
        display_name: input
            .display_name
            .map(|n| n.trim().to_owned())
            .unwrap_or_else(|| default_display_name(input.kind).to_owned()),
        issuer: input.issuer.trim().to_owned(),
        client_id: input.client_id.trim().to_owned(),
        client_secret: key.encrypt(input.client_secret.trim()),
        allowed_domains: Json(allowed),
        created_at: now,
        updated_at: now,
        archived_at: None,
    };
    store
        .transaction(async |conn| {
            store::insert(conn, &row).await?;
            audit_log::record(
                conn,
                principal,
                "identity_provider.create",
                ("identity_provider", &row.id),
                None,
                Some(public_view(&row)),
            )
            .await?;
            Ok::<_, ServiceError>(())
        })
        .await?;
    Ok(Ok(row))
}

async fn load(conn: &mut Conn, principal: &Principal, id: &str) -> ServiceResult<IdentityProvider> {
    store::get(conn, &principal.district_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("identity provider".into()))
}

/// The district's identity providers (archived ones too when `archived`), without secrets.
pub async fn list(
    store: &Store,
    principal: &Principal,
    archived: bool,
) -> ServiceResult<Vec<IdentityProvider>> {
    require_manager(principal)?;
    let mut conn = store.conn().await?;
    Ok(store::list(&mut conn, &principal.district_id, archived).await?)
}

/// What anyone may know of a district's providers to offer sign-in buttons: id and name only.
pub async fn sign_in_choices(
    store: &Store,
    district_id: Option<&str>,
) -> ServiceResult<Vec<(String, String)>> {
    let mut conn = store.conn().await?;
    let district = match district_id {
        Some(id) => homeroom_schema::store::districts::get(&mut conn, id).await?,
        None => homeroom_schema::store::districts::get_default(&mut conn).await?,
    };
    let Some(district) = district else {
        return Ok(Vec::new());
    };
    Ok(store::list(&mut conn, &district.id, false)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect())
}

/// Changes an identity provider. A new issuer sends the client secret somewhere else, so it is
/// refused unless the secret is restated with it (`SECRETS_REQUIRED`).
pub async fn update(
    store: &Store,
    principal: &Principal,
    key: Option<&SecretKey>,
    id: &str,
    changes: IdentityProviderChanges,
) -> ServiceResult<Result<IdentityProvider, Vec<UserError>>> {
    require_manager(principal)?;
    let mut conn = store.conn().await?;
    let mut row = load(&mut conn, principal, id).await?;
    drop(conn);
    let before = public_view(&row);
    let mut problems = Vec::new();
    if let Some(name) = &changes.display_name {
        problems.extend(required("displayName", name));
        row.display_name = name.trim().to_owned();
    }
    if let Some(issuer) = &changes.issuer {
        problems.extend(issuer_refusal(issuer));
        if issuer.trim() != row.issuer && changes.client_secret.is_none() {
            problems.push(UserError::new(
                Some("clientSecret"),
                "SECRETS_REQUIRED",
                "the issuer changed: restate the client secret",
            ));
        }
        row.issuer = issuer.trim().to_owned();
    }
    if let Some(client_id) = &changes.client_id {
        problems.extend(required("clientId", client_id));
        row.client_id = client_id.trim().to_owned();
    }
    if let Some(domains_in) = &changes.allowed_domains {
        match domains(domains_in) {
            Ok(d) => row.allowed_domains = Json(d),
            Err(e) => problems.push(e),
        }
    }
    if let Some(secret) = &changes.client_secret {
        problems.extend(required("clientSecret", secret));
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    if let Some(secret) = &changes.client_secret {
        let key = key.ok_or_else(|| ServiceError::BadUserInput(SecretError::NoKey.to_string()))?;
        row.client_secret = key.encrypt(secret.trim());
    }
    row.updated_at = now_micros();
    let secret_changed = changes.client_secret.is_some();
    store
        .transaction(async |conn| {
            store::update(conn, &row).await?;
            let mut after = public_view(&row);
            after["client_secret_changed"] = json!(secret_changed);
            audit_log::record(
                conn,
                principal,
                "identity_provider.update",
                ("identity_provider", &row.id),
                Some(before),
                Some(after),
            )
            .await?;
            Ok::<_, ServiceError>(())
        })
        .await?;
    Ok(Ok(row))
}

/// Archives an identity provider: it signs nobody in from now on (sign-ins under way through it
/// fail at their callback). Archiving an archived provider changes nothing.
pub async fn archive(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<IdentityProvider> {
    require_manager(principal)?;
    store
        .transaction(async |conn| {
            let mut row = load(conn, principal, id).await?;
            if row.archived_at.is_none() {
                let now = now_micros();
                row.archived_at = Some(now);
                row.updated_at = now;
                store::update(conn, &row).await?;
                audit_log::record(
                    conn,
                    principal,
                    "identity_provider.archive",
                    ("identity_provider", &row.id),
                    Some(json!({ "archived": false })),
                    Some(json!({ "archived": true })),
                )
                .await?;
            }
            Ok(row)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_loopback() {
        assert!(issuer_refusal("https://accounts.google.com").is_none());
        assert!(issuer_refusal("http://127.0.0.1:9000").is_none());
        assert!(issuer_refusal("http://localhost:9000/realms/x").is_none());
        assert!(issuer_refusal("http://[::1]:9000").is_none());
        assert!(issuer_refusal("http://idp.example.org").is_some());
        assert!(issuer_refusal("http://10.0.0.1").is_some());
        assert!(issuer_refusal("https://u:p@idp.example.org").is_some());
        assert!(issuer_refusal("https://idp.example.org/?a=b").is_some());
        assert!(issuer_refusal("ftp://idp.example.org").is_some());
        assert!(issuer_refusal("not a url").is_some());
    }

    #[test]
    fn domains_are_normalized_and_checked() {
        let ok = domains(&[
            "District.ORG".into(),
            "@kids.district.org".into(),
            "district.org".into(),
        ])
        .unwrap();
        assert_eq!(ok, ["district.org", "kids.district.org"]);
        assert!(domains(&["district".into()]).is_err());
        assert!(domains(&["a@b.org".into()]).is_err());
        assert!(domains(&["b..org".into()]).is_err());
    }
}
