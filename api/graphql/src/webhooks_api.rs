//! Outgoing webhooks (district admins and partners with `webhooks:write`).

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use crate::context::req;
use crate::ids::{NodeKind, decode_as};
use crate::types::webhook::Webhook;
use homeroom_service::webhooks::NewWebhook;

use crate::UserError;
use crate::types::enums::WebhookEvent;

/// Result of `createWebhook`.
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The new webhook (null when refused).
    pub webhook: Option<Webhook>,
    /// Why it was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Webhook queries.
#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The district's webhooks.
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<Webhook>> {
        let r = req(ctx);
        let rows = homeroom_service::webhooks::list(&r.store, r.principal()?).await?;
        Ok(rows.into_iter().map(Webhook).collect())
    }

    /// One webhook.
    async fn webhook(&self, ctx: &Context<'_>, id: ID) -> Result<Webhook> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Webhook, &id)?;
        Ok(Webhook(
            homeroom_service::webhooks::get(&r.store, r.principal()?, &id).await?,
        ))
    }
}

/// Webhook mutations.
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers an endpoint for events. Deliveries are JSON `POST`s signed with
    /// `Homeroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
    /// retried with backoff on 408, 429, 5xx and timeouts. `url` must be https (http only to
    /// localhost); `secret` at least 16 characters, stored encrypted, never returned.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        url: String,
        events: Vec<WebhookEvent>,
        secret: String,
    ) -> Result<CreateWebhookPayload> {
        let r = req(ctx);
        let key = r.sync.as_ref().and_then(|s| s.key.as_ref());
        let outcome = homeroom_service::webhooks::create(
            &r.store,
            r.principal()?,
            key,
            NewWebhook {
                url,
                events: events.into_iter().map(Into::into).collect(),
                secret,
            },
        )
        .await?;
        Ok(match outcome {
            Ok(row) => CreateWebhookPayload {
                webhook: Some(Webhook(row)),
                user_errors: Vec::new(),
            },
            Err(e) => CreateWebhookPayload {
                webhook: None,
                user_errors: vec![e.into()],
            },
        })
    }

    /// Turns a webhook on or off (events while off are not delivered).
    async fn update_webhook(&self, ctx: &Context<'_>, id: ID, enabled: bool) -> Result<Webhook> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Webhook, &id)?;
        Ok(Webhook(
            homeroom_service::webhooks::set_enabled(&r.store, r.principal()?, &id, enabled).await?,
        ))
    }

    /// Deletes a webhook and its delivery log; returns it as it was.
    async fn delete_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<Webhook> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Webhook, &id)?;
        Ok(Webhook(
            homeroom_service::webhooks::delete(&r.store, r.principal()?, &id).await?,
        ))
    }
}
