//! The caller and their district.

use async_graphql::{Context, ID, Object, Result};
use homeroom_schema::models;
use homeroom_schema::store::{districts, orgs};

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::enums::{OrgType, ViewerRole};
use crate::types::org::Org;
use crate::types::person::Person;
use homeroom_service::auth::Principal;
use homeroom_service::error::ServiceError;

/// Who is asking.
pub struct Viewer(pub Principal);

#[Object]
impl Viewer {
    /// The role the caller's token acts with.
    async fn role(&self) -> ViewerRole {
        self.0.role.into()
    }
    /// Partner scopes (empty for people).
    async fn scopes(&self) -> &[String] {
        &self.0.scopes
    }
    /// The person behind the token, if any.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = self.0.person_id.clone() else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.person.load_one(id).await?.map(Person))
    }
    /// The caller's district.
    async fn district(&self, ctx: &Context<'_>) -> Result<District> {
        load_district(ctx, &self.0.district_id).await
    }
}

/// Loads a district row.
pub async fn load_district(ctx: &Context<'_>, id: &str) -> Result<District> {
    let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
    let row = districts::get(&mut conn, id)
        .await
        .map_err(ServiceError::from)?
        .ok_or_else(|| ServiceError::NotFound("district".into()))?;
    Ok(District(row))
}

/// Which notifications a district sends (each on by default).
#[derive(async_graphql::SimpleObject)]
pub struct NotificationSettings {
    /// After a maintenance sync, teachers are told about classes new to them.
    pub teacher_new_classes: bool,
    /// When a teacher claims a class, its invited or claimed families are told.
    pub families_class_claimed: bool,
    /// District admins are told when a sync run fails or is held.
    pub admin_sync_summary: bool,
}

/// A school district (the tenant).
pub struct District(pub models::District);

#[Object]
impl District {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::District, &self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether rostering enforcement is on: SIS-linked people leave classes only through sync
    /// or an admin.
    async fn rostering_enforced(&self) -> bool {
        self.0.settings().rostering_enforced
    }
    /// Whether guardian links teachers make wait for a district admin's approval before they
    /// give access (the default), or count at once.
    async fn teacher_links_need_approval(&self) -> bool {
        self.0.settings().teacher_links_need_approval
    }
    /// Which notifications the district sends.
    async fn notification_settings(&self) -> NotificationSettings {
        let n = self.0.settings().notifications;
        NotificationSettings {
            teacher_new_classes: n.teacher_new_classes,
            families_class_claimed: n.families_class_claimed,
            admin_sync_summary: n.admin_sync_summary,
        }
    }
    /// The district's schools.
    async fn schools(&self, ctx: &Context<'_>) -> Result<Vec<Org>> {
        let mut conn = req(ctx).store.conn().await.map_err(ServiceError::from)?;
        let rows = orgs::list(&mut conn, &self.0.id)
            .await
            .map_err(ServiceError::from)?;
        Ok(rows
            .into_iter()
            .filter(|o| OrgType::from(o.org_type) == OrgType::School)
            .map(Org)
            .collect())
    }
}
