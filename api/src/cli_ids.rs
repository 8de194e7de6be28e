//! Ids on the command line. Every option that names a row takes the global id the GraphQL API
//! shows (`base64("Person:uuid")`) or the raw row id inside it, and the commands print global
//! ids, so what one tool prints another accepts.

use homeroom_core::ids::{self, IdError, NodeKind};

/// The row id named by `given`: the row inside a global id of `kind`, or `given` itself when it
/// is not a global id at all (a raw row id). A global id of another kind is refused, so that a
/// class id given for `--person` says so instead of "no person".
pub fn row_id(kind: NodeKind, given: &str) -> Result<String, IdError> {
    let given = given.trim();
    match ids::decode(given) {
        Ok((k, row)) if k == kind => Ok(row),
        Ok(_) => Err(IdError::WrongKind {
            id: given.to_owned(),
            expected: kind.as_str(),
        }),
        Err(_) => Ok(given.to_owned()),
    }
}

/// [`row_id`] of an optional option.
pub fn row_id_opt(kind: NodeKind, given: Option<&str>) -> Result<Option<String>, IdError> {
    given.map(|g| row_id(kind, g)).transpose()
}

/// The global id of a row, as the API shows it.
pub fn global(kind: NodeKind, row: &str) -> String {
    ids::encode(kind, row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_and_raw_ids_name_the_same_row() {
        let raw = "0190b6a4-6f1e-7cc2-9a51-3f0e1d2c4b5a";
        let global_id = global(NodeKind::Person, raw);
        assert_ne!(global_id, raw);
        assert_eq!(row_id(NodeKind::Person, &global_id).unwrap(), raw);
        assert_eq!(row_id(NodeKind::Person, raw).unwrap(), raw);
        assert_eq!(
            row_id(NodeKind::Person, " no-such-id ").unwrap(),
            "no-such-id"
        );
        let err = row_id(NodeKind::Person, &global(NodeKind::Class, raw)).unwrap_err();
        assert!(err.to_string().contains("is not a Person"), "{err}");
        assert_eq!(row_id_opt(NodeKind::District, None).unwrap(), None);
    }
}
