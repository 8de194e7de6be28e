//! Guardian–student relationships.

use async_graphql::{Context, ID, Object, Result};
use homeroom_schema::models;

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::enums::{RelationshipKind, RelationshipSource, RelationshipStatus};
use crate::types::person::Person;

/// A link between a guardian and a student.
pub struct Relationship(pub models::Relationship);

impl Relationship {
    async fn visible_person(&self, ctx: &Context<'_>, id: &str) -> Result<Option<Person>> {
        Ok(req(ctx).visible_person(id).await?.map(Person))
    }
}

#[Object]
impl Relationship {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Relationship, &self.0.id)
    }
    /// Parent, guardian, relative, aide or other.
    async fn kind(&self) -> RelationshipKind {
        self.0.kind.into()
    }
    /// Active, or removed by hand.
    async fn status(&self) -> RelationshipStatus {
        self.0.status.into()
    }
    /// SIS, spreadsheet import, or manual.
    async fn source(&self) -> RelationshipSource {
        self.0.source.into()
    }
    /// Whether the student lives with this guardian, when known.
    async fn lives_with_student(&self) -> Option<bool> {
        self.0.lives_with_student
    }
    /// The guardian.
    async fn guardian(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        self.visible_person(ctx, &self.0.guardian_id).await
    }
    /// How an admin's review of this link stands, when a teacher made it (null otherwise).
    /// A `PENDING` link gives no access until a district admin approves it.
    async fn review(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Option<crate::link_reviews_api::LinkReviewState>> {
        let review = req(ctx).loaders.review.load_one(self.0.id.clone()).await?;
        Ok(review
            .filter(|r| r.district_id == self.0.district_id)
            .map(|r| r.state.into()))
    }
    /// The student.
    async fn student(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        self.visible_person(ctx, &self.0.student_id).await
    }
}
