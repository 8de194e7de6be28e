//! Outgoing webhooks and their delivery log.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, Result};
use homeroom_schema::enums::OutboxStatus;
use homeroom_schema::models;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, encode};
use crate::types::enums::WebhookEvent;
use homeroom_service;

/// A partner's endpoint that receives signed event deliveries. The secret is never returned.
pub struct Webhook(pub models::Webhook);

#[Object]
impl Webhook {
    /// Global id.
    async fn id(&self) -> ID {
        encode(NodeKind::Webhook, &self.0.id)
    }
    /// Where deliveries are posted.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// The events it receives.
    async fn events(&self) -> Vec<WebhookEvent> {
        self.0
            .event_names()
            .iter()
            .filter_map(|n| homeroom_service::webhooks::WebhookEvent::from_name(n))
            .map(Into::into)
            .collect()
    }
    /// Whether deliveries are sent.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// When it was registered (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// The delivery log, newest first.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn deliveries(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, WebhookDelivery, EmptyFields, EmptyFields>> {
        let r = req(ctx);
        let page = page_request(first, after.as_deref())?;
        let rows =
            homeroom_service::webhooks::deliveries(&r.store, r.principal()?, &self.0.id, &page)
                .await?;
        Ok(build(
            rows,
            page.after.is_some(),
            EmptyFields,
            |m| m.id.clone(),
            WebhookDelivery,
        ))
    }
}

/// Where a delivery stands.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum WebhookDeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// Being sent.
    Sending,
    /// The endpoint answered 2xx.
    Delivered,
    /// The endpoint refused it for good (4xx), or the webhook was disabled or deleted.
    Failed,
    /// Out of attempts.
    GaveUp,
}

/// One delivery of an event to a webhook, with its attempts.
pub struct WebhookDelivery(pub models::OutboxMessage);

#[Object]
impl WebhookDelivery {
    /// The delivery id (also the `Homeroom-Delivery` header and the body's `id`).
    async fn id(&self) -> &str {
        &self.0.id
    }
    /// The event delivered.
    async fn event(&self) -> Option<WebhookEvent> {
        homeroom_service::webhooks::event_of(&self.0).map(Into::into)
    }
    /// Where the delivery stands.
    async fn status(&self) -> WebhookDeliveryStatus {
        match self.0.status {
            OutboxStatus::Pending => WebhookDeliveryStatus::Pending,
            OutboxStatus::Sending => WebhookDeliveryStatus::Sending,
            OutboxStatus::Sent => WebhookDeliveryStatus::Delivered,
            OutboxStatus::Failed => WebhookDeliveryStatus::Failed,
            OutboxStatus::Dead => WebhookDeliveryStatus::GaveUp,
        }
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// What the last failed attempt got (e.g. `HTTP 500: …`, `timed out`).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// The JSON body sent, while it is kept (dropped when a delivery fails for good).
    async fn body(&self) -> Option<String> {
        homeroom_service::webhooks::body_of(&self.0)
    }
    /// When the event was queued (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// When the endpoint accepted it.
    async fn delivered_at(&self) -> Option<String> {
        self.0.sent_at.map(crate::time::rfc3339)
    }
    /// When the next attempt is due, while one is.
    async fn next_attempt_at(&self) -> Option<String> {
        (self.0.status == OutboxStatus::Pending)
            .then(|| crate::time::rfc3339(self.0.next_attempt_at))
    }
}
