//! The sum of all canonical records.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{
    Class, ContentHash, Course, Deleted, Enrollment, EntityKind, Org, Person, RecordStatus,
    Relationship, Term,
};

/// Any canonical record. Serialized with a `"record"` tag naming the variant, e.g.
/// `{"record":"org","external_id":"sch-1",…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// A school, district or other org.
    Org(Org),
    /// A person.
    Person(Person),
    /// A course.
    Course(Course),
    /// An academic session.
    Term(Term),
    /// A class.
    Class(Class),
    /// An enrollment.
    Enrollment(Enrollment),
    /// A guardian–student link.
    Relationship(Relationship),
    /// An explicit deletion (delta feeds).
    Deleted(Deleted),
}

impl Record {
    /// The kind of entity the record is about (for [`Record::Deleted`], the kind deleted).
    pub fn entity_kind(&self) -> EntityKind {
        match self {
            Record::Org(_) => EntityKind::Org,
            Record::Person(_) => EntityKind::Person,
            Record::Course(_) => EntityKind::Course,
            Record::Term(_) => EntityKind::Term,
            Record::Class(_) => EntityKind::Class,
            Record::Enrollment(_) => EntityKind::Enrollment,
            Record::Relationship(_) => EntityKind::Relationship,
            Record::Deleted(d) => d.kind,
        }
    }

    /// The external id of the entity (derived for relationships).
    pub fn external_id(&self) -> Cow<'_, str> {
        match self {
            Record::Org(r) => Cow::Borrowed(&r.external_id),
            Record::Person(r) => Cow::Borrowed(&r.external_id),
            Record::Course(r) => Cow::Borrowed(&r.external_id),
            Record::Term(r) => Cow::Borrowed(&r.external_id),
            Record::Class(r) => Cow::Borrowed(&r.external_id),
            Record::Enrollment(r) => Cow::Borrowed(&r.external_id),
            Record::Relationship(r) => Cow::Owned(r.external_id()),
            Record::Deleted(r) => Cow::Borrowed(&r.external_id),
        }
    }

    /// The SIS status; `None` for [`Record::Deleted`], which has none.
    pub fn status(&self) -> Option<RecordStatus> {
        match self {
            Record::Org(r) => Some(r.status),
            Record::Person(r) => Some(r.status),
            Record::Course(r) => Some(r.status),
            Record::Term(r) => Some(r.status),
            Record::Class(r) => Some(r.status),
            Record::Enrollment(r) => Some(r.status),
            Record::Relationship(r) => Some(r.status),
            Record::Deleted(_) => None,
        }
    }

    /// Whether the record removes its entity: a [`Record::Deleted`] or a record whose status
    /// is [`RecordStatus::ToBeDeleted`].
    pub fn is_removal(&self) -> bool {
        self.status() != Some(RecordStatus::Active)
    }

    /// A stable hash of the record's content; see [`ContentHash::of`].
    pub fn content_hash(&self) -> ContentHash {
        ContentHash::of(self)
    }
}

macro_rules! impl_from_record {
    ($($variant:ident),+) => {
        $(impl From<$variant> for Record {
            fn from(value: $variant) -> Self {
                Record::$variant(value)
            }
        })+
    };
}

impl_from_record!(
    Org,
    Person,
    Course,
    Term,
    Class,
    Enrollment,
    Relationship,
    Deleted
);

#[cfg(test)]
mod tests {
    use super::Record;
    use crate::records::{
        Class, Course, Deleted, EntityKind, Org, OrgType, Person, RecordStatus, Relationship,
        RelationshipKind,
    };

    #[test]
    fn tags_variants_in_json_and_round_trips() {
        let org: Record = Org::new("sch-1", "Gotham High", OrgType::School).into();
        let json = serde_json::to_value(&org).unwrap();
        assert_eq!(json["record"], "org");
        assert_eq!(json["org_type"], "school");
        assert_eq!(serde_json::from_value::<Record>(json).unwrap(), org);

        let del: Record = Deleted::new(EntityKind::Class, "cls-9").into();
        let json = serde_json::to_string(&del).unwrap();
        assert_eq!(
            json,
            r#"{"record":"deleted","kind":"class","external_id":"cls-9"}"#
        );
        assert_eq!(serde_json::from_str::<Record>(&json).unwrap(), del);
    }

    #[test]
    fn kind_id_and_removal() {
        let rel: Record = Relationship::new("p", "s", RelationshipKind::Parent).into();
        assert_eq!(rel.entity_kind(), EntityKind::Relationship);
        assert_eq!(rel.external_id(), "p|s");
        assert!(!rel.is_removal());

        let mut class = Class::new("c", "Algebra", "sch");
        class.status = RecordStatus::ToBeDeleted;
        assert!(Record::from(class).is_removal());

        let del: Record = Deleted::new(EntityKind::Person, "u").into();
        assert_eq!(del.entity_kind(), EntityKind::Person);
        assert!(del.is_removal());
        assert!(del.status().is_none());

        let course: Record = Course::new("crs", "Math").into();
        assert_eq!(course.entity_kind(), EntityKind::Course);
        let person: Record = Person::new("u", "A", "B").into();
        assert_eq!(person.external_id(), "u");
    }
}
