//! DataLoaders for every nested list and reference, created per request so batches never leak
//! between callers.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use homeroom_schema::Store;
use homeroom_schema::models::{
    Class, ContactPoint, Course, Enrollment, LinkReview, Org, Person, PersonRole, Relationship,
    Term,
};
use homeroom_schema::scope::{self, Scope};
use homeroom_schema::store::{classes, contacts, link_reviews, orgs, people, relationships};

use crate::context::loader;
use homeroom_service::error::ServiceError;

/// Loads one row per id.
macro_rules! by_id_loader {
    ($(#[$m:meta])* $name:ident, $row:ty, $fetch:path) => {
        $(#[$m])*
        pub struct $name(Store);

        impl Loader<String> for $name {
            type Value = $row;
            type Error = ServiceError;

            async fn load(&self, keys: &[String]) -> Result<HashMap<String, $row>, ServiceError> {
                let mut conn = self.0.conn().await?;
                let rows = $fetch(&mut conn, keys).await?;
                Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
            }
        }
    };
}

/// Loads the rows belonging to each key, grouped by one or more key fields.
macro_rules! grouped_loader {
    ($(#[$m:meta])* $name:ident, $row:ty, $fetch:path, $($field:ident),+) => {
        $(#[$m])*
        pub struct $name(Store);

        impl Loader<String> for $name {
            type Value = Vec<$row>;
            type Error = ServiceError;

            async fn load(
                &self,
                keys: &[String],
            ) -> Result<HashMap<String, Vec<$row>>, ServiceError> {
                let mut conn = self.0.conn().await?;
                let rows = $fetch(&mut conn, keys).await?;
                let mut out: HashMap<String, Vec<$row>> = HashMap::new();
                for row in rows {
                    $(
                        if keys.contains(&row.$field) {
                            out.entry(row.$field.clone()).or_default().push(row.clone());
                        }
                    )+
                }
                Ok(out)
            }
        }
    };
}

by_id_loader!(
    /// People by id.
    PersonById, Person, people::get_many);
by_id_loader!(
    /// Classes by id.
    ClassById, Class, classes::get_many);
by_id_loader!(
    /// Orgs by id.
    OrgById, Org, orgs::get_many);
by_id_loader!(
    /// Courses by id.
    CourseById, Course, orgs::courses_by_id);
by_id_loader!(
    /// Terms by id.
    TermById, Term, orgs::terms_by_id);
grouped_loader!(
    /// Roles per person.
    RolesByPerson, PersonRole, people::roles_of, person_id);
grouped_loader!(
    /// Contact points per person.
    ContactsByPerson, ContactPoint, contacts::of_people, person_id);
grouped_loader!(
    /// Active enrollments per class.
    EnrollmentsByClass, Enrollment, classes::enrollments_of_classes, class_id);
grouped_loader!(
    /// Active enrollments per person.
    EnrollmentsByPerson, Enrollment, classes::enrollments_of_people, person_id);
grouped_loader!(
    /// Active relationships per person, as student or as guardian.
    RelationshipsByPerson, Relationship, relationships::active_of_people, student_id, guardian_id);

/// Which of a batch of ids the caller sees, decided by the scope's SQL rule (one statement per
/// batch, however many nested fields ask).
macro_rules! seen_loader {
    ($(#[$m:meta])* $name:ident, $check:path) => {
        $(#[$m])*
        pub struct $name(Store, Option<Scope>);

        impl Loader<String> for $name {
            type Value = ();
            type Error = ServiceError;

            async fn load(&self, keys: &[String]) -> Result<HashMap<String, ()>, ServiceError> {
                let Some(scope) = &self.1 else {
                    return Ok(HashMap::new());
                };
                if *scope == Scope::District {
                    return Ok(keys.iter().map(|k| (k.clone(), ())).collect());
                }
                let mut conn = self.0.conn().await?;
                let seen = $check(&mut conn, scope, keys).await?;
                Ok(seen.into_iter().map(|k| (k, ())).collect())
            }
        }
    };
}

/// Admin reviews of teacher-made links, by relationship id.
pub struct ReviewByLink(Store);

impl Loader<String> for ReviewByLink {
    type Value = LinkReview;
    type Error = ServiceError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, LinkReview>, ServiceError> {
        let mut conn = self.0.conn().await?;
        let rows = link_reviews::of_links(&mut conn, keys).await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.relationship_id.clone(), r))
            .collect())
    }
}

/// The rows of the people the caller sees, decided by the scope's SQL rule in the statement
/// that reads them (one per batch).
pub struct SeenPeople(Store, Option<Scope>);

impl Loader<String> for SeenPeople {
    type Value = Person;
    type Error = ServiceError;

    async fn load(&self, keys: &[String]) -> Result<HashMap<String, Person>, ServiceError> {
        let Some(scope) = &self.1 else {
            return Ok(HashMap::new());
        };
        let mut conn = self.0.conn().await?;
        let rows = scope::seen_people(&mut conn, scope, keys).await?;
        Ok(rows.into_iter().map(|p| (p.id.clone(), p)).collect())
    }
}
seen_loader!(
    /// Classes the caller sees.
    SeenClasses, scope::sees_classes);

/// The loaders of one request.
pub struct Loaders {
    /// People by id.
    pub person: DataLoader<PersonById>,
    /// Classes by id.
    pub class: DataLoader<ClassById>,
    /// Orgs by id.
    pub org: DataLoader<OrgById>,
    /// Courses by id.
    pub course: DataLoader<CourseById>,
    /// Terms by id.
    pub term: DataLoader<TermById>,
    /// Roles per person.
    pub roles: DataLoader<RolesByPerson>,
    /// Contact points per person.
    pub contacts: DataLoader<ContactsByPerson>,
    /// Enrollments per class.
    pub class_enrollments: DataLoader<EnrollmentsByClass>,
    /// Enrollments per person.
    pub person_enrollments: DataLoader<EnrollmentsByPerson>,
    /// Relationships per person.
    pub relationships: DataLoader<RelationshipsByPerson>,
    /// Reviews of teacher-made links.
    pub review: DataLoader<ReviewByLink>,
    /// People the caller sees.
    pub seen_people: DataLoader<SeenPeople>,
    /// Classes the caller sees.
    pub seen_classes: DataLoader<SeenClasses>,
}

impl Loaders {
    /// Fresh loaders over `store`, for a caller with `scope` (none: sees nothing).
    pub fn new(store: &Store, scope: Option<Scope>) -> Self {
        Loaders {
            person: loader(PersonById(store.clone())),
            class: loader(ClassById(store.clone())),
            org: loader(OrgById(store.clone())),
            course: loader(CourseById(store.clone())),
            term: loader(TermById(store.clone())),
            roles: loader(RolesByPerson(store.clone())),
            contacts: loader(ContactsByPerson(store.clone())),
            class_enrollments: loader(EnrollmentsByClass(store.clone())),
            person_enrollments: loader(EnrollmentsByPerson(store.clone())),
            relationships: loader(RelationshipsByPerson(store.clone())),
            review: loader(ReviewByLink(store.clone())),
            seen_people: loader(SeenPeople(store.clone(), scope.clone())),
            seen_classes: loader(SeenClasses(store.clone(), scope)),
        }
    }
}
