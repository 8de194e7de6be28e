//! The audit log: who did what to which record.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::ActorKind;
use crate::error::StoreResult;
use crate::ids::{new_id, now_micros};
use crate::models::AuditEvent;
use crate::page::{Page, PageRequest};
use crate::tables::audit_events;

/// What an audit entry says; `record` stamps id and time.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// District the event belongs to.
    pub district_id: &'a str,
    /// Kind of actor.
    pub actor_kind: ActorKind,
    /// Person or token id of the actor.
    pub actor_id: Option<&'a str>,
    /// What was done, e.g. `class.claim`.
    pub action: &'a str,
    /// Kind of the record acted on.
    pub target_kind: &'a str,
    /// Id of the record acted on.
    pub target_id: &'a str,
    /// State before, as JSON.
    pub before: Option<serde_json::Value>,
    /// State after, as JSON.
    pub after: Option<serde_json::Value>,
}

/// Writes an audit event (call it inside the transaction that makes the change).
pub async fn record(conn: &mut Conn, event: NewEvent<'_>) -> StoreResult<AuditEvent> {
    let row = AuditEvent {
        id: new_id(),
        district_id: event.district_id.to_owned(),
        actor_kind: event.actor_kind,
        actor_id: event.actor_id.map(str::to_owned),
        action: event.action.to_owned(),
        target_kind: event.target_kind.to_owned(),
        target_id: event.target_id.to_owned(),
        before: event.before.map(|v| v.to_string()),
        after: event.after.map(|v| v.to_string()),
        created_at: now_micros(),
    };
    with_conn!(conn, |c| {
        diesel::insert_into(audit_events::table)
            .values(&row)
            .execute(c)
            .await?
    });
    Ok(row)
}

/// Audit events about one record, oldest first.
pub async fn for_target(conn: &mut Conn, target_id: &str) -> StoreResult<Vec<AuditEvent>> {
    Ok(with_conn!(conn, |c| {
        audit_events::table
            .filter(audit_events::target_id.eq(target_id))
            .order(audit_events::id.asc())
            .select(AuditEvent::as_select())
            .load(c)
            .await?
    }))
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Events by this actor (person or token id).
    pub actor_id: Option<String>,
    /// Events with this action, e.g. `person.merge`.
    pub action: Option<String>,
    /// Events about this record.
    pub target_id: Option<String>,
    /// Events at or after this time (Unix epoch microseconds).
    pub since: Option<i64>,
}

macro_rules! filtered_events {
    ($district:expr, $filter:expr) => {{
        let mut q = audit_events::table
            .filter(audit_events::district_id.eq($district))
            .into_boxed();
        if let Some(actor) = &$filter.actor_id {
            q = q.filter(audit_events::actor_id.eq(actor.clone()));
        }
        if let Some(action) = &$filter.action {
            q = q.filter(audit_events::action.eq(action.clone()));
        }
        if let Some(target) = &$filter.target_id {
            q = q.filter(audit_events::target_id.eq(target.clone()));
        }
        if let Some(since) = $filter.since {
            q = q.filter(audit_events::created_at.ge(since));
        }
        q
    }};
}

/// One page of a district's audit log, oldest first.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    filter: &AuditFilter,
    page: &PageRequest,
) -> StoreResult<Page<AuditEvent>> {
    let limit = page.limit();
    let rows: Vec<AuditEvent> = with_conn!(conn, |c| {
        let mut q = filtered_events!(district_id, filter);
        if let Some(after) = &page.after {
            q = q.filter(audit_events::id.gt(after));
        }
        q.order(audit_events::id.asc())
            .limit(limit + 1)
            .select(AuditEvent::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// How many events match.
pub async fn count(conn: &mut Conn, district_id: &str, filter: &AuditFilter) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        filtered_events!(district_id, filter)
            .count()
            .get_result(c)
            .await?
    }))
}

/// One event of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<AuditEvent>> {
    Ok(with_conn!(conn, |c| {
        audit_events::table
            .filter(audit_events::district_id.eq(district_id))
            .filter(audit_events::id.eq(id))
            .select(AuditEvent::as_select())
            .first(c)
            .await
            .optional()?
    }))
}
