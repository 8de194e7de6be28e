//! The Aeries v5 JSON objects this connector reads (and the fake writes), with only the fields
//! used. Field names are Aeries' PascalCase; see the crate docs for the names chosen where the
//! public documentation is silent.

use serde::{Deserialize, Serialize};

use crate::values::{flag, text};

/// `GET /schools`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct School {
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
}

/// `GET /schools/{sc}/terms`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Term {
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub term_code: String,
    #[serde(deserialize_with = "text")]
    pub term_description: String,
    #[serde(deserialize_with = "text")]
    pub start_date: String,
    #[serde(deserialize_with = "text")]
    pub end_date: String,
}

/// `GET /schools/{sc}/teachers`: a staff member's teacher record at one school.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Teacher {
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub teacher_number: String,
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub email_address: String,
    #[serde(rename = "StaffID1", deserialize_with = "text")]
    pub staff_id1: String,
    #[serde(rename = "StaffID2", deserialize_with = "text")]
    pub staff_id2: String,
    #[serde(rename = "StaffID3", deserialize_with = "text")]
    pub staff_id3: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
}

/// `GET /staff`, `GET /staff/{id}`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Staff {
    #[serde(rename = "ID", deserialize_with = "text")]
    pub id: String,
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub middle_name: String,
    #[serde(deserialize_with = "text")]
    pub email_address: String,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(deserialize_with = "text")]
    pub cell_phone: String,
    #[serde(deserialize_with = "text")]
    pub primary_aeries_school: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
    #[serde(deserialize_with = "text")]
    pub leave_date: String,
    #[serde(rename = "StateEducatorID", deserialize_with = "text")]
    pub state_educator_id: String,
}

/// `GET /courses`, `GET /courses/{id}`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Course {
    #[serde(rename = "ID", deserialize_with = "text")]
    pub id: String,
    #[serde(deserialize_with = "text")]
    pub title: String,
    #[serde(deserialize_with = "text")]
    pub long_description: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
}

/// `GET /schools/{sc}/sections`, `GET /schools/{sc}/sections/{sn}`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Section {
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub section_number: String,
    #[serde(rename = "CourseID", deserialize_with = "text")]
    pub course_id: String,
    #[serde(deserialize_with = "text")]
    pub teacher_number1: String,
    #[serde(deserialize_with = "text")]
    pub teacher_number2: String,
    #[serde(deserialize_with = "text")]
    pub teacher_number3: String,
    #[serde(deserialize_with = "text")]
    pub period: String,
    #[serde(deserialize_with = "text")]
    pub room: String,
    /// The term code the section runs in (`Y` = whole year).
    #[serde(deserialize_with = "text")]
    pub semester: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
}

impl Section {
    /// The teacher numbers given, primary first.
    pub fn teacher_numbers(&self) -> impl Iterator<Item = &str> {
        [
            &self.teacher_number1,
            &self.teacher_number2,
            &self.teacher_number3,
        ]
        .into_iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty() && *t != "0")
    }
}

/// `GET /schools/{sc}/sections/{sn}/students`: one roster row.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct RosterRow {
    #[serde(rename = "StudentID", deserialize_with = "text")]
    pub student_id: String,
    #[serde(deserialize_with = "text")]
    pub section_number: String,
    #[serde(deserialize_with = "text")]
    pub date_started: String,
    #[serde(deserialize_with = "text")]
    pub date_ended: String,
}

/// `GET /schools/{sc}/students`: one school record of a student.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Student {
    #[serde(rename = "StudentID", deserialize_with = "text")]
    pub student_id: String,
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub student_number: String,
    #[serde(rename = "StateStudentID", deserialize_with = "text")]
    pub state_student_id: String,
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub middle_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub first_name_alias: String,
    #[serde(deserialize_with = "text")]
    pub last_name_alias: String,
    #[serde(deserialize_with = "text")]
    pub grade: String,
    #[serde(deserialize_with = "text")]
    pub student_email_address: String,
    #[serde(deserialize_with = "text")]
    pub inactive_status_code: String,
    #[serde(deserialize_with = "text")]
    pub family_key: String,
}

/// `GET /schools/{sc}/contacts[/{StudentID}]`: one contact row of one student.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Contact {
    #[serde(rename = "StudentID", deserialize_with = "text")]
    pub student_id: String,
    #[serde(deserialize_with = "text")]
    pub school_code: String,
    #[serde(deserialize_with = "text")]
    pub sequence_number: String,
    #[serde(deserialize_with = "text")]
    pub relationship_to_student_code: String,
    #[serde(deserialize_with = "text")]
    pub first_name: String,
    #[serde(deserialize_with = "text")]
    pub middle_name: String,
    #[serde(deserialize_with = "text")]
    pub last_name: String,
    #[serde(deserialize_with = "text")]
    pub email_address: String,
    #[serde(deserialize_with = "text")]
    pub home_phone: String,
    #[serde(deserialize_with = "text")]
    pub cell_phone: String,
    #[serde(deserialize_with = "text")]
    pub work_phone: String,
    #[serde(deserialize_with = "flag")]
    pub lives_with_student_indicator: Option<bool>,
}

/// `GET /enrollment/{StudentID}`: one school enrollment of a student (the fields used).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct SchoolEnrollment {
    #[serde(deserialize_with = "text")]
    pub school_code: String,
}

/// `GET /codes/{table}/{field}`: one code.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct Code {
    #[serde(deserialize_with = "text")]
    pub code: String,
    #[serde(deserialize_with = "text")]
    pub description: String,
}

/// `GET /systeminfo` (the fields used).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase", default)]
pub struct SystemInfo {
    /// The district server's local time, `YYYY-MM-DDTHH:MM:SS`.
    #[serde(deserialize_with = "text")]
    pub local_date_time: String,
}

/// One item of a `*DataChanges` feed: the keys of a changed record. Which keys are set
/// depends on the feed (see the crate docs).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "PascalCase", default)]
pub struct Change {
    #[serde(deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub school_code: String,
    #[serde(
        rename = "StudentID",
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub student_id: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub sequence_number: String,
    #[serde(deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub section_number: String,
    #[serde(
        rename = "StaffID",
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub staff_id: String,
    #[serde(
        rename = "CourseID",
        deserialize_with = "text",
        skip_serializing_if = "String::is_empty"
    )]
    pub course_id: String,
}
