//! The audit log: recording what a caller did, and reading the log (district admins only).

use homeroom_schema::models::AuditEvent;
use homeroom_schema::page::{Page, PageRequest};
use homeroom_schema::store::audit::{self, AuditFilter, NewEvent};
use homeroom_schema::{Conn, Store};
use serde_json::Value;

use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

/// Records one audit event with `principal` as the actor (inside the change's transaction).
pub async fn record(
    conn: &mut Conn,
    principal: &Principal,
    action: &str,
    target: (&str, &str),
    before: Option<Value>,
    after: Option<Value>,
) -> ServiceResult<AuditEvent> {
    let (actor_kind, actor) = principal.actor();
    Ok(audit::record(
        conn,
        NewEvent {
            district_id: &principal.district_id,
            actor_kind,
            actor_id: Some(&actor),
            action,
            target_kind: target.0,
            target_id: target.1,
            before,
            after,
        },
    )
    .await?)
}

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.is_district_admin() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins may read the audit log".into(),
        ))
    }
}

/// One page of the caller's district's audit log.
pub async fn list(
    store: &Store,
    principal: &Principal,
    filter: &AuditFilter,
    page: &PageRequest,
) -> ServiceResult<Page<AuditEvent>> {
    require_admin(principal)?;
    let mut conn = store.conn().await?;
    Ok(audit::list(&mut conn, &principal.district_id, filter, page).await?)
}

/// How many events of the caller's district match.
pub async fn count(
    store: &Store,
    principal: &Principal,
    filter: &AuditFilter,
) -> ServiceResult<i64> {
    require_admin(principal)?;
    let mut conn = store.conn().await?;
    Ok(audit::count(&mut conn, &principal.district_id, filter).await?)
}
