//! People: students, staff and guardians, with their roles and contact points.

use serde::{Deserialize, Serialize};

use super::{ContactKind, ContactPoint, RecordStatus};

string_enum! {
    /// A role a person holds in an org.
    pub enum Role {
        /// A student.
        Student => "student",
        /// A teacher.
        Teacher => "teacher",
        /// A classroom aide / paraprofessional.
        Aide => "aide",
        /// Other school staff.
        Staff => "staff",
        /// A school administrator (principal, site admin).
        SchoolAdmin => "school_admin",
        /// A district administrator.
        DistrictAdmin => "district_admin",
        /// A parent, guardian or other family contact.
        Guardian => "guardian",
    }
}

impl Role {
    /// Whether the role is an adult one (everything but [`Role::Student`]). Adults may be
    /// matched by contact point; students never are.
    pub fn is_adult(self) -> bool {
        self != Self::Student
    }
}

/// A role held in an org (a teacher at a school, a guardian in a district).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssignment {
    /// The role.
    pub role: Role,
    /// External id of the org the role is held in, when the SIS says (Clever contacts, for one,
    /// carry no org).
    pub org_external_id: Option<String>,
}

impl RoleAssignment {
    /// A role in the given org.
    pub fn new(role: Role, org_external_id: impl Into<String>) -> Self {
        Self {
            role,
            org_external_id: Some(org_external_id.into()),
        }
    }

    /// A role not tied to any org.
    pub fn without_org(role: Role) -> Self {
        Self {
            role,
            org_external_id: None,
        }
    }
}

/// A person from the SIS. One person may hold several roles (a teacher who is also a parent).
///
/// Names the SIS did not send are empty strings (`given_name`, `family_name`) or `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The SIS's id for the person.
    pub external_id: String,
    /// SIS status (soft delete).
    #[serde(default)]
    pub status: RecordStatus,
    /// Whether the SIS marks the person as enabled/active (OneRoster `enabledUser`, Aeries
    /// blank `InactiveStatusCode`). A disabled person is still on the roster.
    pub enabled: bool,
    /// Given (first) name.
    pub given_name: String,
    /// Family (last) name.
    pub family_name: String,
    /// Middle name(s).
    pub middle_name: Option<String>,
    /// Preferred given name.
    pub preferred_given_name: Option<String>,
    /// Preferred family name.
    pub preferred_family_name: Option<String>,
    /// Roles held, with their orgs.
    #[serde(default)]
    pub roles: Vec<RoleAssignment>,
    /// E-mail addresses and phone numbers as sent.
    #[serde(default)]
    pub contact_points: Vec<ContactPoint>,
    /// Grade level as the SIS writes it (`"09"`, `"K"`, `"Kindergarten"`), students only.
    pub grade: Option<String>,
    /// School/district student number, students only.
    pub student_number: Option<String>,
    /// State student (or educator) id.
    pub state_id: Option<String>,
    /// The id in the underlying SIS when the source is an aggregator (Clever `sis_id`).
    pub sis_id: Option<String>,
}

impl Person {
    /// An active, enabled person with no roles, contact points or student fields.
    pub fn new(
        external_id: impl Into<String>,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
    ) -> Self {
        Self {
            external_id: external_id.into(),
            status: RecordStatus::Active,
            enabled: true,
            given_name: given_name.into(),
            family_name: family_name.into(),
            middle_name: None,
            preferred_given_name: None,
            preferred_family_name: None,
            roles: Vec::new(),
            contact_points: Vec::new(),
            grade: None,
            student_number: None,
            state_id: None,
            sis_id: None,
        }
    }

    /// Whether the person holds `role` in any org.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    /// Whether the person is a student (students never merge by contact point).
    pub fn is_student(&self) -> bool {
        self.has_role(Role::Student)
    }

    /// Whether the person holds any adult role.
    pub fn is_adult(&self) -> bool {
        self.roles.iter().any(|r| r.role.is_adult())
    }

    /// The contact points of one kind, primary ones first (stable otherwise).
    pub fn contact_points_of(&self, kind: ContactKind) -> Vec<&ContactPoint> {
        let mut points: Vec<&ContactPoint> = self
            .contact_points
            .iter()
            .filter(|c| c.kind == kind)
            .collect();
        points.sort_by_key(|c| !c.primary);
        points
    }
}

#[cfg(test)]
mod tests {
    use super::{Person, Role, RoleAssignment};
    use crate::records::{ContactKind, ContactPoint};

    #[test]
    fn roles_decide_student_and_adult() {
        let mut p = Person::new("u1", "Ann", "Lee");
        assert!(!p.is_student() && !p.is_adult());
        p.roles.push(RoleAssignment::new(Role::Teacher, "sch-1"));
        assert!(p.is_adult() && !p.is_student());
        p.roles.push(RoleAssignment::without_org(Role::Guardian));
        assert!(p.has_role(Role::Guardian));
        assert!(!Role::Student.is_adult());
    }

    #[test]
    fn primary_contact_points_come_first() {
        let mut p = Person::new("u1", "Ann", "Lee");
        p.contact_points = vec![
            ContactPoint::email("a@x.org"),
            ContactPoint::phone("555"),
            ContactPoint::email("b@x.org").primary(),
        ];
        let emails: Vec<&str> = p
            .contact_points_of(ContactKind::Email)
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(emails, ["b@x.org", "a@x.org"]);
    }

    #[test]
    fn role_strings() {
        let forms: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            forms,
            [
                "student",
                "teacher",
                "aide",
                "staff",
                "school_admin",
                "district_admin",
                "guardian"
            ]
        );
    }
}
