//! End-to-end checks of the district generator: determinism, ratios, churn accounting, CSV
//! well-formedness and quirks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use homeroom_district_gen::*;
use sha2::{Digest, Sha256};

const FILES: [&str; 7] = [
    "manifest.csv",
    "orgs.csv",
    "academicSessions.csv",
    "courses.csv",
    "classes.csv",
    "users.csv",
    "enrollments.csv",
];

fn opts(students: usize, seed: u64) -> GenerateOptions {
    GenerateOptions {
        students,
        seed,
        churn_pct: None,
    }
}

fn checksum(dir: &Path) -> String {
    let mut h = Sha256::new();
    for f in FILES {
        h.update(f.as_bytes());
        h.update(std::fs::read(dir.join(f)).expect("file written"));
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

type Rows = Vec<BTreeMap<String, String>>;

fn read_csv(path: &Path, header: &[&str]) -> Rows {
    let mut reader = csv::Reader::from_path(path).expect("opens");
    let got: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(got, header, "{}", path.display());
    reader
        .records()
        .map(|r| {
            let r = r.expect("well-formed row");
            assert_eq!(r.len(), header.len(), "{}", path.display());
            header
                .iter()
                .map(|h| h.to_string())
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn multi(cell: &str) -> Vec<&str> {
    if cell.is_empty() {
        Vec::new()
    } else {
        cell.split(',').collect()
    }
}

#[test]
fn same_seed_same_bytes_different_seed_different_district() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let with_churn = |seed| GenerateOptions {
        students: 3_000,
        seed,
        churn_pct: Some(4.0),
    };
    let ra = generate_to_dir(with_churn(42), a.path()).unwrap();
    let rb = generate_to_dir(with_churn(42), b.path()).unwrap();
    let rc = generate_to_dir(with_churn(43), c.path()).unwrap();
    for day in ["day1", "day2"] {
        assert_eq!(
            checksum(&a.path().join(day)),
            checksum(&b.path().join(day)),
            "{day}"
        );
        assert_ne!(
            checksum(&a.path().join(day)),
            checksum(&c.path().join(day)),
            "{day}"
        );
    }
    assert_eq!(ra.day1.summary, rb.day1.summary);
    assert_eq!(ra.churn, rb.churn);
    assert_eq!(ra.day1.summary.students, 3_000);
    assert_eq!(rc.day1.summary.students, 3_000);
    let users_a = std::fs::read_to_string(a.path().join("day1/users.csv")).unwrap();
    let users_c = std::fs::read_to_string(c.path().join("day1/users.csv")).unwrap();
    let names = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.contains(",student,"))
            .map(|l| l.split(',').nth(8).unwrap().to_owned())
            .collect()
    };
    let (na, nc) = (names(&users_a), names(&users_c));
    assert_eq!(na.len(), nc.len());
    let same = na.iter().zip(&nc).filter(|(x, y)| x == y).count();
    assert!(
        same < na.len() / 10,
        "{same} of {} students share a name by position",
        na.len()
    );
}

#[test]
fn in_memory_generation_is_deterministic() {
    let a = District::generate(&opts(2_000, 9));
    let b = District::generate(&opts(2_000, 9));
    assert_eq!(a.diff(&b), DistrictDiff::default());
    assert_eq!(a.students, b.students);
    assert_eq!(a.guardians, b.guardians);
    assert_eq!(a.enrollments, b.enrollments);
    let (d2a, sa) = a.next_day(10.0, 9);
    let (d2b, sb) = b.next_day(10.0, 9);
    assert_eq!(sa, sb);
    assert_eq!(d2a.students, d2b.students);
    assert_eq!(d2a.enrollments, d2b.enrollments);
    let mut c = a;
    let sc = c.advance_day(10.0, 9);
    assert_eq!(sa, sc);
    assert_eq!(c.guardians, d2a.guardians);
}

struct Ratios {
    guardians_per_student: f64,
    links_per_student: f64,
    secondary_enrollments: f64,
    elementary_enrollments: f64,
    class_size: f64,
    students_per_teacher: f64,
    classes_per_teacher: f64,
    secondary_classes_per_teacher: f64,
    school_size: BTreeMap<SchoolLevel, f64>,
}

fn ratios(d: &District) -> Ratios {
    let s = d.summary();
    let level_of: BTreeMap<StudentId, SchoolLevel> = d
        .students
        .iter()
        .map(|st| (st.id, d.school(st.school).unwrap().level))
        .collect();
    let mut enr_by_level: BTreeMap<SchoolLevel, usize> = BTreeMap::new();
    let mut classes_of_teacher: BTreeMap<StaffId, usize> = BTreeMap::new();
    for e in &d.enrollments {
        match e.user {
            EnrolledUser::Student(st) => *enr_by_level.entry(level_of[&st]).or_default() += 1,
            EnrolledUser::Staff(t) if e.primary => *classes_of_teacher.entry(t).or_default() += 1,
            EnrolledUser::Staff(_) => {}
        }
    }
    let students_at =
        |levels: &[SchoolLevel]| level_of.values().filter(|l| levels.contains(l)).count() as f64;
    let secondary_teachers: Vec<usize> = d
        .staff
        .iter()
        .filter(|t| {
            t.role == StaffRole::Teacher
                && t.schools
                    .iter()
                    .all(|s| d.school(*s).unwrap().level != SchoolLevel::Elementary)
        })
        .filter_map(|t| classes_of_teacher.get(&t.id).copied())
        .collect();
    let mut school_size = BTreeMap::new();
    for level in [
        SchoolLevel::Elementary,
        SchoolLevel::Middle,
        SchoolLevel::High,
    ] {
        let n = d.schools.iter().filter(|sc| sc.level == level).count() as f64;
        school_size.insert(level, students_at(&[level]) / n);
    }
    Ratios {
        guardians_per_student: s.guardians as f64 / s.students as f64,
        links_per_student: s.relationships as f64 / s.students as f64,
        secondary_enrollments: (enr_by_level.get(&SchoolLevel::Middle).unwrap_or(&0)
            + enr_by_level.get(&SchoolLevel::High).unwrap_or(&0))
            as f64
            / students_at(&[SchoolLevel::Middle, SchoolLevel::High]),
        elementary_enrollments: *enr_by_level.get(&SchoolLevel::Elementary).unwrap_or(&0) as f64
            / students_at(&[SchoolLevel::Elementary]),
        class_size: s.student_enrollments as f64 / s.classes as f64,
        students_per_teacher: s.students as f64 / s.teachers as f64,
        classes_per_teacher: s.classes as f64 / classes_of_teacher.len() as f64,
        secondary_classes_per_teacher: secondary_teachers.iter().sum::<usize>() as f64
            / secondary_teachers.len() as f64,
        school_size,
    }
}

#[test]
fn ratios_at_five_thousand_students() {
    let d = District::generate(&opts(5_000, 2026));
    let s = d.summary();
    let r = ratios(&d);
    eprintln!(
        "5k: guardians/student {:.3}, links/student {:.3}, secondary enr {:.2}, elementary enr {:.2}, class size {:.1}, students/teacher {:.1}, classes/teacher {:.1} (secondary {:.1}), school sizes {:?}",
        r.guardians_per_student,
        r.links_per_student,
        r.secondary_enrollments,
        r.elementary_enrollments,
        r.class_size,
        r.students_per_teacher,
        r.classes_per_teacher,
        r.secondary_classes_per_teacher,
        r.school_size
    );
    assert_eq!(s.students, 5_000);
    assert!(
        (1.6..=1.8).contains(&r.links_per_student),
        "{}",
        r.links_per_student
    );
    assert!(
        (0.8..=1.0).contains(&r.guardians_per_student),
        "{}",
        r.guardians_per_student
    );
    assert!(
        (6.5..=7.6).contains(&r.secondary_enrollments),
        "{}",
        r.secondary_enrollments
    );
    assert!(
        (1.0..=4.0).contains(&r.elementary_enrollments),
        "{}",
        r.elementary_enrollments
    );
    assert!((20.0..=26.0).contains(&r.class_size), "{}", r.class_size);
    assert!(
        (17.0..=23.0).contains(&r.students_per_teacher),
        "{}",
        r.students_per_teacher
    );
    assert!(r.classes_per_teacher >= 3.0, "{}", r.classes_per_teacher);
    assert!((5.0..=6.0).contains(&r.secondary_classes_per_teacher));
    assert!((350.0..=650.0).contains(&r.school_size[&SchoolLevel::Elementary]));
    assert!((500.0..=1_200.0).contains(&r.school_size[&SchoolLevel::Middle]));
    assert!((1_000.0..=2_000.0).contains(&r.school_size[&SchoolLevel::High]));
    assert_eq!(s.orgs, s.schools + 1);
    assert_eq!(s.academic_sessions, 3);
    assert!(s.administrators >= s.schools + 2);
    assert!(s.aides > 0);

    // Every class has exactly one primary teacher; students are never primary.
    let mut primaries: BTreeMap<ClassId, usize> = BTreeMap::new();
    for e in &d.enrollments {
        match e.role {
            EnrollmentRole::Teacher => {
                assert!(matches!(e.user, EnrolledUser::Staff(_)));
                if e.primary {
                    *primaries.entry(e.class).or_default() += 1;
                }
            }
            EnrollmentRole::Student => assert!(!e.primary),
        }
    }
    assert_eq!(primaries.len(), d.classes.len());
    assert!(primaries.values().all(|&n| n == 1));
    assert_eq!(s.primary_teacher_enrollments, s.classes);

    // Families: 1–4 children, 1–2 guardians, all children share the family's guardians,
    // and go to the school of their grade in the family's zone.
    let mut kids: BTreeMap<FamilyId, Vec<&Student>> = BTreeMap::new();
    for st in &d.students {
        kids.entry(st.family).or_default().push(st);
    }
    for f in &d.families {
        let children = &kids[&f.id];
        assert!((1..=4).contains(&children.len()));
        let guardians: Vec<GuardianId> = d.guardians_of(children[0].id).collect();
        assert!((1..=2).contains(&guardians.len()));
        for c in children {
            assert_eq!(d.guardians_of(c.id).collect::<Vec<_>>(), guardians);
            assert_eq!(c.school, f.school_for(c.grade));
            let school = d.school(c.school).unwrap();
            assert_eq!(school.level, SchoolLevel::for_grade(c.grade));
        }
    }
    assert!(s.guardians_with_several_students > s.guardians / 3);
    // Every grade is present.
    let grades: BTreeSet<Grade> = d.students.iter().map(|st| st.grade).collect();
    assert_eq!(grades.len(), 13);
}

#[test]
#[ignore = "slow in debug builds; run with --release --ignored to see the ratios at 100k"]
fn ratios_at_one_hundred_thousand_students() {
    let d = District::generate(&opts(100_000, 2026));
    let r = ratios(&d);
    eprintln!(
        "100k: guardians/student {:.3}, links/student {:.3}, secondary enr {:.2}, elementary enr {:.2}, class size {:.1}, students/teacher {:.1}, classes/teacher {:.1} (secondary {:.1}), school sizes {:?}\n{:#?}",
        r.guardians_per_student,
        r.links_per_student,
        r.secondary_enrollments,
        r.elementary_enrollments,
        r.class_size,
        r.students_per_teacher,
        r.classes_per_teacher,
        r.secondary_classes_per_teacher,
        r.school_size,
        d.summary()
    );
    assert!((1.6..=1.8).contains(&r.links_per_student));
    assert!((20.0..=26.0).contains(&r.class_size));
}

#[test]
fn churn_counts_are_exact() {
    for (students, pct, seed) in [
        (5_000, 5.0, 1),
        (3_000, 20.0, 2),
        (800, 50.0, 3),
        (40, 30.0, 4),
    ] {
        let day1 = District::generate(&opts(students, seed));
        let (day2, churn) = day1.next_day(pct, seed);
        let a = day1.summary();
        let b = day2.summary();
        let c = &churn.changes;
        // The reported changes are exactly what a diff of the snapshots finds.
        assert_eq!(*c, day1.diff(&day2), "{students} students at {pct}%");
        // And add up.
        assert_eq!(
            b.students,
            a.students + c.students.added - c.students.removed
        );
        assert_eq!(
            b.guardians,
            a.guardians + c.guardians.added - c.guardians.removed
        );
        assert_eq!(
            b.enrollments,
            a.enrollments + c.enrollments.added - c.enrollments.removed
        );
        assert_eq!(
            b.relationships,
            a.relationships + c.relationships.added - c.relationships.removed
        );
        assert_eq!(b.classes, a.classes);
        assert_eq!(b.staff, a.staff);
        // Breakdown.
        let k = &churn.breakdown;
        assert_eq!(k.target, (students as f64 * pct / 100.0).round() as usize);
        assert_eq!(c.students.removed, k.students_left);
        assert_eq!(c.students.added, k.students_arrived);
        assert_eq!(k.students_arrived, (k.target as f64 * 0.3).round() as usize);
        assert_eq!(k.students_left, (k.target as f64 * 0.3).round() as usize);
        assert_eq!(c.students.updated, k.grade_changes + k.name_corrections);
        assert_eq!(c.guardians.updated, k.guardian_email_changes);
        // Every planned update finds a student it applies to, except in tiny districts (no
        // second section to move to, say).
        let updates =
            k.grade_changes + k.name_corrections + k.guardian_email_changes + k.class_changes;
        let planned = k.target - k.students_left - k.students_arrived;
        if students >= 800 {
            assert_eq!(updates, planned, "{students} students at {pct}%: {k:?}");
        } else {
            assert!(updates <= planned && updates + 2 >= planned, "{k:?}");
        }
        if students >= 800 {
            assert!(
                k.families_left > 0 && k.new_families > 0 && k.siblings_arrived > 0,
                "{k:?}"
            );
            assert!(c.guardians_relinked > 0);
        }
        // Records that changed carry the new day; others keep day 1.
        let day1_students: BTreeMap<StudentId, &Student> =
            day1.students.iter().map(|s| (s.id, s)).collect();
        let changed_students = day2
            .students
            .iter()
            .filter(|s| {
                day1_students.get(&s.id).is_none_or(|old| {
                    old.given_name != s.given_name
                        || old.family_name != s.family_name
                        || old.grade != s.grade
                })
            })
            .count();
        assert_eq!(
            day2.students.iter().filter(|s| s.modified_day == 2).count(),
            changed_students
        );
        assert_eq!(
            day2.guardians
                .iter()
                .filter(|g| g.modified_day == 2)
                .count(),
            c.guardians.added + c.guardians.updated + c.guardians_relinked
        );
        assert_eq!(
            day2.enrollments
                .iter()
                .filter(|e| e.modified_day == 2)
                .count(),
            c.enrollments.added
        );
        // Every student has guardians; every guardian has students; families are not empty.
        assert!(
            day2.students
                .iter()
                .all(|s| day2.guardians_of(s.id).next().is_some())
        );
        let linked: BTreeSet<GuardianId> = day2.relationships.iter().map(|r| r.guardian).collect();
        assert_eq!(linked.len(), day2.guardians.len());
        // A third day works too, with new ids continuing.
        let (day3, churn3) = day2.next_day(pct, seed);
        assert_eq!(churn3.changes, day2.diff(&day3));
        assert_eq!(day3.day, 3);
    }
}

#[test]
fn zero_churn_repeats_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate_to_dir(
        GenerateOptions {
            students: 1_000,
            seed: 5,
            churn_pct: Some(0.0),
        },
        dir.path(),
    )
    .unwrap();
    let churn = report.churn.unwrap();
    assert_eq!(churn.changes, DistrictDiff::default());
    assert_eq!(
        checksum(&dir.path().join("day1")),
        checksum(&dir.path().join("day2"))
    );
}

#[test]
fn invalid_churn_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for pct in [-1.0, 100.5, f64::NAN] {
        let err = generate_to_dir(
            GenerateOptions {
                students: 10,
                seed: 1,
                churn_pct: Some(pct),
            },
            dir.path(),
        );
        assert!(matches!(err, Err(GenerateError::InvalidOptions(_))));
    }
}

#[test]
fn tiny_districts_work() {
    for students in [0, 1, 2, 7, 30] {
        let d = District::generate(&opts(students, 11));
        let s = d.summary();
        assert_eq!(s.students, students);
        assert_eq!(s.schools, 3);
        assert_eq!(s.primary_teacher_enrollments, s.classes);
        let (d2, churn) = d.next_day(50.0, 11);
        assert_eq!(churn.changes, d.diff(&d2));
        let dir = tempfile::tempdir().unwrap();
        write_oneroster_csv(&d2, dir.path(), OneRosterCsvOptions::default()).unwrap();
    }
}

/// Reads a written day back and checks it against the spec and the model.
fn check_csv(dir: &Path, d: &District, report: &CsvWriteReport) {
    // Manifest.
    let manifest = std::fs::read_to_string(dir.join("manifest.csv")).unwrap();
    let mut expected =
        String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n");
    for f in MANIFEST_FILES {
        let mode = if BULK_FILES.contains(&f) {
            "bulk"
        } else {
            "absent"
        };
        expected.push_str(&format!("file.{f},{mode}\n"));
    }
    expected.push_str(
        "source.systemName,Homeroom District Generator\nsource.systemCode,homeroom-district-gen\n",
    );
    assert_eq!(manifest, expected);
    assert!(manifest.contains("file.demographics,absent"));

    let orgs = read_csv(&dir.join("orgs.csv"), &ORGS_HEADER);
    let sessions = read_csv(&dir.join("academicSessions.csv"), &ACADEMIC_SESSIONS_HEADER);
    let courses = read_csv(&dir.join("courses.csv"), &COURSES_HEADER);
    let classes = read_csv(&dir.join("classes.csv"), &CLASSES_HEADER);
    let users = read_csv(&dir.join("users.csv"), &USERS_HEADER);
    let enrollments = read_csv(&dir.join("enrollments.csv"), &ENROLLMENTS_HEADER);
    let s = d.summary();
    assert_eq!((orgs.len(), report.orgs, s.orgs), (s.orgs, s.orgs, s.orgs));
    assert_eq!(sessions.len(), 3);
    assert_eq!((courses.len(), report.courses), (s.courses, s.courses));
    assert_eq!((classes.len(), report.classes), (s.classes, s.classes));
    assert_eq!((users.len(), report.users), (s.users, s.users));
    assert_eq!(
        (enrollments.len(), report.enrollments),
        (s.enrollments, s.enrollments)
    );

    let ids =
        |rows: &Rows| -> BTreeSet<String> { rows.iter().map(|r| r["sourcedId"].clone()).collect() };
    let org_ids = ids(&orgs);
    let session_ids = ids(&sessions);
    let course_ids = ids(&courses);
    let class_ids = ids(&classes);
    let user_ids = ids(&users);
    assert_eq!(org_ids.len(), orgs.len());
    assert_eq!(course_ids.len(), courses.len());
    assert_eq!(class_ids.len(), classes.len());
    assert_eq!(user_ids.len(), users.len());
    assert_eq!(ids(&enrollments).len(), enrollments.len());

    for r in orgs.iter().skip(1) {
        assert_eq!(r["type"], "school");
        assert!(org_ids.contains(&r["parentSourcedId"]));
    }
    for r in &courses {
        assert!(org_ids.contains(&r["orgSourcedId"]));
        assert!(session_ids.contains(&r["schoolYearSourcedId"]));
    }
    for r in &classes {
        assert!(course_ids.contains(&r["courseSourcedId"]));
        assert!(org_ids.contains(&r["schoolSourcedId"]));
        assert!(!multi(&r["termSourcedIds"]).is_empty());
        assert!(
            multi(&r["termSourcedIds"])
                .iter()
                .all(|t| session_ids.contains(*t))
        );
        assert!(["homeroom", "scheduled"].contains(&r["classType"].as_str()));
    }

    let role_of: BTreeMap<&str, &str> = users
        .iter()
        .map(|r| (r["sourcedId"].as_str(), r["role"].as_str()))
        .collect();
    let class_school: BTreeMap<&str, &str> = classes
        .iter()
        .map(|r| (r["sourcedId"].as_str(), r["schoolSourcedId"].as_str()))
        .collect();
    for r in &enrollments {
        assert!(class_ids.contains(&r["classSourcedId"]), "{r:?}");
        assert!(user_ids.contains(&r["userSourcedId"]), "{r:?}");
        assert_eq!(
            class_school[r["classSourcedId"].as_str()],
            r["schoolSourcedId"]
        );
        let role = role_of[r["userSourcedId"].as_str()];
        match r["role"].as_str() {
            "student" => assert_eq!(role, "student"),
            "teacher" => assert_eq!(role, "teacher"),
            other => panic!("enrollment role {other}"),
        }
        assert!(["true", "false"].contains(&r["primary"].as_str()));
        assert!(r["beginDate"] <= r["endDate"]);
    }

    // Users: roles, orgs, agents both ways, emails.
    let mut agents: BTreeSet<(String, String)> = BTreeSet::new();
    let mut emails: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in &users {
        let role = r["role"].as_str();
        assert!(
            [
                "teacher",
                "administrator",
                "aide",
                "student",
                "parent",
                "guardian",
                "relative"
            ]
            .contains(&role)
        );
        assert_eq!(r["enabledUser"], "true");
        assert!(!r["givenName"].is_empty() && !r["familyName"].is_empty());
        for o in multi(&r["orgSourcedIds"]) {
            assert!(org_ids.contains(o), "{r:?}");
        }
        assert!(!multi(&r["orgSourcedIds"]).is_empty());
        for a in multi(&r["agentSourcedIds"]) {
            assert!(
                user_ids.contains(a),
                "agent {a} of {} missing",
                r["sourcedId"]
            );
            let agent_role = role_of[a];
            match role {
                "student" => assert!(["parent", "guardian", "relative"].contains(&agent_role)),
                "parent" | "guardian" | "relative" => assert_eq!(agent_role, "student"),
                _ => panic!("staff with agents: {r:?}"),
            }
            agents.insert((r["sourcedId"].clone(), a.to_owned()));
        }
        match role {
            "student" => {
                assert!(r["email"].ends_with("@students.district.example"));
                assert!(!r["grades"].is_empty());
                assert!(!r["agentSourcedIds"].is_empty());
                assert_eq!(r["identifier"], r["username"]);
            }
            "teacher" | "administrator" | "aide" => {
                assert!(r["email"].ends_with("@district.example"));
                assert!(!r["email"].contains("students."));
            }
            _ => {
                assert!(!r["agentSourcedIds"].is_empty());
                assert!(!r["email"].is_empty() || !r["phone"].is_empty(), "{r:?}");
            }
        }
        if !r["email"].is_empty() {
            emails
                .entry(r["email"].to_ascii_lowercase())
                .or_default()
                .push(role);
        }
    }
    for (a, b) in &agents {
        assert!(
            agents.contains(&(b.clone(), a.clone())),
            "{a} → {b} is one-sided"
        );
    }
    assert_eq!(agents.len(), 2 * s.relationships);
    // Emails are unique, except a guardian who is also a teacher.
    let shared: Vec<_> = emails.values().filter(|v| v.len() > 1).collect();
    assert_eq!(shared.len(), s.guardian_teachers);
    for roles in shared {
        assert_eq!(roles.len(), 2);
        assert!(roles.contains(&"teacher"));
    }
    // Phones are valid US numbers, unique except shared home phones.
    let mut phones: BTreeMap<String, usize> = BTreeMap::new();
    for r in &users {
        if !r["phone"].is_empty() {
            let parsed =
                phonenumber::parse(Some(phonenumber::country::Id::US), &r["phone"]).unwrap();
            assert!(phonenumber::is_valid(&parsed), "{}", r["phone"]);
            let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
            *phones.entry(e164).or_default() += 1;
        }
    }
    assert_eq!(
        phones.values().filter(|&&n| n == 2).count(),
        s.shared_phone_pairs
    );
    assert!(phones.values().all(|&n| n <= 2));
}

#[test]
fn csv_sets_are_well_formed() {
    let dir = tempfile::tempdir().unwrap();
    let report = generate_to_dir(
        GenerateOptions {
            students: 4_000,
            seed: 77,
            churn_pct: Some(8.0),
        },
        dir.path(),
    )
    .unwrap();
    let day1 = District::generate(&opts(4_000, 77));
    check_csv(&dir.path().join("day1"), &day1, &report.day1.files);
    let (day2, churn) = day1.next_day(8.0, 77);
    assert_eq!(Some(&churn), report.churn.as_ref());
    let day2_report = report.day2.as_ref().unwrap();
    assert_eq!(day2_report.summary, day2.summary());
    check_csv(&dir.path().join("day2"), &day2, &day2_report.files);

    // Multi-valued cells are quoted.
    let classes = std::fs::read_to_string(dir.path().join("day1/classes.csv")).unwrap();
    assert!(classes.contains(",\"ses-2,ses-3\","));
    let users = std::fs::read_to_string(dir.path().join("day1/users.csv")).unwrap();
    assert!(
        users
            .lines()
            .any(|l| l.contains(",student,") && l.contains(",\"gdn-"))
    );
    // Day 2 rows that changed carry day 2's date.
    let users2 = std::fs::read_to_string(dir.path().join("day2/users.csv")).unwrap();
    let changed = users2.lines().filter(|l| l.contains("2025-09-16T")).count();
    let c = &churn.changes;
    assert_eq!(
        changed,
        c.students.added
            + c.students.updated
            + c.guardians.added
            + c.guardians.updated
            + c.guardians_relinked
    );
}

#[test]
fn writer_options() {
    let d = District::generate(&opts(300, 3));
    let dir = tempfile::tempdir().unwrap();
    let o = OneRosterCsvOptions {
        status_and_dates: false,
        phone_style: PhoneStyle::National,
    };
    write_oneroster_csv(&d, dir.path(), o).unwrap();
    let users = read_csv(&dir.path().join("users.csv"), &USERS_HEADER);
    assert!(
        users
            .iter()
            .all(|r| r["status"].is_empty() && r["dateLastModified"].is_empty())
    );
    assert!(
        users
            .iter()
            .filter(|r| !r["phone"].is_empty())
            .all(|r| r["phone"].starts_with('('))
    );
}

#[test]
fn quirks_are_present() {
    let d = District::generate(&opts(5_000, 123));
    let q = d.quirks();
    let s = d.summary();
    assert!(!q.shared_phones.is_empty());
    assert!(!q.guardian_teachers.is_empty());
    assert!(!q.phone_only_guardians.is_empty());
    assert_eq!(s.shared_phone_pairs, q.shared_phones.len());
    assert_eq!(s.guardian_teachers, q.guardian_teachers.len());
    assert_eq!(s.guardians_without_email, q.phone_only_guardians.len());
    assert_eq!(s.expected_people, s.users - q.guardian_teachers.len());
    // Small deterministic shares: ~1 % of two-guardian families, ~1 % of teachers, ~2 % of
    // guardians.
    assert!(q.phone_only_guardians.len() * 50 >= s.guardians - 50);
    assert!(q.phone_only_guardians.len() * 50 <= s.guardians + 50);
    assert_eq!(
        q.guardian_teachers.len(),
        ((s.teachers as f64) * 0.01).round().max(1.0) as usize
    );

    for (a, b) in &q.shared_phones {
        let (a, b) = (d.guardian(*a).unwrap(), d.guardian(*b).unwrap());
        assert_eq!(a.family, b.family, "a household shares the phone");
        assert_ne!(
            (&a.given_name, &a.family_name),
            (&b.given_name, &b.family_name)
        );
        assert!(a.phone.is_some());
    }
    let mut case_variant = false;
    for (g, t) in &q.guardian_teachers {
        let (g, t) = (d.guardian(*g).unwrap(), d.staff_member(*t).unwrap());
        assert_eq!(t.role, StaffRole::Teacher);
        assert_eq!(
            (&g.given_name, &g.family_name),
            (&t.given_name, &t.family_name)
        );
        let email = g.email.as_deref().unwrap();
        assert_eq!(email.to_ascii_lowercase(), t.email);
        case_variant |= email != t.email;
    }
    assert!(case_variant || q.guardian_teachers.len() < 2);
    for g in &q.phone_only_guardians {
        let g = d.guardian(*g).unwrap();
        assert!(g.email.is_none() && g.phone.is_some());
    }
    // Quirks are spread over different families.
    let mut families = BTreeSet::new();
    for (a, _) in &q.shared_phones {
        assert!(families.insert(d.guardian(*a).unwrap().family));
    }
    for (g, _) in &q.guardian_teachers {
        assert!(families.insert(d.guardian(*g).unwrap().family));
    }
    for g in &q.phone_only_guardians {
        assert!(families.insert(d.guardian(*g).unwrap().family));
    }
    // Names are diverse and some carry non-ASCII letters or punctuation.
    let surnames: BTreeSet<&str> = d.students.iter().map(|s| s.family_name.as_ref()).collect();
    assert!(surnames.len() > 200);
    assert!(
        d.students
            .iter()
            .any(|s| !s.family_name.is_ascii() || s.family_name.contains('\''))
    );
    // Student numbers and staff emails are unique.
    let numbers: BTreeSet<u32> = d.students.iter().map(|s| s.student_number).collect();
    assert_eq!(numbers.len(), d.students.len());
    let staff_emails: BTreeSet<&str> = d.staff.iter().map(|s| s.email.as_str()).collect();
    assert_eq!(staff_emails.len(), d.staff.len());
    // Some teachers work at several schools (multi-valued orgSourcedIds).
    assert!(d.staff.iter().any(|s| s.schools.len() > 1));
}
