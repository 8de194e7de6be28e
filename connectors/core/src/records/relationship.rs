//! Guardian–student links.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{RecordStatus, compound_id};
use crate::string_enum::ParseEnumError;

string_enum! {
    /// How a guardian relates to a student (the "guardian kind").
    pub enum RelationshipKind {
        /// Mother, father, parent.
        Parent => "parent",
        /// Legal guardian.
        Guardian => "guardian",
        /// Grandparent, aunt/uncle, sibling or other family member.
        Relative => "relative",
        /// An aide attached to the student.
        Aide => "aide",
        /// Emergency contact or anything else.
        Other => "other",
    }
}

impl RelationshipKind {
    /// Case-insensitive parse of the five kinds as spreadsheets spell them
    /// (`Parent`, `Aide`, `Guardian`, `Relative`, `Other`), surrounding spaces ignored.
    pub fn parse_label(label: &str) -> Result<Self, ParseEnumError> {
        Self::from_str(&label.trim().to_ascii_lowercase()).map_err(|mut e| {
            e.value = label.to_owned();
            e
        })
    }

    /// Maps a free-text SIS relationship label to a kind, leniently: known family words
    /// (`Mother`, `Father`, `Parent/Guardian`, `Grandparent`, `Aunt/Uncle`, `Sibling`, …) map to
    /// their kind; anything unknown or blank is [`RelationshipKind::Other`].
    pub fn from_sis_label(label: &str) -> Self {
        let l = label.trim().to_ascii_lowercase();
        if let Ok(kind) = Self::from_str(&l) {
            return kind;
        }
        match l.as_str() {
            "mother" | "father" | "mom" | "dad" | "stepmother" | "stepfather" | "step-parent"
            | "stepparent" | "parent/guardian" | "foster parent" | "foster mother"
            | "foster father" => Self::Parent,
            "legal guardian" | "guardian/custodian" | "custodian" => Self::Guardian,
            "grandparent" | "grandmother" | "grandfather" | "aunt" | "uncle" | "aunt/uncle"
            | "sibling" | "brother" | "sister" | "cousin" | "relative" | "family" => Self::Relative,
            _ => Self::Other,
        }
    }
}

/// A guardian linked to a student.
///
/// The SIS gives relationships no id of their own; [`Relationship::external_id`] derives one
/// from the two people, and `Deleted { kind: Relationship, .. }` uses the same id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// External id of the guardian (a [`crate::Person`]).
    pub guardian_external_id: String,
    /// External id of the student (a [`crate::Person`]).
    pub student_external_id: String,
    /// Parent, guardian, relative, aide or other.
    pub kind: RelationshipKind,
    /// Whether the student lives with this guardian, when the SIS says.
    pub lives_with_student: Option<bool>,
    /// True when the SIS named the link only from the student's side (e.g. OneRoster agents on a
    /// student row), so `kind` is a guess: the sync engine uses it for a new link but never lets
    /// it overwrite a kind the guardian's own record gave.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kind_inferred: bool,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
}

impl Relationship {
    /// An active relationship with unknown living arrangement.
    pub fn new(
        guardian_external_id: impl Into<String>,
        student_external_id: impl Into<String>,
        kind: RelationshipKind,
    ) -> Self {
        Self {
            guardian_external_id: guardian_external_id.into(),
            student_external_id: student_external_id.into(),
            kind,
            lives_with_student: None,
            kind_inferred: false,
            status: RecordStatus::Active,
        }
    }

    /// The derived id: `compound_id([guardian, student])`.
    pub fn external_id(&self) -> String {
        Self::key(&self.guardian_external_id, &self.student_external_id)
    }

    /// The derived id of the relationship between these two people (for [`crate::Deleted`]).
    pub fn key(guardian_external_id: &str, student_external_id: &str) -> String {
        compound_id(&[guardian_external_id, student_external_id])
    }
}

#[cfg(test)]
mod tests {
    use super::{Relationship, RelationshipKind};

    #[test]
    fn parses_spreadsheet_labels() {
        assert_eq!(
            RelationshipKind::parse_label(" Parent ").unwrap(),
            RelationshipKind::Parent
        );
        assert_eq!(
            RelationshipKind::parse_label("AIDE").unwrap(),
            RelationshipKind::Aide
        );
        let err = RelationshipKind::parse_label("Mother").unwrap_err();
        assert_eq!(err.value, "Mother");
    }

    #[test]
    fn maps_sis_labels_leniently() {
        assert_eq!(
            RelationshipKind::from_sis_label("Parent/Guardian"),
            RelationshipKind::Parent
        );
        assert_eq!(
            RelationshipKind::from_sis_label("Aunt/Uncle"),
            RelationshipKind::Relative
        );
        assert_eq!(
            RelationshipKind::from_sis_label("Grandparent"),
            RelationshipKind::Relative
        );
        assert_eq!(
            RelationshipKind::from_sis_label("guardian"),
            RelationshipKind::Guardian
        );
        assert_eq!(
            RelationshipKind::from_sis_label("Emergency"),
            RelationshipKind::Other
        );
        assert_eq!(
            RelationshipKind::from_sis_label(""),
            RelationshipKind::Other
        );
    }

    #[test]
    fn external_id_is_derived_from_both_people() {
        let r = Relationship::new("p-1", "s-1", RelationshipKind::Parent);
        assert_eq!(r.external_id(), "p-1|s-1");
        assert_eq!(Relationship::key("p-1", "s-1"), r.external_id());
        assert_ne!(Relationship::key("s-1", "p-1"), r.external_id());
    }
}
