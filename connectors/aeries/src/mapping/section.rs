//! Sections, their teachers and their roster rows.

use std::collections::HashMap;

use homeroom_connector_core::{Class, Enrollment, EnrollmentRole};

use super::status_of;
use crate::ids;
use crate::values::{date, non_blank};
use crate::wire;

/// (SchoolCode, TeacherNumber) → StaffID, from the schools' teacher records.
pub(crate) type TeacherIndex = HashMap<(String, String), String>;

/// What the roster stage needs to know of a section.
#[derive(Clone, Debug)]
pub(crate) struct SectionInfo {
    /// SchoolCode.
    pub school_code: String,
    /// SectionNumber.
    pub section_number: String,
    /// The class's external id.
    pub class_id: String,
    /// External ids of its teachers, primary first.
    pub teachers: Vec<String>,
}

/// A section as a class titled after its course and period (Aeries sections have no title
/// of their own); its term is the school's term named by `Semester`.
pub(crate) fn map_section(
    s: &wire::Section,
    course_titles: &HashMap<String, String>,
    teachers: &TeacherIndex,
    school_code: &str,
) -> Result<(Class, SectionInfo), String> {
    if s.section_number.is_empty() {
        return Err("the section has no SectionNumber".into());
    }
    let school = if s.school_code.is_empty() {
        school_code.to_owned()
    } else {
        s.school_code.clone()
    };
    let course_title = course_titles
        .get(&s.course_id)
        .cloned()
        .unwrap_or_else(|| format!("Course {}", s.course_id));
    let title = match non_blank(&s.period) {
        Some(period) if period != "0" => format!("{course_title} - P{period}"),
        _ => course_title,
    };
    let class_id = ids::section(&school, &s.section_number);
    let mut class = Class::new(&class_id, title, ids::school(&school));
    class.class_code = Some(s.section_number.clone());
    class.course_external_id = non_blank(&s.course_id).map(|c| ids::course(&c));
    if let Some(term) = non_blank(&s.semester) {
        class.term_external_ids.push(ids::term(&school, &term));
    }
    class.status = status_of(&s.inactive_status_code);
    let mut section_teachers = Vec::new();
    for number in s.teacher_numbers() {
        if let Some(staff) = teachers.get(&(school.clone(), number.to_owned())) {
            let id = ids::staff(staff);
            if !section_teachers.contains(&id) {
                section_teachers.push(id);
            }
        }
    }
    Ok((
        class,
        SectionInfo {
            school_code: school,
            section_number: s.section_number.clone(),
            class_id,
            teachers: section_teachers,
        },
    ))
}

/// The teacher enrollments of a section (the first teacher is primary).
pub(crate) fn teacher_enrollments(section: &SectionInfo) -> Vec<Enrollment> {
    section
        .teachers
        .iter()
        .enumerate()
        .map(|(i, teacher)| {
            let mut e = Enrollment::new(
                Enrollment::derived_external_id(
                    &section.class_id,
                    teacher,
                    EnrollmentRole::Teacher,
                ),
                &section.class_id,
                teacher,
                EnrollmentRole::Teacher,
            );
            e.primary = i == 0;
            e
        })
        .collect()
}

/// A student's roster row.
pub(crate) fn map_roster_row(row: &wire::RosterRow, class_id: &str) -> Result<Enrollment, String> {
    if row.student_id.is_empty() || row.student_id == "0" {
        return Err("the roster row has no StudentID".into());
    }
    let student = ids::student(&row.student_id);
    let mut e = Enrollment::new(
        Enrollment::derived_external_id(class_id, &student, EnrollmentRole::Student),
        class_id,
        &student,
        EnrollmentRole::Student,
    );
    e.begin_date = date(&row.date_started).map_err(|m| format!("DateStarted: {m}"))?;
    e.end_date = date(&row.date_ended).map_err(|m| format!("DateEnded: {m}"))?;
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_resolve_teachers_per_school() {
        let mut teachers = TeacherIndex::new();
        teachers.insert(("994".into(), "101".into()), "5".into());
        teachers.insert(("994".into(), "102".into()), "6".into());
        let mut titles = HashMap::new();
        titles.insert("0101".to_owned(), "Algebra I".to_owned());
        let s = wire::Section {
            school_code: "994".into(),
            section_number: "12".into(),
            course_id: "0101".into(),
            teacher_number1: "101".into(),
            teacher_number2: "102".into(),
            teacher_number3: "0".into(),
            period: "3".into(),
            semester: "F".into(),
            ..wire::Section::default()
        };
        let (class, info) = map_section(&s, &titles, &teachers, "994").unwrap();
        assert_eq!(class.title, "Algebra I - P3");
        assert_eq!(class.term_external_ids, ["term|994|F"]);
        assert_eq!(info.teachers, ["staff|5", "staff|6"]);
        let t = teacher_enrollments(&info);
        assert!(t[0].primary && !t[1].primary);
        let row = wire::RosterRow {
            student_id: "42".into(),
            date_started: "2025-08-18T00:00:00".into(),
            ..wire::RosterRow::default()
        };
        let e = map_roster_row(&row, &info.class_id).unwrap();
        assert_eq!(
            e.external_id,
            Enrollment::derived_external_id(
                "section|994|12",
                "student|42",
                EnrollmentRole::Student
            )
        );
        assert!(e.begin_date.is_some() && e.end_date.is_none());
    }
}
