//! Staff and students.

use std::collections::HashMap;

use homeroom_connector_core::{ContactPoint, Person, Role, RoleAssignment};

use super::{grade_code, is_active};
use crate::ids;
use crate::values::non_blank;
use crate::wire;

/// Staff ID → the schools where the staff member has an active teacher record.
pub(crate) type StaffSchools = HashMap<String, Vec<String>>;

/// A staff member. Roles: teacher at every school with an active teacher record for them;
/// otherwise from `Title` (…aide/paraprofessional → aide, superintendent → district admin,
/// principal/administrator → school admin, else staff) at `PrimaryAeriesSchool` (the
/// district when 0). Inactive (`InactiveStatusCode` non-blank) staff are disabled.
pub(crate) fn map_staff(
    s: &wire::Staff,
    teaches_at: &StaffSchools,
    district: Option<&str>,
) -> Result<Person, String> {
    if s.id.is_empty() || s.id == "0" {
        return Err("the staff record has no ID".into());
    }
    let mut p = Person::new(ids::staff(&s.id), &s.first_name, &s.last_name);
    p.middle_name = non_blank(&s.middle_name);
    p.enabled = is_active(&s.inactive_status_code);
    p.state_id = non_blank(&s.state_educator_id);
    let title = s.title.to_ascii_lowercase();
    let primary = s.primary_aeries_school.trim();
    let home_org = if primary.is_empty() || primary == "0" {
        district.map(str::to_owned)
    } else {
        Some(ids::school(primary))
    };
    let at = |role: Role, org: Option<String>| RoleAssignment {
        role,
        org_external_id: org,
    };
    if let Some(schools) = teaches_at.get(&s.id) {
        for school in schools {
            p.roles
                .push(RoleAssignment::new(Role::Teacher, ids::school(school)));
        }
    }
    if p.roles.is_empty() {
        let role = if title.contains("aide") || title.contains("paraprofessional") {
            Role::Aide
        } else if title.contains("superintendent") {
            Role::DistrictAdmin
        } else if title.contains("principal") || title.contains("administrator") {
            Role::SchoolAdmin
        } else {
            Role::Staff
        };
        let org = if role == Role::DistrictAdmin {
            district.map(str::to_owned).or(home_org)
        } else {
            home_org
        };
        p.roles.push(at(role, org));
    }
    if let Some(email) = non_blank(&s.email_address) {
        p.contact_points.push(ContactPoint::email(email).primary());
    }
    if let Some(phone) = non_blank(&s.cell_phone) {
        p.contact_points.push(ContactPoint::phone(phone));
    }
    Ok(p)
}

/// A student from one or more school records of the same StudentID (concurrent enrollment,
/// transfers). Fields come from `main`; the student holds the student role at every school in
/// `schools` (in school-code order) and is enabled when any record is active. The district-wide StudentID is the
/// student number (Aeries' `StudentNumber` is only unique within a school).
pub(crate) fn map_student(
    main: &wire::Student,
    schools: &[String],
    enabled: bool,
) -> Result<Person, String> {
    if main.student_id.is_empty() || main.student_id == "0" {
        return Err("the student record has no StudentID".into());
    }
    let mut p = Person::new(
        ids::student(&main.student_id),
        &main.first_name,
        &main.last_name,
    );
    p.middle_name = non_blank(&main.middle_name);
    p.preferred_given_name = non_blank(&main.first_name_alias);
    p.preferred_family_name = non_blank(&main.last_name_alias);
    p.enabled = enabled;
    p.grade = grade_code(&main.grade);
    p.student_number = Some(main.student_id.clone());
    p.state_id = non_blank(&main.state_student_id);
    // Sorted, so the same schools always give the same record (and content hash).
    let mut codes: Vec<&String> = schools.iter().collect();
    codes.sort_by_key(|c| (c.parse::<u64>().unwrap_or(u64::MAX), c.as_str()));
    codes.dedup();
    for school in codes {
        p.roles
            .push(RoleAssignment::new(Role::Student, ids::school(school)));
    }
    if let Some(email) = non_blank(&main.student_email_address) {
        p.contact_points.push(ContactPoint::email(email).primary());
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_roles_from_teacher_records_or_title() {
        let mut teaches = StaffSchools::new();
        teaches.insert("7".into(), vec!["994".into(), "995".into()]);
        let staff = |id: &str, title: &str, school: &str| wire::Staff {
            id: id.into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            title: title.into(),
            primary_aeries_school: school.into(),
            email_address: "ann.lee@district.example".into(),
            ..wire::Staff::default()
        };
        let t = map_staff(&staff("7", "Teacher", "994"), &teaches, Some("school|0")).unwrap();
        assert_eq!(t.external_id, "staff|7");
        assert_eq!(t.roles.len(), 2);
        assert!(t.roles.iter().all(|r| r.role == Role::Teacher));
        let a = map_staff(&staff("8", "Instructional Aide", "994"), &teaches, None).unwrap();
        assert_eq!(a.roles, [RoleAssignment::new(Role::Aide, "school|994")]);
        let s = map_staff(
            &staff("9", "Superintendent", "0"),
            &teaches,
            Some("school|0"),
        )
        .unwrap();
        assert_eq!(
            s.roles,
            [RoleAssignment::new(Role::DistrictAdmin, "school|0")]
        );
        let p = map_staff(&staff("10", "Assistant Principal", "995"), &teaches, None).unwrap();
        assert_eq!(p.roles[0].role, Role::SchoolAdmin);
        let mut inactive = staff("11", "Clerk", "995");
        inactive.inactive_status_code = "I".into();
        let c = map_staff(&inactive, &teaches, None).unwrap();
        assert!(!c.enabled);
        assert_eq!(c.roles[0].role, Role::Staff);
        assert!(map_staff(&staff("", "Clerk", "995"), &teaches, None).is_err());
    }

    #[test]
    fn students_use_the_district_id_as_number() {
        let s = wire::Student {
            student_id: "99400001".into(),
            school_code: "994".into(),
            student_number: "1".into(),
            first_name: "Allan".into(),
            last_name: "Abbott".into(),
            first_name_alias: "AJ".into(),
            grade: "0".into(),
            ..wire::Student::default()
        };
        let p = map_student(&s, &["994".into(), "995".into()], true).unwrap();
        assert_eq!(p.external_id, "student|99400001");
        assert_eq!(p.student_number.as_deref(), Some("99400001"));
        assert_eq!(p.grade.as_deref(), Some("KG"));
        assert_eq!(p.preferred_given_name.as_deref(), Some("AJ"));
        assert_eq!(p.roles.len(), 2);
    }
}
