//! The mutation root.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use crate::UserError;
use crate::context::req;
use crate::ids::{NodeKind, decode_as};
use crate::types::class::Class;

/// Result of claiming or releasing a class.
#[derive(SimpleObject)]
pub struct ClassClaimPayload {
    /// The class after the change (null when refused).
    pub class: Option<Class>,
    /// Why the change was refused, if it was.
    pub user_errors: Vec<UserError>,
}

impl From<Result<homeroom_schema::models::Class, homeroom_service::UserError>>
    for ClassClaimPayload
{
    fn from(outcome: Result<homeroom_schema::models::Class, homeroom_service::UserError>) -> Self {
        match outcome {
            Ok(class) => ClassClaimPayload {
                class: Some(Class(class)),
                user_errors: Vec::new(),
            },
            Err(e) => ClassClaimPayload {
                class: None,
                user_errors: vec![e.into()],
            },
        }
    }
}

/// Class mutations.
#[derive(Default)]
pub struct ClassMutation;

#[Object]
impl ClassMutation {
    /// Claims a class: a teacher of the class for themselves, or an admin for a teacher.
    async fn claim_class(
        &self,
        ctx: &Context<'_>,
        id: ID,
        teacher_id: Option<ID>,
    ) -> Result<ClassClaimPayload> {
        let r = req(ctx);
        let class_id = decode_as(NodeKind::Class, &id)?;
        let teacher = teacher_id
            .map(|t| decode_as(NodeKind::Person, &t))
            .transpose()?;
        let outcome = homeroom_service::classes::claim(
            &r.store,
            r.principal()?,
            &class_id,
            teacher.as_deref(),
        )
        .await?;
        Ok(outcome.into())
    }

    /// Releases a class's claim: the teacher who holds it or an admin.
    async fn release_class(&self, ctx: &Context<'_>, id: ID) -> Result<ClassClaimPayload> {
        let r = req(ctx);
        let class_id = decode_as(NodeKind::Class, &id)?;
        let outcome =
            homeroom_service::classes::release(&r.store, r.principal()?, &class_id).await?;
        Ok(outcome.into())
    }
}
