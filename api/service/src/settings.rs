//! District settings admins change through the API.

use homeroom_schema::models::{District, DistrictSettings, NotificationSettings};
use homeroom_schema::store::districts;
use homeroom_schema::{Store, StoreError};
use serde_json::{Value, json};

use crate::audit_log;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

/// Applies `change` to the caller's district settings (district admins). `change` returns the
/// audit before/after of what it changed, or `None` when nothing changed (nothing is written or
/// audited then). Returns the district after.
async fn update(
    store: &Store,
    principal: &Principal,
    change: impl FnOnce(&mut DistrictSettings) -> Option<(Value, Value)> + Send,
) -> ServiceResult<District> {
    if !principal.is_district_admin() {
        return Err(ServiceError::Forbidden(
            "only district admins change district settings".into(),
        ));
    }
    store
        .transaction(async |conn| {
            let district = districts::get(conn, &principal.district_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut settings = district.settings();
            if let Some((before, after)) = change(&mut settings) {
                districts::set_settings(conn, &district.id, &settings).await?;
                audit_log::record(
                    conn,
                    principal,
                    "district.settings",
                    ("district", &district.id),
                    Some(before),
                    Some(after),
                )
                .await?;
            }
            Ok::<_, ServiceError>(
                districts::get(conn, &district.id)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            )
        })
        .await
}

/// Turns rostering enforcement on or off (district admins). One audit event when it changes.
pub async fn set_rostering_enforced(
    store: &Store,
    principal: &Principal,
    enabled: bool,
) -> ServiceResult<District> {
    update(store, principal, |settings| {
        (settings.rostering_enforced != enabled).then(|| {
            let before = std::mem::replace(&mut settings.rostering_enforced, enabled);
            (
                json!({ "rostering_enforced": before }),
                json!({ "rostering_enforced": enabled }),
            )
        })
    })
    .await
}

/// Changes to the notification switches; `None` leaves a switch as it is.
#[derive(Debug, Clone, Default)]
pub struct NotificationPatch {
    /// Teachers told of new classes after a maintenance sync.
    pub teacher_new_classes: Option<bool>,
    /// Families told when a teacher claims their class.
    pub families_class_claimed: Option<bool>,
    /// Admins told when a sync fails or is held.
    pub admin_sync_summary: Option<bool>,
}

impl NotificationPatch {
    fn apply(&self, to: &NotificationSettings) -> NotificationSettings {
        NotificationSettings {
            teacher_new_classes: self.teacher_new_classes.unwrap_or(to.teacher_new_classes),
            families_class_claimed: self
                .families_class_claimed
                .unwrap_or(to.families_class_claimed),
            admin_sync_summary: self.admin_sync_summary.unwrap_or(to.admin_sync_summary),
        }
    }
}

/// Turns notifications on or off (district admins). One audit event when anything changes.
pub async fn set_notifications(
    store: &Store,
    principal: &Principal,
    patch: &NotificationPatch,
) -> ServiceResult<District> {
    update(store, principal, |settings| {
        let after = patch.apply(&settings.notifications);
        (after != settings.notifications).then(|| {
            let before = std::mem::replace(&mut settings.notifications, after.clone());
            (
                json!({ "notifications": before }),
                json!({ "notifications": after }),
            )
        })
    })
    .await
}

/// Whether guardian links teachers make wait for an admin's approval (district admins). One
/// audit event when it changes. Links made before keep their review state.
pub async fn set_teacher_links_need_approval(
    store: &Store,
    principal: &Principal,
    required: bool,
) -> ServiceResult<District> {
    update(store, principal, |settings| {
        (settings.teacher_links_need_approval != required).then(|| {
            let before = std::mem::replace(&mut settings.teacher_links_need_approval, required);
            (
                json!({ "teacher_links_need_approval": before }),
                json!({ "teacher_links_need_approval": required }),
            )
        })
    })
    .await
}
