//! Unambiguous ids built from several external ids (for records the SIS gives no id of their own).

/// Joins parts with `|`, escaping `\` as `\\` and `|` as `\|` so that different part lists never
/// produce the same id. Ordinary ids (no `|` or `\`) come out readable: `sec-1|usr-9`.
///
/// Used for [`crate::Relationship::external_id`] and for enrollments of SIS that have no
/// enrollment id (Clever sections list their students; connectors build
/// `compound_id(&[section_id, user_id])`).
pub fn compound_id(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        let mut rest = *part;
        while let Some(at) = rest.find(['|', '\\']) {
            out.push_str(&rest[..at]);
            out.push('\\');
            out.push_str(&rest[at..=at]);
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
    }
    out
}

/// Splits an id made by [`compound_id`] back into its parts. Returns `None` for a dangling `\`.
pub fn split_compound_id(id: &str) -> Option<Vec<String>> {
    let mut parts = vec![String::new()];
    let mut chars = id.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                parts.last_mut()?.push(escaped);
            }
            '|' => parts.push(String::new()),
            other => parts.last_mut()?.push(other),
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::{compound_id, split_compound_id};

    #[test]
    fn readable_for_plain_ids() {
        assert_eq!(compound_id(&["sec-1", "usr-9"]), "sec-1|usr-9");
    }

    #[test]
    fn never_collides() {
        let a = compound_id(&["a|b", "c"]);
        let b = compound_id(&["a", "b|c"]);
        assert_ne!(a, b);
        let c = compound_id(&["a\\", "b"]);
        let d = compound_id(&["a", "\\b"]);
        assert_ne!(c, d);
    }

    #[test]
    fn round_trips() {
        for parts in [
            vec!["x", "y"],
            vec!["a|b", "c\\d", ""],
            vec!["only"],
            vec!["|", "\\|\\"],
        ] {
            let id = compound_id(&parts);
            assert_eq!(split_compound_id(&id).unwrap(), parts, "{id}");
        }
        assert!(split_compound_id("dangling\\").is_none());
    }
}
