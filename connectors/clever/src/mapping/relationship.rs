//! A contact's `student_relationships[]` → guardian relationships.

use homeroom_connector_core::{Relationship, RelationshipKind};

use crate::wire::WireContact;

/// The relationship kind of Clever's `relationship` / `type` pair:
///
/// | `relationship` | `type` | kind |
/// | --- | --- | --- |
/// | Parent | any | parent |
/// | Grandparent, Aunt/Uncle, Sibling | any | relative |
/// | Other, blank | Parent/Guardian | guardian |
/// | Other, blank | Family | relative |
/// | Self, Other, blank | anything else (Emergency, Primary, …) | other |
pub(crate) fn relationship_kind(
    relationship: Option<&str>,
    kind: Option<&str>,
) -> RelationshipKind {
    let relationship = relationship.unwrap_or_default().trim().to_ascii_lowercase();
    let kind = kind.unwrap_or_default().trim().to_ascii_lowercase();
    match relationship.as_str() {
        "parent" => RelationshipKind::Parent,
        "grandparent" | "aunt/uncle" | "sibling" => RelationshipKind::Relative,
        "self" => RelationshipKind::Other,
        _ => match kind.as_str() {
            "parent/guardian" => RelationshipKind::Guardian,
            "family" => RelationshipKind::Relative,
            _ => RelationshipKind::Other,
        },
    }
}

/// One relationship per student of the contact (Clever lists one entry per relationship the
/// SIS holds; a repeated student keeps its first entry).
pub(crate) fn map_relationships(contact_id: &str, contact: &WireContact) -> Vec<Relationship> {
    let mut out: Vec<Relationship> = Vec::new();
    for r in &contact.student_relationships {
        let student = r.student.trim();
        if student.is_empty() || out.iter().any(|o| o.student_external_id == student) {
            continue;
        }
        out.push(Relationship::new(
            contact_id,
            student,
            relationship_kind(r.relationship.as_deref(), r.kind.as_deref()),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        use RelationshipKind::*;
        for (rel, ty, want) in [
            (Some("Parent"), Some("Parent/Guardian"), Parent),
            (Some("Aunt/Uncle"), Some("Emergency"), Relative),
            (Some("Grandparent"), Some("Family"), Relative),
            (Some("Other"), Some("Parent/Guardian"), Guardian),
            (Some(""), Some("Family"), Relative),
            (None, Some("Emergency"), Other),
            (Some("Self"), Some("Parent/Guardian"), Other),
        ] {
            assert_eq!(relationship_kind(rel, ty), want, "{rel:?} {ty:?}");
        }
    }

    #[test]
    fn one_link_per_student() {
        let c: WireContact = serde_json::from_value(serde_json::json!({
            "student_relationships": [
                {"student": "s1", "relationship": "Parent", "type": "Parent/Guardian"},
                {"student": "s1", "relationship": "Parent", "type": "Emergency"},
                {"student": "s2", "relationship": "Aunt/Uncle", "type": "Emergency"}
            ]
        }))
        .unwrap();
        let rels = map_relationships("c1", &c);
        assert_eq!(rels.len(), 2);
        assert_eq!(rels[0].external_id(), "c1|s1");
        assert_eq!(rels[1].kind, RelationshipKind::Relative);
    }
}
