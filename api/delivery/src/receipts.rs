//! Delivery receipts: providers tell us a message was delivered, bounced or failed
//! (`POST /webhooks/delivery/{provider}`, authenticated by a shared secret).
//!
//! * `twilio` — Twilio's status callback: a form with `MessageSid`, `MessageStatus`
//!   (`delivered`, `undelivered`, `failed`, …) and `ErrorCode`.
//! * `email` — a JSON receipt for email relays: `{"message_id": "<id@homeroom>", "event":
//!   "delivered" | "bounced" | "failed" | "complained", "reason": "…"}`; `message_id` is the
//!   `Message-ID` Homeroom put on the email.

use homeroom_schema::Store;
use homeroom_schema::enums::OutboxStatus;
use serde::Deserialize;

use crate::{DeliveryHooks, RecordError};

/// A receipt that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// No such provider.
    #[error("unknown delivery provider {0}")]
    UnknownProvider(String),
    /// The body is not that provider's receipt.
    #[error("{0}")]
    Malformed(String),
}

/// What a receipt says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered to the recipient.
    Delivered,
    /// Bounced or failed: the recipient cannot be reached this way.
    Failed(String),
    /// Anything else (queued, sent, …): nothing to do.
    Progress,
}

/// A parsed receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The provider's id of the message.
    pub message_id: String,
    /// What happened.
    pub outcome: Outcome,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TwilioStatus {
    message_sid: String,
    message_status: String,
    error_code: Option<String>,
    error_message: Option<String>,
}

#[derive(Deserialize)]
struct EmailEvent {
    message_id: String,
    event: String,
    reason: Option<String>,
}

/// Parses a receipt body from `provider`.
pub fn parse(provider: &str, body: &[u8]) -> Result<Receipt, ReceiptError> {
    match provider {
        "twilio" => {
            let s: TwilioStatus = serde_urlencoded::from_bytes(body).map_err(|e| {
                ReceiptError::Malformed(format!("not a Twilio status callback: {e}"))
            })?;
            let outcome = match s.message_status.as_str() {
                "delivered" | "read" => Outcome::Delivered,
                "undelivered" | "failed" => {
                    let mut reason = format!("SMS {}", s.message_status);
                    if let Some(code) = s.error_code.filter(|c| !c.is_empty()) {
                        reason.push_str(&format!(" (error {code})"));
                    }
                    if let Some(msg) = s.error_message.filter(|m| !m.is_empty()) {
                        reason.push_str(&format!(": {msg}"));
                    }
                    Outcome::Failed(reason)
                }
                _ => Outcome::Progress,
            };
            Ok(Receipt {
                message_id: s.message_sid,
                outcome,
            })
        }
        "email" => {
            let e: EmailEvent = serde_json::from_slice(body)
                .map_err(|e| ReceiptError::Malformed(format!("not an email receipt: {e}")))?;
            let message_id = e
                .message_id
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned();
            let outcome = match e.event.as_str() {
                "delivered" => Outcome::Delivered,
                "bounced" | "bounce" | "failed" | "dropped" | "complained" => Outcome::Failed(
                    format!("email {}: {}", e.event, e.reason.unwrap_or_default())
                        .trim_end_matches([':', ' '])
                        .to_owned(),
                ),
                _ => Outcome::Progress,
            };
            Ok(Receipt {
                message_id,
                outcome,
            })
        }
        other => Err(ReceiptError::UnknownProvider(other.to_owned())),
    }
}

/// Applies a receipt. Unknown message ids are ignored (a provider may report messages another
/// system sent through the same account); repeated receipts change nothing more.
pub async fn apply(
    store: &Store,
    hooks: &dyn DeliveryHooks,
    receipt: &Receipt,
) -> Result<bool, RecordError> {
    let requeued = store
        .transaction(async |conn| {
            let Some(message) =
                homeroom_schema::store::outbox::by_provider_id(conn, &receipt.message_id).await?
            else {
                return Ok::<_, RecordError>(false);
            };
            match &receipt.outcome {
                Outcome::Delivered => {
                    hooks.delivered(conn, &message).await?;
                    Ok(false)
                }
                Outcome::Failed(_) if message.status == OutboxStatus::Failed => Ok(false),
                Outcome::Failed(reason) => {
                    homeroom_schema::store::outbox::give_up(
                        conn,
                        &message.id,
                        OutboxStatus::Failed,
                        reason,
                    )
                    .await?;
                    hooks.failed(conn, &message, reason, true).await
                }
                Outcome::Progress => Ok(false),
            }
        })
        .await?;
    if requeued {
        hooks.wake().notify_one();
    }
    Ok(requeued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twilio_and_email_receipts_parse() {
        let r = parse(
            "twilio",
            b"MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003&To=%2B15551234567",
        )
        .unwrap();
        assert_eq!(r.message_id, "SM1");
        assert_eq!(
            r.outcome,
            Outcome::Failed("SMS undelivered (error 30003)".into())
        );
        let r = parse("twilio", b"MessageSid=SM2&MessageStatus=delivered").unwrap();
        assert_eq!(r.outcome, Outcome::Delivered);
        let r = parse(
            "email",
            br#"{"message_id":"<abc@homeroom>","event":"bounced","reason":"550 no such user"}"#,
        )
        .unwrap();
        assert_eq!(r.message_id, "abc@homeroom");
        assert_eq!(
            r.outcome,
            Outcome::Failed("email bounced: 550 no such user".into())
        );
        assert!(parse("email", b"{}").is_err());
        assert!(parse("pigeon", b"").is_err());
    }
}
