//! Canonical roster records: what every connector emits and the sync engine consumes.
//!
//! All records are plain data (serde, `Clone`, `Debug`, `PartialEq`) keyed by the SIS's own
//! **external ids**. Cross-references between records (a class's school, an enrollment's user)
//! are external ids too; resolving them to local rows is the sync engine's job.
//!
//! Every record carries a [`RecordStatus`]: connectors set [`RecordStatus::ToBeDeleted`] where
//! the SIS marks a soft delete (OneRoster `tobedeleted`) and [`RecordStatus::Active`] otherwise.
//! Hard deletions from delta feeds (Clever `*.deleted` events) are [`Deleted`] records.

mod class;
mod compound_id;
mod contact_point;
mod content_hash;
mod course;
mod date;
mod deleted;
mod enrollment;
mod entity_kind;
mod org;
mod page;
mod person;
mod record;
mod relationship;
mod status;
mod term;

pub use class::Class;
pub use compound_id::{compound_id, split_compound_id};
pub use contact_point::{ContactKind, ContactPoint};
pub use content_hash::{ContentHash, ParseContentHashError};
pub use course::Course;
pub use date::{ParseSisDateError, SisDate};
pub use deleted::Deleted;
pub use enrollment::{Enrollment, EnrollmentRole};
pub use entity_kind::EntityKind;
pub use org::{Org, OrgType};
pub use page::{DEFAULT_PAGE_SIZE, IssueSeverity, Page, PageBuffer, SourceIssue};
pub use person::{Person, Role, RoleAssignment};
pub use record::Record;
pub use relationship::{Relationship, RelationshipKind};
pub use status::RecordStatus;
pub use term::{Term, TermKind};
