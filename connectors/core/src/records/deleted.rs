//! Explicit deletions from delta feeds.

use serde::{Deserialize, Serialize};

use super::EntityKind;

/// The SIS says an entity is gone (a Clever `*.deleted` event, a delta CSV `tobedeleted` row
/// reduced to its id). For relationships `external_id` is [`crate::Relationship::key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// The kind of entity removed.
    pub kind: EntityKind,
    /// Its external id.
    pub external_id: String,
}

impl Deleted {
    /// A deletion of `kind` / `external_id`.
    pub fn new(kind: EntityKind, external_id: impl Into<String>) -> Self {
        Self {
            kind,
            external_id: external_id.into(),
        }
    }
}
