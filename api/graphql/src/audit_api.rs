//! The audit log (district admins) and the district settings admins change.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, Result};
use homeroom_schema::store::audit::AuditFilter as DbAuditFilter;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, decode};
use crate::types::audit::AuditEvent;
use crate::types::viewer::District;
use homeroom_service;
use homeroom_service::error::ServiceError;

/// Filters of `auditEvents`.
#[derive(InputObject, Default, Clone)]
pub struct AuditEventFilter {
    /// Events by this actor: a person's global id, or a token id.
    pub actor: Option<ID>,
    /// Events with this action, e.g. `person.merge`.
    pub action: Option<String>,
    /// Events about this record: a global id, or a raw id for records without one.
    pub target: Option<ID>,
    /// Events at or after this time (RFC 3339).
    pub since: Option<String>,
}

/// A global id's row id, or the text itself when it is not a global id (token ids).
fn row_id(id: &ID) -> String {
    decode(id).map_or_else(|_| id.to_string(), |(_, row)| row)
}

fn audit_filter(f: Option<AuditEventFilter>) -> Result<DbAuditFilter, ServiceError> {
    let f = f.unwrap_or_default();
    let since = f
        .since
        .as_deref()
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.timestamp_micros())
                .map_err(|e| ServiceError::BadUserInput(format!("since: {e}")))
        })
        .transpose()?;
    Ok(DbAuditFilter {
        actor_id: f.actor.as_ref().map(row_id),
        action: f.action,
        target_id: f.target.as_ref().map(row_id),
        since,
    })
}

/// `totalCount` of the audit log.
pub struct AuditCount(DbAuditFilter);

#[Object]
impl AuditCount {
    /// Events matching the filter, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        Ok(homeroom_service::audit_log::count(&r.store, r.principal()?, &self.0).await?)
    }
}

/// Audit log queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The district's audit log, oldest first (district admins only).
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditEventFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, AuditEvent, AuditCount, EmptyFields>> {
        let r = req(ctx);
        let page = page_request(first, after.as_deref())?;
        let filter = audit_filter(filter)?;
        let rows =
            homeroom_service::audit_log::list(&r.store, r.principal()?, &filter, &page).await?;
        Ok(build(
            rows,
            page.after.is_some(),
            AuditCount(filter),
            |e| e.id.clone(),
            AuditEvent,
        ))
    }
}

/// District settings mutations.
#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Turns rostering enforcement on or off (district admins): when on, SIS-linked people
    /// cannot remove themselves (or be removed by teachers) from classes; sync or an admin does.
    async fn set_rostering_enforcement(
        &self,
        ctx: &Context<'_>,
        enabled: bool,
    ) -> Result<District> {
        let r = req(ctx);
        let row =
            homeroom_service::settings::set_rostering_enforced(&r.store, r.principal()?, enabled)
                .await?;
        Ok(District(row))
    }

    /// Decides whether guardian links teachers make wait for a district admin's approval
    /// (district admins). Links made before keep their review.
    async fn set_teacher_link_approval(
        &self,
        ctx: &Context<'_>,
        required: bool,
    ) -> Result<District> {
        let r = req(ctx);
        let row = homeroom_service::settings::set_teacher_links_need_approval(
            &r.store,
            r.principal()?,
            required,
        )
        .await?;
        Ok(District(row))
    }

    /// Turns the district's notifications on or off (district admins); fields left out keep
    /// their setting.
    async fn set_notification_settings(
        &self,
        ctx: &Context<'_>,
        input: NotificationSettingsInput,
    ) -> Result<District> {
        let r = req(ctx);
        let patch = homeroom_service::settings::NotificationPatch {
            teacher_new_classes: input.teacher_new_classes,
            families_class_claimed: input.families_class_claimed,
            admin_sync_summary: input.admin_sync_summary,
        };
        let row =
            homeroom_service::settings::set_notifications(&r.store, r.principal()?, &patch).await?;
        Ok(District(row))
    }
}

/// Which notifications to send.
#[derive(async_graphql::InputObject)]
pub struct NotificationSettingsInput {
    /// After a maintenance sync, tell teachers about classes new to them.
    pub teacher_new_classes: Option<bool>,
    /// When a teacher claims a class, tell its invited or claimed families.
    pub families_class_claimed: Option<bool>,
    /// Tell district admins when a sync run fails or is held.
    pub admin_sync_summary: Option<bool>,
}
