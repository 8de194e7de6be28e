//! The next day's snapshot: students leave and arrive, some records change; plus a diff of
//! two snapshots that tests use to check the reported counts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::catalog;
use crate::date::Date;
use crate::generate::{DistrictRng, pick, pick_given};
use crate::model::*;
use crate::names;

/// Added / updated / removed counts of one entity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
}

/// Per-entity differences between two snapshots of a district, matched by id.
///
/// For users, `updated` counts records whose **own** fields changed (names, grade, school,
/// student number, email, phone, role); a user whose only change is the set of linked
/// students/guardians (`agentSourcedIds`) is counted in `*_relinked` instead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DistrictDiff {
    /// The district org and schools.
    pub orgs: Changes,
    pub academic_sessions: Changes,
    pub courses: Changes,
    pub classes: Changes,
    pub staff: Changes,
    pub students: Changes,
    pub guardians: Changes,
    pub enrollments: Changes,
    /// Guardian–student links (never "updated": a link is there or not).
    pub relationships: Changes,
    /// Students whose own fields are unchanged but whose guardians changed.
    pub students_relinked: usize,
    /// Guardians whose own fields are unchanged but whose students changed (a child left or a
    /// sibling arrived).
    pub guardians_relinked: usize,
}

/// What [`District::next_day`] did, by cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChurnBreakdown {
    /// Students the churn was sized on: `round(students × pct / 100)`, split 30 % leaving,
    /// 30 % arriving, 40 % updated.
    pub target: usize,
    pub students_left: usize,
    /// Families whose children all left (their guardians are removed).
    pub families_left: usize,
    pub students_arrived: usize,
    /// Arrivals in families new to the district.
    pub new_families: usize,
    /// Arrivals joining a family already in the district (existing guardians get a new link).
    pub siblings_arrived: usize,
    /// Grade corrections to an adjacent grade (elementary students change homeroom too).
    pub grade_changes: usize,
    /// Name corrections (given name, or a hyphenated family name added or dropped).
    pub name_corrections: usize,
    /// Students moved to another section of a course (one enrollment ended, one added; an
    /// elementary homeroom move carries its specials along).
    pub class_changes: usize,
    /// Guardians whose email changed.
    pub guardian_email_changes: usize,
}

/// What changed from one day to the next: exact counts per entity and per cause.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChurnSummary {
    /// The new snapshot's day.
    pub day: u32,
    pub churn_pct: f64,
    /// Exactly what [`District::diff`] between the two snapshots reports.
    pub changes: DistrictDiff,
    pub breakdown: ChurnBreakdown,
}

const UPDATED: u8 = 1;
const RELINKED: u8 = 2;
const REMOVED: u8 = 4;

#[derive(Clone, Copy)]
enum Update {
    Grade,
    Name,
    GuardianEmail,
    Class,
}

/// Lookup tables built once per day.
struct Ctx {
    today: Date,
    day: u32,
    /// (student, enrollment index) for student enrollments of the day's start.
    enr_by_student: Vec<(StudentId, usize)>,
    enr_removed: Vec<bool>,
    new_enrollments: Vec<Enrollment>,
    enrollments_removed: usize,
    /// Students per class (by class index).
    class_size: Vec<u32>,
    /// (course, class index), sorted.
    sections: Vec<(CourseId, usize)>,
    /// Elementary homeroom course per (school, grade).
    homeroom_course: BTreeMap<(SchoolId, Grade), CourseId>,
    /// Specials sections following each homeroom (class index → class indices).
    followers: BTreeMap<usize, Vec<usize>>,
    /// Secondary course per (school, course code).
    course_by_code: BTreeMap<(SchoolId, String), CourseId>,
}

impl Ctx {
    fn new(d: &District) -> Ctx {
        let class_index: BTreeMap<ClassId, usize> = d
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let mut class_size = vec![0u32; d.classes.len()];
        let mut enr_by_student = Vec::with_capacity(d.enrollments.len());
        for (i, e) in d.enrollments.iter().enumerate() {
            if let EnrolledUser::Student(s) = e.user {
                enr_by_student.push((s, i));
                if let Some(&c) = class_index.get(&e.class) {
                    class_size[c] += 1;
                }
            }
        }
        enr_by_student.sort_unstable();
        let mut sections: Vec<(CourseId, usize)> = d
            .classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.course, i))
            .collect();
        sections.sort_unstable();
        let mut homeroom_course = BTreeMap::new();
        let mut followers: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, c) in d.classes.iter().enumerate() {
            if c.class_type == ClassType::Homeroom
                && let Some(g) = c.grades.first()
            {
                homeroom_course.insert((c.school, *g), c.course);
            }
            if let Some(h) = c.follows_homeroom.and_then(|h| class_index.get(&h)) {
                followers.entry(*h).or_default().push(i);
            }
        }
        let course_by_code = d
            .courses
            .iter()
            .filter(|c| {
                d.school(c.school)
                    .is_some_and(|s| s.level != SchoolLevel::Elementary)
            })
            .map(|c| ((c.school, c.code.clone()), c.id))
            .collect();
        Ctx {
            today: District::date_of_day(d.day + 1),
            day: d.day + 1,
            enr_removed: vec![false; d.enrollments.len()],
            enr_by_student,
            new_enrollments: Vec::new(),
            enrollments_removed: 0,
            class_size,
            sections,
            homeroom_course,
            followers,
            course_by_code,
        }
    }

    /// Indices of the student's enrollments at the start of the day that are still on.
    fn enrollments_of(&self, student: StudentId) -> Vec<usize> {
        let start = self.enr_by_student.partition_point(|p| p.0 < student);
        self.enr_by_student[start..]
            .iter()
            .take_while(|p| p.0 == student)
            .map(|p| p.1)
            .filter(|&i| !self.enr_removed[i])
            .collect()
    }

    fn remove_enrollment(&mut self, d: &District, i: usize) {
        if !self.enr_removed[i] {
            self.enr_removed[i] = true;
            self.enrollments_removed += 1;
            if let Some(c) = class_idx(d, d.enrollments[i].class) {
                self.class_size[c] -= 1;
            }
        }
    }

    fn enroll(&mut self, d: &mut District, student: StudentId, class: usize) {
        let c = &d.classes[class];
        let (begin, end) = crate::generate::term_dates(&c.terms);
        let id = EnrollmentId(d.counters.next_enrollment);
        d.counters.next_enrollment += 1;
        self.new_enrollments.push(Enrollment {
            id,
            class: c.id,
            user: EnrolledUser::Student(student),
            role: EnrollmentRole::Student,
            primary: false,
            begin: begin.max(self.today),
            end,
            modified_day: self.day,
        });
        self.class_size[class] += 1;
    }

    /// A homeroom and the specials sections that follow it.
    fn enroll_homeroom(&mut self, d: &mut District, student: StudentId, homeroom: usize) {
        self.enroll(d, student, homeroom);
        let followers = self.followers.get(&homeroom).cloned().unwrap_or_default();
        for f in followers {
            self.enroll(d, student, f);
        }
    }

    /// The emptiest section of `course`, other than `except`.
    fn smallest_section(&self, course: CourseId, except: Option<usize>) -> Option<usize> {
        let start = self.sections.partition_point(|p| p.0 < course);
        self.sections[start..]
            .iter()
            .take_while(|p| p.0 == course)
            .map(|p| p.1)
            .filter(|&c| Some(c) != except)
            .min_by_key(|&c| (self.class_size[c], c))
    }

    /// Enrolls a newly arrived student the way day one would have.
    fn enroll_new_student(&mut self, d: &mut District, rng: &mut DistrictRng, student: StudentId) {
        let Some(s) = d.student(student) else { return };
        let (school, grade) = (s.school, s.grade);
        let level = d
            .school(school)
            .map_or(SchoolLevel::for_grade(grade), |s| s.level);
        if level == SchoolLevel::Elementary {
            if let Some(&course) = self.homeroom_course.get(&(school, grade))
                && let Some(h) = self.smallest_section(course, None)
            {
                self.enroll_homeroom(d, student, h);
            }
            return;
        }
        let mut schedule = Vec::new();
        catalog::pick_schedule(rng, grade, &mut schedule);
        for c in schedule {
            let code = catalog::catalog(level)[c].code;
            if let Some(&course) = self.course_by_code.get(&(school, code.to_owned()))
                && let Some(section) = self.smallest_section(course, None)
            {
                self.enroll(d, student, section);
            }
        }
    }
}

fn class_idx(d: &District, id: ClassId) -> Option<usize> {
    d.classes.binary_search_by_key(&id, |c| c.id).ok()
}

impl District {
    /// The next day's full snapshot with about `churn_pct` % of students changing, and what
    /// changed. `seed` picks who changes (the same seed and district give the same day).
    pub fn next_day(&self, churn_pct: f64, seed: u64) -> (District, ChurnSummary) {
        let mut next = self.clone();
        let summary = next.advance_day(churn_pct, seed);
        (next, summary)
    }

    /// [`District::next_day`] in place (no copy of a large district).
    ///
    /// Of `round(students × churn_pct / 100)` students, 30 % leave (whole families mostly;
    /// guardians left without students go too), 30 % arrive (new families, or siblings joining
    /// a family), and 40 % are updated: grade corrections, name corrections, a guardian's email
    /// change, a move to another section. Staff, courses, classes, orgs and sessions stay.
    pub fn advance_day(&mut self, churn_pct: f64, seed: u64) -> ChurnSummary {
        let pct = if churn_pct.is_finite() {
            churn_pct.clamp(0.0, 100.0)
        } else {
            0.0
        };
        let mut rng = DistrictRng::seed_from_u64(
            seed ^ u64::from(self.day + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        );
        let mut ctx = Ctx::new(self);
        self.day += 1;
        let n = self.students.len();
        let target = ((n as f64 * pct / 100.0).round() as usize).min(n);
        let leave_target = (target as f64 * 0.3).round() as usize;
        let arrive_target = (target as f64 * 0.3).round() as usize;
        let update_target = target - leave_target - arrive_target;
        let mut b = ChurnBreakdown {
            target,
            ..ChurnBreakdown::default()
        };

        // Family → its students (indices), and each guardian's links.
        let mut by_family: Vec<(FamilyId, usize)> = self
            .students
            .iter()
            .enumerate()
            .map(|(i, s)| (s.family, i))
            .collect();
        by_family.sort_unstable();
        let members = |f: FamilyId| -> Vec<usize> {
            let start = by_family.partition_point(|p| p.0 < f);
            by_family[start..]
                .iter()
                .take_while(|p| p.0 == f)
                .map(|p| p.1)
                .collect()
        };

        // 1. Leavers.
        let mut s_flags = vec![0u8; n];
        let mut fam_order: Vec<usize> = (0..self.families.len()).collect();
        fam_order.shuffle(&mut rng);
        let mut remaining = leave_target;
        for &f in &fam_order {
            if remaining == 0 {
                break;
            }
            let kids = members(self.families[f].id);
            if kids.is_empty() {
                continue;
            }
            if kids.len() <= remaining && rng.random_bool(0.8) {
                for &k in &kids {
                    s_flags[k] = REMOVED;
                }
                remaining -= kids.len();
                b.families_left += 1;
            } else {
                s_flags[kids[rng.random_range(0..kids.len())]] = REMOVED;
                remaining -= 1;
            }
        }
        b.students_left = leave_target - remaining;
        for (i, s) in self.students.iter().enumerate() {
            if s_flags[i] & REMOVED != 0 {
                for e in ctx.enrollments_of(s.id) {
                    ctx.remove_enrollment(self, e);
                }
            }
        }
        let mut g_flags = vec![0u8; self.guardians.len()];
        let mut g_links = vec![0u32; self.guardians.len()];
        let mut g_lost = vec![false; self.guardians.len()];
        let mut relationships_removed = 0;
        for r in &self.relationships {
            let Ok(g) = self.guardians.binary_search_by_key(&r.guardian, |g| g.id) else {
                continue;
            };
            let leaving = self
                .students
                .binary_search_by_key(&r.student, |s| s.id)
                .is_ok_and(|i| s_flags[i] & REMOVED != 0);
            if leaving {
                g_lost[g] = true;
                relationships_removed += 1;
            } else {
                g_links[g] += 1;
            }
        }
        for g in 0..self.guardians.len() {
            if g_links[g] == 0 {
                g_flags[g] = REMOVED;
            } else if g_lost[g] {
                g_flags[g] = RELINKED;
            }
        }

        // 2. Updates, each to a different remaining student.
        let mut candidates: Vec<usize> = (0..n).filter(|&i| s_flags[i] == 0).collect();
        candidates.shuffle(&mut rng);
        let grade_target = (update_target as f64 * 0.2).round() as usize;
        let name_target = (update_target as f64 * 0.2).round() as usize;
        let email_target = (update_target as f64 * 0.25).round() as usize;
        let class_target = update_target - grade_target - name_target - email_target;
        let mut cursor = candidates.iter();
        for (kind, wanted) in [
            (Update::Grade, grade_target),
            (Update::Name, name_target),
            (Update::GuardianEmail, email_target),
            (Update::Class, class_target),
        ] {
            let mut done = 0;
            while done < wanted {
                let Some(&i) = cursor.next() else { break };
                let applied = match kind {
                    Update::Grade => self.change_grade(&mut ctx, &mut rng, i),
                    Update::Name => {
                        self.correct_name(&mut rng, i);
                        true
                    }
                    Update::GuardianEmail => self.change_guardian_email(&mut rng, i, &mut g_flags),
                    Update::Class => self.change_class(&mut ctx, &mut rng, i),
                };
                if applied {
                    done += 1;
                    match kind {
                        Update::Grade | Update::Name => s_flags[i] |= UPDATED,
                        _ => {}
                    }
                }
            }
            match kind {
                Update::Grade => b.grade_changes = done,
                Update::Name => b.name_corrections = done,
                Update::GuardianEmail => b.guardian_email_changes = done,
                Update::Class => b.class_changes = done,
            }
        }

        // 3. Arrivals.
        let zones = self.zone_schools();
        let mut fam_size: Vec<usize> = self
            .families
            .iter()
            .map(|f| {
                members(f.id)
                    .into_iter()
                    .filter(|&k| s_flags[k] == 0)
                    .count()
            })
            .collect();
        let existing_families = self.families.len();
        let guardians_before = self.guardians.len();
        let mut relationships_added = 0;
        let mut remaining = arrive_target;
        while remaining > 0 {
            let sibling_family = if rng.random_bool(0.5) && existing_families > 0 {
                (0..20)
                    .map(|_| rng.random_range(0..existing_families))
                    .find(|&f| (1..4).contains(&fam_size[f]))
            } else {
                None
            };
            if let Some(f) = sibling_family {
                let family = self.families[f].clone();
                let sibling = members(family.id).into_iter().find(|&k| s_flags[k] == 0);
                let guardians: Vec<GuardianId> = sibling
                    .map(|k| self.guardians_of(self.students[k].id).collect())
                    .unwrap_or_default();
                let grade = Grade(rng.random_range(0..=12));
                let student = self.new_student(&mut rng, &family, grade, family.surname.clone());
                for g in guardians {
                    self.relationships.push(Relationship {
                        student,
                        guardian: g,
                    });
                    relationships_added += 1;
                    if let Ok(gi) = self.guardians.binary_search_by_key(&g, |x| x.id)
                        && gi < g_flags.len()
                    {
                        g_flags[gi] |= RELINKED;
                    }
                }
                ctx.enroll_new_student(self, &mut rng, student);
                fam_size[f] += 1;
                b.siblings_arrived += 1;
                remaining -= 1;
            } else {
                let x: f64 = rng.random();
                let kids = if x < 0.5 {
                    1
                } else if x < 0.85 {
                    2
                } else {
                    3
                }
                .min(remaining);
                let first_new = self.students.len();
                let rel_before = self.relationships.len();
                self.add_family(&mut rng, &zones, kids);
                relationships_added += self.relationships.len() - rel_before;
                let new_ids: Vec<StudentId> =
                    self.students[first_new..].iter().map(|s| s.id).collect();
                for s in new_ids {
                    ctx.enroll_new_student(self, &mut rng, s);
                }
                b.new_families += 1;
                b.students_arrived += kids;
                remaining -= kids;
            }
        }
        b.students_arrived += b.siblings_arrived;

        // 4. Apply.
        let day = self.day;
        let enrollments_added = ctx.new_enrollments.len();
        let mut idx = 0;
        self.enrollments.retain(|_| {
            idx += 1;
            !ctx.enr_removed[idx - 1]
        });
        self.enrollments.append(&mut ctx.new_enrollments);
        let leavers: Vec<StudentId> = (0..n)
            .filter(|&i| s_flags[i] & REMOVED != 0)
            .map(|i| self.students[i].id)
            .collect();
        self.relationships
            .retain(|r| leavers.binary_search(&r.student).is_err());
        let mut guardians_removed = 0;
        let mut guardians_updated = 0;
        let mut guardians_relinked = 0;
        for (g, flags) in self.guardians.iter_mut().zip(&g_flags) {
            if flags & REMOVED != 0 {
                guardians_removed += 1;
            } else if flags & UPDATED != 0 {
                guardians_updated += 1;
                g.modified_day = day;
            } else if flags & RELINKED != 0 {
                guardians_relinked += 1;
                g.modified_day = day;
            }
        }
        let mut idx = 0;
        self.guardians.retain(|_| {
            idx += 1;
            g_flags.get(idx - 1).is_none_or(|f| f & REMOVED == 0)
        });
        let mut students_updated = 0;
        for (s, flags) in self.students.iter_mut().zip(&s_flags) {
            if flags & (UPDATED | REMOVED) == UPDATED {
                students_updated += 1;
                s.modified_day = day;
            }
        }
        let mut idx = 0;
        self.students.retain(|_| {
            idx += 1;
            s_flags.get(idx - 1).is_none_or(|f| f & REMOVED == 0)
        });
        let mut live_families: Vec<FamilyId> = self.students.iter().map(|s| s.family).collect();
        live_families.sort_unstable();
        live_families.dedup();
        self.families
            .retain(|f| live_families.binary_search(&f.id).is_ok());

        let changes = DistrictDiff {
            students: Changes {
                added: b.students_arrived,
                updated: students_updated,
                removed: b.students_left,
            },
            guardians: Changes {
                added: self.guardians.len() + guardians_removed - guardians_before,
                updated: guardians_updated,
                removed: guardians_removed,
            },
            enrollments: Changes {
                added: enrollments_added,
                updated: 0,
                removed: ctx.enrollments_removed,
            },
            relationships: Changes {
                added: relationships_added,
                updated: 0,
                removed: relationships_removed,
            },
            guardians_relinked,
            ..DistrictDiff::default()
        };
        ChurnSummary {
            day,
            churn_pct: pct,
            changes,
            breakdown: b,
        }
    }

    fn change_grade(&mut self, ctx: &mut Ctx, rng: &mut DistrictRng, i: usize) -> bool {
        let s = &self.students[i];
        let (id, school, grade) = (s.id, s.school, s.grade);
        let level = self
            .school(school)
            .map_or(SchoolLevel::for_grade(grade), |s| s.level);
        let (lo, hi) = level.grade_range();
        let mut options: Vec<Grade> = Vec::new();
        if grade > lo {
            options.push(Grade(grade.0 - 1));
        }
        if grade < hi {
            options.push(Grade(grade.0 + 1));
        }
        options.shuffle(rng);
        for new_grade in options {
            if level == SchoolLevel::Elementary {
                let Some(&course) = ctx.homeroom_course.get(&(school, new_grade)) else {
                    continue;
                };
                let Some(homeroom) = ctx.smallest_section(course, None) else {
                    continue;
                };
                for e in ctx.enrollments_of(id) {
                    ctx.remove_enrollment(self, e);
                }
                ctx.enroll_homeroom(self, id, homeroom);
            }
            self.students[i].grade = new_grade;
            return true;
        }
        false
    }

    fn correct_name(&mut self, rng: &mut DistrictRng, i: usize) {
        let s = &mut self.students[i];
        if rng.random_bool(0.5) {
            let female = names::FEMALE.contains(&s.given_name.as_ref());
            let old = s.given_name.clone();
            while s.given_name == old {
                s.given_name = pick_given(rng, female);
            }
        } else if let Some((first, _)) = s.family_name.split_once('-') {
            s.family_name = Cow::Owned(first.to_owned());
        } else {
            let mut other = pick(rng, names::SURNAMES);
            while other == s.family_name || other.contains('-') {
                other = pick(rng, names::SURNAMES);
            }
            s.family_name = Cow::Owned(format!("{}-{other}", s.family_name));
        }
    }

    fn change_guardian_email(
        &mut self,
        rng: &mut DistrictRng,
        i: usize,
        g_flags: &mut [u8],
    ) -> bool {
        let mut guardians: Vec<GuardianId> = self.guardians_of(self.students[i].id).collect();
        guardians.shuffle(rng);
        for g in guardians {
            let Ok(gi) = self.guardians.binary_search_by_key(&g, |x| x.id) else {
                continue;
            };
            let guardian = &self.guardians[gi];
            let eligible = g_flags[gi] & (UPDATED | REMOVED) == 0
                && guardian.email.as_ref().is_some_and(|e| {
                    !e.to_ascii_lowercase()
                        .ends_with(&format!("@{STAFF_EMAIL_DOMAIN}"))
                });
            if !eligible {
                continue;
            }
            let (given, family) = (guardian.given_name.clone(), guardian.family_name.clone());
            let email = self.personal_email(rng, &given, &family);
            self.guardians[gi].email = Some(email);
            g_flags[gi] |= UPDATED;
            return true;
        }
        false
    }

    fn change_class(&mut self, ctx: &mut Ctx, rng: &mut DistrictRng, i: usize) -> bool {
        let id = self.students[i].id;
        let mut current = ctx.enrollments_of(id);
        current.shuffle(rng);
        for e in current {
            let Some(c) = class_idx(self, self.enrollments[e].class) else {
                continue;
            };
            let class = &self.classes[c];
            if class.follows_homeroom.is_some() {
                continue; // specials move with their homeroom
            }
            let Some(other) = ctx.smallest_section(class.course, Some(c)) else {
                continue;
            };
            if class.class_type == ClassType::Homeroom {
                for e in ctx.enrollments_of(id) {
                    ctx.remove_enrollment(self, e);
                }
                ctx.enroll_homeroom(self, id, other);
            } else {
                ctx.remove_enrollment(self, e);
                ctx.enroll(self, id, other);
            }
            return true;
        }
        false
    }

    /// Differences from `self` to `next`, matched by id. [`ChurnSummary::changes`] equals
    /// `before.diff(&after)`.
    pub fn diff(&self, next: &District) -> DistrictDiff {
        let district_changed = self.name != next.name || self.identifier != next.identifier;
        let (mut orgs, _) = diff_by(&self.schools, &next.schools, |s| s.id, |a, b| a == b);
        orgs.updated += usize::from(district_changed);
        let (academic_sessions, _) =
            diff_by(&self.sessions, &next.sessions, |s| s.id, |a, b| a == b);
        let (courses, _) = diff_by(&self.courses, &next.courses, |c| c.id, |a, b| a == b);
        let (classes, _) = diff_by(&self.classes, &next.classes, |c| c.id, |a, b| a == b);
        let (staff, _) = diff_by(
            &self.staff,
            &next.staff,
            |s| s.id,
            |a, b| {
                Staff {
                    modified_day: 0,
                    ..a.clone()
                } == Staff {
                    modified_day: 0,
                    ..b.clone()
                }
            },
        );
        let (students, same_students) = diff_by(
            &self.students,
            &next.students,
            |s| s.id,
            |a, b| {
                a.family == b.family
                    && a.school == b.school
                    && a.grade == b.grade
                    && a.student_number == b.student_number
                    && a.given_name == b.given_name
                    && a.middle_name == b.middle_name
                    && a.family_name == b.family_name
            },
        );
        let (guardians, same_guardians) = diff_by(
            &self.guardians,
            &next.guardians,
            |g| g.id,
            |a, b| {
                a.family == b.family
                    && a.role == b.role
                    && a.given_name == b.given_name
                    && a.middle_name == b.middle_name
                    && a.family_name == b.family_name
                    && a.email == b.email
                    && a.phone == b.phone
            },
        );
        let (enrollments, _) = diff_by(
            &self.enrollments,
            &next.enrollments,
            |e| e.id,
            |a, b| a == b,
        );
        let rel_a: Vec<(StudentId, GuardianId)> = self
            .relationships
            .iter()
            .map(|r| (r.student, r.guardian))
            .collect();
        let rel_b: Vec<(StudentId, GuardianId)> = next
            .relationships
            .iter()
            .map(|r| (r.student, r.guardian))
            .collect();
        let (relationships, _) = diff_by(&rel_a, &rel_b, |p| *p, |_, _| true);
        let range = |pairs: &[(u32, u32)], key: u32| -> Vec<u32> {
            let start = pairs.partition_point(|p| p.0 < key);
            pairs[start..]
                .iter()
                .take_while(|p| p.0 == key)
                .map(|p| p.1)
                .collect()
        };
        let by_student = |d: &District| -> Vec<(u32, u32)> {
            let mut v: Vec<_> = d
                .relationships
                .iter()
                .map(|r| (r.student.0, r.guardian.0))
                .collect();
            v.sort_unstable();
            v
        };
        let by_guardian = |d: &District| -> Vec<(u32, u32)> {
            let mut v: Vec<_> = d
                .relationships
                .iter()
                .map(|r| (r.guardian.0, r.student.0))
                .collect();
            v.sort_unstable();
            v
        };
        let (sa, sb) = (by_student(self), by_student(next));
        let students_relinked = same_students
            .iter()
            .filter(|&&i| range(&sa, self.students[i].id.0) != range(&sb, self.students[i].id.0))
            .count();
        let (ga, gb) = (by_guardian(self), by_guardian(next));
        let guardians_relinked = same_guardians
            .iter()
            .filter(|&&i| range(&ga, self.guardians[i].id.0) != range(&gb, self.guardians[i].id.0))
            .count();
        DistrictDiff {
            orgs,
            academic_sessions,
            courses,
            classes,
            staff,
            students,
            guardians,
            enrollments,
            relationships,
            students_relinked,
            guardians_relinked,
        }
    }
}

/// Merge-joins two id-sorted lists: the changes, and the indices (in `a`) of records present
/// in both and equal by `same`.
fn diff_by<T, K: Ord>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> K,
    same: impl Fn(&T, &T) -> bool,
) -> (Changes, Vec<usize>) {
    let mut changes = Changes::default();
    let mut unchanged = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => key(x).cmp(&key(y)),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                changes.removed += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                changes.added += 1;
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                if same(&a[i], &b[j]) {
                    unchanged.push(i);
                } else {
                    changes.updated += 1;
                }
                i += 1;
                j += 1;
            }
        }
    }
    (changes, unchanged)
}
