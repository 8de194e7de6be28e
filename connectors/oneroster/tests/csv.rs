//! The OneRoster CSV connector against small exports in `tests/data` and the shared fixtures.

mod support;

use homeroom_connector_core::{
    Connector, ConnectorError, ContactPoint, EnrollmentRole, EntityKind, OrgType, Record,
    RecordStatus, RelationshipKind, Role, RoleAssignment, SisDate, TermKind,
};
use homeroom_oneroster::{
    CsvConfig, ExportMode, FileMode, ImportReport, IssueCode, OneRosterCsv, OneRosterVersion,
    RecordStage, Severity,
};
use support::{data, drain, find, generate_export, shared_fixture, stage_counts, zip_folder};

fn connector(path: impl Into<std::path::PathBuf>) -> OneRosterCsv {
    OneRosterCsv::new(CsvConfig::new(path))
}

fn issues(
    report: &ImportReport,
    severity: Severity,
) -> Vec<(String, Option<u64>, Option<String>, IssueCode)> {
    report
        .issues_of(severity)
        .map(|i| (i.source.clone(), i.row, i.field.clone(), i.code))
        .collect()
}

fn person(records: &[Record], id: &str) -> homeroom_connector_core::Person {
    match find(records, id) {
        Record::Person(p) => p.clone(),
        other => panic!("{id} is not a person: {other:?}"),
    }
}

fn relationships(
    records: &[Record],
) -> Vec<(String, String, RelationshipKind, bool, RecordStatus)> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::Relationship(r) => Some((
                r.guardian_external_id.clone(),
                r.student_external_id.clone(),
                r.kind,
                r.kind_inferred,
                r.status,
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn v1p1_bulk_export_maps_every_file() {
    let csv = connector(data("v1p1_full"));
    let drained = drain(csv.full_snapshot()).await;
    let records = drained.ok_records();
    assert_eq!(
        stage_counts(&records),
        [
            (RecordStage::Orgs, 3),
            (RecordStage::Terms, 3),
            (RecordStage::Courses, 2),
            (RecordStage::Classes, 2),
            (RecordStage::People, 10),
            (RecordStage::Relationships, 7),
            (RecordStage::Enrollments, 4),
        ]
    );

    // Orgs (CRLF file; blank status = active).
    let Record::Org(district) = find(&records, "dist-1") else {
        panic!()
    };
    assert_eq!(district.org_type, OrgType::District);
    let Record::Org(school) = find(&records, "sch-1") else {
        panic!()
    };
    assert_eq!(school.org_type, OrgType::School);
    assert_eq!(school.status, RecordStatus::Active);
    assert_eq!(school.parent_external_id.as_deref(), Some("dist-1"));
    assert_eq!(school.identifier.as_deref(), Some("994"));

    // Terms and courses.
    let Record::Term(sem) = find(&records, "sem-1") else {
        panic!()
    };
    assert_eq!(sem.kind, TermKind::Semester);
    assert_eq!(sem.start_date, SisDate::from_ymd(2023, 8, 20));
    assert_eq!(sem.parent_external_id.as_deref(), Some("sy-2024"));
    let Record::Term(year) = find(&records, "sy-2024") else {
        panic!()
    };
    assert_eq!(year.kind, TermKind::SchoolYear);
    let Record::Course(course) = find(&records, "crs-alg") else {
        panic!()
    };
    assert_eq!(course.code.as_deref(), Some("ALG1"));
    assert_eq!(course.org_external_id.as_deref(), Some("sch-1"));

    // Classes (headers in odd case and spacing; multi-value terms).
    let Record::Class(class) = find(&records, "cls-alg-1") else {
        panic!()
    };
    assert_eq!(class.title, "Algebra I - P1");
    assert_eq!(class.school_external_id, "sch-1");
    assert_eq!(class.course_external_id.as_deref(), Some("crs-alg"));
    assert_eq!(class.class_code.as_deref(), Some("ALG1-1"));
    assert_eq!(class.term_external_ids, ["sem-1", "sem-2"]);

    // People (users.csv has a BOM): roles, contact points, student fields, booleans.
    let mary = person(&records, "stu-1");
    assert_eq!(mary.roles, [RoleAssignment::new(Role::Student, "sch-1")]);
    assert_eq!(mary.given_name, "Mary");
    assert_eq!(mary.middle_name.as_deref(), Some("Ann"));
    assert_eq!(mary.grade.as_deref(), Some("09"));
    assert_eq!(mary.student_number.as_deref(), Some("100234"));
    assert_eq!(mary.state_id.as_deref(), Some("CA-991"));
    assert_eq!(
        mary.contact_points,
        [ContactPoint::email("mary.jones@school.org").primary()]
    );
    assert!(mary.enabled);
    assert_eq!(person(&records, "stu-2").status, RecordStatus::Active);
    let ann = person(&records, "tea-1");
    assert_eq!(
        ann.roles,
        [
            RoleAssignment::new(Role::Teacher, "sch-1"),
            RoleAssignment::new(Role::Teacher, "sch-2")
        ]
    );
    assert_eq!(
        ann.contact_points,
        [
            ContactPoint::email("ann.lee@school.org").primary(),
            ContactPoint::phone("6035550100").primary(),
            ContactPoint::phone("6035550101"),
        ]
    );
    assert_eq!(
        ann.student_number, None,
        "identifier is a student number for students only"
    );
    let bo = person(&records, "aide-1");
    assert_eq!(bo.roles, [RoleAssignment::new(Role::Aide, "sch-2")]);
    assert!(!bo.enabled, "FALSE");
    assert_eq!(
        person(&records, "adm-d").roles,
        [RoleAssignment::new(Role::DistrictAdmin, "dist-1")]
    );
    assert_eq!(
        person(&records, "adm-s").roles,
        [RoleAssignment::new(Role::SchoolAdmin, "sch-1")]
    );
    assert_eq!(
        person(&records, "pro-1").roles,
        [RoleAssignment::new(Role::Staff, "sch-1")]
    );
    for guardian in ["par-1", "rel-1", "gua-1"] {
        assert!(
            person(&records, guardian).has_role(Role::Guardian),
            "{guardian}"
        );
    }
    assert_eq!(person(&records, "gua-1").status, RecordStatus::ToBeDeleted);

    // Agents, both directions.
    use RelationshipKind::*;
    let active = RecordStatus::Active;
    assert_eq!(
        relationships(&records),
        // The guardians' own side first (it carries the kind), then the students' side.
        [
            ("par-1".into(), "stu-1".into(), Parent, false, active),
            ("par-1".into(), "stu-2".into(), Parent, false, active),
            ("rel-1".into(), "stu-2".into(), Relative, false, active),
            (
                "gua-1".into(),
                "stu-1".into(),
                Guardian,
                false,
                RecordStatus::ToBeDeleted
            ),
            ("par-1".into(), "stu-1".into(), Guardian, true, active),
            ("par-1".into(), "stu-2".into(), Guardian, true, active),
            ("rel-1".into(), "stu-2".into(), Guardian, true, active),
        ]
    );

    // Enrollments (file without a trailing newline; TRUE/False/blank primary).
    let enrollments: Vec<(String, EnrollmentRole, bool)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Enrollment(e) => Some((e.external_id.clone(), e.role, e.primary)),
            _ => None,
        })
        .collect();
    assert_eq!(
        enrollments,
        [
            ("enr-1".into(), EnrollmentRole::Student, false),
            ("enr-2".into(), EnrollmentRole::Teacher, true),
            ("enr-3".into(), EnrollmentRole::Student, false),
            ("enr-4".into(), EnrollmentRole::Aide, false),
        ]
    );
    let Record::Enrollment(first) = find(&records, "enr-1") else {
        panic!()
    };
    assert_eq!(first.end_date, SisDate::from_ymd(2024, 6, 10));

    // Rejected rows and warnings, each naming file, row and column.
    let report = csv.last_report().unwrap();
    assert!(report.finished);
    assert_eq!(report.records, records.len() as u64);
    assert_eq!(report.rejected, 5);
    assert_eq!(
        issues(&report, Severity::Error),
        [
            (
                "classes.csv".into(),
                Some(4),
                Some("schoolSourcedId".into()),
                IssueCode::MissingValue
            ),
            (
                "users.csv".into(),
                Some(12),
                Some("role".into()),
                IssueCode::UnknownRole
            ),
            (
                "users.csv".into(),
                Some(13),
                Some("enabledUser".into()),
                IssueCode::InvalidValue
            ),
            (
                "enrollments.csv".into(),
                Some(6),
                Some("beginDate".into()),
                IssueCode::InvalidValue
            ),
            (
                "enrollments.csv".into(),
                Some(7),
                Some("role".into()),
                IssueCode::UnsupportedRole
            ),
        ]
    );
    assert_eq!(
        issues(&report, Severity::Warning),
        [
            (
                "courses.csv".into(),
                Some(1),
                Some("department".into()),
                IssueCode::UnknownColumn
            ),
            (
                "users.csv".into(),
                Some(13),
                Some("userIds".into()),
                IssueCode::InvalidValue
            ),
        ]
    );
    let wizard = report.issues_with(IssueCode::UnknownRole).next().unwrap();
    assert_eq!(wizard.sourced_id.as_deref(), Some("wiz-1"));
    assert!(wizard.to_string().contains("`wizard`"), "{wizard}");
    assert!(
        drained.cursor_available && drained.cursor.is_none(),
        "CSV has no cursor"
    );
}

#[tokio::test]
async fn pages_have_the_configured_size_and_keep_the_order() {
    let csv = OneRosterCsv::new(CsvConfig {
        path: data("v1p1_full"),
        page_size: 4,
    });
    let drained = drain(csv.full_snapshot()).await;
    let sizes: Vec<usize> = drained.pages.iter().map(|p| p.len()).collect();
    assert_eq!(sizes, [4, 4, 4, 4, 4, 4, 4, 3]);
    let records = drained.ok_records();
    let whole = drain(connector(data("v1p1_full")).full_snapshot()).await;
    assert_eq!(whole.pages.len(), 1, "default page size is 5,000");
    assert_eq!(records, whole.ok_records());
}

#[tokio::test]
async fn a_large_export_streams_in_many_pages() {
    let dir = tempfile::tempdir().unwrap();
    generate_export(dir.path(), 6_000);
    let csv = OneRosterCsv::new(CsvConfig {
        path: dir.path().into(),
        page_size: 1_000,
    });
    let drained = drain(csv.full_snapshot()).await;
    let records = drained.ok_records();
    // 2 orgs, 1 term, 1 course, 1 class, 12,000 people, 12,000 relationships, 6,000 enrollments.
    assert_eq!(records.len(), 5 + 12_000 + 12_000 + 6_000);
    assert_eq!(drained.pages.len(), 31);
    assert!(drained.pages.iter().all(|p| p.len() <= 1_000));
    assert_eq!(csv.last_report().unwrap().rejected, 0);
}

#[tokio::test]
async fn a_zip_reads_like_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let flat = dir.path().join("flat.zip");
    let nested = dir.path().join("nested.zip");
    zip_folder(&data("v1p1_full"), &flat, "");
    zip_folder(&data("v1p1_full"), &nested, "export-2024/");
    let folder = drain(connector(data("v1p1_full")).full_snapshot())
        .await
        .ok_records();
    for zip in [flat, nested] {
        let csv = connector(&zip);
        let records = drain(csv.full_snapshot()).await.ok_records();
        assert_eq!(records, folder, "{}", zip.display());
        assert_eq!(csv.last_report().unwrap().rejected, 5);
    }
}

#[tokio::test]
async fn v1p2_roles_come_from_roles_csv() {
    let csv = connector(data("v1p2_full"));
    let info = csv.inspect().await.unwrap();
    assert_eq!(info.version, OneRosterVersion::V1p2);
    assert_eq!(info.mode, ExportMode::Bulk);
    assert!(info.files.contains(&("roles.csv".into(), FileMode::Bulk)));

    let records = drain(csv.full_snapshot()).await.ok_records();
    assert_eq!(
        stage_counts(&records),
        [
            (RecordStage::Orgs, 3),
            (RecordStage::Terms, 2),
            (RecordStage::Courses, 1),
            (RecordStage::Classes, 1),
            (RecordStage::People, 6),
            (RecordStage::Relationships, 3),
            (RecordStage::Enrollments, 2),
        ]
    );
    let Record::Org(dept) = find(&records, "dept-1") else {
        panic!()
    };
    assert_eq!(dept.org_type, OrgType::Other);
    let zoe = person(&records, "u-stu");
    assert_eq!(zoe.roles, [RoleAssignment::new(Role::Student, "sch-1")]);
    assert_eq!(zoe.preferred_given_name.as_deref(), Some("Zo"));
    assert_eq!(zoe.preferred_family_name.as_deref(), Some("Studentova"));
    assert_eq!(zoe.grade.as_deref(), Some("11"));
    assert_eq!(zoe.student_number.as_deref(), Some("S-501"));
    assert_eq!(
        person(&records, "u-tea").roles,
        [
            RoleAssignment::new(Role::Teacher, "sch-1"),
            RoleAssignment::new(Role::Guardian, "sch-1")
        ]
    );
    assert_eq!(
        person(&records, "u-dad").roles,
        [RoleAssignment::new(Role::DistrictAdmin, "dist-1")]
    );
    assert_eq!(
        person(&records, "u-prin").roles,
        [RoleAssignment::new(Role::SchoolAdmin, "sch-1")],
        "the tobedeleted teacher role is gone"
    );
    use RelationshipKind::*;
    let active = RecordStatus::Active;
    assert_eq!(
        relationships(&records),
        [
            ("u-mom".into(), "u-stu".into(), Parent, false, active),
            ("u-tea".into(), "u-kid".into(), Guardian, false, active),
            ("u-mom".into(), "u-stu".into(), Guardian, true, active),
        ]
    );

    let report = csv.last_report().unwrap();
    assert_eq!(
        issues(&report, Severity::Error),
        [
            (
                "roles.csv".into(),
                Some(9),
                Some("role".into()),
                IssueCode::UnknownRole
            ),
            (
                "users.csv".into(),
                Some(8),
                Some("role".into()),
                IssueCode::MissingValue
            ),
        ]
    );
    assert_eq!(
        issues(&report, Severity::Warning),
        [
            (
                "demographics.csv".into(),
                None,
                None,
                IssueCode::UndeclaredFile
            ),
            (
                "roles.csv".into(),
                Some(10),
                Some("userSourcedId".into()),
                IssueCode::OrphanRole
            ),
        ]
    );
}

#[tokio::test]
async fn a_delta_export_carries_statuses_and_ends_with_deletions() {
    let csv = connector(data("v1p1_delta"));
    assert!(csv.supports_delta());
    assert_eq!(csv.inspect().await.unwrap().mode, ExportMode::Delta);

    let drained = drain(csv.delta(None)).await;
    let records = drained.ok_records();
    let summary: Vec<(RecordStage, String)> = records
        .iter()
        .map(|r| (RecordStage::of(r), r.external_id().into_owned()))
        .collect();
    use RecordStage::*;
    assert_eq!(
        summary,
        [
            (Orgs, "sch-1".into()),
            (Classes, "cls-new".into()),
            (People, "stu-9".into()),
            (People, "par-9".into()),
            (Relationships, "par-9|stu-9".into()),
            (Relationships, "par-9|stu-9".into()),
            (Enrollments, "enr-9".into()),
            (Deletions, "enr-1".into()),
            (Deletions, "par-1|stu-1".into()),
            (Deletions, "par-1|stu-2".into()),
            (Deletions, "par-1".into()),
            (Deletions, "par-1|stu-1".into()),
            (Deletions, "stu-1".into()),
            (Deletions, "cls-old".into()),
        ]
    );
    let kinds: Vec<EntityKind> = records
        .iter()
        .filter(|r| RecordStage::of(r) == Deletions)
        .map(Record::entity_kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EntityKind::Enrollment,
            EntityKind::Relationship,
            EntityKind::Relationship,
            EntityKind::Person,
            EntityKind::Relationship,
            EntityKind::Person,
            EntityKind::Class,
        ]
    );
    assert!(
        person(&records, "par-9").has_role(Role::Guardian),
        "`Parent` in any case"
    );
    let report = csv.last_report().unwrap();
    assert_eq!(
        issues(&report, Severity::Error),
        [(
            "users.csv".into(),
            Some(6),
            Some("status".into()),
            IssueCode::InvalidValue
        )]
    );

    // A full snapshot must not be built from a change set.
    let drained = drain(csv.full_snapshot()).await;
    assert!(drained.pages.is_empty());
    match drained.err() {
        ConnectorError::Config(message) => {
            assert!(message.contains("delta export"), "{message}");
            assert!(message.contains("users.csv"), "{message}");
        }
        other => panic!("expected Config, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_manifest_reads_every_file_as_bulk() {
    let csv = connector(data("no_manifest"));
    let info = csv.inspect().await.unwrap();
    assert!(!info.has_manifest);
    assert_eq!(info.version, OneRosterVersion::V1p1);
    let records = drain(csv.full_snapshot()).await.ok_records();
    assert_eq!(records.len(), 2);
    let report = csv.last_report().unwrap();
    let codes: Vec<IssueCode> = report.issues.iter().map(|i| i.code).collect();
    assert_eq!(codes, [IssueCode::NoManifest, IssueCode::UndeclaredFile]);
    assert_eq!(report.issues[1].source, "notes.csv");
}

#[tokio::test]
async fn a_bad_header_ends_the_stream_naming_file_row_and_column() {
    let csv = connector(data("malformed_header"));
    let drained = drain(csv.full_snapshot()).await;
    assert_eq!(drained.records().len(), 1, "the org came before users.csv");
    assert!(!drained.cursor_available);
    match drained.err() {
        ConnectorError::Malformed { what, detail } => {
            assert_eq!(what, "users.csv row 1, column `sourcedId`");
            assert!(detail.contains("required"), "{detail}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    assert!(csv.last_report().unwrap().finished);
}

#[tokio::test]
async fn an_unparsable_row_ends_the_stream_naming_file_row_and_column() {
    let drained = drain(connector(data("malformed_row")).full_snapshot()).await;
    match drained.err() {
        ConnectorError::Malformed { what, detail } => {
            assert_eq!(what, "enrollments.csv row 3, column 11");
            assert!(detail.contains("12 cells"), "{detail}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[tokio::test]
async fn an_export_without_users_is_an_empty_roster() {
    let csv = connector(data("empty_users"));
    let drained = drain(csv.full_snapshot()).await;
    match drained.err() {
        ConnectorError::EmptyRoster(message) => assert!(message.contains("users.csv"), "{message}"),
        other => panic!("expected EmptyRoster, got {other:?}"),
    }
    // As a change set, "no users changed" is fine.
    drain(csv.delta(None)).await.ok_records();
}

#[tokio::test]
async fn bad_paths_are_config_errors() {
    let csv = connector("/nonexistent/export.zip");
    assert!(matches!(
        csv.test_credentials().await,
        Err(ConnectorError::Config(_))
    ));
    let drained = drain(csv.full_snapshot()).await;
    assert!(matches!(drained.err(), ConnectorError::Config(_)));
    let not_zip = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_zip.path(), "hello").unwrap();
    let err = connector(not_zip.path())
        .test_credentials()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("neither a folder nor a zip"),
        "{err}"
    );
    connector(data("v1p1_full"))
        .test_credentials()
        .await
        .unwrap();
}

#[tokio::test]
async fn shared_fixture_v1p2_delta_small_imports_without_errors() {
    let csv = connector(shared_fixture("v1p2_delta_small.zip"));
    let info = csv.inspect().await.unwrap();
    assert_eq!(info.version, OneRosterVersion::V1p2);
    assert_eq!(info.mode, ExportMode::Delta);

    let records = drain(csv.delta(None)).await.ok_records();
    let summary: Vec<(RecordStage, String)> = records
        .iter()
        .map(|r| (RecordStage::of(r), r.external_id().into_owned()))
        .collect();
    assert_eq!(
        summary,
        [
            (RecordStage::Orgs, "ORG_1".into()),
            (RecordStage::Terms, "ACAD_SESS_1".into()),
            (RecordStage::Courses, "COURSE_001".into()),
            (RecordStage::Classes, "CLASS_001".into()),
            (RecordStage::People, "USER_0".into()),
            (RecordStage::Enrollments, "ENROLLMENT_001".into()),
        ]
    );
    let bruce = person(&records, "USER_0");
    assert_eq!(bruce.roles, [RoleAssignment::new(Role::Student, "ORG_1")]);
    assert!(bruce.enabled);
    assert_eq!(bruce.student_number.as_deref(), Some("bruce.wayne"));
    let Record::Class(class) = find(&records, "CLASS_001") else {
        panic!()
    };
    assert_eq!(class.term_external_ids, ["ACAD_SESS_1"]);
    let report = csv.last_report().unwrap();
    assert_eq!(report.issues, [], "no errors and no warnings");

    // It is a delta export: a full snapshot refuses it.
    assert!(matches!(
        drain(csv.full_snapshot()).await.err(),
        ConnectorError::Config(_)
    ));
}

#[tokio::test]
async fn shared_fixture_with_misspelled_headers_imports_what_is_valid_and_reports_the_rest() {
    let csv = connector(shared_fixture("v1p2_misspelled_headers.zip"));
    let records = drain(csv.full_snapshot()).await.ok_records();
    assert_eq!(
        stage_counts(&records),
        [
            (RecordStage::Orgs, 1),
            (RecordStage::Terms, 5),
            (RecordStage::Classes, 2),
            (RecordStage::People, 6),
            (RecordStage::Relationships, 5),
            (RecordStage::Enrollments, 6),
        ]
    );
    let Record::Term(graded) = find(&records, "as-grp-222-2345") else {
        panic!()
    };
    assert_eq!(
        graded.status,
        RecordStatus::ToBeDeleted,
        "`inactive` is read as tobedeleted"
    );
    let john = person(&records, "usr-222-123456");
    assert_eq!(
        john.roles,
        [
            RoleAssignment::new(Role::Teacher, "org-sch-222-456"),
            RoleAssignment::new(Role::Guardian, "org-sch-222-456")
        ]
    );
    assert_eq!(
        john.preferred_given_name, None,
        "the misspelled preferred-name columns are ignored (and reported)"
    );
    assert_eq!(
        person(&records, "usr-222-1234561").roles,
        [RoleAssignment::new(Role::SchoolAdmin, "org-sch-222-456")]
    );

    let report = csv.last_report().unwrap();
    assert_eq!(report.rejected, 0);
    let unknown: Vec<(String, String)> = report
        .issues_with(IssueCode::UnknownColumn)
        .map(|i| (i.source.clone(), i.field.clone().unwrap()))
        .collect();
    assert_eq!(
        unknown,
        [
            ("roles.csv".into(), "dataLastModified".into()),
            ("users.csv".into(), "prefferedGivenName".into()),
            ("users.csv".into(), "prefferedMiddleName".into()),
            ("users.csv".into(), "prefferedFamilyName".into()),
        ]
    );
    assert_eq!(report.issues_with(IssueCode::UnnamedColumn).count(), 2);
    let undeclared: Vec<&str> = report
        .issues_with(IssueCode::UndeclaredFile)
        .map(|i| i.source.as_str())
        .collect();
    assert_eq!(undeclared, ["userprofiles.csv"]);
    let bad_dates: Vec<(String, Option<u64>)> = report
        .issues_with(IssueCode::InvalidValue)
        .filter(|i| i.field.as_deref() == Some("dateLastModified"))
        .map(|i| (i.source.clone(), i.row))
        .collect();
    assert_eq!(
        bad_dates,
        [
            ("users.csv".into(), Some(2)),
            ("users.csv".into(), Some(4)),
            ("users.csv".into(), Some(5)),
            ("users.csv".into(), Some(6)),
            ("users.csv".into(), Some(7)),
        ]
    );
    assert!(
        report
            .issues
            .iter()
            .all(|i| i.severity == Severity::Warning),
        "{:#?}",
        report.issues
    );
}
