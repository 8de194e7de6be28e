//! Manual family links: `addRelationship`, `removeRelationship`, `restoreRelationship`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::UserError;
use crate::context::req;
use crate::ids::{NodeKind, decode_as};
use crate::types::enums::RelationshipKind;
use crate::types::relationship::Relationship;
use homeroom_service::relationships::{self as links, NewLink};

/// A new link between a guardian and a student.
#[derive(InputObject)]
pub struct AddRelationshipInput {
    /// The guardian (an adult already in the district).
    pub guardian_id: ID,
    /// The student.
    pub student_id: ID,
    /// Kind of link.
    pub kind: RelationshipKind,
}

/// Result of changing a family link.
#[derive(SimpleObject)]
pub struct RelationshipPayload {
    /// The link after the change (null when refused).
    pub relationship: Option<Relationship>,
    /// Why the change was refused, if it was.
    pub user_errors: Vec<UserError>,
}

impl From<Result<homeroom_schema::models::Relationship, homeroom_service::UserError>>
    for RelationshipPayload
{
    fn from(
        outcome: Result<homeroom_schema::models::Relationship, homeroom_service::UserError>,
    ) -> Self {
        match outcome {
            Ok(link) => RelationshipPayload {
                relationship: Some(Relationship(link)),
                user_errors: Vec::new(),
            },
            Err(e) => RelationshipPayload {
                relationship: None,
                user_errors: vec![e.into()],
            },
        }
    }
}

/// Family link mutations (district and school admins in scope, and the student's teachers).
#[derive(Default)]
pub struct FamilyLinkMutation;

#[Object]
impl FamilyLinkMutation {
    /// Links a guardian to a student by hand.
    async fn add_relationship(
        &self,
        ctx: &Context<'_>,
        input: AddRelationshipInput,
    ) -> Result<RelationshipPayload> {
        let r = req(ctx);
        let new = NewLink {
            guardian_id: decode_as(NodeKind::Person, &input.guardian_id)?,
            student_id: decode_as(NodeKind::Person, &input.student_id)?,
            kind: input.kind.into(),
        };
        Ok(links::add(&r.store, r.principal()?, new).await?.into())
    }

    /// Removes a link: a tombstone the next sync respects (and reports as an alert when the SIS
    /// still sends the link) until someone restores it.
    async fn remove_relationship(&self, ctx: &Context<'_>, id: ID) -> Result<RelationshipPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Relationship, &id)?;
        Ok(links::remove(&r.store, r.principal()?, &id).await?.into())
    }

    /// Restores a removed link.
    async fn restore_relationship(&self, ctx: &Context<'_>, id: ID) -> Result<RelationshipPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Relationship, &id)?;
        Ok(links::restore(&r.store, r.principal()?, &id).await?.into())
    }
}
