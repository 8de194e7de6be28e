//! The Clever ids the fake gives generated records: ObjectIDs whose time part is a fixed
//! moment (the district's creation) and whose remaining digits name the kind and number, so
//! each collection sorts in generator order. Contacts without an SIS id get an id derived
//! from their content instead: any change gives a new id, as Clever does for them.

use std::time::{Duration, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::object_id::ObjectId;

/// 2025-08-01T00:00:00Z: when the fake district's objects were "created".
const CREATED_SECS: u64 = 1_754_006_400;

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// The district.
    District = 0x01,
    /// A school.
    School = 0x02,
    /// A term.
    Term = 0x03,
    /// A course.
    Course = 0x04,
    /// A section.
    Section = 0x05,
    /// A teacher, administrator or aide.
    Staff = 0x06,
    /// A student.
    Student = 0x07,
    /// A contact with an SIS id.
    Contact = 0x08,
    /// A contact without an SIS id (the number part is a content hash).
    ContactWithoutSisId = 0x09,
}

/// The id of generated record `number` of `kind`.
pub fn clever_id(kind: IdKind, number: u64) -> String {
    let rest = ((kind as u64) << 48) | (number & 0xffff_ffff_ffff);
    ObjectId::from_parts(UNIX_EPOCH + Duration::from_secs(CREATED_SECS), rest)
        .as_str()
        .to_owned()
}

/// The id of a contact without an SIS id whose generator id is `gen_id` and whose Clever JSON
/// (without `id`) is `content`.
pub fn churning_contact_id(gen_id: &str, content: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(gen_id.as_bytes());
    hash.update([0]);
    hash.update(content.as_bytes());
    let digest = hash.finalize();
    let mut number = 0u64;
    for b in &digest[..6] {
        number = (number << 8) | u64::from(*b);
    }
    clever_id(IdKind::ContactWithoutSisId, number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_kind_then_number() {
        let a = clever_id(IdKind::Student, 2);
        let b = clever_id(IdKind::Student, 10);
        assert_eq!(a.len(), 24);
        assert!(a < b);
        assert!(clever_id(IdKind::Staff, 99) < a);
        let c1 = churning_contact_id("gdn-1", "{\"x\":1}");
        assert_eq!(c1, churning_contact_id("gdn-1", "{\"x\":1}"));
        assert_ne!(c1, churning_contact_id("gdn-1", "{\"x\":2}"));
    }
}
