//! Orgs, courses and terms.

use async_graphql::{ID, Object};
use homeroom_schema::models;

use crate::ids::{NodeKind, encode};
use crate::types::enums::{OrgType, Status};

/// A school or the district org.
pub struct Org(pub models::Org);

#[Object]
impl Org {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Org, &self.0.id)
    }
    /// Name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The SIS identifier (e.g. a state school code).
    async fn identifier(&self) -> Option<&str> {
        self.0.identifier.as_deref()
    }
    /// School, district or other.
    async fn org_type(&self) -> OrgType {
        self.0.org_type.into()
    }
    /// Active or archived.
    async fn status(&self) -> Status {
        self.0.status.into()
    }
}

/// A course.
pub struct Course(pub models::Course);

#[Object]
impl Course {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Course, &self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Course code.
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
}

/// An academic session.
pub struct Term(pub models::Term);

#[Object]
impl Term {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Term, &self.0.id)
    }
    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Kind (schoolYear, semester, term, gradingPeriod).
    async fn term_type(&self) -> Option<&str> {
        self.0.term_type.as_deref()
    }
    /// First day (`YYYY-MM-DD`).
    async fn start_date(&self) -> Option<&str> {
        self.0.start_date.as_deref()
    }
    /// Last day (`YYYY-MM-DD`).
    async fn end_date(&self) -> Option<&str> {
        self.0.end_date.as_deref()
    }
}
