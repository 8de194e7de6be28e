//! People administration (district admins): merge suggestions, merging and undoing merges,
//! archiving and restoring people, removing students' guardians in bulk.

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, Result, SimpleObject};

use crate::UserError;
use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, decode_as};
use crate::types::audit::AuditEvent;
use crate::types::merge::MergeSuggestion;
use crate::types::person::Person;

/// `totalCount` of the merge suggestions.
#[derive(SimpleObject)]
pub struct SuggestionsCount {
    /// Open suggestions over all pages.
    pub total_count: i64,
}

/// Result of `mergePeople`.
#[derive(SimpleObject)]
pub struct MergePeoplePayload {
    /// The survivor after the merge (null when refused).
    pub person: Option<Person>,
    /// The audit event holding the before-image; pass its id to `unmerge`.
    pub audit_event: Option<AuditEvent>,
    /// Why the merge was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Result of `unmerge`.
#[derive(SimpleObject)]
pub struct UnmergePayload {
    /// The survivor as it was before the merge.
    pub survivor: Option<Person>,
    /// The duplicate, restored.
    pub duplicate: Option<Person>,
    /// The unmerge's own audit event.
    pub audit_event: Option<AuditEvent>,
    /// Why the undo was refused, if it was.
    pub user_errors: Vec<UserError>,
}

/// Result of bulk changes to people.
#[derive(SimpleObject)]
pub struct PeoplePayload {
    /// The people after the change (empty when refused).
    pub people: Vec<Person>,
    /// Why the change was refused (nothing changed then), one per offending id.
    pub user_errors: Vec<UserError>,
}

impl From<Result<Vec<homeroom_schema::models::Person>, Vec<homeroom_service::UserError>>>
    for PeoplePayload
{
    fn from(
        outcome: Result<Vec<homeroom_schema::models::Person>, Vec<homeroom_service::UserError>>,
    ) -> Self {
        match outcome {
            Ok(people) => PeoplePayload {
                people: people.into_iter().map(Person).collect(),
                user_errors: Vec::new(),
            },
            Err(errors) => PeoplePayload {
                people: Vec::new(),
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        }
    }
}

fn person_ids(ids: &[ID]) -> Result<Vec<String>, homeroom_service::error::ServiceError> {
    ids.iter().map(|i| decode_as(NodeKind::Person, i)).collect()
}

/// People administration queries.
#[derive(Default)]
pub struct PeopleAdminQuery;

#[Object]
impl PeopleAdminQuery {
    /// People sync alerts suggest are one person (district admins), oldest first.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 500) as usize * child_complexity")]
    async fn merge_suggestions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, MergeSuggestion, SuggestionsCount, EmptyFields>> {
        let r = req(ctx);
        let page = page_request(first, after.as_deref())?;
        let (rows, total_count) =
            homeroom_service::merges::suggestions(&r.store, r.principal()?, &page).await?;
        Ok(build(
            rows,
            page.after.is_some(),
            SuggestionsCount { total_count },
            |s| s.id.clone(),
            MergeSuggestion,
        ))
    }
}

/// People administration mutations.
#[derive(Default)]
pub struct PeopleAdminMutation;

#[Object]
impl PeopleAdminMutation {
    /// Merges `duplicateId` into `survivorId`: roles, contact points, enrollments,
    /// relationships, invitations and source links move to the survivor; the duplicate is
    /// archived. Refused for a student and an adult, or two students with different numbers.
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        survivor_id: ID,
        duplicate_id: ID,
    ) -> Result<MergePeoplePayload> {
        let r = req(ctx);
        let survivor = decode_as(NodeKind::Person, &survivor_id)?;
        let duplicate = decode_as(NodeKind::Person, &duplicate_id)?;
        let outcome =
            homeroom_service::merges::merge(&r.store, r.principal()?, &survivor, &duplicate)
                .await?;
        Ok(match outcome {
            Ok((person, event)) => MergePeoplePayload {
                person: Some(Person(person)),
                audit_event: Some(AuditEvent(event)),
                user_errors: Vec::new(),
            },
            Err(e) => MergePeoplePayload {
                person: None,
                audit_event: None,
                user_errors: vec![e.into()],
            },
        })
    }

    /// Undoes a merge from its audit event, restoring both people exactly.
    async fn unmerge(&self, ctx: &Context<'_>, audit_event_id: ID) -> Result<UnmergePayload> {
        let r = req(ctx);
        let event = decode_as(NodeKind::AuditEvent, &audit_event_id)?;
        let outcome = homeroom_service::merges::unmerge(&r.store, r.principal()?, &event).await?;
        Ok(match outcome {
            Ok((survivor, duplicate, event)) => UnmergePayload {
                survivor: Some(Person(survivor)),
                duplicate: Some(Person(duplicate)),
                audit_event: Some(AuditEvent(event)),
                user_errors: Vec::new(),
            },
            Err(e) => UnmergePayload {
                survivor: None,
                duplicate: None,
                audit_event: None,
                user_errors: vec![e.into()],
            },
        })
    }

    /// Archives people (they leave default lists). People the SIS manages are archived by the
    /// SIS unless `override` is true.
    async fn archive_people(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
        #[graphql(
            name = "override",
            desc = "Archive SIS-managed people too (default false)."
        )]
        override_sis: Option<bool>,
    ) -> Result<PeoplePayload> {
        let r = req(ctx);
        let ids = person_ids(&ids)?;
        Ok(homeroom_service::archive::archive(
            &r.store,
            r.principal()?,
            &ids,
            override_sis.unwrap_or(false),
        )
        .await?
        .into())
    }

    /// Restores archived people.
    async fn restore_people(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<PeoplePayload> {
        let r = req(ctx);
        let ids = person_ids(&ids)?;
        Ok(
            homeroom_service::archive::restore(&r.store, r.principal()?, &ids)
                .await?
                .into(),
        )
    }

    /// Removes every guardian link of the given students (tombstones sync respects).
    async fn remove_guardians(
        &self,
        ctx: &Context<'_>,
        student_ids: Vec<ID>,
    ) -> Result<PeoplePayload> {
        let r = req(ctx);
        let ids = person_ids(&student_ids)?;
        Ok(
            homeroom_service::archive::remove_guardians(&r.store, r.principal()?, &ids)
                .await?
                .into(),
        )
    }
}
