//! The families side of delivery: the outbox worker tells [`Families`] what happened to each
//! message, and invitations follow (sent, delivered, or the other channel tried).

use homeroom_delivery::{DeliveryHooks, RecordError};
use homeroom_schema::Conn;
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::OutboxMessage;
use homeroom_schema::store::invitations;
use tokio::sync::Notify;

use super::{Families, fallback, state};
use crate::ServiceError;

#[allow(clippy::needless_pass_by_value)] // used as `map_err(record)`
fn record(e: ServiceError) -> RecordError {
    RecordError::Hook(e.to_string())
}

#[async_trait::async_trait]
impl DeliveryHooks for Families {
    fn wake(&self) -> &Notify {
        &self.wake
    }

    async fn still_wanted(
        &self,
        conn: &mut Conn,
        message: &OutboxMessage,
    ) -> Result<bool, RecordError> {
        let Some(invitation_id) = &message.invitation_id else {
            return Ok(true);
        };
        Ok(invitations::get(conn, &message.district_id, invitation_id)
            .await?
            .is_some_and(|inv| state::is_open(&inv, now_micros())))
    }

    async fn sent(&self, conn: &mut Conn, message: &OutboxMessage) -> Result<(), RecordError> {
        fallback::sent(conn, message).await.map_err(record)
    }

    async fn retrying(
        &self,
        conn: &mut Conn,
        message: &OutboxMessage,
        reason: &str,
    ) -> Result<(), RecordError> {
        fallback::retrying(conn, message, reason)
            .await
            .map_err(record)
    }

    async fn delivered(&self, conn: &mut Conn, message: &OutboxMessage) -> Result<(), RecordError> {
        fallback::delivered(conn, message).await.map_err(record)
    }

    async fn failed(
        &self,
        conn: &mut Conn,
        message: &OutboxMessage,
        reason: &str,
        unreachable: bool,
    ) -> Result<bool, RecordError> {
        fallback::failed(conn, message, &self.public_url, reason, unreachable)
            .await
            .map(|next| next.is_some())
            .map_err(record)
    }
}
