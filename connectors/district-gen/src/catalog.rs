//! Course catalogs for middle and high schools and how a student's schedule is picked.

use rand::Rng;
use rand::seq::SliceRandom;

use crate::model::{Grade, SchoolLevel};

/// Which part of the school year a course runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Span {
    Year,
    Fall,
    Spring,
}

/// A course offered at every school of a level (created at a school once someone takes it).
#[derive(Debug)]
pub(crate) struct CourseSpec {
    pub(crate) title: &'static str,
    pub(crate) code: &'static str,
    pub(crate) subject: &'static str,
    /// Grades the course is meant for.
    pub(crate) grades: &'static [u8],
    pub(crate) span: Span,
}

const fn c(
    title: &'static str,
    code: &'static str,
    subject: &'static str,
    grades: &'static [u8],
) -> CourseSpec {
    CourseSpec {
        title,
        code,
        subject,
        grades,
        span: Span::Year,
    }
}

const ELA: &str = "English Language Arts";
const MATH: &str = "Mathematics";
const SCI: &str = "Science";
const SS: &str = "Social Studies";
const PE: &str = "Physical Education";
const ARTS: &str = "Fine Arts";
const WL: &str = "World Languages";
const CTE: &str = "Career and Technical Education";

const MS_GRADES: &[u8] = &[6, 7, 8];
const HS_GRADES: &[u8] = &[9, 10, 11, 12];

pub(crate) const MIDDLE: &[CourseSpec] = &[
    c("English Language Arts 6", "ELA6", ELA, &[6]),
    c("English Language Arts 7", "ELA7", ELA, &[7]),
    c("English Language Arts 8", "ELA8", ELA, &[8]),
    c("Math 6", "MATH6", MATH, &[6]),
    c("Math 7", "MATH7", MATH, &[7]),
    c("Math 8", "MATH8", MATH, &[8]),
    c("Algebra I", "ALG1-MS", MATH, &[8]),
    c("Science 6", "SCI6", SCI, &[6]),
    c("Life Science 7", "SCI7", SCI, &[7]),
    c("Physical Science 8", "SCI8", SCI, &[8]),
    c("Ancient Civilizations 6", "SS6", SS, &[6]),
    c("World History 7", "SS7", SS, &[7]),
    c("U.S. History 8", "SS8", SS, &[8]),
    c("Physical Education", "PE-MS", PE, MS_GRADES),
    // Electives from here.
    c("Art", "ART-MS", ARTS, MS_GRADES),
    c("Band", "BAND-MS", ARTS, MS_GRADES),
    c("Choir", "CHOIR-MS", ARTS, MS_GRADES),
    c("Orchestra", "ORCH-MS", ARTS, MS_GRADES),
    c("Theater", "THTR-MS", ARTS, MS_GRADES),
    c("Spanish", "SPAN-MS", WL, MS_GRADES),
    c("French", "FREN-MS", WL, MS_GRADES),
    c("Technology", "TECH-MS", CTE, MS_GRADES),
    c("Computer Science Discoveries", "CSD-MS", CTE, MS_GRADES),
];
const MS_PE: usize = 13;
const MS_FIRST_ELECTIVE: usize = 14;

pub(crate) const HIGH: &[CourseSpec] = &[
    c("English 9", "ENG9", ELA, &[9]),
    c("English 10", "ENG10", ELA, &[10]),
    c("English 11", "ENG11", ELA, &[11]),
    c("English 12", "ENG12", ELA, &[12]),
    c("AP English Literature", "APENGL", ELA, &[12]),
    // 5: the math ladder.
    c("Algebra I", "ALG1", MATH, HS_GRADES),
    c("Geometry", "GEOM", MATH, HS_GRADES),
    c("Algebra II", "ALG2", MATH, &[10, 11, 12]),
    c("Precalculus", "PRECALC", MATH, &[11, 12]),
    c("AP Calculus AB", "APCALC", MATH, &[11, 12]),
    c("Statistics", "STATS", MATH, &[12]),
    // 11: science.
    c("Biology", "BIO", SCI, &[9]),
    c("Chemistry", "CHEM", SCI, &[10]),
    c("Physics", "PHYS", SCI, &[11]),
    c("Environmental Science", "ENVSCI", SCI, &[11, 12]),
    c("Anatomy and Physiology", "ANAT", SCI, &[12]),
    c("AP Biology", "APBIO", SCI, &[12]),
    // 17: social studies.
    c("World Geography", "WGEO", SS, &[9]),
    c("World History", "WHIST", SS, &[10]),
    c("U.S. History", "USHIST", SS, &[11]),
    c("AP U.S. History", "APUSH", SS, &[11]),
    CourseSpec {
        title: "Government",
        code: "GOV",
        subject: SS,
        grades: &[12],
        span: Span::Fall,
    },
    CourseSpec {
        title: "Economics",
        code: "ECON",
        subject: SS,
        grades: &[12],
        span: Span::Spring,
    },
    // 23
    c("Physical Education", "PE", PE, &[9, 10]),
    // 24: world languages (levels I–IV, I–III).
    c("Spanish I", "SPAN1", WL, HS_GRADES),
    c("Spanish II", "SPAN2", WL, HS_GRADES),
    c("Spanish III", "SPAN3", WL, &[11, 12]),
    c("Spanish IV", "SPAN4", WL, &[12]),
    c("French I", "FREN1", WL, HS_GRADES),
    c("French II", "FREN2", WL, HS_GRADES),
    c("French III", "FREN3", WL, &[11, 12]),
    // 31: electives.
    c("Art I", "ART1", ARTS, HS_GRADES),
    c("Ceramics", "CERAM", ARTS, HS_GRADES),
    c("Photography", "PHOTO", ARTS, HS_GRADES),
    c("Concert Band", "BAND", ARTS, HS_GRADES),
    c("Choir", "CHOIR", ARTS, HS_GRADES),
    c("Theater Arts", "THTR", ARTS, HS_GRADES),
    c("Computer Science Principles", "CSP", CTE, HS_GRADES),
    c("AP Computer Science A", "APCSA", CTE, &[10, 11, 12]),
    c("Engineering Design", "ENGR", CTE, HS_GRADES),
    c("Culinary Arts", "CULIN", CTE, HS_GRADES),
    c("Accounting", "ACCT", CTE, HS_GRADES),
    c("Journalism", "JOURN", ELA, HS_GRADES),
    c("Creative Writing", "CREATW", ELA, HS_GRADES),
    c("Psychology", "PSYCH", SS, &[11, 12]),
    c("Health", "HEALTH", PE, HS_GRADES),
];
const HS_MATH: usize = 5;
const HS_PE: usize = 23;
const HS_SPANISH: usize = 24;
const HS_FRENCH: usize = 28;
const HS_FIRST_ELECTIVE: usize = 31;

/// The catalog of a secondary level (elementary schools have homerooms and specials instead).
pub(crate) fn catalog(level: SchoolLevel) -> &'static [CourseSpec] {
    match level {
        SchoolLevel::Elementary => &[],
        SchoolLevel::Middle => MIDDLE,
        SchoolLevel::High => HIGH,
    }
}

/// The courses (indices into [`catalog`]) a secondary student in `grade` takes: seven periods
/// (twelfth graders take Government in the fall and Economics in the spring in one period, so
/// eight enrollments).
pub(crate) fn pick_schedule(rng: &mut impl Rng, grade: Grade, out: &mut Vec<usize>) {
    out.clear();
    match SchoolLevel::for_grade(grade) {
        SchoolLevel::Elementary => {}
        SchoolLevel::Middle => {
            let y = (grade.0 - 6) as usize;
            out.push(y); // ELA
            out.push(if y == 2 && rng.random_bool(0.2) {
                6
            } else {
                3 + y
            }); // math
            out.push(7 + y); // science
            out.push(10 + y); // social studies
            out.push(MS_PE);
            fill_electives(rng, MIDDLE, MS_FIRST_ELECTIVE, grade, 7, out);
        }
        SchoolLevel::High => {
            let y = (grade.0 - 9) as usize;
            let mut periods = 0;
            // English.
            out.push(if y == 3 && rng.random_bool(0.25) {
                4
            } else {
                y
            });
            // Math ladder, with students ahead of or behind their grade.
            let roll: f64 = rng.random();
            let level = if roll < 0.2 {
                y + 1
            } else if roll < 0.35 && y > 0 {
                y - 1
            } else {
                y
            };
            out.push(if y == 3 && level == y && rng.random_bool(0.4) {
                HS_MATH + 5 // statistics
            } else {
                HS_MATH + level.min(4)
            });
            // Science.
            out.push(match y {
                0 => 11,
                1 => 12,
                2 => {
                    if rng.random_bool(0.5) {
                        13
                    } else {
                        14
                    }
                }
                _ => {
                    let r: f64 = rng.random();
                    if r < 0.4 {
                        15
                    } else if r < 0.6 {
                        16
                    } else {
                        14
                    }
                }
            });
            // Social studies.
            match y {
                0 => out.push(17),
                1 => out.push(18),
                2 => out.push(if rng.random_bool(0.2) { 20 } else { 19 }),
                _ => {
                    out.push(21);
                    out.push(22);
                    periods -= 1; // one period, two semesters
                }
            }
            if y <= 1 {
                out.push(HS_PE);
            }
            if rng.random_bool(0.8) {
                if rng.random_bool(0.75) {
                    out.push(HS_SPANISH + y.min(3));
                } else {
                    out.push(HS_FRENCH + y.min(2));
                }
            }
            periods += out.len() as i32;
            let wanted = out.len() + (7 - periods).max(0) as usize;
            fill_electives(rng, HIGH, HS_FIRST_ELECTIVE, grade, wanted, out);
        }
    }
}

fn fill_electives(
    rng: &mut impl Rng,
    catalog: &[CourseSpec],
    first_elective: usize,
    grade: Grade,
    wanted: usize,
    out: &mut Vec<usize>,
) {
    let mut pool: Vec<usize> = (first_elective..catalog.len())
        .filter(|&i| catalog[i].grades.contains(&grade.0))
        .collect();
    pool.shuffle(rng);
    for i in pool {
        if out.len() >= wanted {
            break;
        }
        out.push(i);
    }
}
