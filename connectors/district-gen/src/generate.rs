//! Day-one generation: schools, sessions, families, staff, courses, classes, enrollments and
//! the identity quirks.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::catalog::{self, Span};
use crate::date::Date;
use crate::model::*;
use crate::names::{self, email_part};
use crate::phone::{AREA_CODES, PhonePlan};

/// The random generator behind every district: ChaCha8, whose output is stable across
/// platforms and `rand` releases.
pub(crate) type DistrictRng = ChaCha8Rng;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GenerateOptions {
    /// Number of students on day one (exact).
    pub students: usize,
    /// Seed: the same seed gives the same district, byte for byte.
    pub seed: u64,
    /// When set, a second day is made with about this percentage of students changing
    /// (0–100). Only [`crate::generate_to_dir`] looks at it.
    pub churn_pct: Option<f64>,
}

/// First day of the school year.
pub const YEAR_START: Date = Date::from_ymd(2025, 8, 18);
/// Last day of the fall semester.
pub const FALL_END: Date = Date::from_ymd(2025, 12, 19);
/// First day of the spring semester.
pub const SPRING_START: Date = Date::from_ymd(2026, 1, 5);
/// Last day of the school year.
pub const YEAR_END: Date = Date::from_ymd(2026, 6, 12);
/// The calendar date of day 1's snapshot; day `n` is `n - 1` days later.
pub const DAY_ONE: Date = Date::from_ymd(2025, 9, 15);

pub(crate) const SCHOOL_YEAR: SessionId = SessionId(1);
pub(crate) const FALL: SessionId = SessionId(2);
pub(crate) const SPRING: SessionId = SessionId(3);

/// Target students per class section.
pub(crate) const CLASS_SIZE: f64 = 23.0;

const ELEMENTARY_SIZE: f64 = 500.0;
const MIDDLE_SIZE: f64 = 800.0;
const HIGH_SIZE: f64 = 1500.0;
const SPECIALS: [(&str, &str); 3] = [
    ("Art", "ART"),
    ("Music", "MUS"),
    ("Physical Education", "PE"),
];

impl District {
    /// Generates the day-one district for `options.students` students and `options.seed`
    /// (`options.churn_pct` is ignored here; see [`District::next_day`]).
    pub fn generate(options: &GenerateOptions) -> District {
        Generator::new(options).run()
    }

    /// The calendar date of snapshot `day` (day 1 is [`DAY_ONE`]).
    pub fn date_of_day(day: u32) -> Date {
        DAY_ONE.add_days(day as i32 - 1)
    }

    /// The school's position among schools of its level, and how many there are.
    pub(crate) fn zone_schools(&self) -> ZoneTable {
        let of = |level| -> Vec<SchoolId> {
            self.schools
                .iter()
                .filter(|s| s.level == level)
                .map(|s| s.id)
                .collect()
        };
        let elementary = of(SchoolLevel::Elementary);
        let mut cumulative = Vec::with_capacity(elementary.len());
        let mut total = 0.0;
        for id in &elementary {
            total += self.school(*id).map_or(1.0, |s| s.zone_weight);
            cumulative.push(total);
        }
        ZoneTable {
            elementary,
            middle: of(SchoolLevel::Middle),
            high: of(SchoolLevel::High),
            cumulative,
        }
    }

    /// Adds a family with `kids` children (1–4) and one or two guardians; returns its id.
    pub(crate) fn add_family(
        &mut self,
        rng: &mut DistrictRng,
        zones: &ZoneTable,
        kids: usize,
    ) -> FamilyId {
        let id = FamilyId(self.counters.next_family);
        self.counters.next_family += 1;
        let zone = zones.pick(rng);
        let n_elem = zones.elementary.len();
        let surname = pick(rng, names::SURNAMES);
        let family = Family {
            id,
            surname: surname.clone(),
            elementary: zones.elementary[zone],
            middle: zones.middle[zone * zones.middle.len() / n_elem],
            high: zones.high[zone * zones.high.len() / n_elem],
        };
        // Guardians.
        let mut guardians = Vec::with_capacity(2);
        let first_female = rng.random_bool(0.65);
        let role = pick_role(rng, 0.88, 0.08);
        guardians.push(self.new_guardian(rng, id, first_female, surname.clone(), role));
        let mut second_surname = None;
        if rng.random_bool(0.70) {
            let female = if rng.random_bool(0.85) {
                !first_female
            } else {
                first_female
            };
            let name = if rng.random_bool(0.65) {
                surname.clone()
            } else {
                let other = pick(rng, names::SURNAMES);
                if other != surname {
                    second_surname = Some(other.clone());
                }
                other
            };
            let role = pick_role(rng, 0.90, 0.04);
            guardians.push(self.new_guardian(rng, id, female, name, role));
        }
        // Children: distinct grades, the odd pair of twins.
        let mut grades: Vec<Grade> = Vec::with_capacity(kids);
        for _ in 0..kids {
            let grade = if !grades.is_empty() && rng.random_bool(0.03) {
                grades[rng.random_range(0..grades.len())]
            } else {
                loop {
                    let g = Grade(rng.random_range(0..=12));
                    if !grades.contains(&g) || grades.len() >= 13 {
                        break g;
                    }
                }
            };
            grades.push(grade);
        }
        for grade in grades {
            let family_name = match &second_surname {
                Some(other) if rng.random_bool(0.3) => Cow::Owned(format!("{surname}-{other}")),
                _ => surname.clone(),
            };
            let student = self.new_student(rng, &family, grade, family_name);
            for g in &guardians {
                self.relationships.push(Relationship {
                    student,
                    guardian: *g,
                });
            }
        }
        self.families.push(family);
        id
    }

    /// Adds a student to `family` in `grade`; returns its id (relationships not added).
    pub(crate) fn new_student(
        &mut self,
        rng: &mut DistrictRng,
        family: &Family,
        grade: Grade,
        family_name: Name,
    ) -> StudentId {
        let id = StudentId(self.counters.next_student);
        self.counters.next_student += 1;
        let female = rng.random_bool(0.5);
        let given_name = pick_given(rng, female);
        let middle_name = rng.random_bool(0.6).then(|| pick_given(rng, female));
        let student_number = self.counters.next_student_number;
        self.counters.next_student_number += 1;
        self.students.push(Student {
            id,
            family: family.id,
            school: family.school_for(grade),
            grade,
            student_number,
            given_name,
            middle_name,
            family_name,
            modified_day: self.day,
        });
        id
    }

    fn new_guardian(
        &mut self,
        rng: &mut DistrictRng,
        family: FamilyId,
        female: bool,
        family_name: Name,
        role: GuardianRole,
    ) -> GuardianId {
        let id = GuardianId(self.counters.next_guardian);
        self.counters.next_guardian += 1;
        let given_name = pick_given(rng, female);
        let middle_name = rng.random_bool(0.1).then(|| pick_given(rng, female));
        let email = Some(self.personal_email(rng, &given_name, &family_name));
        let phone = rng.random_bool(0.9).then(|| self.new_phone());
        self.guardians.push(Guardian {
            id,
            family,
            role,
            given_name,
            middle_name,
            family_name,
            email,
            phone,
            modified_day: self.day,
        });
        id
    }

    /// A new personal email, never handed out before: the trailing number is a district-wide
    /// sequence, and names carry no digits.
    pub(crate) fn personal_email(
        &mut self,
        rng: &mut DistrictRng,
        given: &str,
        family: &str,
    ) -> String {
        let seq = self.counters.next_email_seq;
        self.counters.next_email_seq += 1;
        let f = email_part(given);
        let l = email_part(family);
        let domain = names::EMAIL_DOMAINS[rng.random_range(0..names::EMAIL_DOMAINS.len())];
        match rng.random_range(0..5) {
            0 => format!("{f}.{l}{seq}@{domain}"),
            1 => format!("{}{l}{seq}@{domain}", &f[..1]),
            2 => format!("{f}{l}{seq}@{domain}"),
            3 => format!("{f}_{l}{seq}@{domain}"),
            _ => format!("{l}.{f}{seq}@{domain}"),
        }
    }

    /// A new phone number, never handed out before.
    pub(crate) fn new_phone(&mut self) -> crate::phone::Phone {
        let n = self.counters.next_phone_seq;
        self.counters.next_phone_seq += 1;
        self.phones.number(n)
    }
}

/// Elementary attendance zones and the middle and high schools they feed.
pub(crate) struct ZoneTable {
    pub(crate) elementary: Vec<SchoolId>,
    pub(crate) middle: Vec<SchoolId>,
    pub(crate) high: Vec<SchoolId>,
    cumulative: Vec<f64>,
}

impl ZoneTable {
    fn pick(&self, rng: &mut DistrictRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.elementary.len() - 1)
    }
}

pub(crate) fn pick(rng: &mut DistrictRng, list: &'static [&'static str]) -> Name {
    Cow::Borrowed(list[rng.random_range(0..list.len())])
}

pub(crate) fn pick_given(rng: &mut DistrictRng, female: bool) -> Name {
    pick(rng, if female { names::FEMALE } else { names::MALE })
}

fn pick_role(rng: &mut DistrictRng, parent: f64, guardian: f64) -> GuardianRole {
    let x: f64 = rng.random();
    if x < parent {
        GuardianRole::Parent
    } else if x < parent + guardian {
        GuardianRole::Guardian
    } else {
        GuardianRole::Relative
    }
}

/// Number of sections for `n` students.
pub(crate) fn sections_for(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        ((n as f64 / CLASS_SIZE).round() as usize).max(1)
    }
}

/// Splits `0..n` into `parts` near-equal contiguous ranges.
fn split(n: usize, parts: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    (0..parts).map(move |j| j * n / parts..(j + 1) * n / parts)
}

struct Generator {
    rng: DistrictRng,
    d: District,
    students_wanted: usize,
    staff_emails: BTreeMap<String, u32>,
    next_staff: u32,
    next_course: u32,
    /// Per class (by index): its students (indices into `d.students`), teacher, co-teacher.
    rosters: Vec<Vec<u32>>,
    teachers: Vec<Option<StaffId>>,
    co_teachers: Vec<Option<StaffId>>,
}

impl Generator {
    fn new(options: &GenerateOptions) -> Generator {
        let mut rng = DistrictRng::seed_from_u64(options.seed);
        let place = names::PLACES[rng.random_range(0..names::PLACES.len())];
        let suffix = [
            "Unified School District",
            "Public Schools",
            "School District",
            "Independent School District",
        ][rng.random_range(0..4)];
        let mut area_codes = Vec::new();
        while area_codes.len() < 3 {
            let a = AREA_CODES[rng.random_range(0..AREA_CODES.len())];
            if !area_codes.contains(&a) {
                area_codes.push(a);
            }
        }
        let phones = PhonePlan::new(area_codes, rng.random());
        let identifier = format!("{:07}", rng.random_range(100_000..9_999_999u32));
        let next_student_number = rng.random_range(100..900u32) * 1000 + 1;
        let d = District {
            seed: options.seed,
            day: 1,
            name: format!("{place} {suffix}"),
            org_id: DistrictOrgId(1),
            identifier,
            schools: Vec::new(),
            sessions: Vec::new(),
            courses: Vec::new(),
            classes: Vec::new(),
            staff: Vec::new(),
            families: Vec::new(),
            students: Vec::with_capacity(options.students),
            guardians: Vec::with_capacity(options.students),
            relationships: Vec::with_capacity(options.students * 2),
            enrollments: Vec::new(),
            counters: Counters {
                next_student: 1,
                next_guardian: 1,
                next_family: 1,
                next_enrollment: 1,
                next_student_number,
                next_email_seq: 1,
                next_phone_seq: 0,
            },
            phones,
        };
        Generator {
            rng,
            d,
            students_wanted: options.students,
            staff_emails: BTreeMap::new(),
            next_staff: 1,
            next_course: 1,
            rosters: Vec::new(),
            teachers: Vec::new(),
            co_teachers: Vec::new(),
        }
    }

    fn run(mut self) -> District {
        self.schools();
        self.sessions();
        self.families();
        self.district_office();
        let mut by_school: Vec<Vec<u32>> = vec![Vec::new(); self.d.schools.len()];
        for (i, s) in self.d.students.iter().enumerate() {
            by_school[s.school.0 as usize - 1].push(i as u32);
        }
        let mut specials_pool: Vec<Vec<usize>> = vec![Vec::new(); SPECIALS.len()];
        for (school, roster) in by_school.into_iter().enumerate() {
            self.school_staff(school, roster.len());
            match self.d.schools[school].level {
                SchoolLevel::Elementary => self.elementary(school, &roster, &mut specials_pool),
                SchoolLevel::Middle | SchoolLevel::High => self.secondary(school, &roster),
            }
            self.aides(school, roster.len());
        }
        self.specials_teachers(&specials_pool);
        self.enrollments();
        self.quirks();
        self.d
    }

    fn schools(&mut self) {
        let n = self.students_wanted as f64;
        let counts = [
            (
                SchoolLevel::Elementary,
                (n * 6.0 / 13.0 / ELEMENTARY_SIZE).round().max(1.0) as usize,
            ),
            (
                SchoolLevel::Middle,
                (n * 3.0 / 13.0 / MIDDLE_SIZE).round().max(1.0) as usize,
            ),
            (
                SchoolLevel::High,
                (n * 4.0 / 13.0 / HIGH_SIZE).round().max(1.0) as usize,
            ),
        ];
        const PREFIXES: [&str; 10] = [
            "", "North ", "South ", "East ", "West ", "Central ", "New ", "Upper ", "Lower ",
            "Old ",
        ];
        for (level_no, (level, count)) in counts.into_iter().enumerate() {
            let mut order: Vec<usize> = (0..names::SCHOOL_NAMESAKES.len()).collect();
            order.shuffle(&mut self.rng);
            let kind = match level {
                SchoolLevel::Elementary => "Elementary School",
                SchoolLevel::Middle => "Middle School",
                SchoolLevel::High => "High School",
            };
            for i in 0..count {
                let namesake = names::SCHOOL_NAMESAKES[order[i % order.len()]];
                let round = i / order.len();
                let name = if round < PREFIXES.len() {
                    format!("{}{namesake} {kind}", PREFIXES[round])
                } else {
                    format!("{namesake} {kind} {}", round + 1)
                };
                let id = SchoolId(self.d.schools.len() as u32 + 1);
                let (rosters_specials, zone_weight) = match level {
                    SchoolLevel::Elementary => {
                        (self.rng.random_bool(0.5), self.rng.random_range(0.7..1.3))
                    }
                    _ => (false, 1.0),
                };
                self.d.schools.push(School {
                    id,
                    name,
                    identifier: format!("{}{:03}", level_no + 1, i + 1),
                    level,
                    rosters_specials,
                    zone_weight,
                });
            }
        }
    }

    fn sessions(&mut self) {
        let year = |id, title: &str, kind, start, end, parent| AcademicSession {
            id,
            title: title.to_owned(),
            kind,
            start,
            end,
            parent,
            school_year: 2026,
        };
        self.d.sessions = vec![
            year(
                SCHOOL_YEAR,
                "2025-2026",
                SessionKind::SchoolYear,
                YEAR_START,
                YEAR_END,
                None,
            ),
            year(
                FALL,
                "Fall 2025",
                SessionKind::Semester,
                YEAR_START,
                FALL_END,
                Some(SCHOOL_YEAR),
            ),
            year(
                SPRING,
                "Spring 2026",
                SessionKind::Semester,
                SPRING_START,
                YEAR_END,
                Some(SCHOOL_YEAR),
            ),
        ];
    }

    fn families(&mut self) {
        let zones = self.d.zone_schools();
        while self.d.students.len() < self.students_wanted {
            let x: f64 = self.rng.random();
            let kids = if x < 0.40 {
                1
            } else if x < 0.76 {
                2
            } else if x < 0.93 {
                3
            } else {
                4
            };
            let kids = kids.min(self.students_wanted - self.d.students.len());
            self.d.add_family(&mut self.rng, &zones, kids);
        }
    }

    fn new_staff(
        &mut self,
        role: StaffRole,
        title: &'static str,
        schools: Vec<SchoolId>,
    ) -> StaffId {
        let id = StaffId(self.next_staff);
        self.next_staff += 1;
        let female = self.rng.random_bool(if role == StaffRole::Teacher {
            0.75
        } else {
            0.55
        });
        let given_name = pick_given(&mut self.rng, female);
        let family_name = pick(&mut self.rng, names::SURNAMES);
        let middle_name = self
            .rng
            .random_bool(0.3)
            .then(|| pick_given(&mut self.rng, female));
        let base = format!("{}.{}", email_part(&given_name), email_part(&family_name));
        let seen = self.staff_emails.entry(base.clone()).or_insert(0);
        *seen += 1;
        let local = if *seen == 1 {
            base
        } else {
            format!("{base}{seen}")
        };
        self.d.staff.push(Staff {
            id,
            role,
            title,
            given_name,
            family_name,
            middle_name,
            email: format!("{local}@{STAFF_EMAIL_DOMAIN}"),
            employee_number: format!("E{}", 10_000 + id.0),
            schools,
            modified_day: 1,
        });
        id
    }

    fn district_office(&mut self) {
        self.new_staff(StaffRole::Administrator, "Superintendent", Vec::new());
        self.new_staff(
            StaffRole::Administrator,
            "Assistant Superintendent",
            Vec::new(),
        );
        for _ in 0..2 + self.students_wanted / 25_000 {
            self.new_staff(
                StaffRole::Administrator,
                "District Administrator",
                Vec::new(),
            );
        }
    }

    fn school_staff(&mut self, school: usize, students: usize) {
        let id = self.d.schools[school].id;
        self.new_staff(StaffRole::Administrator, "Principal", vec![id]);
        for _ in 0..students / 600 {
            self.new_staff(StaffRole::Administrator, "Assistant Principal", vec![id]);
        }
    }

    fn aides(&mut self, school: usize, students: usize) {
        let id = self.d.schools[school].id;
        let per = if self.d.schools[school].level == SchoolLevel::Elementary {
            150.0
        } else {
            400.0
        };
        for _ in 0..(students as f64 / per).round() as usize {
            self.new_staff(StaffRole::Aide, "Instructional Aide", vec![id]);
        }
    }

    fn new_course(
        &mut self,
        school: SchoolId,
        title: String,
        code: String,
        grades: Vec<Grade>,
        subject: &'static str,
    ) -> CourseId {
        let id = CourseId(self.next_course);
        self.next_course += 1;
        self.d.courses.push(Course {
            id,
            school,
            title,
            code,
            grades,
            subject,
        });
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn new_class(
        &mut self,
        school: SchoolId,
        course: CourseId,
        title: String,
        code: String,
        class_type: ClassType,
        grades: Vec<Grade>,
        subject: &'static str,
        period: Option<u8>,
        terms: Vec<SessionId>,
        follows_homeroom: Option<ClassId>,
        roster: Vec<u32>,
    ) -> usize {
        let id = ClassId(self.d.classes.len() as u32 + 1);
        let location = format!("Rm {}", self.rng.random_range(100..330));
        self.d.classes.push(Class {
            id,
            school,
            course,
            title,
            code,
            class_type,
            location,
            grades,
            subject,
            period,
            terms,
            follows_homeroom,
        });
        self.rosters.push(roster);
        self.teachers.push(None);
        self.co_teachers.push(None);
        self.d.classes.len() - 1
    }

    fn elementary(&mut self, school: usize, roster: &[u32], specials_pool: &mut [Vec<usize>]) {
        let school_id = self.d.schools[school].id;
        let specials = self.d.schools[school].rosters_specials;
        let mut specials_courses: Vec<Option<CourseId>> = vec![None; SPECIALS.len()];
        for grade in SchoolLevel::Elementary.grades() {
            let mut kids: Vec<u32> = roster
                .iter()
                .copied()
                .filter(|&i| self.d.students[i as usize].grade == grade)
                .collect();
            if kids.is_empty() {
                continue;
            }
            let course = self.new_course(
                school_id,
                format!("{} Homeroom", grade.label()),
                format!("HR-{}", grade.code()),
                vec![grade],
                "Homeroom",
            );
            kids.shuffle(&mut self.rng);
            let sections = sections_for(kids.len());
            for (j, range) in split(kids.len(), sections).enumerate() {
                let mut members = kids[range].to_vec();
                members.sort_unstable();
                let teacher = self.new_staff(StaffRole::Teacher, "Teacher", vec![school_id]);
                let surname = self
                    .d
                    .staff
                    .last()
                    .map(|t| t.family_name.clone())
                    .unwrap_or_default();
                let homeroom = self.new_class(
                    school_id,
                    course,
                    format!("{} - {surname}", grade.label()),
                    format!("HR-{}-{:02}", grade.code(), j + 1),
                    ClassType::Homeroom,
                    vec![grade],
                    "Homeroom",
                    None,
                    vec![FALL, SPRING],
                    None,
                    members.clone(),
                );
                self.teachers[homeroom] = Some(teacher);
                if !specials {
                    continue;
                }
                let homeroom_id = self.d.classes[homeroom].id;
                for (k, (title, code)) in SPECIALS.iter().enumerate() {
                    let course = match specials_courses[k] {
                        Some(c) => c,
                        None => {
                            let c = self.new_course(
                                school_id,
                                (*title).to_owned(),
                                format!("{code}-ES"),
                                SchoolLevel::Elementary.grades().collect(),
                                title,
                            );
                            specials_courses[k] = Some(c);
                            c
                        }
                    };
                    let class = self.new_class(
                        school_id,
                        course,
                        format!("{title} - {} ({surname})", grade.label()),
                        format!("{code}-{}-{:02}", grade.code(), j + 1),
                        ClassType::Scheduled,
                        vec![grade],
                        title,
                        None,
                        vec![FALL, SPRING],
                        Some(homeroom_id),
                        members.clone(),
                    );
                    specials_pool[k].push(class);
                }
            }
        }
    }

    fn specials_teachers(&mut self, pool: &[Vec<usize>]) {
        for classes in pool {
            let mut start = 0;
            while start < classes.len() {
                let load = self.rng.random_range(18..=24).min(classes.len() - start);
                let chunk = &classes[start..start + load];
                let mut schools: Vec<SchoolId> = Vec::new();
                for &c in chunk {
                    let s = self.d.classes[c].school;
                    if !schools.contains(&s) {
                        schools.push(s);
                    }
                }
                let teacher = self.new_staff(StaffRole::Teacher, "Teacher", schools);
                for &c in chunk {
                    self.teachers[c] = Some(teacher);
                }
                start += load;
            }
        }
    }

    fn secondary(&mut self, school: usize, roster: &[u32]) {
        let school_id = self.d.schools[school].id;
        let level = self.d.schools[school].level;
        let catalog = catalog::catalog(level);
        let mut takers: Vec<Vec<u32>> = vec![Vec::new(); catalog.len()];
        let mut schedule = Vec::new();
        for &i in roster {
            catalog::pick_schedule(
                &mut self.rng,
                self.d.students[i as usize].grade,
                &mut schedule,
            );
            for &c in &schedule {
                takers[c].push(i);
            }
        }
        let mut by_subject: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
        for (spec, mut kids) in catalog.iter().zip(takers) {
            if kids.is_empty() {
                continue;
            }
            let course = self.new_course(
                school_id,
                spec.title.to_owned(),
                spec.code.to_owned(),
                spec.grades.iter().map(|g| Grade(*g)).collect(),
                spec.subject,
            );
            kids.shuffle(&mut self.rng);
            let sections = sections_for(kids.len());
            let offset = self.rng.random_range(0..7);
            let terms = match spec.span {
                Span::Year => vec![FALL, SPRING],
                Span::Fall => vec![FALL],
                Span::Spring => vec![SPRING],
            };
            for (j, range) in split(kids.len(), sections).enumerate() {
                let mut members = kids[range].to_vec();
                members.sort_unstable();
                let period = ((j + offset) % 7 + 1) as u8;
                let class = self.new_class(
                    school_id,
                    course,
                    format!("{} - Period {period}", spec.title),
                    format!("{}-{:02}", spec.code, j + 1),
                    ClassType::Scheduled,
                    spec.grades.iter().map(|g| Grade(*g)).collect(),
                    spec.subject,
                    Some(period),
                    terms.clone(),
                    None,
                    members,
                );
                by_subject.entry(spec.subject).or_default().push(class);
            }
        }
        for classes in by_subject.values() {
            let mut dept = Vec::new();
            let mut start = 0;
            while start < classes.len() {
                // Six of seven periods, a few teachers five.
                let load = if self.rng.random_bool(0.8) { 6 } else { 5 };
                let load = load.min(classes.len() - start);
                let teacher = self.new_staff(StaffRole::Teacher, "Teacher", vec![school_id]);
                dept.push(teacher);
                for &c in &classes[start..start + load] {
                    self.teachers[c] = Some(teacher);
                }
                start += load;
            }
            if dept.len() < 2 {
                continue;
            }
            for &c in classes {
                if self.rng.random_bool(0.03) {
                    let co = dept[self.rng.random_range(0..dept.len())];
                    if Some(co) != self.teachers[c] {
                        self.co_teachers[c] = Some(co);
                    }
                }
            }
        }
    }

    fn enrollments(&mut self) {
        let total: usize = self.rosters.iter().map(|r| r.len() + 2).sum();
        self.d.enrollments.reserve_exact(total);
        for (c, class) in self.d.classes.iter().enumerate() {
            let (begin, end) = term_dates(&class.terms);
            let mut push = |user, role, primary| {
                let id = EnrollmentId(self.d.counters.next_enrollment);
                self.d.counters.next_enrollment += 1;
                self.d.enrollments.push(Enrollment {
                    id,
                    class: class.id,
                    user,
                    role,
                    primary,
                    begin,
                    end,
                    modified_day: 1,
                });
            };
            if let Some(t) = self.teachers[c] {
                push(EnrolledUser::Staff(t), EnrollmentRole::Teacher, true);
            }
            if let Some(t) = self.co_teachers[c] {
                push(EnrolledUser::Staff(t), EnrollmentRole::Teacher, false);
            }
            for &s in &self.rosters[c] {
                push(
                    EnrolledUser::Student(self.d.students[s as usize].id),
                    EnrollmentRole::Student,
                    false,
                );
            }
        }
        self.rosters = Vec::new();
    }

    /// Shared home phones, guardian-teachers and phone-only guardians, each in families of
    /// their own.
    fn quirks(&mut self) {
        let d = &mut self.d;
        let mut guardians_of: Vec<Vec<usize>> = vec![Vec::new(); d.families.len()];
        for (i, g) in d.guardians.iter().enumerate() {
            guardians_of[g.family.0 as usize - 1].push(i);
        }
        let mut order: Vec<usize> = (0..d.families.len()).collect();
        order.shuffle(&mut self.rng);
        let mut next = order.into_iter();

        let share = |n: usize, pct: f64| {
            if n == 0 {
                0
            } else {
                ((n as f64 * pct).round() as usize).max(1)
            }
        };
        let two_guardian = guardians_of.iter().filter(|g| g.len() == 2).count();
        let mut wanted = share(two_guardian, 0.01);
        while wanted > 0 {
            let Some(f) = next.by_ref().find(|&f| guardians_of[f].len() == 2) else {
                break;
            };
            let (a, b) = (guardians_of[f][0], guardians_of[f][1]);
            let phone = match d.guardians[a].phone {
                Some(p) => p,
                None => {
                    let p = d.new_phone();
                    d.guardians[a].phone = Some(p);
                    p
                }
            };
            d.guardians[b].phone = Some(phone);
            while d.guardians[b].given_name == d.guardians[a].given_name {
                let female = self.rng.random_bool(0.5);
                d.guardians[b].given_name = pick_given(&mut self.rng, female);
            }
            wanted -= 1;
        }

        let mut teachers: Vec<usize> = (0..d.staff.len())
            .filter(|&i| d.staff[i].role == StaffRole::Teacher)
            .collect();
        teachers.shuffle(&mut self.rng);
        let wanted = share(teachers.len(), 0.01);
        for (k, &t) in teachers.iter().take(wanted).enumerate() {
            let Some(f) = next.by_ref().find(|&f| !guardians_of[f].is_empty()) else {
                break;
            };
            let g = guardians_of[f][0];
            let teacher = &d.staff[t];
            let email = if k % 2 == 1 {
                capitalized_email(&teacher.email)
            } else {
                teacher.email.clone()
            };
            let guardian = &mut d.guardians[g];
            guardian.given_name = teacher.given_name.clone();
            guardian.middle_name = teacher.middle_name.clone();
            guardian.family_name = teacher.family_name.clone();
            guardian.email = Some(email);
        }

        let mut wanted = share(d.guardians.len(), 0.02);
        while wanted > 0 {
            let Some(f) = next.by_ref().find(|&f| !guardians_of[f].is_empty()) else {
                break;
            };
            let g = guardians_of[f][guardians_of[f].len() - 1];
            if d.guardians[g].phone.is_none() {
                let p = d.new_phone();
                d.guardians[g].phone = Some(p);
            }
            d.guardians[g].email = None;
            wanted -= 1;
        }
    }
}

/// `maria.garcia@district.example` → `Maria.Garcia@district.example`: the same address to an
/// email-normalizing reader.
fn capitalized_email(email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    let local: Vec<String> = local
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    format!("{}@{domain}", local.join("."))
}

/// First and last day of a class's terms.
pub(crate) fn term_dates(terms: &[SessionId]) -> (Date, Date) {
    let begin = if terms.first() == Some(&SPRING) {
        SPRING_START
    } else {
        YEAR_START
    };
    let end = if terms.last() == Some(&FALL) {
        FALL_END
    } else {
        YEAR_END
    };
    (begin, end)
}
