//! The Aeries connector over real HTTP against the fake Aeries site.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use homeroom_aeries::Aeries;
use homeroom_aeries::AeriesConfig;
use homeroom_aeries::fake::{FAKE_CERT, FakeAeries, FakeHandle};
use homeroom_connector_core::{
    Connector, ConnectorError, EntityKind, HttpConfig, Page, Record, RelationshipKind, RetryPolicy,
    Role,
};
use homeroom_district_gen::{District, GenerateOptions};
use serde_json::{Value, json};

fn district(students: usize) -> District {
    District::generate(&GenerateOptions {
        students,
        seed: 11,
        churn_pct: None,
    })
}

fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            max_server_wait: Duration::from_secs(3),
        },
        ..HttpConfig::default()
    }
}

fn connector(fake: &FakeHandle, extra: &Value) -> Aeries {
    let mut config = fake.connector_config();
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    Aeries::with_http_config(AeriesConfig::from_json(config).unwrap(), fast_http()).unwrap()
}

/// Every record of a stream, or its first error; plus the cursor.
async fn read(
    mut stream: homeroom_connector_core::SyncStream<'_>,
) -> (Result<Vec<Record>, ConnectorError>, Option<String>) {
    let mut records = Vec::new();
    while let Some(page) = stream.next().await {
        match page {
            Ok(Page { records: r, .. }) => records.extend(r),
            Err(e) => return (Err(e), None),
        }
    }
    (Ok(records), stream.next_cursor().ok().flatten())
}

fn count(records: &[Record], kind: EntityKind) -> usize {
    records
        .iter()
        .filter(|r| r.entity_kind() == kind && !r.is_removal())
        .count()
}

#[tokio::test]
async fn full_snapshot_matches_the_district() {
    let d = district(400);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({"students_per_request": 120}));
    aeries.test_credentials().await.unwrap();
    let (records, cursor) = read(aeries.full_snapshot()).await;
    let records = records.unwrap();
    assert!(cursor.is_some(), "a clean snapshot reports a cursor");

    // Orgs: the district office and every school.
    assert_eq!(count(&records, EntityKind::Org), d.schools.len() + 1);
    assert_eq!(count(&records, EntityKind::Course), d.courses.len());
    assert_eq!(count(&records, EntityKind::Class), d.classes.len());
    // People: each student once (the concurrent-enrollment re-emission aside), each adult
    // listed under several siblings once.
    let people: Vec<&homeroom_connector_core::Person> = records
        .iter()
        .filter_map(|r| match r {
            Record::Person(p) => Some(p),
            _ => None,
        })
        .collect();
    let students: BTreeSet<&str> = people
        .iter()
        .filter(|p| p.is_student())
        .map(|p| p.external_id.as_str())
        .collect();
    assert_eq!(students.len(), d.students.len());
    let guardians: Vec<&str> = people
        .iter()
        .filter(|p| p.has_role(Role::Guardian))
        .map(|p| p.external_id.as_str())
        .collect();
    assert_eq!(guardians.len(), d.guardians.len(), "one person per adult");
    assert_eq!(
        guardians.iter().collect::<HashSet<_>>().len(),
        guardians.len(),
        "no adult emitted twice"
    );
    assert_eq!(
        people.iter().filter(|p| p.has_role(Role::Teacher)).count(),
        d.summary().teachers
    );
    // A student on two schools' lists is re-emitted with both schools.
    let multi: Vec<_> = people
        .iter()
        .filter(|p| p.is_student() && p.roles.len() == 2)
        .collect();
    assert!(
        !multi.is_empty(),
        "the fake lists some students at two schools"
    );
    let rels: Vec<&homeroom_connector_core::Relationship> = records
        .iter()
        .filter_map(|r| match r {
            Record::Relationship(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(rels.len(), d.relationships.len());
    assert!(rels.iter().any(|r| r.lives_with_student == Some(false)));
    assert!(rels.iter().any(|r| r.kind == RelationshipKind::Relative));
    assert!(rels.iter().all(|r| r.kind != RelationshipKind::Other));
    assert_eq!(count(&records, EntityKind::Enrollment), d.enrollments.len());
    // References point backwards: every relationship/enrollment follows its people.
    let mut seen_people = HashSet::new();
    for r in &records {
        match r {
            Record::Person(p) => {
                seen_people.insert(p.external_id.clone());
            }
            Record::Relationship(rel) => {
                assert!(seen_people.contains(&rel.guardian_external_id));
                assert!(seen_people.contains(&rel.student_external_id));
            }
            Record::Enrollment(e) => assert!(seen_people.contains(&e.user_external_id)),
            _ => {}
        }
    }
    // Every request carried the pinned year; students were paged in windows of 120.
    let requests = fake.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.param("DatabaseYear") == Some("2025"))
    );
    let windows: Vec<_> = requests
        .iter()
        .filter(|r| r.path.ends_with("/students") && r.path.matches('/').count() == 2)
        .collect();
    assert!(
        windows
            .iter()
            .any(|r| r.param("StartingRecord") == Some("121"))
    );
    assert!(windows.iter().all(|r| {
        let start: u32 = r.param("StartingRecord").unwrap().parse().unwrap();
        let end: u32 = r.param("EndingRecord").unwrap().parse().unwrap();
        end - start + 1 == 120
    }));
    assert_eq!(aeries.request_count(), fake.request_count());
}

#[tokio::test]
async fn school_codes_limit_the_read() {
    let d = district(300);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let first = d.schools[0].id.0;
    let aeries = connector(&fake, &json!({"school_codes": [first]}));
    let (records, _) = read(aeries.full_snapshot()).await;
    let records = records.unwrap();
    assert_eq!(
        count(&records, EntityKind::Org),
        2,
        "the district office and one school"
    );
    let at_school = d.students.iter().filter(|s| s.school.0 == first).count();
    let students = records
        .iter()
        .filter(|r| matches!(r, Record::Person(p) if p.is_student()))
        .count();
    assert!(students >= at_school, "{students} < {at_school}");
    assert!(
        fake.requests()
            .iter()
            .filter(|r| r.path.starts_with("schools/"))
            .all(|r| r.path.starts_with(&format!("schools/{first}/")))
    );
}

#[tokio::test]
async fn a_wrong_certificate_is_an_auth_error() {
    let fake = FakeAeries::start(district(100), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({"cert": "0000000000000000000000000000000"}));
    let err = aeries.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("invalid AERIES-CERT"), "{err}");
    let (result, cursor) = read(aeries.full_snapshot()).await;
    assert!(matches!(result, Err(ConnectorError::Auth(_))));
    assert!(cursor.is_none());
}

#[tokio::test]
async fn transient_faults_are_retried() {
    let d = district(150);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));
    fake.faults().rate_limit_next(1, Duration::from_secs(1));
    fake.faults().fail_next(1);
    fake.faults().truncate_next(1);
    let started = std::time::Instant::now();
    let (records, cursor) = read(aeries.full_snapshot()).await;
    let records = records.unwrap();
    assert!(cursor.is_some());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(count(&records, EntityKind::Enrollment), d.enrollments.len());
    assert_eq!(aeries.request_count(), fake.request_count());
}

#[tokio::test]
async fn persistent_and_data_faults_end_the_stream_with_the_right_error() {
    let fake = FakeAeries::start(district(100), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));

    fake.faults().fail_next(10);
    let (result, cursor) = read(aeries.full_snapshot()).await;
    assert!(
        matches!(result, Err(ConnectorError::Http { status: 500, .. })),
        "{result:?}"
    );
    assert!(cursor.is_none());
    fake.faults().clear();

    fake.faults().rate_limit_next(10, Duration::from_secs(60));
    let (result, _) = read(aeries.full_snapshot()).await;
    assert!(
        matches!(result, Err(ConnectorError::RateLimited { .. })),
        "{result:?}"
    );
    fake.faults().clear();

    fake.faults().malformed_next(1);
    let (result, _) = read(aeries.full_snapshot()).await;
    assert!(
        matches!(result, Err(ConnectorError::Malformed { .. })),
        "{result:?}"
    );
    fake.faults().clear();

    fake.faults().set_delay(Duration::from_secs(3));
    let (result, _) = read(aeries.full_snapshot()).await;
    assert!(
        matches!(result, Err(ConnectorError::Timeout { .. })),
        "{result:?}"
    );
    fake.faults().clear();

    fake.faults().set_empty_roster(true);
    let (result, _) = read(aeries.full_snapshot()).await;
    assert!(
        matches!(result, Err(ConnectorError::EmptyRoster(_))),
        "{result:?}"
    );
    let err = aeries.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::EmptyRoster(_)));
    fake.faults().clear();

    let (result, _) = read(aeries.full_snapshot()).await;
    assert!(result.is_ok(), "a well-behaved server reads fine again");
}

#[tokio::test]
async fn delta_reads_the_change_feeds_and_diffs_rosters() {
    let d = district(400);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));
    let (_, cursor) = read(aeries.full_snapshot()).await;
    let cursor = cursor.unwrap();

    // Nothing changed: a delta sends orgs only and moves the cursor.
    let (quiet, next) = read(aeries.delta(Some(&cursor))).await;
    let quiet = quiet.unwrap();
    assert!(
        quiet.iter().all(|r| r.entity_kind() == EntityKind::Org),
        "{quiet:?}"
    );
    assert!(next.is_some());

    let (day2, churn) = d.next_day(5.0, 11);
    fake.advance(day2.clone());
    let (records, next) = read(aeries.delta(Some(&cursor))).await;
    let records = records.unwrap();
    assert!(next.is_some());
    let changed_students: HashSet<String> = records
        .iter()
        .filter_map(|r| match r {
            Record::Person(p) if p.is_student() => Some(p.external_id.clone()),
            _ => None,
        })
        .collect();
    assert!(changed_students.len() >= churn.breakdown.students_arrived);
    assert!(
        changed_students.len() < d.students.len() / 2,
        "only changed students are sent"
    );
    // Students who left are sent disabled; their roster rows are deleted.
    let left: Vec<_> = records
        .iter()
        .filter(|r| matches!(r, Record::Person(p) if p.is_student() && !p.enabled))
        .collect();
    assert_eq!(left.len(), churn.breakdown.students_left);
    let deleted_enrollments = records
        .iter()
        .filter(|r| matches!(r, Record::Deleted(x) if x.kind == EntityKind::Enrollment))
        .count();
    assert!(deleted_enrollments > 0);
    // Deletions come last.
    let first_deleted = records
        .iter()
        .position(|r| matches!(r, Record::Deleted(_)))
        .unwrap();
    assert!(
        records[first_deleted..]
            .iter()
            .all(|r| matches!(r, Record::Deleted(_)))
    );
    // New relationships of arrivals are there.
    let rels = records
        .iter()
        .filter(|r| r.entity_kind() == EntityKind::Relationship)
        .count();
    assert!(rels > 0);
    let paths: HashMap<String, usize> = fake.requests().iter().fold(HashMap::new(), |mut m, r| {
        *m.entry(r.path.split('/').next().unwrap_or_default().to_owned())
            .or_default() += 1;
        m
    });
    assert!(paths.contains_key("StudentDataChanges"), "{paths:?}");
    assert!(paths.contains_key("SectionRosterDataChanges"), "{paths:?}");

    // Every record the delta sends is exactly what a full snapshot of the next day holds.
    let (full, _) = read(aeries.full_snapshot()).await;
    let full: HashMap<String, Record> = full
        .unwrap()
        .into_iter()
        .map(|r| {
            (
                format!("{}:{}", r.entity_kind().as_str(), r.external_id()),
                r,
            )
        })
        .collect();
    for r in records.iter().filter(|r| !matches!(r, Record::Deleted(_))) {
        let key = format!("{}:{}", r.entity_kind().as_str(), r.external_id());
        assert_eq!(Some(r), full.get(&key), "{key}");
    }
    for r in records.iter().filter(|r| matches!(r, Record::Deleted(_))) {
        let key = format!("{}:{}", r.entity_kind().as_str(), r.external_id());
        assert!(
            !full.contains_key(&key),
            "{key} was deleted but is still there"
        );
    }

    // Bad cursors are configuration errors.
    let (bad, _) = read(aeries.delta(Some("last tuesday"))).await;
    assert!(matches!(bad, Err(ConnectorError::Config(_))));
    let (none, _) = read(aeries.delta(None)).await;
    assert!(matches!(none, Err(ConnectorError::Config(_))));
}

#[tokio::test]
async fn relationship_codes_come_from_the_code_table_or_the_configuration() {
    let d = district(150);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    fake.faults().remove_collection("codes/CON/RL");
    let kinds = |records: &[Record]| -> Vec<RelationshipKind> {
        records
            .iter()
            .filter_map(|r| match r {
                Record::Relationship(r) => Some(r.kind),
                _ => None,
            })
            .collect()
    };
    // No code table: every code is unknown, read as `other`, and reported once per code.
    let plain = connector(&fake, &json!({}));
    let mut stream = plain.full_snapshot();
    let mut records = Vec::new();
    let mut issues = Vec::new();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        records.extend(page.records);
        issues.extend(page.issues);
    }
    assert!(
        kinds(&records)
            .iter()
            .all(|k| *k == RelationshipKind::Other)
    );
    assert!(issues.iter().any(|i| i.code == "code_table_unavailable"));
    let unknown: Vec<_> = issues
        .iter()
        .filter(|i| i.code == "unknown_relationship_code")
        .collect();
    assert!(!unknown.is_empty() && unknown.len() <= 5, "{unknown:?}");

    // The configured map decodes them.
    let configured = connector(
        &fake,
        &json!({"relationship_codes": {"10": "parent", "11": "parent", "15": "guardian", "20": "relative", "21": "relative"}}),
    );
    let (records, _) = read(configured.full_snapshot()).await;
    let records = records.unwrap();
    let found = kinds(&records);
    assert_eq!(found.len(), d.relationships.len());
    assert!(found.iter().all(|k| *k != RelationshipKind::Other));
    assert!(found.contains(&RelationshipKind::Parent));
}

/// The student enrollments of `records`, as (class, student, begin, end).
fn student_enrollments(records: &[Record]) -> BTreeSet<String> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Enrollment(e) => Some(format!("{e:?}")),
            _ => None,
        })
        .collect()
}

/// Schools with at least one section in the generated district.
fn schools_with_sections(d: &District) -> Vec<u32> {
    let mut codes: Vec<u32> = d.classes.iter().map(|c| c.school.0).collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

#[tokio::test]
async fn rosters_are_read_school_by_school_and_match_the_section_rosters() {
    let d = district(300);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));
    let (by_school, _) = read(aeries.full_snapshot()).await;
    let by_school = by_school.unwrap();
    let requests = fake.requests();
    let schools = schools_with_sections(&d);
    let class_requests: Vec<&str> = requests
        .iter()
        .filter(|r| r.path.contains("/classes"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(class_requests.len(), schools.len(), "{class_requests:?}");
    assert!(
        !requests.iter().any(|r| r.path.contains("/sections/")),
        "no section roster is read one by one"
    );
    assert_eq!(
        count(&by_school, EntityKind::Enrollment),
        d.enrollments.len()
    );

    // A site without the school-wide class schedules is read section by section, to the
    // same enrollments.
    for code in &schools {
        fake.faults()
            .remove_collection(&format!("schools/{code}/classes"));
    }
    fake.clear_requests();
    let (by_section, _) = read(aeries.full_snapshot()).await;
    let by_section = by_section.unwrap();
    let sections = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/students") && r.path.contains("/sections/"))
        .count();
    assert_eq!(sections, d.classes.len());
    assert_eq!(
        student_enrollments(&by_section),
        student_enrollments(&by_school)
    );
    assert_eq!(by_section, by_school, "the same records in the same order");
    fake.shutdown().await;
}

#[tokio::test]
async fn odd_class_schedule_answers_are_reported_or_read_section_by_section() {
    let d = district(300);
    let schools = schools_with_sections(&d);
    let (odd, empty) = (schools[0], schools[1]);
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));
    let (clean, _) = read(aeries.full_snapshot()).await;
    let clean = clean.unwrap();

    // One good row of a live section and student of `odd`, then rows naming an unknown
    // student, an unknown section, and an item that is no object.
    let class = d.classes.iter().find(|c| c.school.0 == odd).unwrap();
    let student = d
        .enrollments
        .iter()
        .find_map(|e| match (e.class == class.id, e.user) {
            (true, homeroom_district_gen::EnrolledUser::Student(s)) => d.student(s),
            _ => None,
        })
        .unwrap();
    let row = |student: u32, section: u32| {
        json!({"StudentID": student, "SchoolCode": odd, "SectionNumber": section,
               "DateStarted": "2025-08-18T00:00:00", "DateEnded": null})
    };
    fake.override_answer(
        &format!("schools/{odd}/classes"),
        json!([
            row(student.student_number, class.id.0),
            row(987_654_321, class.id.0),
            row(student.student_number, 777_777),
            42,
        ]),
    );
    // `empty` answers no row although it has sections: read section by section.
    fake.override_answer(&format!("schools/{empty}/classes"), json!([]));
    fake.clear_requests();
    let mut stream = aeries.full_snapshot();
    let mut records = Vec::new();
    let mut issues = Vec::new();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        records.extend(page.records);
        issues.extend(page.issues.into_iter().map(|i| i.message));
    }
    let class_of_school = |records: &[Record], school: u32| -> BTreeSet<String> {
        let prefix = format!("section|{school}|");
        records
            .iter()
            .filter_map(|r| match r {
                Record::Enrollment(e)
                    if e.class_external_id.starts_with(&prefix)
                        && e.role == homeroom_connector_core::EnrollmentRole::Student =>
                {
                    Some(format!("{e:?}"))
                }
                _ => None,
            })
            .collect()
    };
    assert_eq!(class_of_school(&records, odd).len(), 1, "only the good row");
    assert_eq!(
        class_of_school(&records, empty),
        class_of_school(&clean, empty),
        "the empty answer was read section by section"
    );
    let sections_of_empty = d.classes.iter().filter(|c| c.school.0 == empty).count();
    let per_section = fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with(&format!("schools/{empty}/sections/")))
        .count();
    assert_eq!(per_section, sections_of_empty);
    let joined = issues.join("\n");
    assert!(
        joined.contains("StudentID 987654321 is on no school's student list"),
        "{joined}"
    );
    assert!(
        joined.contains("1 class schedule row(s) with SectionNumber 777777"),
        "{joined}"
    );
    assert!(
        joined.contains("item 4 is a number where an object belongs; it is skipped"),
        "{joined}"
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn a_contact_of_a_student_on_no_list_is_reported_and_skipped() {
    let d = district(120);
    let school = d.schools[0].id.0;
    let fake = FakeAeries::start(d.clone(), FAKE_CERT).await.unwrap();
    let aeries = connector(&fake, &json!({}));
    let (clean, _) = read(aeries.full_snapshot()).await;
    let clean = clean.unwrap();
    fake.override_answer(
        &format!("schools/{school}/contacts"),
        json!([{"StudentID": 987_654_321, "SchoolCode": school, "SequenceNumber": 1,
                "FirstName": "Ann", "LastName": "Nobody", "RelationshipToStudentCode": "10"}]),
    );
    let mut stream = aeries.full_snapshot();
    let (mut records, mut issues) = (Vec::new(), Vec::new());
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        records.extend(page.records);
        issues.extend(page.issues.into_iter().map(|i| i.message));
    }
    assert!(
        issues
            .iter()
            .any(|m| m.contains("names StudentID 987654321, who is on no school's list")),
        "{issues:?}"
    );
    assert!(
        !records.iter().any(|r| match r {
            Record::Person(p) => p.family_name == "Nobody",
            _ => false,
        }),
        "no adult for the unknown student"
    );
    // The school's own contacts were replaced, so fewer relationships than the clean read.
    assert!(count(&records, EntityKind::Relationship) < count(&clean, EntityKind::Relationship));
    fake.shutdown().await;
}
