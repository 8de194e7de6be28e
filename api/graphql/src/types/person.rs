//! People.

use async_graphql::{Context, ID, Object, Result};
use homeroom_schema::enums::EnrollmentRole as DbEnrollmentRole;
use homeroom_schema::models;
use homeroom_service::auth::policy::{self, PersonAccess};

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::class::Class;
use crate::types::contact::{Access, ContactPoint};
use crate::types::enums::{AccountState, EnrollmentRole, Role, Status};
use crate::types::org::Org;
use crate::types::relationship::Relationship;

/// A student, teacher, staff member, admin or guardian.
pub struct Person(pub models::Person);

/// A role a person holds.
pub struct PersonRole(pub models::PersonRole);

#[Object]
impl PersonRole {
    /// The role.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// The org it is held at, if any.
    async fn org(&self, ctx: &Context<'_>) -> Result<Option<Org>> {
        let Some(org) = &self.0.org_id else {
            return Ok(None);
        };
        Ok(req(ctx).loaders.org.load_one(org.clone()).await?.map(Org))
    }
}

/// A person's place in a class.
pub struct Enrollment(pub models::Enrollment);

#[Object]
impl Enrollment {
    /// Student, teacher or aide.
    async fn role(&self) -> EnrollmentRole {
        self.0.role.into()
    }
    /// Whether this is the primary teacher.
    async fn primary(&self) -> bool {
        self.0.is_primary
    }
    /// The class, if visible to the caller.
    async fn class(&self, ctx: &Context<'_>) -> Result<Option<Class>> {
        let r = req(ctx);
        if !r.sees_class(&self.0.class_id).await? {
            return Ok(None);
        }
        Ok(r.loaders
            .class
            .load_one(self.0.class_id.clone())
            .await?
            .map(Class))
    }
}

impl Person {
    /// How much of this person the caller may see.
    pub async fn access(&self, ctx: &Context<'_>) -> Result<Access> {
        let r = req(ctx);
        let p = r.principal()?;
        Ok(match policy::person_access(p, &self.0.id) {
            PersonAccess::Full => Access::Full,
            PersonAccess::Masked => Access::Masked,
            PersonAccess::NamesOnly => Access::NamesOnly,
            PersonAccess::MaskedIfOwnChild => {
                let me = p.person_id.clone().unwrap_or_default();
                let links = r.loaders.relationships.load_one(me.clone()).await?;
                let own_child = links
                    .unwrap_or_default()
                    .iter()
                    .any(|l| l.guardian_id == me && l.student_id == self.0.id);
                if own_child {
                    Access::Masked
                } else {
                    Access::NamesOnly
                }
            }
        })
    }

    async fn links(&self, ctx: &Context<'_>) -> Result<Vec<models::Relationship>> {
        if self.access(ctx).await? == Access::NamesOnly {
            return Ok(Vec::new());
        }
        let r = req(ctx);
        let links = r
            .loaders
            .relationships
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default();
        let seen = r
            .seen_people(
                links
                    .iter()
                    .flat_map(|l| [l.student_id.clone(), l.guardian_id.clone()]),
            )
            .await?;
        Ok(links
            .into_iter()
            .filter(|l| seen.contains(&l.student_id) && seen.contains(&l.guardian_id))
            .collect())
    }
}

#[Object]
impl Person {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Person, &self.0.id)
    }
    /// Given (first) name.
    async fn given_name(&self) -> &str {
        &self.0.given_name
    }
    /// Family (last) name.
    async fn family_name(&self) -> &str {
        &self.0.family_name
    }
    /// Middle name.
    async fn middle_name(&self) -> Option<&str> {
        self.0.middle_name.as_deref()
    }
    /// Preferred given name.
    async fn preferred_name(&self) -> Option<&str> {
        self.0.preferred_name.as_deref()
    }
    /// Preferred given name (or given name) and family name.
    async fn display_name(&self) -> String {
        self.0.display_name()
    }
    /// Active or archived.
    async fn status(&self) -> Status {
        self.0.status.into()
    }
    /// Whether the person has claimed an account.
    async fn account_state(&self) -> AccountState {
        self.0.account_state.into()
    }
    /// Grade level (students).
    async fn grade(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(match self.access(ctx).await? {
            Access::NamesOnly => None,
            _ => self.0.grade.as_deref(),
        })
    }
    /// Student number (students).
    async fn student_number(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(match self.access(ctx).await? {
            Access::NamesOnly => None,
            _ => self.0.student_number.as_deref(),
        })
    }
    /// Roles held.
    async fn roles(&self, ctx: &Context<'_>) -> Result<Vec<PersonRole>> {
        let roles = req(ctx).loaders.roles.load_one(self.0.id.clone()).await?;
        Ok(roles
            .unwrap_or_default()
            .into_iter()
            .map(PersonRole)
            .collect())
    }
    /// Email addresses and phone numbers, masked for callers who may not see them in full.
    async fn contact_points(&self, ctx: &Context<'_>) -> Result<Vec<ContactPoint>> {
        let access = self.access(ctx).await?;
        if access == Access::NamesOnly {
            return Ok(Vec::new());
        }
        let rows = req(ctx)
            .loaders
            .contacts
            .load_one(self.0.id.clone())
            .await?;
        Ok(rows
            .unwrap_or_default()
            .into_iter()
            .map(|c| ContactPoint::view(c, access))
            .collect())
    }
    /// This person's active guardians (for a student).
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn guardians(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        let id = self.0.id.clone();
        Ok(self
            .links(ctx)
            .await?
            .into_iter()
            .filter(|l| l.student_id == id)
            .map(Relationship)
            .collect())
    }
    /// This person's linked students (for a guardian).
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn students(&self, ctx: &Context<'_>) -> Result<Vec<Relationship>> {
        let id = self.0.id.clone();
        Ok(self
            .links(ctx)
            .await?
            .into_iter()
            .filter(|l| l.guardian_id == id)
            .map(Relationship)
            .collect())
    }
    /// Active enrollments in classes the caller may see.
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn enrollments(&self, ctx: &Context<'_>) -> Result<Vec<Enrollment>> {
        if self.access(ctx).await? == Access::NamesOnly {
            return Ok(Vec::new());
        }
        let r = req(ctx);
        let rows = r
            .loaders
            .person_enrollments
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default();
        let seen = r
            .seen_classes(rows.iter().map(|e| e.class_id.clone()))
            .await?;
        Ok(rows
            .into_iter()
            .filter(|e| seen.contains(&e.class_id))
            .map(Enrollment)
            .collect())
    }
    /// Classes this person is in (any role) that the caller may see.
    #[graphql(complexity = "crate::NESTED_LIST * child_complexity")]
    async fn classes(&self, ctx: &Context<'_>) -> Result<Vec<Class>> {
        if self.access(ctx).await? == Access::NamesOnly {
            return Ok(Vec::new());
        }
        let r = req(ctx);
        let rows = r
            .loaders
            .person_enrollments
            .load_one(self.0.id.clone())
            .await?
            .unwrap_or_default();
        let seen = r
            .seen_classes(rows.iter().map(|e| e.class_id.clone()))
            .await?;
        let mut ids: Vec<String> = rows
            .into_iter()
            .filter(|e| seen.contains(&e.class_id))
            .filter(|e| {
                matches!(
                    e.role,
                    DbEnrollmentRole::Student | DbEnrollmentRole::Teacher | DbEnrollmentRole::Aide
                )
            })
            .map(|e| e.class_id)
            .collect();
        ids.dedup();
        let loaded = r.loaders.class.load_many(ids.clone()).await?;
        Ok(ids
            .into_iter()
            .filter_map(|id| loaded.get(&id).cloned().map(Class))
            .collect())
    }
}
