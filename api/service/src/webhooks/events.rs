//! Webhook events, and queuing them: one outbox message per subscribed webhook, written on the
//! connection (or in the transaction) of the change that caused the event.

use homeroom_schema::Conn;
use homeroom_schema::models::OutboxMessage;
use homeroom_schema::store::{outbox, webhooks};
use serde_json::{Value, json};

use crate::error::ServiceResult;
use homeroom_delivery::message::Payload;

/// What a webhook can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    /// A sync run ended (succeeded, failed or held); dry runs included, flagged.
    SyncRunFinished,
    /// Two people were merged.
    PersonMerged,
    /// A merge was undone.
    PersonUnmerged,
    /// A guardian accepted an invitation and claimed their account.
    InvitationAccepted,
    /// A teacher claimed a class.
    ClassClaimed,
    /// A class claim was released.
    ClassReleased,
}

impl WebhookEvent {
    /// Every event.
    pub const ALL: &[WebhookEvent] = &[
        WebhookEvent::SyncRunFinished,
        WebhookEvent::PersonMerged,
        WebhookEvent::PersonUnmerged,
        WebhookEvent::InvitationAccepted,
        WebhookEvent::ClassClaimed,
        WebhookEvent::ClassReleased,
    ];

    /// The event's name on the wire (`SYNC_RUN_FINISHED`, …), as GraphQL spells it.
    pub fn name(self) -> &'static str {
        match self {
            WebhookEvent::SyncRunFinished => "SYNC_RUN_FINISHED",
            WebhookEvent::PersonMerged => "PERSON_MERGED",
            WebhookEvent::PersonUnmerged => "PERSON_UNMERGED",
            WebhookEvent::InvitationAccepted => "INVITATION_ACCEPTED",
            WebhookEvent::ClassClaimed => "CLASS_CLAIMED",
            WebhookEvent::ClassReleased => "CLASS_RELEASED",
        }
    }

    /// The event a wire name names.
    pub fn from_name(name: &str) -> Option<WebhookEvent> {
        Self::ALL.iter().copied().find(|e| e.name() == name)
    }
}

/// Outbox kind of a webhook delivery of `event`.
pub fn outbox_kind(event: WebhookEvent) -> String {
    format!("webhook.{}", event.name().to_ascii_lowercase())
}

/// The event a queued webhook delivery carries.
pub fn event_of(delivery: &OutboxMessage) -> Option<WebhookEvent> {
    match serde_json::from_str::<Payload>(&delivery.payload) {
        Ok(Payload::Webhook { event, .. }) => WebhookEvent::from_name(&event),
        _ => WebhookEvent::ALL
            .iter()
            .copied()
            .find(|e| outbox_kind(*e) == delivery.kind),
    }
}

/// The JSON body of a webhook delivery, while it is kept (dropped when it fails for good).
pub fn body_of(delivery: &OutboxMessage) -> Option<String> {
    match serde_json::from_str::<Payload>(&delivery.payload) {
        Ok(Payload::Webhook { body, .. }) => Some(body),
        _ => None,
    }
}

/// Queues `event` with `data` to every enabled webhook of the district that subscribed to it.
/// The body is `{id, event, districtId, occurredAt, data}`; `id` is the delivery's id, also
/// sent as the `Homeroom-Delivery` header, so receivers can drop duplicates. Returns how many
/// deliveries were queued.
pub async fn emit(
    conn: &mut Conn,
    district_id: &str,
    event: WebhookEvent,
    data: Value,
) -> ServiceResult<usize> {
    let hooks: Vec<_> = webhooks::list(conn, district_id)
        .await?
        .into_iter()
        .filter(|w| w.enabled && w.event_names().iter().any(|n| n == event.name()))
        .collect();
    if hooks.is_empty() {
        return Ok(0);
    }
    let occurred_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut rows = Vec::with_capacity(hooks.len());
    for hook in hooks {
        let placeholder = Payload::Webhook {
            event: event.name().to_owned(),
            body: String::new(),
        };
        let mut message = placeholder.into_message(district_id, &outbox_kind(event), &hook.url);
        let body = json!({
            "id": message.id,
            "event": event.name(),
            "districtId": district_id,
            "occurredAt": occurred_at,
            "data": data,
        })
        .to_string();
        message.payload = serde_json::to_string(&Payload::Webhook {
            event: event.name().to_owned(),
            body,
        })
        .unwrap_or_else(|_| "{}".into());
        message.webhook_id = Some(hook.id);
        rows.push(message);
    }
    outbox::enqueue(conn, &rows).await?;
    Ok(rows.len())
}
