//! District settings admins change through the API.

use homeroom_schema::models::District;
use homeroom_schema::store::districts;
use homeroom_schema::{Store, StoreError};
use serde_json::json;

use crate::auth::Principal;
use crate::error::{ApiError, ApiResult};
use crate::service::audit_log;

/// Turns rostering enforcement on or off (district admins). One audit event when it changes.
pub async fn set_rostering_enforced(
    store: &Store,
    principal: &Principal,
    enabled: bool,
) -> ApiResult<District> {
    if !principal.is_district_admin() {
        return Err(ApiError::Forbidden(
            "only district admins change district settings".into(),
        ));
    }
    store
        .transaction(async |conn| {
            let district = districts::get(conn, &principal.district_id)
                .await?
                .ok_or(StoreError::NotFound)?;
            let mut settings = district.settings();
            if settings.rostering_enforced != enabled {
                let before = settings.rostering_enforced;
                settings.rostering_enforced = enabled;
                districts::set_settings(conn, &district.id, &settings).await?;
                audit_log::record(
                    conn,
                    principal,
                    "district.settings",
                    ("district", &district.id),
                    Some(json!({ "rostering_enforced": before })),
                    Some(json!({ "rostering_enforced": enabled })),
                )
                .await?;
            }
            Ok::<_, ApiError>(
                districts::get(conn, &district.id)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            )
        })
        .await
}
