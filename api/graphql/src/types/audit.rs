//! Audit log entries.

use async_graphql::{Context, ID, Json, Object, Result};
use homeroom_schema::enums::ActorKind;
use homeroom_schema::models;

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::person::Person;

/// Who did what to which record, and when.
pub struct AuditEvent(pub models::AuditEvent);

fn json(text: Option<&str>) -> Option<Json<serde_json::Value>> {
    text.and_then(|t| serde_json::from_str(t).ok()).map(Json)
}

#[Object]
impl AuditEvent {
    /// Global id (`unmerge` takes the id of a merge's event).
    async fn id(&self) -> ID {
        encode(NodeKind::AuditEvent, &self.0.id)
    }
    /// What was done, e.g. `person.merge`, `class.update`, `token.create`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// `person`, `partner` or `system`.
    async fn actor_kind(&self) -> &str {
        self.0.actor_kind.as_str()
    }
    /// The acting person's or token's id: a global person id for people, the token id else.
    async fn actor_id(&self) -> Option<ID> {
        let id = self.0.actor_id.as_deref()?;
        Some(match self.0.actor_kind {
            ActorKind::Person => encode(NodeKind::Person, id),
            _ => ID(id.to_owned()),
        })
    }
    /// The acting person, when a person acted.
    async fn actor(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let (ActorKind::Person, Some(id)) = (self.0.actor_kind, self.0.actor_id.clone()) else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.person.load_one(id).await?.map(Person))
    }
    /// Kind of record acted on (`person`, `class`, `connector`, `api_token`, `district`).
    async fn target_kind(&self) -> &str {
        &self.0.target_kind
    }
    /// The record acted on: a global id for people, classes, connectors and the district.
    async fn target_id(&self) -> ID {
        let id = self.0.target_id.as_str();
        match self.0.target_kind.as_str() {
            "person" => encode(NodeKind::Person, id),
            "class" => encode(NodeKind::Class, id),
            "connector" => encode(NodeKind::Connector, id),
            "district" => encode(NodeKind::District, id),
            _ => ID(id.to_owned()),
        }
    }
    /// State before (a merge keeps the before-image of every row it touched).
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        json(self.0.before.as_deref())
    }
    /// State after.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        json(self.0.after.as_deref())
    }
    /// When (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
}
