//! The outbox: messages written in the same transaction as the change that causes them, then
//! claimed by delivery workers through the database (one worker per message, even with many
//! replicas: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer lock on SQLite).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::OutboxStatus;
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::models::OutboxMessage;
use crate::tables::outbox_messages;

/// Queues messages.
pub async fn enqueue(conn: &mut Conn, rows: &[OutboxMessage]) -> StoreResult<()> {
    for rows in rows.chunks(500) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(outbox_messages::table).values(values)
        });
    }
    Ok(())
}

/// Claims up to `limit` due messages for `worker` until `lease_until` (µs): pending messages
/// whose next attempt is due, and messages whose previous worker's lease ran out. Must run inside
/// a transaction.
pub async fn claim(
    conn: &mut Conn,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> StoreResult<Vec<OutboxMessage>> {
    let due = outbox_messages::status
        .eq(OutboxStatus::Pending)
        .and(outbox_messages::next_attempt_at.le(now))
        .or(outbox_messages::status
            .eq(OutboxStatus::Sending)
            .and(outbox_messages::lease_expires_at.lt(now)));
    let ids: Vec<String> = match conn {
        Conn::Pg(c) => {
            outbox_messages::table
                .filter(due)
                .order(outbox_messages::next_attempt_at.asc())
                .limit(limit)
                .select(outbox_messages::id)
                .for_update()
                .skip_locked()
                .load(&mut **c)
                .await?
        }
        Conn::Sqlite(c) => {
            outbox_messages::table
                .filter(due)
                .order(outbox_messages::next_attempt_at.asc())
                .limit(limit)
                .select(outbox_messages::id)
                .load(&mut **c)
                .await?
        }
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        diesel::update(outbox_messages::table.filter(outbox_messages::id.eq_any(&ids)))
            .set((
                outbox_messages::status.eq(OutboxStatus::Sending),
                outbox_messages::lease_owner.eq(worker),
                outbox_messages::lease_expires_at.eq(lease_until),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(c)
            .await?;
        outbox_messages::table
            .filter(outbox_messages::id.eq_any(&ids))
            .order(outbox_messages::next_attempt_at.asc())
            .select(OutboxMessage::as_select())
            .load(c)
            .await?
    }))
}

/// Records a delivered message: the provider's id, and the payload with anything secret (an
/// invitation link) removed.
pub async fn mark_sent(
    conn: &mut Conn,
    id: &str,
    provider_message_id: Option<&str>,
    scrubbed_payload: &str,
) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(outbox_messages::table.filter(outbox_messages::id.eq(id)))
            .set((
                outbox_messages::status.eq(OutboxStatus::Sent),
                outbox_messages::provider_message_id.eq(provider_message_id),
                outbox_messages::payload.eq(scrubbed_payload),
                outbox_messages::attempts.eq(outbox_messages::attempts + 1),
                outbox_messages::sent_at.eq(now),
                outbox_messages::lease_owner.eq(None::<String>),
                outbox_messages::lease_expires_at.eq(None::<i64>),
                outbox_messages::last_error.eq(None::<String>),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Puts a message back for another attempt at `next_attempt_at` after a transient failure.
pub async fn retry_later(
    conn: &mut Conn,
    id: &str,
    next_attempt_at: i64,
    error: &str,
) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(outbox_messages::table.filter(outbox_messages::id.eq(id)))
            .set((
                outbox_messages::status.eq(OutboxStatus::Pending),
                outbox_messages::attempts.eq(outbox_messages::attempts + 1),
                outbox_messages::next_attempt_at.eq(next_attempt_at),
                outbox_messages::lease_owner.eq(None::<String>),
                outbox_messages::lease_expires_at.eq(None::<i64>),
                outbox_messages::last_error.eq(error),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Gives a message up (`Failed`: the recipient is unreachable; `Dead`: out of attempts or
/// cancelled), dropping its payload.
pub async fn give_up(
    conn: &mut Conn,
    id: &str,
    status: OutboxStatus,
    error: &str,
) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(outbox_messages::table.filter(outbox_messages::id.eq(id)))
            .set((
                outbox_messages::status.eq(status),
                outbox_messages::attempts.eq(outbox_messages::attempts + 1),
                outbox_messages::payload.eq("{}"),
                outbox_messages::lease_owner.eq(None::<String>),
                outbox_messages::lease_expires_at.eq(None::<i64>),
                outbox_messages::last_error.eq(error),
                outbox_messages::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Cancels the not-yet-sent messages of an invitation (it was revoked).
pub async fn cancel_for_invitation(conn: &mut Conn, invitation_id: &str) -> StoreResult<usize> {
    let now = now_micros();
    Ok(with_conn!(conn, |c| {
        diesel::update(
            outbox_messages::table
                .filter(outbox_messages::invitation_id.eq(invitation_id))
                .filter(
                    outbox_messages::status.eq_any([OutboxStatus::Pending, OutboxStatus::Sending]),
                ),
        )
        .set((
            outbox_messages::status.eq(OutboxStatus::Dead),
            outbox_messages::payload.eq("{}"),
            outbox_messages::last_error.eq("cancelled: the invitation was revoked"),
            outbox_messages::updated_at.eq(now),
        ))
        .execute(c)
        .await?
    }))
}

/// The message a provider's delivery receipt names.
pub async fn by_provider_id(
    conn: &mut Conn,
    provider_message_id: &str,
) -> StoreResult<Option<OutboxMessage>> {
    Ok(with_conn!(conn, |c| {
        outbox_messages::table
            .filter(outbox_messages::provider_message_id.eq(provider_message_id))
            .select(OutboxMessage::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Messages of an invitation, oldest first.
pub async fn of_invitation(
    conn: &mut Conn,
    invitation_id: &str,
) -> StoreResult<Vec<OutboxMessage>> {
    Ok(with_conn!(conn, |c| {
        outbox_messages::table
            .filter(outbox_messages::invitation_id.eq(invitation_id))
            .order(outbox_messages::id.asc())
            .select(OutboxMessage::as_select())
            .load(c)
            .await?
    }))
}

/// Messages waiting to be sent (the outbox depth metric).
pub async fn depth(conn: &mut Conn) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        outbox_messages::table
            .filter(outbox_messages::status.eq_any([OutboxStatus::Pending, OutboxStatus::Sending]))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Messages of a district whose kind starts with `kind_prefix` (e.g. `notice.`), oldest first.
pub async fn of_kind(
    conn: &mut Conn,
    district_id: &str,
    kind_prefix: &str,
) -> StoreResult<Vec<OutboxMessage>> {
    let pattern = format!("{}%", kind_prefix.replace('%', "\\%").replace('_', "\\_"));
    Ok(with_conn!(conn, |c| {
        outbox_messages::table
            .filter(outbox_messages::district_id.eq(district_id))
            .filter(outbox_messages::kind.like(&pattern).escape('\\'))
            .order(outbox_messages::id.asc())
            .select(OutboxMessage::as_select())
            .load(c)
            .await?
    }))
}
