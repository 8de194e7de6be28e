//! The Relay `Node` interface.

use async_graphql::{ID, Interface};

use crate::graphql::types::class::Class;
use crate::graphql::types::org::{Course, Org, Term};
use crate::graphql::types::person::Person;
use crate::graphql::types::relationship::Relationship;
use crate::graphql::types::viewer::District;

/// Any object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    /// A person.
    Person(Person),
    /// A class.
    Class(Class),
    /// A relationship.
    Relationship(Relationship),
    /// An org.
    Org(Org),
    /// A course.
    Course(Course),
    /// A term.
    Term(Term),
    /// The district.
    District(District),
    /// A connector.
    Connector(crate::graphql::types::sync::Connector),
    /// A sync run.
    SyncRun(crate::graphql::types::sync::SyncRun),
    /// An invitation.
    Invitation(crate::graphql::types::invitation::Invitation),
}
