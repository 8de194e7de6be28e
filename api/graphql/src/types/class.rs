//! Classes (sections).

use async_graphql::{Context, ID, Object, Result};
use homeroom_schema::enums::{EnrollmentRole, RelationshipStatus, Status as DbStatus};
use homeroom_schema::models;

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::enums::Status;
use crate::types::org::{Course, Org, Term};
use crate::types::person::Person;

/// A class: SIS fields, local overrides, its claim and its people.
pub struct Class(pub models::Class);

impl Class {
    /// Ids of people with an active enrollment in one of `roles`, in enrollment order.
    async fn enrolled(&self, ctx: &Context<'_>, roles: &[EnrollmentRole]) -> Result<Vec<String>> {
        let rows = req(ctx)
            .loaders
            .class_enrollments
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default();
        let mut ids: Vec<String> = rows
            .into_iter()
            .filter(|e| roles.contains(&e.role))
            .map(|e| e.person_id)
            .collect();
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(id.clone()));
        Ok(ids)
    }

    /// Visible, active people among `ids` (archived people leave class lists), sorted by family
    /// then given name.
    async fn people(&self, ctx: &Context<'_>, ids: Vec<String>) -> Result<Vec<Person>> {
        let r = req(ctx);
        let loaded = r.visible_people(ids.iter().cloned()).await?;
        let mut people: Vec<models::Person> = ids
            .into_iter()
            .filter_map(|id| loaded.get(&id).cloned())
            .filter(|p| p.status == DbStatus::Active)
            .collect();
        people.sort_by(|a, b| {
            (a.family_name.to_lowercase(), a.given_name.to_lowercase())
                .cmp(&(b.family_name.to_lowercase(), b.given_name.to_lowercase()))
        });
        Ok(people.into_iter().map(Person).collect())
    }

    /// Whether the caller manages this class (the policy's answer: teaches or administers).
    async fn manages(&self, ctx: &Context<'_>) -> Result<bool> {
        let r = req(ctx);
        let p = r.principal()?;
        let mut conn = r
            .store
            .conn()
            .await
            .map_err(homeroom_service::ServiceError::from)?;
        Ok(homeroom_service::auth::policy::manages(&mut conn, p, &self.0).await?)
    }
}

#[Object]
impl Class {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Class, &self.0.id)
    }
    /// The title people see: the local title when set, else the SIS title.
    async fn title(&self) -> &str {
        self.0.title()
    }
    /// The title from the SIS.
    async fn sis_title(&self) -> &str {
        &self.0.sis_title
    }
    /// The SIS class code.
    async fn class_code(&self) -> Option<&str> {
        self.0.class_code.as_deref()
    }
    /// Code students use to join (teachers of the class and admins only).
    async fn join_code(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(if self.manages(ctx).await? {
            self.0.join_code.as_deref()
        } else {
            None
        })
    }
    /// Active or archived.
    async fn status(&self) -> Status {
        self.0.status.into()
    }
    /// Whether a teacher has claimed the class.
    async fn claimed(&self) -> bool {
        self.0.claimed_by.is_some()
    }
    /// When it was claimed (RFC 3339).
    async fn claimed_at(&self) -> Option<String> {
        self.0.claimed_at.map(crate::time::rfc3339)
    }
    /// Who claimed it, if visible to the caller.
    async fn claimed_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = self.0.claimed_by.clone() else {
            return Ok(None);
        };
        Ok(self.people(ctx, vec![id]).await?.into_iter().next())
    }
    /// The school.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<Org>> {
        let Some(id) = self.0.school_id.clone() else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.org.load_one(id).await?.map(Org))
    }
    /// The course.
    async fn course(&self, ctx: &Context<'_>) -> Result<Option<Course>> {
        let Some(id) = self.0.course_id.clone() else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.course.load_one(id).await?.map(Course))
    }
    /// The term.
    async fn term(&self, ctx: &Context<'_>) -> Result<Option<Term>> {
        let Some(id) = self.0.term_id.clone() else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.term.load_one(id).await?.map(Term))
    }
    /// Teachers and aides.
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn teachers(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let ids = self
            .enrolled(ctx, &[EnrollmentRole::Teacher, EnrollmentRole::Aide])
            .await?;
        self.people(ctx, ids).await
    }
    /// Students the caller may see.
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn students(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let ids = self.enrolled(ctx, &[EnrollmentRole::Student]).await?;
        self.people(ctx, ids).await
    }
    /// Active guardians of the class's students that the caller may see.
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn guardians(&self, ctx: &Context<'_>) -> Result<Vec<Person>> {
        let enrolled = self.enrolled(ctx, &[EnrollmentRole::Student]).await?;
        // Archived students' families are not the class's families any more.
        let loaded = req(ctx).loaders.person.load_many(enrolled.clone()).await?;
        let students: Vec<String> = enrolled
            .into_iter()
            .filter(|id| loaded.get(id).is_some_and(|p| p.status == DbStatus::Active))
            .collect();
        let links = req(ctx)
            .loaders
            .relationships
            .load_many(students.clone())
            .await?;
        let mut ids = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for student in &students {
            for link in links.get(student).into_iter().flatten() {
                if &link.student_id == student
                    && link.status == RelationshipStatus::Active
                    && seen.insert(link.guardian_id.clone())
                {
                    ids.push(link.guardian_id.clone());
                }
            }
        }
        self.people(ctx, ids).await
    }

    /// The family invite manager: each guardian of each active student in the class, with
    /// their invitation state. For the class's teachers and admins.
    async fn family_invite_manager(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<crate::types::invitation::FamilyInviteFilter>,
    ) -> Result<
        async_graphql::connection::Connection<
            crate::ids::Cursor,
            crate::types::invitation::FamilyInviteRow,
            crate::families::RowsCount,
            async_graphql::connection::EmptyFields,
        >,
    > {
        crate::families::invite_manager(ctx, &self.0.id, first, after, filter).await
    }
}
