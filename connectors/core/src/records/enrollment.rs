//! A person's membership of a class.

use serde::{Deserialize, Serialize};

use super::{RecordStatus, SisDate, compound_id};

string_enum! {
    /// The role a person has in a class. Guardians are never enrolled: they reach classes
    /// through their students.
    pub enum EnrollmentRole {
        /// Enrolled student.
        Student => "student",
        /// Teacher of the class.
        Teacher => "teacher",
        /// Aide in the class.
        Aide => "aide",
    }
}

/// A person enrolled in a class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The SIS's enrollment id, or [`Enrollment::derived_external_id`] where the SIS has none.
    pub external_id: String,
    /// SIS status.
    #[serde(default)]
    pub status: RecordStatus,
    /// External id of the class.
    pub class_external_id: String,
    /// External id of the person.
    pub user_external_id: String,
    /// Student, teacher or aide.
    pub role: EnrollmentRole,
    /// Whether this is the primary teacher (or the student's primary enrollment).
    #[serde(default)]
    pub primary: bool,
    /// First day, if known.
    pub begin_date: Option<SisDate>,
    /// Last day, if known.
    pub end_date: Option<SisDate>,
}

impl Enrollment {
    /// An active, non-primary enrollment with no dates.
    pub fn new(
        external_id: impl Into<String>,
        class_external_id: impl Into<String>,
        user_external_id: impl Into<String>,
        role: EnrollmentRole,
    ) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            class_external_id: class_external_id.into(),
            user_external_id: user_external_id.into(),
            role,
            primary: false,
            begin_date: None,
            end_date: None,
        }
    }

    /// The id to use when the SIS has no enrollment ids (Clever, Aeries): stable for a
    /// (class, user, role) triple and never ambiguous (see [`compound_id`]).
    pub fn derived_external_id(
        class_external_id: &str,
        user_external_id: &str,
        role: EnrollmentRole,
    ) -> String {
        compound_id(&[class_external_id, user_external_id, role.as_str()])
    }
}

#[cfg(test)]
mod tests {
    use super::{Enrollment, EnrollmentRole};

    #[test]
    fn derived_ids_differ_by_role() {
        let s = Enrollment::derived_external_id("sec-1", "u-1", EnrollmentRole::Student);
        let t = Enrollment::derived_external_id("sec-1", "u-1", EnrollmentRole::Teacher);
        assert_eq!(s, "sec-1|u-1|student");
        assert_ne!(s, t);
    }
}
