//! The Aeries v5 JSON objects this connector reads (and the fake writes), with only the fields
//! used. Field names are Aeries' PascalCase; see the crate docs for the names chosen where the
//! public documentation is silent.

use serde::Serialize;

use crate::api::WireItem;
use crate::values::{Wrong, aeries_object};

aeries_object! {
    /// `GET /schools`.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct School {
        "SchoolCode" => school_code: text,
        "Name" => name: text,
        "InactiveStatusCode" => inactive_status_code: text,
    }
}

aeries_object! {
    /// `GET /schools/{sc}/terms`.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Term {
        "SchoolCode" => school_code: text,
        "TermCode" => term_code: text,
        "TermDescription" => term_description: text,
        "StartDate" => start_date: text,
        "EndDate" => end_date: text,
    }
}

aeries_object! {
    /// `GET /schools/{sc}/teachers`: a staff member's teacher record at one school.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Teacher {
        "SchoolCode" => school_code: text,
        "TeacherNumber" => teacher_number: text,
        "FirstName" => first_name: text,
        "LastName" => last_name: text,
        "EmailAddress" => email_address: text,
        "StaffID1" => staff_id1: text,
        "StaffID2" => staff_id2: text,
        "StaffID3" => staff_id3: text,
        "InactiveStatusCode" => inactive_status_code: text,
    }
}

aeries_object! {
    /// `GET /staff`, `GET /staff/{id}`.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Staff {
        "ID" => id: text,
        "FirstName" => first_name: text,
        "LastName" => last_name: text,
        "MiddleName" => middle_name: text,
        "EmailAddress" => email_address: text,
        "Title" => title: text,
        "CellPhone" => cell_phone: text,
        "PrimaryAeriesSchool" => primary_aeries_school: text,
        "InactiveStatusCode" => inactive_status_code: text,
        "LeaveDate" => leave_date: text,
        "StateEducatorID" => state_educator_id: text,
    }
}

aeries_object! {
    /// `GET /courses`, `GET /courses/{id}`.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Course {
        "ID" => id: text,
        "Title" => title: text,
        "LongDescription" => long_description: text,
        "InactiveStatusCode" => inactive_status_code: text,
    }
}

aeries_object! {
    /// `GET /schools/{sc}/sections`, `GET /schools/{sc}/sections/{sn}`.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Section {
        "SchoolCode" => school_code: text,
        "SectionNumber" => section_number: text,
        "CourseID" => course_id: text,
        "TeacherNumber1" => teacher_number1: text,
        "TeacherNumber2" => teacher_number2: text,
        "TeacherNumber3" => teacher_number3: text,
        "Period" => period: text,
        "Room" => room: text,
        /// The term code the section runs in (`Y` = whole year).
        "Semester" => semester: text,
        "InactiveStatusCode" => inactive_status_code: text,
    }
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

aeries_object! {
    /// `GET /schools/{sc}/sections/{sn}/students`: one roster row; also one class schedule
    /// row of `GET /schools/{sc}/classes/` (the same `SEC` rows, read school by school).
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct RosterRow {
        "StudentID" => student_id: text,
        "SectionNumber" => section_number: text,
        "DateStarted" => date_started: text,
        "DateEnded" => date_ended: text,
    }
}

aeries_object! {
    /// `GET /schools/{sc}/students`: one school record of a student.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Student {
        "StudentID" => student_id: text,
        "SchoolCode" => school_code: text,
        "StudentNumber" => student_number: text,
        "StateStudentID" => state_student_id: text,
        "FirstName" => first_name: text,
        "MiddleName" => middle_name: text,
        "LastName" => last_name: text,
        "FirstNameAlias" => first_name_alias: text,
        "LastNameAlias" => last_name_alias: text,
        "Grade" => grade: text,
        "StudentEmailAddress" => student_email_address: text,
        "InactiveStatusCode" => inactive_status_code: text,
        "FamilyKey" => family_key: text,
    }
}

aeries_object! {
    /// `GET /schools/{sc}/contacts[/{StudentID}]`: one contact row of one student.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Contact {
        "StudentID" => student_id: text,
        "SchoolCode" => school_code: text,
        "SequenceNumber" => sequence_number: text,
        "RelationshipToStudentCode" => relationship_to_student_code: text,
        "FirstName" => first_name: text,
        "MiddleName" => middle_name: text,
        "LastName" => last_name: text,
        "EmailAddress" => email_address: text,
        "HomePhone" => home_phone: text,
        "CellPhone" => cell_phone: text,
        "WorkPhone" => work_phone: text,
        "LivesWithStudentIndicator" => lives_with_student_indicator: flag,
    }
}

aeries_object! {
    /// `GET /enrollment/{StudentID}`: one school enrollment of a student (the fields used).
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct SchoolEnrollment {
        "SchoolCode" => school_code: text,
    }
}

aeries_object! {
    /// `GET /codes/{table}/{field}`: one code.
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct Code {
        "Code" => code: text,
        "Description" => description: text,
    }
}

aeries_object! {
    /// `GET /systeminfo` (the fields used).
    #[derive(Clone, Debug, Default, Serialize, PartialEq)]
    pub struct SystemInfo {
        /// The district server's local time, `YYYY-MM-DDTHH:MM:SS`.
        "LocalDateTime" => local_date_time: text,
    }
}

aeries_object! {
    /// One item of a `*DataChanges` feed: the keys of a changed record. Which keys are set
    /// depends on the feed (see the crate docs).
    #[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Change {
        #[serde(skip_serializing_if = "String::is_empty")]
        "SchoolCode" => school_code: text,
        #[serde(skip_serializing_if = "String::is_empty")]
        "StudentID" => student_id: text,
        #[serde(skip_serializing_if = "String::is_empty")]
        "SequenceNumber" => sequence_number: text,
        #[serde(skip_serializing_if = "String::is_empty")]
        "SectionNumber" => section_number: text,
        #[serde(skip_serializing_if = "String::is_empty")]
        "StaffID" => staff_id: text,
        #[serde(skip_serializing_if = "String::is_empty")]
        "CourseID" => course_id: text,
    }
}

impl WireItem for School {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.school_code.is_empty())
            .then(|| format!("SchoolCode {}", crate::api::cut(&self.school_code, 40)))
    }
}

impl WireItem for Term {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.term_code.is_empty())
            .then(|| format!("TermCode {}", crate::api::cut(&self.term_code, 40)))
    }
}

impl WireItem for Teacher {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.teacher_number.is_empty()).then(|| {
            format!(
                "TeacherNumber {}",
                crate::api::cut(&self.teacher_number, 40)
            )
        })
    }
}

impl WireItem for Staff {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.id.is_empty()).then(|| format!("ID {}", crate::api::cut(&self.id, 40)))
    }
}

impl WireItem for Course {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.id.is_empty()).then(|| format!("ID {}", crate::api::cut(&self.id, 40)))
    }
}

impl WireItem for Section {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.section_number.is_empty()).then(|| {
            format!(
                "SectionNumber {}",
                crate::api::cut(&self.section_number, 40)
            )
        })
    }
}

impl WireItem for RosterRow {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.student_id.is_empty())
            .then(|| format!("StudentID {}", crate::api::cut(&self.student_id, 40)))
    }
}

impl WireItem for Student {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.student_id.is_empty())
            .then(|| format!("StudentID {}", crate::api::cut(&self.student_id, 40)))
    }
}

impl WireItem for Contact {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }

    fn key(&self) -> Option<String> {
        (!self.student_id.is_empty())
            .then(|| format!("StudentID {}", crate::api::cut(&self.student_id, 40)))
    }
}

impl WireItem for SchoolEnrollment {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }
}

impl WireItem for Code {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }
}

impl WireItem for SystemInfo {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }
}

impl WireItem for Change {
    fn wrong(&self) -> &Wrong {
        &self.wrong
    }
}
