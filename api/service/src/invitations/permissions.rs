//! Who may manage a class's families.

use homeroom_schema::Conn;
use homeroom_schema::models::Class;
use homeroom_schema::store::classes as store_classes;

use crate::auth::Principal;
use crate::auth::policy;
use crate::error::{ServiceError, ServiceResult};

/// Loads a class the caller may manage families of: a teacher or aide of the class, or an
/// admin of it. Others get `NOT_FOUND` when they cannot see it, `FORBIDDEN` when they can.
pub async fn managed_class(
    conn: &mut Conn,
    principal: &Principal,
    class_id: &str,
) -> ServiceResult<Class> {
    let class = store_classes::get(conn, &principal.district_id, class_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("class".into()))?;
    if policy::manages(conn, principal, &class).await? {
        return Ok(class);
    }
    Err(ServiceError::Forbidden(
        "only the class's teachers and admins manage its families".into(),
    ))
}
