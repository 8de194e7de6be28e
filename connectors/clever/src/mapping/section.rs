//! Sections → classes, and their `students` / `teachers` lists → enrollments.

use homeroom_connector_core::{Class, Enrollment, EnrollmentRole};

use super::non_blank;
use crate::wire::WireSection;

/// A section → a class (title: `name`; code: `section_number`, else `sis_id`; one term).
/// `None` when the section names no school (a class must belong to one).
pub(crate) fn map_section(s: &WireSection) -> Option<Class> {
    let school = non_blank(s.school.as_deref())?;
    let mut class = Class::new(
        s.id.clone(),
        non_blank(s.name.as_deref()).unwrap_or_else(|| s.id.clone()),
        school,
    );
    class.class_code =
        non_blank(s.section_number.as_deref()).or_else(|| non_blank(s.sis_id.as_deref()));
    class.course_external_id = non_blank(s.course.as_deref());
    class.term_external_ids = non_blank(s.term_id.as_deref()).into_iter().collect();
    Some(class)
}

/// The enrollments a section's lists make: its students, then its teachers (`teacher` is the
/// primary one, and counts even when `teachers` omits it). Ids are derived from (section,
/// user, role), as Clever has no enrollment ids.
pub(crate) fn section_enrollments(s: &WireSection) -> Vec<Enrollment> {
    let mut out: Vec<Enrollment> = Vec::new();
    let mut push = |user: &str, role: EnrollmentRole, primary: bool| {
        let user = user.trim();
        if user.is_empty()
            || out
                .iter()
                .any(|e| e.user_external_id == user && e.role == role)
        {
            return;
        }
        let mut e = Enrollment::new(
            Enrollment::derived_external_id(&s.id, user, role),
            s.id.clone(),
            user,
            role,
        );
        e.primary = primary;
        out.push(e);
    };
    for student in &s.students {
        push(student, EnrollmentRole::Student, false);
    }
    let primary = non_blank(s.teacher.as_deref());
    if let Some(p) = &primary {
        push(p, EnrollmentRole::Teacher, true);
    }
    for teacher in &s.teachers {
        push(teacher, EnrollmentRole::Teacher, false);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_lists_become_enrollments() {
        let s: WireSection = serde_json::from_value(serde_json::json!({
            "id": "sec1", "school": "sch1", "course": "c1", "term_id": "t1", "name": "Algebra",
            "section_number": "3", "teacher": "t2", "teachers": ["t1", "t2"], "students": ["a", "b", "a"]
        }))
        .unwrap();
        let class = map_section(&s).unwrap();
        assert_eq!(class.term_external_ids, ["t1"]);
        assert_eq!(class.class_code.as_deref(), Some("3"));
        let e = section_enrollments(&s);
        let view: Vec<(&str, EnrollmentRole, bool)> = e
            .iter()
            .map(|e| (e.user_external_id.as_str(), e.role, e.primary))
            .collect();
        assert_eq!(
            view,
            [
                ("a", EnrollmentRole::Student, false),
                ("b", EnrollmentRole::Student, false),
                ("t2", EnrollmentRole::Teacher, true),
                ("t1", EnrollmentRole::Teacher, false)
            ]
        );
        assert_eq!(e[0].external_id, "sec1|a|student");
        let no_school: WireSection =
            serde_json::from_value(serde_json::json!({"id": "x"})).unwrap();
        assert!(map_section(&no_school).is_none());
    }
}
