//! Outgoing webhooks: partners' endpoints and their delivery log (the outbox rows that name
//! them).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::models::{OutboxMessage, Webhook};
use crate::page::{Page, PageRequest};
use crate::tables::{outbox_messages, webhooks};

/// Adds a webhook.
pub async fn insert(conn: &mut Conn, row: &Webhook) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(webhooks::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// One webhook of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<Webhook>> {
    Ok(with_conn!(conn, |c| {
        webhooks::table
            .filter(webhooks::district_id.eq(district_id))
            .filter(webhooks::id.eq(id))
            .select(Webhook::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// The district's webhooks, oldest first.
pub async fn list(conn: &mut Conn, district_id: &str) -> StoreResult<Vec<Webhook>> {
    Ok(with_conn!(conn, |c| {
        webhooks::table
            .filter(webhooks::district_id.eq(district_id))
            .order(webhooks::id.asc())
            .select(Webhook::as_select())
            .load(c)
            .await?
    }))
}

/// Enables or disables a webhook.
pub async fn set_enabled(conn: &mut Conn, id: &str, enabled: bool, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(webhooks::table.filter(webhooks::id.eq(id)))
            .set((webhooks::enabled.eq(enabled), webhooks::updated_at.eq(now)))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Deletes a webhook and its delivery log (messages not yet sent are dropped with it).
pub async fn delete(conn: &mut Conn, id: &str) -> StoreResult<bool> {
    Ok(with_conn!(conn, |c| {
        diesel::delete(outbox_messages::table.filter(outbox_messages::webhook_id.eq(id)))
            .execute(c)
            .await?;
        diesel::delete(webhooks::table.filter(webhooks::id.eq(id)))
            .execute(c)
            .await?
    }) > 0)
}

/// The delivery log of a webhook, newest first: keyset-paged on the message id.
pub async fn deliveries(
    conn: &mut Conn,
    webhook_id: &str,
    page: &PageRequest,
) -> StoreResult<Page<OutboxMessage>> {
    let limit = page.limit();
    let rows: Vec<OutboxMessage> = with_conn!(conn, |c| {
        let mut q = outbox_messages::table
            .filter(outbox_messages::webhook_id.eq(webhook_id))
            .into_boxed();
        if let Some(after) = &page.after {
            q = q.filter(outbox_messages::id.lt(after));
        }
        q.order(outbox_messages::id.desc())
            .limit(limit + 1)
            .select(OutboxMessage::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}
