//! The record order contract, as a type.

use homeroom_connector_core::Record;

/// The stages of a OneRoster stream, in the order their records come (see the crate docs).
/// Records of a later stage never precede records of an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordStage {
    /// Orgs.
    Orgs,
    /// Terms (academic sessions).
    Terms,
    /// Courses.
    Courses,
    /// Classes.
    Classes,
    /// People.
    People,
    /// Guardian–student relationships.
    Relationships,
    /// Enrollments.
    Enrollments,
    /// Explicit deletions.
    Deletions,
}

impl RecordStage {
    /// The stage `record` belongs to.
    pub fn of(record: &Record) -> Self {
        match record {
            Record::Org(_) => RecordStage::Orgs,
            Record::Term(_) => RecordStage::Terms,
            Record::Course(_) => RecordStage::Courses,
            Record::Class(_) => RecordStage::Classes,
            Record::Person(_) => RecordStage::People,
            Record::Relationship(_) => RecordStage::Relationships,
            Record::Enrollment(_) => RecordStage::Enrollments,
            Record::Deleted(_) => RecordStage::Deletions,
        }
    }

    /// Whether `records` respect the contract (stages never go backwards).
    pub fn is_ordered<'a>(records: impl IntoIterator<Item = &'a Record>) -> bool {
        let mut current = RecordStage::Orgs;
        for record in records {
            let stage = RecordStage::of(record);
            if stage < current {
                return false;
            }
            current = stage;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{Course, Org, OrgType, Record};

    use super::RecordStage;

    #[test]
    fn detects_out_of_order_records() {
        let org: Record = Org::new("o", "O", OrgType::School).into();
        let course: Record = Course::new("c", "C").into();
        assert!(RecordStage::is_ordered([&org, &org, &course]));
        assert!(!RecordStage::is_ordered([&course, &org]));
    }
}
