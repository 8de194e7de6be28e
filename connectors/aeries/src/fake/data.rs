//! A generated district seen as an Aeries site: the JSON every endpoint answers, rendered on
//! demand from the district model (so even a 100k-student district costs only its model and a
//! few indexes).
//!
//! Numbering: SchoolCode = the school's number (the district office is school 0); StudentID =
//! the district student number; StudentNumber = the position in the school; staff ID = the
//! staff number; TeacherNumber = 101, 102, … per school; CourseID = the course number;
//! SectionNumber = the class number; FamilyKey = the family number; a student's contacts are
//! numbered 1, 2, … in guardian order. Every 40th middle- or high-school student is also
//! listed by a second school (concurrent enrollment). Students who leave stay listed with
//! `InactiveStatusCode` `"I"` and their contacts (as Aeries keeps them for the year), without
//! roster rows.

use std::collections::{BTreeMap, HashMap};

use homeroom_district_gen::{
    Class, District, EnrolledUser, EnrollmentRole, GuardianRole, Phone, SchoolLevel, StaffRole,
    Student,
};
use serde::Serialize;
use serde_json::{Value, json};

/// The one year database the fake serves.
pub const DATABASE_YEAR: u16 = 2025;

/// A student who left: what Aeries still lists for them.
#[derive(Clone, Debug)]
pub(crate) struct Departed {
    pub school: u32,
    pub record: Value,
    pub contacts: Vec<Value>,
}

/// The district and the indexes the endpoints need.
#[derive(Debug)]
pub(crate) struct SiteData {
    pub district: District,
    pub departed: BTreeMap<u32, Departed>,
    /// SchoolCode → (student index, StudentNumber at that school).
    students_by_school: BTreeMap<u32, Vec<usize>>,
    /// StudentID → student index.
    student_index: HashMap<u32, usize>,
    /// Class number → student enrollment indexes.
    roster: HashMap<u32, Vec<usize>>,
    /// Class number → teacher staff ids, primary first.
    section_teachers: HashMap<u32, Vec<u32>>,
    /// SchoolCode → (TeacherNumber, staff id).
    teachers: BTreeMap<u32, Vec<(u32, u32)>>,
}

fn date(d: impl std::fmt::Display) -> String {
    format!("{d}T00:00:00")
}

fn phone(p: Option<Phone>) -> String {
    p.map(|p| format!("{:010}", p.national_digits()))
        .unwrap_or_default()
}

impl SiteData {
    /// Indexes `district` (plus the students who left before it).
    pub fn new(district: District, departed: BTreeMap<u32, Departed>) -> Self {
        let mut students_by_school: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        let mut student_index = HashMap::new();
        let by_level = |level: SchoolLevel| -> Vec<u32> {
            district
                .schools
                .iter()
                .filter(|s| s.level == level)
                .map(|s| s.id.0)
                .collect()
        };
        let (middle, high) = (by_level(SchoolLevel::Middle), by_level(SchoolLevel::High));
        let all: Vec<u32> = district.schools.iter().map(|s| s.id.0).collect();
        for (i, s) in district.students.iter().enumerate() {
            students_by_school.entry(s.school.0).or_default().push(i);
            student_index.insert(s.student_number, i);
            if let Some(second) = second_school(s, &middle, &high, &all) {
                students_by_school.entry(second).or_default().push(i);
            }
        }
        let mut roster: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut section_teachers: HashMap<u32, Vec<(bool, u32)>> = HashMap::new();
        for (i, e) in district.enrollments.iter().enumerate() {
            match (e.role, e.user) {
                (EnrollmentRole::Student, _) => roster.entry(e.class.0).or_default().push(i),
                (EnrollmentRole::Teacher, EnrolledUser::Staff(staff)) => section_teachers
                    .entry(e.class.0)
                    .or_default()
                    .push((!e.primary, staff.0)),
                _ => {}
            }
        }
        let section_teachers = section_teachers
            .into_iter()
            .map(|(class, mut list)| {
                list.sort_unstable();
                (class, list.into_iter().map(|(_, s)| s).collect())
            })
            .collect();
        let mut teachers: BTreeMap<u32, Vec<(u32, u32)>> = BTreeMap::new();
        for s in district
            .staff
            .iter()
            .filter(|s| s.role == StaffRole::Teacher)
        {
            for school in &s.schools {
                let list = teachers.entry(school.0).or_default();
                let number = 101 + list.len() as u32;
                list.push((number, s.id.0));
            }
        }
        Self {
            district,
            departed,
            students_by_school,
            student_index,
            roster,
            section_teachers,
            teachers,
        }
    }

    /// Whether `code` is a school (or the district office).
    pub fn has_school(&self, code: u32) -> bool {
        code == 0 || self.district.schools.iter().any(|s| s.id.0 == code)
    }

    /// `/schools`.
    pub fn schools(&self) -> Vec<Value> {
        let d = &self.district;
        let mut out = vec![json!({
            "SchoolCode": 0, "Name": d.name, "InactiveStatusCode": "",
            "Address": "", "LowGradeLevel": 0, "HighGradeLevel": 0,
        })];
        for s in &d.schools {
            let (lo, hi) = s.level.grade_range();
            out.push(json!({
                "SchoolCode": s.id.0, "Name": s.name, "InactiveStatusCode": "",
                "StateSchoolCode": s.identifier, "LowGradeLevel": lo.0, "HighGradeLevel": hi.0,
            }));
        }
        out
    }

    /// `/schools/{sc}/terms`.
    pub fn terms(&self, school: u32) -> Vec<Value> {
        if school == 0 {
            return Vec::new();
        }
        self.district
            .sessions
            .iter()
            .map(|s| {
                json!({
                    "SchoolCode": school,
                    "TermCode": term_code(s.id.0),
                    "TermDescription": s.title,
                    "StartDate": date(s.start),
                    "EndDate": date(s.end),
                })
            })
            .collect()
    }

    /// `/courses`.
    pub fn courses(&self) -> Vec<Value> {
        self.district
            .courses
            .iter()
            .map(|c| self.course(c.id.0))
            .collect()
    }

    /// `/courses/{id}` (`Null` when unknown).
    pub fn course(&self, id: u32) -> Value {
        let Some(c) = self.district.courses.iter().find(|c| c.id.0 == id) else {
            return Value::Null;
        };
        json!({
            "ID": c.id.0.to_string(),
            "Title": c.title.chars().take(15).collect::<String>(),
            "LongDescription": c.title.chars().take(30).collect::<String>(),
            "DepartmentCode": c.subject.chars().take(3).collect::<String>().to_uppercase(),
            "LowGrade": c.grades.first().map_or(0, |g| g.0),
            "HighGrade": c.grades.last().map_or(0, |g| g.0),
            "InactiveStatusCode": "",
            "StateCourseCode": c.code,
        })
    }

    /// `/schools/{sc}/teachers`.
    pub fn teachers(&self, school: u32) -> Vec<Value> {
        self.teachers
            .get(&school)
            .map(|list| {
                list.iter()
                    .filter_map(|(number, staff)| {
                        let s = self
                            .district
                            .staff_member(homeroom_district_gen::StaffId(*staff))?;
                        Some(json!({
                            "SchoolCode": school, "TeacherNumber": number,
                            "DisplayName": format!("{}, {}", s.family_name, s.given_name),
                            "FirstName": s.given_name, "LastName": s.family_name,
                            "EmailAddress": s.email, "StaffID1": s.id.0, "StaffID2": 0,
                            "StaffID3": 0, "InactiveStatusCode": "", "Room": "",
                        }))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn teacher_number(&self, school: u32, staff: u32) -> u32 {
        self.teachers
            .get(&school)
            .and_then(|l| l.iter().find(|(_, s)| *s == staff))
            .map_or(0, |(n, _)| *n)
    }

    /// `/staff`.
    pub fn staff(&self) -> Vec<Value> {
        self.district
            .staff
            .iter()
            .map(|s| self.staff_member(s.id.0))
            .collect()
    }

    /// `/staff/{id}` (`Null` when unknown).
    pub fn staff_member(&self, id: u32) -> Value {
        let Some(s) = self
            .district
            .staff_member(homeroom_district_gen::StaffId(id))
        else {
            return Value::Null;
        };
        let primary = s.schools.first().map_or(0, |sc| sc.0);
        json!({
            "ID": s.id.0, "FirstName": s.given_name, "LastName": s.family_name,
            "MiddleName": s.middle_name.as_deref().unwrap_or(""),
            "EmailAddress": s.email, "AlternateEmailAddress": "",
            "UserName": s.email.split('@').next().unwrap_or_default(),
            "NetworkLoginID": "", "PrimaryAeriesSchool": primary, "InactiveStatusCode": "",
            "HireDate": "2015-08-01T00:00:00", "LeaveDate": null,
            "HumanResourcesSystemID": s.employee_number, "StateEducatorID": "",
            "Title": s.title, "CellPhone": "", "HomePhone": "",
            "SchoolAccessPermissions": s.schools.iter().map(|sc| json!({
                "SchoolCode": sc.0, "ReadOnlyAccess": false, "CommunicationGroup": true
            })).collect::<Vec<_>>(),
        })
    }

    /// `/schools/{sc}/sections`.
    pub fn sections(&self, school: u32) -> Vec<Value> {
        self.district
            .classes
            .iter()
            .filter(|c| c.school.0 == school)
            .map(|c| self.section_json(c))
            .collect()
    }

    /// `/schools/{sc}/sections/{sn}` (`Null` when unknown).
    pub fn section(&self, school: u32, number: u32) -> Value {
        self.district
            .class(homeroom_district_gen::ClassId(number))
            .filter(|c| c.school.0 == school)
            .map_or(Value::Null, |c| self.section_json(c))
    }

    fn section_json(&self, c: &Class) -> Value {
        let school = c.school.0;
        let teachers: Vec<u32> = self
            .section_teachers
            .get(&c.id.0)
            .map(|t| t.iter().map(|s| self.teacher_number(school, *s)).collect())
            .unwrap_or_default();
        let semester = if c.terms.len() == 1 {
            term_code(c.terms[0].0)
        } else {
            "Y"
        };
        json!({
            "SchoolCode": school, "SectionNumber": c.id.0, "CourseID": c.course.0.to_string(),
            "TeacherNumber1": teachers.first().copied().unwrap_or(0),
            "TeacherNumber2": teachers.get(1).copied().unwrap_or(0),
            "TeacherNumber3": teachers.get(2).copied().unwrap_or(0),
            "Period": c.period.unwrap_or(0), "Room": c.location, "Semester": semester,
            "InactiveStatusCode": "", "MaxStudents": 30,
        })
    }

    /// `/schools/{sc}/sections/{sn}/students` (`None` when the section is unknown).
    pub fn roster(&self, school: u32, number: u32) -> Option<Vec<Value>> {
        self.roster_rows(school, number)
            .map(|rows| rows.map(|r| to_value(&r)).collect())
    }

    /// [`SiteData::roster`] as JSON text.
    pub fn roster_text(&self, school: u32, number: u32) -> Option<String> {
        self.roster_rows(school, number).map(json_array)
    }

    fn roster_rows(
        &self,
        school: u32,
        number: u32,
    ) -> Option<impl Iterator<Item = RosterJson> + '_> {
        let c = self
            .district
            .class(homeroom_district_gen::ClassId(number))
            .filter(|c| c.school.0 == school)?;
        let list = self.roster.get(&c.id.0).map_or(&[][..], Vec::as_slice);
        Some(list.iter().filter_map(move |&i| {
            let e = &self.district.enrollments[i];
            let EnrolledUser::Student(id) = e.user else {
                return None;
            };
            let s = self.district.student(id)?;
            Some(RosterJson {
                student_id: s.student_number,
                school_code: school,
                section_number: c.id.0,
                date_started: date(e.begin),
                date_ended: date(e.end),
            })
        }))
    }

    /// `/schools/{sc}/classes/[{StudentID}]`: the class schedule rows of the school's students
    /// (of one student when `student` is given and not 0), section by section.
    pub fn class_schedules_text(&self, school: u32, student: Option<u32>) -> String {
        let student = student.filter(|&id| id != 0);
        let rows = self
            .district
            .classes
            .iter()
            .filter(|c| c.school.0 == school)
            .flat_map(move |c| {
                self.roster_rows(school, c.id.0)
                    .into_iter()
                    .flatten()
                    .map(move |r| ClassScheduleJson {
                        course_id: c.course.0.to_string(),
                        period: c.period.unwrap_or(0),
                        row: r,
                    })
            })
            .filter(move |r| student.is_none_or(|id| r.row.student_id == id));
        json_array(rows)
    }

    /// `/schools/{sc}/students`: the school's students, then those who left it.
    pub fn students(&self, school: u32) -> Vec<Value> {
        let mut out: Vec<Value> = self.school_students(school).map(|s| to_value(&s)).collect();
        out.extend(self.departed_from(school).map(|d| d.record.clone()));
        out
    }

    /// Records `start..=end` (1-based) of [`SiteData::students`], as JSON text.
    pub fn students_text(&self, school: u32, start: usize, end: usize) -> String {
        let take = (end + 1).saturating_sub(start.max(1));
        let skip = start.max(1) - 1;
        let current = self.school_students(school).map(Row::Typed);
        let departed = self.departed_from(school).map(|d| Row::Value(&d.record));
        json_array(current.chain(departed).skip(skip).take(take))
    }

    fn school_students(&self, school: u32) -> impl Iterator<Item = StudentJson<'_>> + '_ {
        self.students_by_school
            .get(&school)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .enumerate()
            .map(move |(n, &i)| self.student_json(&self.district.students[i], school, n as u32 + 1))
    }

    fn departed_from(&self, school: u32) -> impl Iterator<Item = &Departed> + '_ {
        self.departed.values().filter(move |d| d.school == school)
    }

    /// `/schools/{sc}/students/{id}`.
    pub fn student(&self, school: u32, id: u32) -> Vec<Value> {
        if let Some(d) = self.departed.get(&id) {
            return if d.school == school {
                vec![d.record.clone()]
            } else {
                Vec::new()
            };
        }
        let Some(&i) = self.student_index.get(&id) else {
            return Vec::new();
        };
        self.students_by_school
            .get(&school)
            .and_then(|list| list.iter().position(|&j| j == i))
            .map(|n| {
                vec![to_value(&self.student_json(
                    &self.district.students[i],
                    school,
                    n as u32 + 1,
                ))]
            })
            .unwrap_or_default()
    }

    fn student_json<'s>(&'s self, s: &'s Student, school: u32, number: u32) -> StudentJson<'s> {
        let family = self.district.family(s.family);
        StudentJson {
            student_id: s.student_number,
            old_student_id: 0,
            school_code: school,
            student_number: number,
            state_student_id: "",
            last_name: &s.family_name,
            first_name: &s.given_name,
            middle_name: s.middle_name.as_deref().unwrap_or(""),
            last_name_alias: "",
            first_name_alias: "",
            middle_name_alias: "",
            sex: "",
            grade: s.grade.0,
            grade_level_short_description: s.grade.code(),
            birthdate: None,
            parent_guardian_name: family
                .map(|f| format!("M/M {}", f.surname))
                .unwrap_or_default(),
            home_phone: "",
            student_email_address: s.email(),
            parent_email_address: "",
            inactive_status_code: "",
            school_enter_date: "2025-08-18T00:00:00",
            school_leave_date: None,
            family_key: s.family.0,
        }
    }

    /// The contact rows of one student.
    pub fn student_contacts(&self, id: u32) -> Vec<Value> {
        if let Some(d) = self.departed.get(&id) {
            return d.contacts.clone();
        }
        self.contact_rows(id).map(|c| to_value(&c)).collect()
    }

    fn contact_rows(&self, id: u32) -> impl Iterator<Item = ContactJson<'_>> + '_ {
        let student = self
            .student_index
            .get(&id)
            .map(|&i| &self.district.students[i]);
        student.into_iter().flat_map(move |s| {
            self.district
                .guardians_of(s.id)
                .enumerate()
                .filter_map(move |(n, g)| {
                    let g = self.district.guardian(g)?;
                    let (code, lives) = match g.role {
                        GuardianRole::Parent if g.id.0 % 2 == 0 => ("10", "Y"),
                        GuardianRole::Parent => ("11", "Y"),
                        GuardianRole::Guardian => ("15", "Y"),
                        GuardianRole::Relative if g.id.0 % 2 == 0 => ("20", "N"),
                        GuardianRole::Relative => ("21", "N"),
                    };
                    Some(ContactJson {
                        student_id: s.student_number,
                        school_code: s.school.0,
                        sequence_number: n + 1,
                        contact_order: n + 1,
                        relationship_to_student_code: code,
                        name_prefix: "",
                        first_name: &g.given_name,
                        middle_name: g.middle_name.as_deref().unwrap_or(""),
                        last_name: &g.family_name,
                        name_suffix: "",
                        mailing_name: format!("{} {}", g.given_name, g.family_name),
                        home_phone: "",
                        work_phone: "",
                        cell_phone: phone(g.phone),
                        email_address: g.email.as_deref().unwrap_or(""),
                        lives_with_student_indicator: lives,
                        access_to_portal: "Y",
                        educational_rights_holder: if code == "20" || code == "21" {
                            "N"
                        } else {
                            "Y"
                        },
                        primary_contact: if n == 0 { "Y" } else { "N" },
                        red_flag: false,
                        portal_account_id: 0,
                    })
                })
        })
    }

    /// `/schools/{sc}/contacts`: every contact row of the school's students.
    pub fn contacts(&self, school: u32) -> Vec<Value> {
        let mut out = Vec::new();
        for &i in self.students_by_school.get(&school).into_iter().flatten() {
            out.extend(self.student_contacts(self.district.students[i].student_number));
        }
        for (id, d) in &self.departed {
            if d.school == school {
                out.extend(self.student_contacts(*id));
            }
        }
        out
    }

    /// [`SiteData::contacts`] as JSON text.
    pub fn contacts_text(&self, school: u32) -> String {
        let current = self
            .students_by_school
            .get(&school)
            .into_iter()
            .flatten()
            .flat_map(|&i| self.contact_rows(self.district.students[i].student_number))
            .map(Row::Typed);
        let departed = self
            .departed_from(school)
            .flat_map(|d| d.contacts.iter().map(Row::Value));
        json_array(current.chain(departed))
    }

    /// `/enrollment/{id}`: the student's school enrollments this year.
    pub fn enrollment(&self, id: u32) -> Vec<Value> {
        if let Some(d) = self.departed.get(&id) {
            return vec![json!({
                "StudentID": id, "SchoolCode": d.school, "AcademicYear": "2025-2026",
                "EnterDate": "2025-08-18T00:00:00", "LeaveDate": d.record["SchoolLeaveDate"],
                "ExitReasonCode": "T1",
            })];
        }
        let Some(&i) = self.student_index.get(&id) else {
            return Vec::new();
        };
        self.students_by_school
            .iter()
            .filter(|(_, list)| list.contains(&i))
            .map(|(school, _)| {
                json!({
                    "StudentID": id, "SchoolCode": school, "AcademicYear": "2025-2026",
                    "EnterDate": "2025-08-18T00:00:00", "LeaveDate": null, "ExitReasonCode": "",
                })
            })
            .collect()
    }

    /// What Aeries keeps of a student who left, as of `day`'s date.
    pub fn departure(&self, id: u32, leave_date: &str) -> Option<Departed> {
        let &i = self.student_index.get(&id)?;
        let s = &self.district.students[i];
        let mut record = to_value(&self.student_json(s, s.school.0, 0));
        record["InactiveStatusCode"] = json!("I");
        record["SchoolLeaveDate"] = json!(leave_date);
        Some(Departed {
            school: s.school.0,
            record,
            contacts: self.student_contacts(id),
        })
    }

    /// Every school's code, the district office first.
    pub fn school_codes(&self) -> Vec<u32> {
        std::iter::once(0)
            .chain(self.district.schools.iter().map(|s| s.id.0))
            .collect()
    }
}

/// One row of a list answer: rendered from the model, or kept as JSON (students who left).
#[derive(Serialize)]
#[serde(untagged)]
enum Row<'a, T> {
    Typed(T),
    Value(&'a Value),
}

/// A JSON array of `items`, serialized straight into text.
fn json_array<T: Serialize>(items: impl Iterator<Item = T>) -> String {
    let mut out = Vec::with_capacity(4096);
    out.push(b'[');
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Serializing these plain structs into memory cannot fail.
        let _ = serde_json::to_writer(&mut out, &item);
    }
    out.push(b']');
    String::from_utf8(out).unwrap_or_default()
}

fn to_value<T: Serialize>(item: &T) -> Value {
    serde_json::to_value(item).unwrap_or(Value::Null)
}

/// A `/schools/{sc}/students` record as the fake renders it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StudentJson<'a> {
    #[serde(rename = "StudentID")]
    student_id: u32,
    #[serde(rename = "OldStudentID")]
    old_student_id: u32,
    school_code: u32,
    student_number: u32,
    #[serde(rename = "StateStudentID")]
    state_student_id: &'a str,
    last_name: &'a str,
    first_name: &'a str,
    middle_name: &'a str,
    last_name_alias: &'a str,
    first_name_alias: &'a str,
    middle_name_alias: &'a str,
    sex: &'a str,
    grade: u8,
    grade_level_short_description: &'a str,
    birthdate: Option<&'a str>,
    parent_guardian_name: String,
    home_phone: &'a str,
    student_email_address: String,
    parent_email_address: &'a str,
    inactive_status_code: &'a str,
    school_enter_date: &'a str,
    school_leave_date: Option<&'a str>,
    family_key: u32,
}

/// A contact row as the fake renders it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContactJson<'a> {
    #[serde(rename = "StudentID")]
    student_id: u32,
    school_code: u32,
    sequence_number: usize,
    contact_order: usize,
    relationship_to_student_code: &'a str,
    name_prefix: &'a str,
    first_name: &'a str,
    middle_name: &'a str,
    last_name: &'a str,
    name_suffix: &'a str,
    mailing_name: String,
    home_phone: &'a str,
    work_phone: &'a str,
    cell_phone: String,
    email_address: &'a str,
    lives_with_student_indicator: &'a str,
    access_to_portal: &'a str,
    educational_rights_holder: &'a str,
    primary_contact: &'a str,
    red_flag: bool,
    #[serde(rename = "PortalAccountID")]
    portal_account_id: u32,
}

/// A class schedule row (a roster row with its course and period) as the fake renders it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ClassScheduleJson {
    #[serde(flatten)]
    row: RosterJson,
    #[serde(rename = "CourseID")]
    course_id: String,
    period: u8,
}

/// A section roster row as the fake renders it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct RosterJson {
    #[serde(rename = "StudentID")]
    student_id: u32,
    school_code: u32,
    section_number: u32,
    date_started: String,
    date_ended: String,
}

/// The term code of a generated session: the year `Y`, fall `F`, spring `S`.
fn term_code(session: u32) -> &'static str {
    match session {
        1 => "Y",
        2 => "F",
        3 => "S",
        _ => "T",
    }
}

/// Every 40th middle/high-school student is also enrolled at a second school: the next school
/// of the level, or the next school of any level when the level has one school.
fn second_school(s: &Student, middle: &[u32], high: &[u32], all: &[u32]) -> Option<u32> {
    if !s.id.0.is_multiple_of(40) {
        return None;
    }
    let same = match SchoolLevel::for_grade(s.grade) {
        SchoolLevel::Middle => middle,
        SchoolLevel::High => high,
        SchoolLevel::Elementary => return None,
    };
    let pool = if same.len() >= 2 { same } else { all };
    if pool.len() < 2 {
        return None;
    }
    let at = pool.iter().position(|&c| c == s.school.0)?;
    Some(pool[(at + 1) % pool.len()])
}
