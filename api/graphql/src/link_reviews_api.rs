//! Admin review of the guardian links teachers make: `guardianLinkReviews`,
//! `approveGuardianLink`, `revokeGuardianLink`.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, Enum, ID, Object, Result};
use homeroom_schema::models;
use homeroom_service::link_reviews;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::family_links::RelationshipPayload;
use crate::ids::{Cursor, NodeKind, decode_as};
use crate::types::person::Person;
use crate::types::relationship::Relationship;

/// Where an admin's review of a teacher-made guardian link stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "homeroom_schema::enums::LinkReviewState")]
pub enum LinkReviewState {
    /// Waiting for a district admin: the link gives no access yet.
    Pending,
    /// Counted at once (the district does not ask for approval); an admin may still revoke it.
    Automatic,
    /// Approved by a district admin.
    Approved,
    /// Revoked by a district admin: the link is removed.
    Revoked,
}

/// A guardian link a teacher made, and its review.
pub struct GuardianLinkReview(models::LinkReview, models::Relationship);

#[Object]
impl GuardianLinkReview {
    /// The link.
    async fn relationship(&self) -> Relationship {
        Relationship(self.1.clone())
    }
    /// Where the review stands.
    async fn state(&self) -> LinkReviewState {
        self.0.state.into()
    }
    /// The teacher who made the link.
    async fn requested_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = &self.0.requested_by else {
            return Ok(None);
        };
        Ok(req(ctx)
            .loaders
            .person
            .load_one(id.clone())
            .await?
            .map(Person))
    }
    /// When the link was made (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// When an admin approved or revoked it (RFC 3339).
    async fn decided_at(&self) -> Option<String> {
        self.0.decided_at.map(crate::time::rfc3339)
    }
}

/// The count of a review list.
pub struct ReviewsCount(Vec<homeroom_schema::enums::LinkReviewState>);

#[Object]
impl ReviewsCount {
    /// Reviews in the asked states, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        Ok(link_reviews::count(&r.store, r.principal()?, &self.0).await?)
    }
}

/// Review queries.
#[derive(Default)]
pub struct LinkReviewQuery;

#[Object]
impl LinkReviewQuery {
    /// Guardian links teachers made, in the given states (default: waiting for approval), for
    /// district admins to approve or revoke.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn guardian_link_reviews(
        &self,
        ctx: &Context<'_>,
        states: Option<Vec<LinkReviewState>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, GuardianLinkReview, ReviewsCount, EmptyFields>> {
        let r = req(ctx);
        let states: Vec<homeroom_schema::enums::LinkReviewState> = match states {
            Some(s) if !s.is_empty() => s.into_iter().map(Into::into).collect(),
            _ => vec![homeroom_schema::enums::LinkReviewState::Pending],
        };
        let page = page_request(first, after.as_deref())?;
        let rows = link_reviews::list(&r.store, r.principal()?, &states, &page).await?;
        Ok(build(
            rows,
            page.after.is_some(),
            ReviewsCount(states),
            |(review, _)| review.relationship_id.clone(),
            |(review, link)| GuardianLinkReview(review, link),
        ))
    }
}

/// Review mutations (district admins).
#[derive(Default)]
pub struct LinkReviewMutation;

#[Object]
impl LinkReviewMutation {
    /// Approves a teacher-made link waiting for approval: it gives access from now on.
    async fn approve_guardian_link(
        &self,
        ctx: &Context<'_>,
        relationship_id: ID,
    ) -> Result<RelationshipPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Relationship, &relationship_id)?;
        Ok(link_reviews::approve(&r.store, r.principal()?, &id)
            .await?
            .into())
    }

    /// Revokes a teacher-made link (waiting or in force): it is removed, and its open
    /// invitations are revoked.
    async fn revoke_guardian_link(
        &self,
        ctx: &Context<'_>,
        relationship_id: ID,
    ) -> Result<RelationshipPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Relationship, &relationship_id)?;
        Ok(link_reviews::revoke(&r.store, r.principal()?, &id)
            .await?
            .into())
    }
}
