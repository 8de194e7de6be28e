//! The in-memory district: plain data with public fields, usable on its own (fake SIS servers,
//! tests) without going through the CSV writer.
//!
//! Every collection is sorted by id, so lookups are binary searches (see the `*_by_id`
//! methods). Ids display as `kind-number` (`stu-17`, `cls-3`) and are stable across days: a
//! record that survives churn keeps its id, new records get new numbers.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::date::Date;
use crate::phone::{Phone, PhonePlan};

/// A person's name part: usually borrowed from the embedded lists, owned after a correction.
pub type Name = Cow<'static, str>;

/// Domain of staff email addresses (`first.last@district.example`).
pub const STAFF_EMAIL_DOMAIN: &str = "district.example";
/// Domain of student email addresses (`<student number>@students.district.example`).
pub const STUDENT_EMAIL_DOMAIN: &str = "students.district.example";

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The prefix of this kind of id when displayed.
            pub const PREFIX: &'static str = $prefix;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "-{}"), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    };
}

id_type!(
    /// The district org (`dst-1`).
    DistrictOrgId, "dst"
);
id_type!(
    /// A school org (`sch-3`).
    SchoolId, "sch"
);
id_type!(
    /// An academic session (`ses-1` is the school year, `ses-2`/`ses-3` its semesters).
    SessionId, "ses"
);
id_type!(
    /// A course (`crs-12`).
    CourseId, "crs"
);
id_type!(
    /// A class section (`cls-40`).
    ClassId, "cls"
);
id_type!(
    /// A teacher, administrator or aide (`stf-5`).
    StaffId, "stf"
);
id_type!(
    /// A student (`stu-100`).
    StudentId, "stu"
);
id_type!(
    /// A guardian: parent, guardian or relative (`gdn-7`).
    GuardianId, "gdn"
);
id_type!(
    /// An enrollment (`enr-9`).
    EnrollmentId, "enr"
);
id_type!(
    /// A household (not written to OneRoster; links siblings and their guardians).
    FamilyId, "fam"
);

/// A grade level: 0 is kindergarten (`KG`), then 1–12 (`01`…`12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grade(pub u8);

impl Grade {
    /// Kindergarten.
    pub const KG: Grade = Grade(0);

    /// The OneRoster / CEDS code: `KG`, `01`…`12`.
    pub fn code(self) -> &'static str {
        const CODES: [&str; 13] = [
            "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
        ];
        CODES[self.0.min(12) as usize]
    }

    /// A label for titles: `Kindergarten`, `Grade 3`.
    pub fn label(self) -> String {
        if self.0 == 0 {
            "Kindergarten".to_owned()
        } else {
            format!("Grade {}", self.0)
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Grade {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Elementary (K–5), middle (6–8) or high (9–12) school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    /// Grades KG–05.
    Elementary,
    /// Grades 06–08.
    Middle,
    /// Grades 09–12.
    High,
}

impl SchoolLevel {
    /// The lowest and highest grade.
    pub const fn grade_range(self) -> (Grade, Grade) {
        match self {
            SchoolLevel::Elementary => (Grade(0), Grade(5)),
            SchoolLevel::Middle => (Grade(6), Grade(8)),
            SchoolLevel::High => (Grade(9), Grade(12)),
        }
    }

    /// The level that teaches `grade`.
    pub const fn for_grade(grade: Grade) -> SchoolLevel {
        match grade.0 {
            0..=5 => SchoolLevel::Elementary,
            6..=8 => SchoolLevel::Middle,
            _ => SchoolLevel::High,
        }
    }

    /// Every grade of the level.
    pub fn grades(self) -> impl Iterator<Item = Grade> {
        let (lo, hi) = self.grade_range();
        (lo.0..=hi.0).map(Grade)
    }
}

/// A school.
#[derive(Clone, Debug, PartialEq)]
pub struct School {
    pub id: SchoolId,
    pub name: String,
    /// The state / district school code.
    pub identifier: String,
    pub level: SchoolLevel,
    /// Elementary only: whether art, music and PE sections are rostered as classes.
    pub rosters_specials: bool,
    /// Relative size of the school's attendance zone (elementary schools; 1.0 elsewhere).
    pub zone_weight: f64,
}

/// School year or semester.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SessionKind {
    SchoolYear,
    Semester,
}

impl SessionKind {
    /// The OneRoster `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::SchoolYear => "schoolYear",
            SessionKind::Semester => "semester",
        }
    }
}

/// An academic session.
#[derive(Clone, Debug, PartialEq)]
pub struct AcademicSession {
    pub id: SessionId,
    pub title: String,
    pub kind: SessionKind,
    pub start: Date,
    pub end: Date,
    pub parent: Option<SessionId>,
    /// The year the school year ends in (OneRoster `schoolYear`).
    pub school_year: u16,
}

/// A course (per school).
#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    pub id: CourseId,
    pub school: SchoolId,
    pub title: String,
    pub code: String,
    pub grades: Vec<Grade>,
    pub subject: &'static str,
}

/// Homeroom or scheduled class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassType {
    Homeroom,
    Scheduled,
}

impl ClassType {
    /// The OneRoster `classType`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassType::Homeroom => "homeroom",
            ClassType::Scheduled => "scheduled",
        }
    }
}

/// A class section.
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub id: ClassId,
    pub school: SchoolId,
    pub course: CourseId,
    pub title: String,
    pub code: String,
    pub class_type: ClassType,
    pub location: String,
    pub grades: Vec<Grade>,
    pub subject: &'static str,
    pub period: Option<u8>,
    pub terms: Vec<SessionId>,
    /// Elementary specials (art, music, PE): the homeroom whose students this section follows.
    pub follows_homeroom: Option<ClassId>,
}

/// The OneRoster role of a staff user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Teacher,
    Administrator,
    Aide,
}

impl StaffRole {
    /// The OneRoster 1.1 `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Teacher => "teacher",
            StaffRole::Administrator => "administrator",
            StaffRole::Aide => "aide",
        }
    }
}

/// A teacher, administrator or aide.
#[derive(Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: StaffId,
    pub role: StaffRole,
    /// Job title, e.g. `Principal`, `Teacher`, `Superintendent`.
    pub title: &'static str,
    pub given_name: Name,
    pub family_name: Name,
    pub middle_name: Option<Name>,
    /// `first.last@district.example` (a digit is added when two staff share a name).
    pub email: String,
    /// Employee number, `E10001`.
    pub employee_number: String,
    /// Schools worked at; empty for district-office staff (their org is the district).
    pub schools: Vec<SchoolId>,
    /// Day this record last changed (1 = the first snapshot).
    pub modified_day: u32,
}

/// A household: siblings and the guardians they share.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    pub id: FamilyId,
    pub surname: Name,
    /// Attendance zone: the elementary, middle and high school its children go to.
    pub elementary: SchoolId,
    pub middle: SchoolId,
    pub high: SchoolId,
}

impl Family {
    /// The school a child of this family in `grade` attends.
    pub fn school_for(&self, grade: Grade) -> SchoolId {
        match SchoolLevel::for_grade(grade) {
            SchoolLevel::Elementary => self.elementary,
            SchoolLevel::Middle => self.middle,
            SchoolLevel::High => self.high,
        }
    }
}

/// A student.
#[derive(Clone, Debug, PartialEq)]
pub struct Student {
    pub id: StudentId,
    pub family: FamilyId,
    pub school: SchoolId,
    pub grade: Grade,
    /// District student number, unique (also the OneRoster `identifier`).
    pub student_number: u32,
    pub given_name: Name,
    pub middle_name: Option<Name>,
    pub family_name: Name,
    /// Day this record last changed (1 = the first snapshot).
    pub modified_day: u32,
}

impl Student {
    /// `<student number>@students.district.example`.
    pub fn email(&self) -> String {
        format!("{}@{STUDENT_EMAIL_DOMAIN}", self.student_number)
    }
}

/// The OneRoster role of a guardian user (also the relationship kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardianRole {
    Parent,
    Guardian,
    Relative,
}

impl GuardianRole {
    /// The OneRoster 1.1 `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            GuardianRole::Parent => "parent",
            GuardianRole::Guardian => "guardian",
            GuardianRole::Relative => "relative",
        }
    }
}

/// A parent, guardian or relative.
#[derive(Clone, Debug, PartialEq)]
pub struct Guardian {
    pub id: GuardianId,
    pub family: FamilyId,
    pub role: GuardianRole,
    pub given_name: Name,
    pub middle_name: Option<Name>,
    pub family_name: Name,
    /// Personal email; `None` for phone-only guardians.
    pub email: Option<String>,
    /// Phone; `None` for some email-only guardians.
    pub phone: Option<Phone>,
    /// Day this record last changed (1 = the first snapshot).
    pub modified_day: u32,
}

/// A guardian–student link (OneRoster `agentSourcedIds`, both directions). Its kind is the
/// guardian's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Relationship {
    pub student: StudentId,
    pub guardian: GuardianId,
}

/// Who is enrolled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EnrolledUser {
    Student(StudentId),
    Staff(StaffId),
}

impl fmt::Display for EnrolledUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnrolledUser::Student(id) => id.fmt(f),
            EnrolledUser::Staff(id) => id.fmt(f),
        }
    }
}

/// The OneRoster 1.1 enrollment role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrollmentRole {
    Student,
    Teacher,
}

impl EnrollmentRole {
    /// The OneRoster `role`.
    pub fn as_str(self) -> &'static str {
        match self {
            EnrollmentRole::Student => "student",
            EnrollmentRole::Teacher => "teacher",
        }
    }
}

/// An enrollment of a student or teacher in a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Enrollment {
    pub id: EnrollmentId,
    pub class: ClassId,
    pub user: EnrolledUser,
    pub role: EnrollmentRole,
    /// The primary teacher of the class (always `false` for students).
    pub primary: bool,
    pub begin: Date,
    pub end: Date,
    /// Day this record was created (enrollments never change in place).
    pub modified_day: u32,
}

/// Next-id counters and other state that carries over to the next day.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Counters {
    pub(crate) next_student: u32,
    pub(crate) next_guardian: u32,
    pub(crate) next_family: u32,
    pub(crate) next_enrollment: u32,
    pub(crate) next_student_number: u32,
    pub(crate) next_email_seq: u64,
    pub(crate) next_phone_seq: u64,
}

/// A synthetic school district (one day's full snapshot).
#[derive(Clone, Debug)]
pub struct District {
    /// The seed the district was generated from.
    pub seed: u64,
    /// Which snapshot this is: 1 for the generated district, +1 per [`District::next_day`].
    pub day: u32,
    pub name: String,
    pub org_id: DistrictOrgId,
    /// The district's NCES-style identifier.
    pub identifier: String,
    pub schools: Vec<School>,
    /// The school year, then its two semesters.
    pub sessions: Vec<AcademicSession>,
    pub courses: Vec<Course>,
    pub classes: Vec<Class>,
    pub staff: Vec<Staff>,
    pub families: Vec<Family>,
    pub students: Vec<Student>,
    pub guardians: Vec<Guardian>,
    /// Sorted by (student, guardian).
    pub relationships: Vec<Relationship>,
    pub enrollments: Vec<Enrollment>,
    pub(crate) counters: Counters,
    pub(crate) phones: PhonePlan,
}

/// Counts of a district, for exact assertions after an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DistrictSummary {
    pub day: u32,
    /// The district org plus its schools.
    pub orgs: usize,
    pub schools: usize,
    pub elementary_schools: usize,
    pub middle_schools: usize,
    pub high_schools: usize,
    pub academic_sessions: usize,
    pub courses: usize,
    pub classes: usize,
    /// Staff + students + guardians (rows of users.csv).
    pub users: usize,
    pub staff: usize,
    pub teachers: usize,
    pub administrators: usize,
    pub aides: usize,
    pub students: usize,
    pub guardians: usize,
    pub families: usize,
    pub enrollments: usize,
    pub student_enrollments: usize,
    pub teacher_enrollments: usize,
    /// Teacher enrollments with `primary = true` (one per class).
    pub primary_teacher_enrollments: usize,
    /// Guardian–student links (each appears once, though OneRoster lists it from both sides).
    pub relationships: usize,
    /// Guardians linked to two or more students (siblings).
    pub guardians_with_several_students: usize,
    /// Guardians with no email (phone only).
    pub guardians_without_email: usize,
    /// Guardians with no phone (email only).
    pub guardians_without_phone: usize,
    /// Pairs of differently named guardians sharing one home phone.
    pub shared_phone_pairs: usize,
    /// Guardians whose email is a teacher's email (the same adult).
    pub guardian_teachers: usize,
    /// Distinct people once identity rules merge each guardian-teacher into one person:
    /// `users - guardian_teachers`.
    pub expected_people: usize,
}

/// The identity quirks present in a district, found by scanning the data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Quirks {
    /// Two guardians of one family, different names, one shared phone.
    pub shared_phones: Vec<(GuardianId, GuardianId)>,
    /// A guardian whose email (compared case-insensitively) is a teacher's.
    pub guardian_teachers: Vec<(GuardianId, StaffId)>,
    /// Guardians with a phone and no email.
    pub phone_only_guardians: Vec<GuardianId>,
}

fn find<T, K: Ord + Copy>(items: &[T], key: K, f: impl Fn(&T) -> K) -> Option<&T> {
    items
        .binary_search_by(|item| f(item).cmp(&key))
        .ok()
        .map(|i| &items[i])
}

impl District {
    /// The school with `id`.
    pub fn school(&self, id: SchoolId) -> Option<&School> {
        find(&self.schools, id, |s| s.id)
    }

    /// The course with `id`.
    pub fn course(&self, id: CourseId) -> Option<&Course> {
        find(&self.courses, id, |c| c.id)
    }

    /// The class with `id`.
    pub fn class(&self, id: ClassId) -> Option<&Class> {
        find(&self.classes, id, |c| c.id)
    }

    /// The staff member with `id`.
    pub fn staff_member(&self, id: StaffId) -> Option<&Staff> {
        find(&self.staff, id, |s| s.id)
    }

    /// The student with `id`.
    pub fn student(&self, id: StudentId) -> Option<&Student> {
        find(&self.students, id, |s| s.id)
    }

    /// The guardian with `id`.
    pub fn guardian(&self, id: GuardianId) -> Option<&Guardian> {
        find(&self.guardians, id, |g| g.id)
    }

    /// The family with `id`.
    pub fn family(&self, id: FamilyId) -> Option<&Family> {
        find(&self.families, id, |f| f.id)
    }

    /// The guardians of a student, in id order.
    pub fn guardians_of(&self, student: StudentId) -> impl Iterator<Item = GuardianId> + '_ {
        let start = self.relationships.partition_point(|r| r.student < student);
        self.relationships[start..]
            .iter()
            .take_while(move |r| r.student == student)
            .map(|r| r.guardian)
    }

    /// Guardian → its students, sorted by guardian then student (built on demand).
    pub fn students_by_guardian(&self) -> Vec<(GuardianId, StudentId)> {
        let mut pairs: Vec<_> = self
            .relationships
            .iter()
            .map(|r| (r.guardian, r.student))
            .collect();
        pairs.sort_unstable();
        pairs
    }

    /// Counts.
    pub fn summary(&self) -> DistrictSummary {
        let count_level =
            |level: SchoolLevel| self.schools.iter().filter(|s| s.level == level).count();
        let count_role = |role: StaffRole| self.staff.iter().filter(|s| s.role == role).count();
        let student_enrollments = self
            .enrollments
            .iter()
            .filter(|e| e.role == EnrollmentRole::Student)
            .count();
        let primary = self
            .enrollments
            .iter()
            .filter(|e| e.role == EnrollmentRole::Teacher && e.primary)
            .count();
        let by_guardian = self.students_by_guardian();
        let mut several = 0;
        let mut i = 0;
        while i < by_guardian.len() {
            let g = by_guardian[i].0;
            let n = by_guardian[i..].iter().take_while(|p| p.0 == g).count();
            if n >= 2 {
                several += 1;
            }
            i += n;
        }
        let quirks = self.quirks();
        let users = self.staff.len() + self.students.len() + self.guardians.len();
        DistrictSummary {
            day: self.day,
            orgs: 1 + self.schools.len(),
            schools: self.schools.len(),
            elementary_schools: count_level(SchoolLevel::Elementary),
            middle_schools: count_level(SchoolLevel::Middle),
            high_schools: count_level(SchoolLevel::High),
            academic_sessions: self.sessions.len(),
            courses: self.courses.len(),
            classes: self.classes.len(),
            users,
            staff: self.staff.len(),
            teachers: count_role(StaffRole::Teacher),
            administrators: count_role(StaffRole::Administrator),
            aides: count_role(StaffRole::Aide),
            students: self.students.len(),
            guardians: self.guardians.len(),
            families: self.families.len(),
            enrollments: self.enrollments.len(),
            student_enrollments,
            teacher_enrollments: self.enrollments.len() - student_enrollments,
            primary_teacher_enrollments: primary,
            relationships: self.relationships.len(),
            guardians_with_several_students: several,
            guardians_without_email: self.guardians.iter().filter(|g| g.email.is_none()).count(),
            guardians_without_phone: self.guardians.iter().filter(|g| g.phone.is_none()).count(),
            shared_phone_pairs: quirks.shared_phones.len(),
            guardian_teachers: quirks.guardian_teachers.len(),
            expected_people: users - quirks.guardian_teachers.len(),
        }
    }

    /// The identity quirks present, found by scanning (so they stay true after churn).
    pub fn quirks(&self) -> Quirks {
        let mut by_phone: Vec<(Phone, GuardianId)> = self
            .guardians
            .iter()
            .filter_map(|g| g.phone.map(|p| (p, g.id)))
            .collect();
        by_phone.sort_unstable();
        let shared_phones = by_phone
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .map(|w| (w[0].1, w[1].1))
            .collect();
        let staff_by_email: BTreeMap<String, StaffId> = self
            .staff
            .iter()
            .filter(|s| s.role == StaffRole::Teacher)
            .map(|s| (s.email.to_ascii_lowercase(), s.id))
            .collect();
        let guardian_teachers = self
            .guardians
            .iter()
            .filter_map(|g| {
                let email = g.email.as_ref()?.trim().to_ascii_lowercase();
                staff_by_email.get(&email).map(|s| (g.id, *s))
            })
            .collect();
        let phone_only_guardians = self
            .guardians
            .iter()
            .filter(|g| g.email.is_none())
            .map(|g| g.id)
            .collect();
        Quirks {
            shared_phones,
            guardian_teachers,
            phone_only_guardians,
        }
    }
}
