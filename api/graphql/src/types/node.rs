//! The Relay `Node` interface.

use async_graphql::{ID, Interface};

use crate::types::class::Class;
use crate::types::org::{Course, Org, Term};
use crate::types::person::Person;
use crate::types::relationship::Relationship;
use crate::types::viewer::District;

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
    Connector(crate::types::sync::Connector),
    /// A sync run.
    SyncRun(crate::types::sync::SyncRun),
    /// An invitation.
    Invitation(crate::types::invitation::Invitation),
}
