//! Users (every role) → people.

use homeroom_connector_core::{ContactPoint, Person, Role, RoleAssignment};

use super::non_blank;
use crate::wire::{WireName, WireUser};

/// The `role` values of `/users?role=…`, in the order a full snapshot reads them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UserRole {
    Student,
    Teacher,
    Staff,
    DistrictAdmin,
    Contact,
}

impl UserRole {
    /// Every role, in reading order.
    pub(crate) const ORDER: [UserRole; 5] = [
        UserRole::Student,
        UserRole::Teacher,
        UserRole::Staff,
        UserRole::DistrictAdmin,
        UserRole::Contact,
    ];

    /// The query value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            UserRole::Student => "student",
            UserRole::Teacher => "teacher",
            UserRole::Staff => "staff",
            UserRole::DistrictAdmin => "district_admin",
            UserRole::Contact => "contact",
        }
    }

    /// Whether `user` holds this role.
    pub(crate) fn held_by(self, user: &WireUser) -> bool {
        let r = &user.roles;
        match self {
            UserRole::Student => r.student.is_some(),
            UserRole::Teacher => r.teacher.is_some(),
            UserRole::Staff => r.staff.is_some(),
            UserRole::DistrictAdmin => r.district_admin.is_some(),
            UserRole::Contact => r.contact.is_some(),
        }
    }

    /// Whether a user listed under this role was already emitted under an earlier role (a user
    /// holding several roles is listed once per role, but must become one person record).
    pub(crate) fn already_read(self, user: &WireUser) -> bool {
        Self::ORDER
            .iter()
            .take_while(|r| **r != self)
            .any(|r| r.held_by(user))
    }
}

/// Maps a user with all its roles:
///
/// * names: `name.first/middle/last`; when `first` is blank and `last` holds several words
///   (Clever keeps a contact's full name in `name.last`), the last word is the family name and
///   the rest the given name;
/// * roles: student / teacher / staff at each of their schools (primary school first), staff
///   without schools and district admins at the district, contacts as guardians with no org;
/// * contact points: `email` (primary) and the contact's `phone` (primary);
/// * student fields: grade (as sent), student number, state id; v3.1 preferred names;
/// * `sis_id`: the first role's `sis_id` (`staff_id` for staff).
pub(crate) fn map_user(user: &WireUser) -> Person {
    let (given, family) = split_name(&user.name);
    let mut person = Person::new(user.id.clone(), given, family);
    person.middle_name = non_blank(user.name.middle.as_deref());
    let district = non_blank(user.district.as_deref());
    let roles = &user.roles;
    let mut assignments: Vec<RoleAssignment> = Vec::new();
    let mut add = |role: Role, org: Option<String>| {
        let a = RoleAssignment {
            role,
            org_external_id: org,
        };
        if !assignments.contains(&a) {
            assignments.push(a);
        }
    };
    if let Some(s) = &roles.student {
        for school in schools(s.school.as_deref(), &s.schools) {
            add(Role::Student, Some(school));
        }
        person.grade = non_blank(s.grade.as_deref());
        person.student_number = non_blank(s.student_number.as_deref());
        person.state_id = non_blank(s.state_id.as_deref());
        if let Some(p) = &s.preferred_name {
            person.preferred_given_name = non_blank(p.first.as_deref());
            person.preferred_family_name = non_blank(p.last.as_deref());
        }
    }
    if let Some(t) = &roles.teacher {
        for school in schools(t.school.as_deref(), &t.schools) {
            add(Role::Teacher, Some(school));
        }
        if person.state_id.is_none() {
            person.state_id = non_blank(t.state_id.as_deref());
        }
    }
    if let Some(s) = &roles.staff {
        let at = schools(None, &s.schools);
        if at.is_empty() {
            add(Role::Staff, district.clone());
        }
        for school in at {
            add(Role::Staff, Some(school));
        }
    }
    if roles.district_admin.is_some() {
        add(Role::DistrictAdmin, district);
    }
    if roles.contact.is_some() {
        add(Role::Guardian, None);
    }
    person.roles = assignments;
    if let Some(email) = non_blank(user.email.as_deref()) {
        person
            .contact_points
            .push(ContactPoint::email(email).primary());
    }
    if let Some(phone) = roles
        .contact
        .as_ref()
        .and_then(|c| non_blank(c.phone.as_deref()))
    {
        person
            .contact_points
            .push(ContactPoint::phone(phone).primary());
    }
    person.sis_id = roles
        .student
        .as_ref()
        .and_then(|s| non_blank(s.sis_id.as_deref()))
        .or_else(|| {
            roles
                .teacher
                .as_ref()
                .and_then(|t| non_blank(t.sis_id.as_deref()))
        })
        .or_else(|| {
            roles
                .staff
                .as_ref()
                .and_then(|s| non_blank(s.staff_id.as_deref()))
        })
        .or_else(|| {
            roles
                .contact
                .as_ref()
                .and_then(|c| non_blank(c.sis_id.as_deref()))
        });
    person
}

/// (given, family), reading a full name out of `last` when `first` is blank.
fn split_name(name: &WireName) -> (String, String) {
    let first = non_blank(name.first.as_deref());
    let last = non_blank(name.last.as_deref()).unwrap_or_default();
    match first {
        Some(first) => (first, last),
        None => match last.rsplit_once(char::is_whitespace) {
            Some((given, family)) => (given.trim().to_owned(), family.trim().to_owned()),
            None => (String::new(), last),
        },
    }
}

/// The primary school first, then the others, without blanks or repeats.
fn schools(primary: Option<&str>, all: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in primary.into_iter().chain(all.iter().map(String::as_str)) {
        let s = s.trim();
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::ContactKind;
    use serde_json::json;

    use super::*;

    fn user(v: serde_json::Value) -> WireUser {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn contact_full_name_in_last() {
        let u = user(json!({
            "id": "c1", "district": "d1", "email": "maria.doe@example.com",
            "name": {"first": null, "last": "Maria Ann Doe"},
            "roles": {"contact": {"sis_id": null, "phone": "5555550100", "phone_type": "Cell",
                "student_relationships": [{"student": "s1", "relationship": "Parent", "type": "Parent/Guardian"}]}}
        }));
        let p = map_user(&u);
        assert_eq!(
            (p.given_name.as_str(), p.family_name.as_str()),
            ("Maria Ann", "Doe")
        );
        assert_eq!(p.roles, [RoleAssignment::without_org(Role::Guardian)]);
        assert_eq!(
            p.contact_points_of(ContactKind::Phone)[0].value,
            "5555550100"
        );
        assert_eq!(p.sis_id, None);
        assert!(UserRole::Contact.held_by(&u));
    }

    #[test]
    fn students_teachers_and_several_roles() {
        let u = user(json!({
            "id": "u1", "district": "d1", "email": "ann@x.org",
            "name": {"first": "Ann", "middle": "B", "last": "Lee"},
            "roles": {
                "student": {"sis_id": "stu-1", "student_number": "1001", "school": "s1",
                    "schools": ["s2", "s1"], "grade": "Kindergarten",
                    "preferred_name": {"first": "Annie"}},
                "contact": {"student_relationships": []}
            }
        }));
        let p = map_user(&u);
        assert_eq!(p.middle_name.as_deref(), Some("B"));
        assert_eq!(
            p.roles,
            [
                RoleAssignment::new(Role::Student, "s1"),
                RoleAssignment::new(Role::Student, "s2"),
                RoleAssignment::without_org(Role::Guardian)
            ]
        );
        assert_eq!(p.grade.as_deref(), Some("Kindergarten"));
        assert_eq!(p.student_number.as_deref(), Some("1001"));
        assert_eq!(p.preferred_given_name.as_deref(), Some("Annie"));
        assert_eq!(p.sis_id.as_deref(), Some("stu-1"));
        assert!(!UserRole::Student.already_read(&u));
        assert!(UserRole::Contact.already_read(&u), "read with the students");
        let admin = user(
            json!({"id": "a1", "district": "d1", "name": {"first": "Al", "last": "Bo"},
            "roles": {"district_admin": {"title": "Superintendent"}, "staff": {"staff_id": "E1", "schools": []}}}),
        );
        let p = map_user(&admin);
        assert_eq!(
            p.roles,
            [
                RoleAssignment::new(Role::Staff, "d1"),
                RoleAssignment::new(Role::DistrictAdmin, "d1")
            ]
        );
        assert_eq!(p.sis_id.as_deref(), Some("E1"));
    }
}
