//! Outgoing webhooks: partners (`webhooks:write`) and district admins register endpoints for
//! events; deliveries go through the outbox, signed with HMAC-SHA256
//! ([`homeroom_delivery::outgoing`]), retried with backoff, and logged per webhook.

pub mod events;

use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{OutboxMessage, Webhook};
use homeroom_schema::page::{Page, PageRequest};
use homeroom_schema::store::webhooks;
use homeroom_schema::{Conn, Store};
use serde_json::json;

pub use events::{WebhookEvent, body_of, emit, event_of};

use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use crate::{UserError, audit_log};
use homeroom_core::secrets::{SecretError, SecretKey};

/// Shortest signing secret accepted.
pub const MIN_SECRET_LEN: usize = 16;

fn require_writer(principal: &Principal) -> ServiceResult<()> {
    crate::auth::policy::require_webhook_writer(principal)
}

/// Why `url` may not receive webhooks, if it may not: it must be https, or http to this
/// machine (for development and tests), without credentials.
pub fn url_refusal(url: &str) -> Option<UserError> {
    let bad = |msg: &str| Some(UserError::new(Some("url"), "INVALID_URL", msg));
    let Ok(parsed) = url::Url::parse(url) else {
        return bad("not a valid URL");
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return bad("the URL must not hold credentials: the signature authenticates deliveries");
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return bad("the URL has no host"),
    };
    match parsed.scheme() {
        "https" => None,
        "http" if loopback => None,
        _ => bad("webhook URLs must use https (plain http only to localhost)"),
    }
}

/// What a new webhook is.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Endpoint.
    pub url: String,
    /// Events it receives (at least one).
    pub events: Vec<WebhookEvent>,
    /// Signing secret the receiver shares.
    pub secret: String,
}

/// Registers a webhook; the secret is stored encrypted and never returned.
pub async fn create(
    store: &Store,
    principal: &Principal,
    key: Option<&SecretKey>,
    input: NewWebhook,
) -> ServiceResult<Result<Webhook, UserError>> {
    require_writer(principal)?;
    if let Some(refused) = url_refusal(&input.url) {
        return Ok(Err(refused));
    }
    if input.events.is_empty() {
        return Ok(Err(UserError::new(
            Some("events"),
            "NO_EVENTS",
            "name at least one event",
        )));
    }
    if input.secret.chars().count() < MIN_SECRET_LEN {
        return Ok(Err(UserError::new(
            Some("secret"),
            "WEAK_SECRET",
            format!("the secret must be at least {MIN_SECRET_LEN} characters"),
        )));
    }
    let key = key.ok_or_else(|| ServiceError::BadUserInput(SecretError::NoKey.to_string()))?;
    let mut names: Vec<&str> = input.events.iter().map(|e| e.name()).collect();
    names.sort_unstable();
    names.dedup();
    let now = now_micros();
    let (_, actor) = principal.actor();
    let row = Webhook {
        id: new_id(),
        district_id: principal.district_id.clone(),
        url: input.url,
        events: homeroom_schema::json::Json(names.iter().map(|n| (*n).to_owned()).collect()),
        secret: key.encrypt(&input.secret),
        enabled: true,
        created_by: Some(actor),
        created_at: now,
        updated_at: now,
    };
    store
        .transaction(async |conn| {
            webhooks::insert(conn, &row).await?;
            audit_log::record(
                conn,
                principal,
                "webhook.create",
                ("webhook", &row.id),
                None,
                Some(json!({ "url": row.url, "events": names })),
            )
            .await?;
            Ok::<_, ServiceError>(())
        })
        .await?;
    Ok(Ok(row))
}

async fn load(conn: &mut Conn, principal: &Principal, id: &str) -> ServiceResult<Webhook> {
    webhooks::get(conn, &principal.district_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("webhook".into()))
}

/// The district's webhooks.
pub async fn list(store: &Store, principal: &Principal) -> ServiceResult<Vec<Webhook>> {
    require_writer(principal)?;
    let mut conn = store.conn().await?;
    Ok(webhooks::list(&mut conn, &principal.district_id).await?)
}

/// One webhook.
pub async fn get(store: &Store, principal: &Principal, id: &str) -> ServiceResult<Webhook> {
    require_writer(principal)?;
    let mut conn = store.conn().await?;
    load(&mut conn, principal, id).await
}

/// Turns a webhook on or off; events while it is off are not delivered.
pub async fn set_enabled(
    store: &Store,
    principal: &Principal,
    id: &str,
    enabled: bool,
) -> ServiceResult<Webhook> {
    require_writer(principal)?;
    store
        .transaction(async |conn| {
            let hook = load(conn, principal, id).await?;
            if hook.enabled != enabled {
                webhooks::set_enabled(conn, &hook.id, enabled, now_micros()).await?;
                audit_log::record(
                    conn,
                    principal,
                    "webhook.update",
                    ("webhook", &hook.id),
                    Some(json!({ "enabled": hook.enabled })),
                    Some(json!({ "enabled": enabled })),
                )
                .await?;
            }
            load(conn, principal, id).await
        })
        .await
}

/// Deletes a webhook and its delivery log.
pub async fn delete(store: &Store, principal: &Principal, id: &str) -> ServiceResult<Webhook> {
    require_writer(principal)?;
    store
        .transaction(async |conn| {
            let hook = load(conn, principal, id).await?;
            webhooks::delete(conn, &hook.id).await?;
            audit_log::record(
                conn,
                principal,
                "webhook.delete",
                ("webhook", &hook.id),
                Some(json!({ "url": hook.url, "events": hook.event_names() })),
                None,
            )
            .await?;
            Ok(hook)
        })
        .await
}

/// A webhook's delivery log, newest first.
pub async fn deliveries(
    store: &Store,
    principal: &Principal,
    id: &str,
    page: &PageRequest,
) -> ServiceResult<Page<OutboxMessage>> {
    require_writer(principal)?;
    let mut conn = store.conn().await?;
    let hook = load(&mut conn, principal, id).await?;
    Ok(webhooks::deliveries(&mut conn, &hook.id, page).await?)
}
