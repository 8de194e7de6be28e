//! A claimed account holder confirming a merge suggestion about themselves with a one-time code.

use async_graphql::{Context, ID, Object, Result, SimpleObject};

use crate::UserError;
use crate::context::req;
use crate::ids::{NodeKind, decode_as, encode};
use crate::types::audit::AuditEvent;
use crate::types::contact::{Access, ContactPoint};
use crate::types::person::Person;
use homeroom_service::merge_confirm::{self, MySuggestion};

/// A school record that may be the caller: it matched their account by a contact point they
/// have not verified yet.
pub struct MyMergeSuggestion(MySuggestion);

#[Object]
impl MyMergeSuggestion {
    /// Global id (pass it to `requestMergeConfirmationCode` and `confirmMergeSuggestion`).
    async fn id(&self) -> ID {
        encode(NodeKind::MergeSuggestion, &self.0.suggestion.id)
    }
    /// Name on the school's record.
    async fn record_name(&self) -> String {
        self.0.other.display_name()
    }
    /// The caller's contact points the record matched (a code can go to each).
    async fn contact_points(&self) -> Vec<ContactPoint> {
        self.0
            .contacts
            .iter()
            .cloned()
            .map(|cp| ContactPoint::view(cp, Access::Full))
            .collect()
    }
}

/// Result of `requestMergeConfirmationCode`.
#[derive(SimpleObject)]
pub struct MergeCodePayload {
    /// Where the code went (null when refused).
    pub sent_to: Option<ContactPoint>,
    /// Why it was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Result of `confirmMergeSuggestion`.
#[derive(SimpleObject)]
pub struct ConfirmMergePayload {
    /// The caller after the merge (null when refused).
    pub person: Option<Person>,
    /// The merge's audit event.
    pub audit_event: Option<AuditEvent>,
    /// Why it was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Queries about the caller's own merge suggestions.
#[derive(Default)]
pub struct MergeConfirmQuery;

#[Object]
impl MergeConfirmQuery {
    /// School records that may be the signed-in person (claimed accounts only).
    async fn my_merge_suggestions(&self, ctx: &Context<'_>) -> Result<Vec<MyMergeSuggestion>> {
        let r = req(ctx);
        let mut conn = r
            .store
            .conn()
            .await
            .map_err(homeroom_service::error::ServiceError::from)?;
        let rows = merge_confirm::mine(&mut conn, r.principal()?).await?;
        Ok(rows.into_iter().map(MyMergeSuggestion).collect())
    }
}

/// Confirming one's own merge suggestions.
#[derive(Default)]
pub struct MergeConfirmMutation;

#[Object]
impl MergeConfirmMutation {
    /// Sends a one-time code to the contact point the suggestion matched (`contactPointId`, or
    /// the first). Codes work for 15 minutes; five may be asked for per hour.
    async fn request_merge_confirmation_code(
        &self,
        ctx: &Context<'_>,
        suggestion_id: ID,
        contact_point_id: Option<ID>,
    ) -> Result<MergeCodePayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::MergeSuggestion, &suggestion_id)?;
        let outcome = merge_confirm::request_code(
            &r.store,
            r.principal()?,
            &id,
            contact_point_id.as_ref().map(|c| c.as_str()),
        )
        .await?;
        r.families.queued();
        Ok(match outcome {
            Ok(cp) => MergeCodePayload {
                sent_to: Some(ContactPoint::view(cp, Access::Full)),
                user_errors: Vec::new(),
            },
            Err(e) => MergeCodePayload {
                sent_to: None,
                user_errors: vec![e.into()],
            },
        })
    }

    /// Checks the code; when right, verifies the contact point and merges the school's record
    /// into the caller's account.
    async fn confirm_merge_suggestion(
        &self,
        ctx: &Context<'_>,
        suggestion_id: ID,
        code: String,
    ) -> Result<ConfirmMergePayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::MergeSuggestion, &suggestion_id)?;
        let outcome = merge_confirm::confirm(&r.store, r.principal()?, &id, &code).await?;
        Ok(match outcome {
            Ok((person, event)) => ConfirmMergePayload {
                person: Some(Person(person)),
                audit_event: Some(AuditEvent(event)),
                user_errors: Vec::new(),
            },
            Err(e) => ConfirmMergePayload {
                person: None,
                audit_event: None,
                user_errors: vec![e.into()],
            },
        })
    }
}
