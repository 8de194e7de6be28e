//! What an outbox message carries: the rendered message, kept until it is sent.

use homeroom_schema::enums::OutboxStatus;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::OutboxMessage;
use serde::{Deserialize, Serialize};

/// Kind of outbox message that carries an invitation.
pub const KIND_INVITATION: &str = "invitation";
/// Outbox kind of password reset emails.
pub const KIND_PASSWORD_RESET: &str = "password_reset";

/// A rendered message, stored as the outbox row's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Payload {
    /// An email.
    Email {
        /// Subject line.
        subject: String,
        /// Plain-text body.
        text: String,
        /// HTML body.
        html: String,
    },
    /// A text message.
    Sms {
        /// Body.
        body: String,
    },
    /// An outgoing webhook delivery (the message's `webhook_id` names the endpoint).
    Webhook {
        /// Event name, e.g. `CLASS_CLAIMED`.
        event: String,
        /// The JSON body, sent as is and signed.
        body: String,
    },
}

impl Payload {
    /// The payload kept after sending: the subject of an email (for the delivery log), never a
    /// body, which may hold an invitation link.
    pub fn scrubbed(&self) -> String {
        let kept = match self {
            Payload::Email { subject, .. } => {
                serde_json::json!({ "channel": "email", "subject": subject })
            }
            Payload::Sms { .. } => serde_json::json!({ "channel": "sms" }),
            // A webhook body holds ids, never secrets: kept for the delivery log.
            Payload::Webhook { .. } => return serde_json::to_string(self).unwrap_or_default(),
        };
        kept.to_string()
    }

    /// The outbox channel that carries this payload.
    pub fn channel(&self) -> &'static str {
        match self {
            Payload::Email { .. } => "email",
            Payload::Sms { .. } => "sms",
            Payload::Webhook { .. } => "webhook",
        }
    }

    /// A new pending outbox message carrying this payload to `recipient`, due now.
    pub fn into_message(self, district_id: &str, kind: &str, recipient: &str) -> OutboxMessage {
        let now = now_micros();
        OutboxMessage {
            id: new_id(),
            district_id: district_id.to_owned(),
            invitation_id: None,
            kind: kind.to_owned(),
            channel: self.channel().to_owned(),
            recipient: recipient.to_owned(),
            payload: serde_json::to_string(&self).unwrap_or_else(|_| "{}".into()),
            status: OutboxStatus::Pending,
            attempts: 0,
            next_attempt_at: now,
            lease_owner: None,
            lease_expires_at: None,
            last_error: None,
            created_at: now,
            updated_at: now,
            sent_at: None,
            provider_message_id: None,
            webhook_id: None,
        }
    }
}
