//! Aeries objects → canonical records. Each function returns the record or, for an object
//! that cannot be used, the reason (the caller reports it and emits nothing).

mod contact;
mod org;
mod person;
mod section;

pub(crate) use contact::{contact_ids, map_contact};
pub(crate) use org::{map_course, map_school, map_term};
pub(crate) use person::{StaffSchools, map_staff, map_student};
pub(crate) use section::{
    SectionInfo, TeacherIndex, map_roster_row, map_section, teacher_enrollments,
};

use homeroom_connector_core::RecordStatus;

/// `InactiveStatusCode`: blank is active.
pub(crate) fn is_active(inactive_status_code: &str) -> bool {
    inactive_status_code.trim().is_empty()
}

/// Aeries keeps inactive records on the roster (disabled people); only the status of
/// courses, sections and schools follows the code. Courses and sections marked inactive are
/// emitted as to-be-deleted.
pub(crate) fn status_of(inactive_status_code: &str) -> RecordStatus {
    if is_active(inactive_status_code) {
        RecordStatus::Active
    } else {
        RecordStatus::ToBeDeleted
    }
}

/// Aeries grade numbers as grade codes: `-2` `IT`, `-1` `PK`, `0` `KG`, `1`–`12` `01`–`12`;
/// anything else as sent.
pub(crate) fn grade_code(grade: &str) -> Option<String> {
    let g = grade.trim();
    if g.is_empty() {
        return None;
    }
    Some(match g.parse::<i32>() {
        Ok(-2) => "IT".to_owned(),
        Ok(-1) => "PK".to_owned(),
        Ok(0) => "KG".to_owned(),
        Ok(n @ 1..=12) => format!("{n:02}"),
        _ => g.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_and_status() {
        assert_eq!(grade_code("0").as_deref(), Some("KG"));
        assert_eq!(grade_code("9").as_deref(), Some("09"));
        assert_eq!(grade_code("-1").as_deref(), Some("PK"));
        assert_eq!(grade_code("18").as_deref(), Some("18"));
        assert_eq!(grade_code(""), None);
        assert!(is_active(" "));
        assert_eq!(status_of("I"), RecordStatus::ToBeDeleted);
    }
}
