//! A Clever district rendered from a generated [`District`]: every object as the JSON the
//! Data API sends, sorted by id within its collection.

use std::collections::HashMap;

use homeroom_district_gen::{
    ClassId, District, EnrolledUser, EnrollmentRole, Grade, GuardianRole, StaffId, StaffRole,
    StudentId,
};
use serde_json::{Value, json};

use super::ids::{IdKind, churning_contact_id, clever_id};

/// A section's students, teachers and primary teacher.
type Roster = (Vec<String>, Vec<String>, Option<String>);

/// Role bits of a user.
pub(crate) mod role_bits {
    pub const STUDENT: u8 = 1;
    pub const TEACHER: u8 = 2;
    pub const STAFF: u8 = 4;
    pub const DISTRICT_ADMIN: u8 = 8;
    pub const CONTACT: u8 = 16;
}

/// One object: its id, its JSON, and for users the roles it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FakeObject {
    pub id: String,
    pub json: String,
    pub roles: u8,
}

/// The collections the fake serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Collection {
    Districts,
    Schools,
    Terms,
    Courses,
    Sections,
    Users,
}

impl Collection {
    pub(crate) const ALL: [Collection; 6] = [
        Collection::Districts,
        Collection::Schools,
        Collection::Terms,
        Collection::Courses,
        Collection::Sections,
        Collection::Users,
    ];

    pub(crate) fn path(self) -> &'static str {
        match self {
            Collection::Districts => "districts",
            Collection::Schools => "schools",
            Collection::Terms => "terms",
            Collection::Courses => "courses",
            Collection::Sections => "sections",
            Collection::Users => "users",
        }
    }

    pub(crate) fn from_path(path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.path() == path)
    }
}

/// A district as Clever would serve it.
///
/// * Guardians become contacts (`roles.contact`) with their full name in `name.last`, one
///   `student_relationships` entry per student (Parent → `Parent`/`Parent/Guardian`, Guardian →
///   `Other`/`Parent/Guardian`, Relative → `Grandparent` or `Aunt/Uncle`/`Family`). Every third
///   guardian (generator number divisible by 3) has no `sis_id`, and its Clever id is derived
///   from its content, so any change to it deletes it and creates a new id.
/// * Teachers → `roles.teacher`; school administrators and aides → `roles.staff`; district
///   office administrators → `roles.district_admin`.
/// * Each class → a section whose `students`/`teachers` come from the enrollments, `teacher`
///   being the primary one; its term is the class's first.
#[derive(Clone, Debug, Default)]
pub struct CleverDataset {
    pub(crate) districts: Vec<FakeObject>,
    pub(crate) schools: Vec<FakeObject>,
    pub(crate) terms: Vec<FakeObject>,
    pub(crate) courses: Vec<FakeObject>,
    pub(crate) sections: Vec<FakeObject>,
    pub(crate) users: Vec<FakeObject>,
    /// Generator id (`stu-4`, `cls-2`, …) → Clever id.
    ids: HashMap<String, String>,
}

fn timestamp(day: u32) -> String {
    format!("{}T06:00:00.000Z", District::date_of_day(day))
}

fn clever_grade(g: Grade) -> String {
    if g == Grade::KG {
        "Kindergarten".to_owned()
    } else {
        g.0.to_string()
    }
}

impl CleverDataset {
    /// Renders `district`.
    pub fn from_district(d: &District) -> Self {
        let mut out = CleverDataset::default();
        let district_id = clever_id(IdKind::District, 1);
        out.ids.insert(d.org_id.to_string(), district_id.clone());
        let created = timestamp(1);
        out.districts.push(object(
            &district_id,
            &json!({"id": district_id, "name": d.name, "nces_id": d.identifier, "state": "success",
                "sis_type": "homeroom-district-gen", "last_sync": created}),
            0,
        ));
        let school_id =
            |id: homeroom_district_gen::SchoolId| clever_id(IdKind::School, u64::from(id.0));
        for s in &d.schools {
            let id = school_id(s.id);
            out.ids.insert(s.id.to_string(), id.clone());
            let (lo, hi) = s.level.grade_range();
            out.schools.push(object(
                &id,
                &json!({"id": id, "district": district_id, "name": s.name,
                    "school_number": s.identifier, "sis_id": s.id.to_string(),
                    "low_grade": clever_grade(lo), "high_grade": clever_grade(hi),
                    "created": created, "last_modified": created}),
                0,
            ));
        }
        for t in &d.sessions {
            let id = clever_id(IdKind::Term, u64::from(t.id.0));
            out.ids.insert(t.id.to_string(), id.clone());
            out.terms.push(object(
                &id,
                &json!({"id": id, "district": district_id, "name": t.title,
                    "start_date": t.start.to_string(), "end_date": t.end.to_string()}),
                0,
            ));
        }
        for c in &d.courses {
            let id = clever_id(IdKind::Course, u64::from(c.id.0));
            out.ids.insert(c.id.to_string(), id.clone());
            out.courses.push(object(
                &id,
                &json!({"id": id, "district": district_id, "name": c.title, "number": c.code}),
                0,
            ));
        }
        let staff_id = |id: StaffId| clever_id(IdKind::Staff, u64::from(id.0));
        let student_id = |id: StudentId| clever_id(IdKind::Student, u64::from(id.0));
        // Class → (students, teachers, primary teacher).
        let mut rosters: HashMap<ClassId, Roster> = HashMap::new();
        for e in &d.enrollments {
            let entry = rosters.entry(e.class).or_default();
            match (e.user, e.role) {
                (EnrolledUser::Student(s), _) => entry.0.push(student_id(s)),
                (EnrolledUser::Staff(s), EnrollmentRole::Teacher) => {
                    let id = staff_id(s);
                    if e.primary {
                        entry.2 = Some(id.clone());
                    }
                    entry.1.push(id);
                }
                (EnrolledUser::Staff(_), EnrollmentRole::Student) => {}
            }
        }
        for c in &d.classes {
            let id = clever_id(IdKind::Section, u64::from(c.id.0));
            out.ids.insert(c.id.to_string(), id.clone());
            let (mut students, teachers, primary) = rosters.remove(&c.id).unwrap_or_default();
            students.sort();
            out.sections.push(object(
                &id,
                &json!({"id": id, "district": district_id, "school": school_id(c.school),
                    "course": clever_id(IdKind::Course, u64::from(c.course.0)),
                    "term_id": c.terms.first().map(|t| clever_id(IdKind::Term, u64::from(t.0))),
                    "name": c.title, "section_number": c.code, "sis_id": c.id.to_string(),
                    "period": c.period.map(|p| p.to_string()), "subject": c.subject,
                    "grade": c.grades.first().map(|g| clever_grade(*g)),
                    "teacher": primary, "teachers": teachers, "students": students,
                    "created": created, "last_modified": created}),
                0,
            ));
        }
        for s in &d.staff {
            let id = staff_id(s.id);
            out.ids.insert(s.id.to_string(), id.clone());
            let schools: Vec<String> = s.schools.iter().map(|x| school_id(*x)).collect();
            let (roles, bits) = match (s.role, schools.is_empty()) {
                (StaffRole::Teacher, _) => (
                    json!({"teacher": {"sis_id": s.id.to_string(), "teacher_number": s.employee_number,
                        "school": schools.first(), "schools": schools, "title": s.title}}),
                    role_bits::TEACHER,
                ),
                (StaffRole::Administrator, true) => (
                    json!({"district_admin": {"title": s.title}}),
                    role_bits::DISTRICT_ADMIN,
                ),
                (StaffRole::Administrator | StaffRole::Aide, _) => (
                    json!({"staff": {"staff_id": s.employee_number, "title": s.title,
                        "schools": schools, "roles": []}}),
                    role_bits::STAFF,
                ),
            };
            out.users.push(object(
                &id,
                &json!({"id": id, "district": district_id, "email": s.email,
                    "name": {"first": s.given_name, "middle": s.middle_name, "last": s.family_name},
                    "created": created, "last_modified": timestamp(s.modified_day), "roles": roles}),
                bits,
            ));
        }
        for s in &d.students {
            let id = student_id(s.id);
            out.ids.insert(s.id.to_string(), id.clone());
            let school = school_id(s.school);
            out.users.push(object(
                &id,
                &json!({"id": id, "district": district_id, "email": s.email(),
                    "name": {"first": s.given_name, "middle": s.middle_name, "last": s.family_name},
                    "created": created, "last_modified": timestamp(s.modified_day),
                    "roles": {"student": {"sis_id": s.id.to_string(),
                        "student_number": s.student_number.to_string(), "school": school,
                        "schools": [school], "grade": clever_grade(s.grade),
                        "enrollments": [{"school": school, "start_date": homeroom_district_gen::YEAR_START.to_string(), "end_date": null}]}}}),
                role_bits::STUDENT,
            ));
        }
        let by_guardian = d.students_by_guardian();
        let mut r = 0;
        for g in &d.guardians {
            while r < by_guardian.len() && by_guardian[r].0 < g.id {
                r += 1;
            }
            let mut links = Vec::new();
            while r < by_guardian.len() && by_guardian[r].0 == g.id {
                let (relationship, kind) = match g.role {
                    GuardianRole::Parent => ("Parent", "Parent/Guardian"),
                    GuardianRole::Guardian => ("Other", "Parent/Guardian"),
                    GuardianRole::Relative if g.id.0 % 2 == 0 => ("Grandparent", "Family"),
                    GuardianRole::Relative => ("Aunt/Uncle", "Family"),
                };
                links.push(json!({"student": student_id(by_guardian[r].1),
                    "relationship": relationship, "type": kind}));
                r += 1;
            }
            let has_sis_id = g.id.0 % 3 != 0;
            let mut body = json!({"district": district_id, "email": g.email,
                "name": {"first": null, "last": format!("{} {}", g.given_name, g.family_name)},
                "roles": {"contact": {
                    "sis_id": has_sis_id.then(|| g.id.to_string()),
                    "legacy_id": g.id.to_string(),
                    "phone": g.phone.map(|p| p.national()),
                    "phone_type": g.phone.map(|_| "Cell"),
                    "student_relationships": links}}});
            let id = if has_sis_id {
                clever_id(IdKind::Contact, u64::from(g.id.0))
            } else {
                churning_contact_id(&g.id.to_string(), &body.to_string())
            };
            if let Some(fields) = body.as_object_mut() {
                fields.insert("id".into(), json!(id));
                fields.insert("created".into(), json!(timestamp(g.modified_day)));
                fields.insert("last_modified".into(), json!(timestamp(g.modified_day)));
            }
            out.ids.insert(g.id.to_string(), id.clone());
            out.users.push(object(&id, &body, role_bits::CONTACT));
        }
        for list in [
            &mut out.schools,
            &mut out.terms,
            &mut out.courses,
            &mut out.sections,
            &mut out.users,
        ] {
            list.sort_by(|a, b| a.id.cmp(&b.id));
        }
        out
    }

    /// An empty district (no objects at all).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The Clever id of a generated record (`stu-4`, `gdn-7`, `cls-2`, `sch-1`, `dst-1`, …).
    pub fn clever_id_of(&self, generator_id: &str) -> Option<&str> {
        self.ids.get(generator_id).map(String::as_str)
    }

    /// Every (generator id, Clever id) pair.
    pub fn id_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.ids.iter().map(|(g, c)| (g.as_str(), c.as_str()))
    }

    /// Objects per collection: districts, schools, terms, courses, sections, users.
    pub fn counts(&self) -> [usize; 6] {
        Collection::ALL.map(|c| self.collection(c).len())
    }

    pub(crate) fn collection(&self, c: Collection) -> &[FakeObject] {
        match c {
            Collection::Districts => &self.districts,
            Collection::Schools => &self.schools,
            Collection::Terms => &self.terms,
            Collection::Courses => &self.courses,
            Collection::Sections => &self.sections,
            Collection::Users => &self.users,
        }
    }
}

fn object(id: &str, json: &Value, roles: u8) -> FakeObject {
    FakeObject {
        id: id.to_owned(),
        json: json.to_string(),
        roles,
    }
}
