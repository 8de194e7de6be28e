//! What the layers above the outbox are told about a message's fate, without the worker naming
//! them: the service layer implements [`DeliveryHooks`] to mark invitations sent or delivered
//! and to fall back to the other channel when one fails for good.

use homeroom_schema::Conn;
use homeroom_schema::models::OutboxMessage;
use tokio::sync::Notify;

use crate::error::RecordError;

/// Told what happened to messages, on the connection (inside the transaction) that records it.
#[async_trait::async_trait]
pub trait DeliveryHooks: Send + Sync {
    /// Rung when messages were queued (by a hook or anyone else); the worker waits on it.
    fn wake(&self) -> &Notify;

    /// Whether a claimed message is still wanted (e.g. its invitation is still open). An
    /// unwanted message is dropped unsent.
    async fn still_wanted(
        &self,
        conn: &mut Conn,
        message: &OutboxMessage,
    ) -> Result<bool, RecordError>;

    /// The provider accepted the message.
    async fn sent(&self, conn: &mut Conn, message: &OutboxMessage) -> Result<(), RecordError>;

    /// An attempt failed for now (`reason`); the message waits for another one. By default
    /// nothing is recorded beyond the outbox.
    async fn retrying(
        &self,
        _conn: &mut Conn,
        _message: &OutboxMessage,
        _reason: &str,
    ) -> Result<(), RecordError> {
        Ok(())
    }

    /// The provider confirmed delivery (a receipt).
    async fn delivered(&self, conn: &mut Conn, message: &OutboxMessage) -> Result<(), RecordError>;

    /// The message failed for good (`unreachable`: the recipient cannot be reached this way).
    /// Returns whether a follow-up message was queued (e.g. on the other channel).
    async fn failed(
        &self,
        conn: &mut Conn,
        message: &OutboxMessage,
        reason: &str,
        unreachable: bool,
    ) -> Result<bool, RecordError>;
}
