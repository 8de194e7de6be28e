//! Decoding contact relationship codes (`RelationshipToStudentCode`).
//!
//! The connector reads the district's code table (`GET /codes/CON/RL`) and maps each code's
//! description with [`RelationshipKind::from_sis_label`] ("Mother" → parent, "Legal Guardian"
//! → guardian, "Grandparent" → relative, anything else → other). Codes configured in
//! `relationship_codes` win over the table. A code found in neither is decoded as
//! [`RelationshipKind::Other`] and reported once.

use std::collections::{BTreeMap, HashMap};

use homeroom_connector_core::RelationshipKind;

use crate::wire::Code;

/// The code table and the configured overrides.
#[derive(Clone, Debug, Default)]
pub struct RelationshipCodes {
    table: HashMap<String, RelationshipKind>,
    overrides: BTreeMap<String, RelationshipKind>,
}

impl RelationshipCodes {
    /// Builds the decoder from the district's code table (if it could be read) and the
    /// configured overrides.
    pub fn new(table: &[Code], overrides: &BTreeMap<String, RelationshipKind>) -> Self {
        Self {
            table: table
                .iter()
                .filter(|c| !c.code.is_empty())
                .map(|c| {
                    (
                        c.code.to_ascii_uppercase(),
                        RelationshipKind::from_sis_label(&c.description),
                    )
                })
                .collect(),
            overrides: overrides
                .iter()
                .map(|(k, v)| (k.to_ascii_uppercase(), *v))
                .collect(),
        }
    }

    /// The kind of `code`, and whether the code was known.
    pub fn decode(&self, code: &str) -> (RelationshipKind, bool) {
        let key = code.trim().to_ascii_uppercase();
        match self.overrides.get(&key).or_else(|| self.table.get(&key)) {
            Some(kind) => (*kind, true),
            None => (RelationshipKind::Other, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(code: &str, description: &str) -> Code {
        Code {
            code: code.into(),
            description: description.into(),
            ..Code::default()
        }
    }

    #[test]
    fn decodes_by_table_then_overrides() {
        let table = [
            code("10", "Mother"),
            code("15", "Legal Guardian"),
            code("20", "Grandparent"),
            code("30", "Emergency Contact"),
            code("c1", "Caseworker"),
        ];
        let mut overrides = BTreeMap::new();
        overrides.insert("C1".to_owned(), RelationshipKind::Guardian);
        let codes = RelationshipCodes::new(&table, &overrides);
        assert_eq!(codes.decode("10"), (RelationshipKind::Parent, true));
        assert_eq!(codes.decode(" 15 "), (RelationshipKind::Guardian, true));
        assert_eq!(codes.decode("20"), (RelationshipKind::Relative, true));
        assert_eq!(codes.decode("30"), (RelationshipKind::Other, true));
        assert_eq!(codes.decode("c1"), (RelationshipKind::Guardian, true));
        assert_eq!(codes.decode("99"), (RelationshipKind::Other, false));
    }
}
