//! What an outbox message carries: the rendered message, kept until it is sent.

use serde::{Deserialize, Serialize};

/// Kind of outbox message that carries an invitation.
pub const KIND_INVITATION: &str = "invitation";

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
        };
        kept.to_string()
    }
}
