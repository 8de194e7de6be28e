//! The kinds of canonical entity.

string_enum! {
    /// The kind of a canonical entity. The string forms are stable: they are stored in source
    /// links and sync reports.
    pub enum EntityKind {
        /// A school, district or other organisation ([`crate::Org`]).
        Org => "org",
        /// A student, teacher, staff member, administrator or guardian ([`crate::Person`]).
        Person => "person",
        /// A course in the catalogue ([`crate::Course`]).
        Course => "course",
        /// A school year, semester, term or grading period ([`crate::Term`]).
        Term => "term",
        /// A class / section ([`crate::Class`]).
        Class => "class",
        /// A person's membership of a class ([`crate::Enrollment`]).
        Enrollment => "enrollment",
        /// A guardian–student link ([`crate::Relationship`]).
        Relationship => "relationship",
    }
}

#[cfg(test)]
mod tests {
    use super::EntityKind;

    #[test]
    fn string_forms_are_stable_snake_case() {
        let forms: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            forms,
            [
                "org",
                "person",
                "course",
                "term",
                "class",
                "enrollment",
                "relationship"
            ]
        );
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>().unwrap(), *k);
        }
        assert!("Person".parse::<EntityKind>().is_err());
    }
}
