//! The OneRoster REST connector over real HTTP against the fake provider.

mod support;

use std::time::{Duration, Instant};

use homeroom_connector_core::{
    Connector, ConnectorError, HttpClient, HttpConfig, Record, RecordStatus, Registry, RequestAuth,
    RetryPolicy, TermKind,
};
use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeHandle, FakeOneRoster};
use homeroom_oneroster::{
    CsvConfig, IssueCode, OneRosterCsv, OneRosterRest, OneRosterRestConfig, OneRosterVersion,
    RecordStage, register,
};
use serde_json::json;
use support::{data, drain, find, generate_export};

/// Short timeouts and millisecond backoff.
fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(1),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_server_wait: Duration::from_secs(5),
        },
        ..HttpConfig::default()
    }
}

async fn fake_v1p1(folder: &str) -> FakeHandle {
    let dataset = FakeDataset::from_csv(data(folder)).unwrap();
    FakeOneRoster::start(dataset, FakeAuth::oauth1("district-key", "district-secret"))
        .await
        .unwrap()
}

async fn fake_v1p2(folder: &str) -> FakeHandle {
    let dataset = FakeDataset::from_csv(data(folder)).unwrap();
    FakeOneRoster::start(dataset, FakeAuth::oauth2("app", "s3cret"))
        .await
        .unwrap()
}

/// A connector for `fake` with extra JSON settings merged into its config.
fn rest(fake: &FakeHandle, extra: &serde_json::Value, http: HttpConfig) -> OneRosterRest {
    let mut config = fake.connector_config();
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    OneRosterRest::with_http_config(OneRosterRestConfig::from_json(config).unwrap(), http).unwrap()
}

async fn csv_records(folder: &str) -> Vec<Record> {
    drain(OneRosterCsv::new(CsvConfig::new(data(folder))).full_snapshot())
        .await
        .ok_records()
}

#[tokio::test]
async fn v1p1_with_oauth1_maps_like_the_csv_export() {
    let fake = fake_v1p1("v1p1_full").await;
    assert_eq!(fake.version(), OneRosterVersion::V1p1);
    let connector = rest(&fake, &json!({}), fast_http());
    connector.test_credentials().await.unwrap();

    let drained = drain(connector.full_snapshot()).await;
    let records = drained.ok_records();
    assert_eq!(records, csv_records("v1p1_full").await);

    let report = connector.last_report().unwrap();
    assert_eq!(report.rejected, 5, "{:#?}", report.issues);
    let fields: Vec<(String, Option<String>, Option<String>)> = report
        .issues_of(homeroom_oneroster::Severity::Error)
        .map(|i| (i.source.clone(), i.sourced_id.clone(), i.field.clone()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                "classes".into(),
                Some("cls-bad".into()),
                Some("school".into())
            ),
            ("users".into(), Some("wiz-1".into()), Some("role".into())),
            (
                "users".into(),
                Some("bad-1".into()),
                Some("enabledUser".into())
            ),
            (
                "enrollments".into(),
                Some("enr-5".into()),
                Some("beginDate".into())
            ),
            (
                "enrollments".into(),
                Some("enr-6".into()),
                Some("role".into())
            ),
        ],
        "REST issues name the JSON property"
    );
    assert!(drained.cursor.is_some(), "a full snapshot reports a cursor");
    fake.shutdown().await;
}

#[tokio::test]
async fn v1p2_with_oauth2_maps_like_the_csv_export_and_reuses_its_token() {
    let fake = fake_v1p2("v1p2_full").await;
    let connector = rest(&fake, &json!({"request_limit": 2}), fast_http());
    connector.test_credentials().await.unwrap();
    let records = drain(connector.full_snapshot()).await.ok_records();
    assert_eq!(records, csv_records("v1p2_full").await);
    assert_eq!(fake.token_requests(), 1, "one token serves every request");
    let report = connector.last_report().unwrap();
    let codes: Vec<(Option<String>, IssueCode)> = report
        .issues_of(homeroom_oneroster::Severity::Error)
        .map(|i| (i.sourced_id.clone(), i.code))
        .collect();
    assert_eq!(codes, [(Some("u-ext".into()), IssueCode::UnknownRole)]);
    fake.shutdown().await;
}

#[tokio::test]
async fn pages_through_every_collection() {
    let dir = tempfile::tempdir().unwrap();
    generate_export(dir.path(), 25);
    let dataset = FakeDataset::from_csv(dir.path()).unwrap();
    let fake = FakeOneRoster::start(dataset, FakeAuth::oauth1("k", "s"))
        .await
        .unwrap();
    let expected = drain(OneRosterCsv::new(CsvConfig::new(dir.path())).full_snapshot())
        .await
        .ok_records();
    assert_eq!(expected.len(), 5 + 50 + 50 + 25);

    // Link headers and X-Total-Count present: follow rel=next, stop at the total.
    let connector = rest(
        &fake,
        &json!({"request_limit": 7, "page_size": 9}),
        fast_http(),
    );
    let drained = drain(connector.full_snapshot()).await;
    assert_eq!(drained.ok_records(), expected);
    assert!(drained.pages.iter().all(|p| p.len() <= 9));
    assert_eq!(drained.pages.len(), expected.len().div_ceil(9));
    // orgs 1, sessions 1, courses 1, classes 1, users 50/7 → 8, enrollments 25/7 → 4.
    assert_eq!(fake.request_count(), 16);
    let users: Vec<(Option<String>, Option<String>)> = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/users"))
        .map(|r| {
            (
                r.param("limit").map(str::to_owned),
                r.param("offset").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(users.len(), 8);
    assert_eq!(users[1], (Some("7".into()), Some("7".into())));
    assert_eq!(users[7], (Some("7".into()), Some("49".into())));

    // Neither header: read until an empty page.
    fake.faults().set_link_headers(false);
    fake.faults().set_total_count(false);
    let before = fake.request_count();
    let drained = drain(connector.full_snapshot()).await;
    assert_eq!(drained.ok_records(), expected);
    assert_eq!(
        fake.request_count() - before,
        16 + 6,
        "one empty page per collection"
    );

    // A server that caps `limit` below what is asked.
    fake.faults().clear();
    fake.faults().set_max_limit(Some(4));
    let connector = rest(&fake, &json!({"request_limit": 100}), fast_http());
    assert_eq!(
        drain(connector.full_snapshot()).await.ok_records(),
        expected
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_auth_errors() {
    let fake = fake_v1p1("v1p1_full").await;
    let mut config = fake.connector_config();
    config["client_secret"] = json!("not-the-secret");
    let connector = OneRosterRest::with_http_config(
        OneRosterRestConfig::from_json(config).unwrap(),
        fast_http(),
    )
    .unwrap();
    match connector.test_credentials().await {
        Err(ConnectorError::Auth(message)) => {
            assert!(message.contains("HTTP 401"), "{message}");
            assert!(message.contains("OAuth signature mismatch"), "{message}");
            assert!(message.contains("unauthorisedrequest"), "{message}");
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    let drained = drain(connector.full_snapshot()).await;
    assert!(drained.pages.is_empty());
    assert!(matches!(drained.err(), ConnectorError::Auth(_)));
    fake.shutdown().await;

    let fake = fake_v1p2("v1p2_full").await;
    let mut config = fake.connector_config();
    config["client_secret"] = json!("wrong");
    let connector = OneRosterRest::with_http_config(
        OneRosterRestConfig::from_json(config).unwrap(),
        fast_http(),
    )
    .unwrap();
    match connector.test_credentials().await {
        Err(ConnectorError::Auth(message)) => {
            assert!(message.contains("invalid_client"), "{message}")
        }
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(fake.request_count(), 0, "no data request without a token");
    fake.shutdown().await;
}

#[tokio::test]
async fn v1p2_scopes_are_requested() {
    let dataset = FakeDataset::from_csv(data("v1p2_full")).unwrap();
    let scope = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly";
    let fake = FakeOneRoster::start(
        dataset,
        FakeAuth::OAuth2 {
            client_id: "app".into(),
            client_secret: "s3cret".into(),
            required_scope: Some(scope.into()),
        },
    )
    .await
    .unwrap();
    let default_scope = rest(&fake, &json!({}), fast_http());
    assert!(matches!(
        default_scope.test_credentials().await,
        Err(ConnectorError::Auth(m)) if m.contains("invalid_scope")
    ));
    let with_scope = rest(&fake, &json!({ "scope": scope }), fast_http());
    with_scope.test_credentials().await.unwrap();
    fake.shutdown().await;
}

#[tokio::test]
async fn delta_filters_on_date_last_modified_and_reports_a_cursor() {
    let dir = tempfile::tempdir().unwrap();
    generate_export(dir.path(), 10);
    let dataset = FakeDataset::from_csv(dir.path()).unwrap();
    let fake = FakeOneRoster::start(dataset, FakeAuth::oauth1("k", "s"))
        .await
        .unwrap();
    let connector = rest(&fake, &json!({"delta_overlap_secs": 60}), fast_http());
    assert!(connector.supports_delta());

    let started = chrono::Utc::now();
    let drained = drain(connector.delta(Some("2024-03-01"))).await;
    let records = drained.ok_records();
    // Orgs are always read in full; everything else only when modified after the cursor:
    // the term, the class, and the even-numbered students, parents and enrollments.
    let ids: Vec<(RecordStage, String)> = records
        .iter()
        .map(|r| (RecordStage::of(r), r.external_id().into_owned()))
        .collect();
    assert_eq!(
        ids.iter().filter(|(s, _)| *s == RecordStage::Orgs).count(),
        2
    );
    assert_eq!(
        ids.iter().filter(|(s, _)| *s == RecordStage::Terms).count(),
        1
    );
    assert_eq!(
        ids.iter()
            .filter(|(s, _)| *s == RecordStage::Courses)
            .count(),
        0
    );
    assert_eq!(
        ids.iter()
            .filter(|(s, _)| *s == RecordStage::People)
            .count(),
        10
    );
    assert_eq!(
        ids.iter()
            .filter(|(s, _)| *s == RecordStage::Enrollments)
            .count(),
        5
    );
    assert!(ids.contains(&(RecordStage::People, "s4".into())));
    assert!(!ids.contains(&(RecordStage::People, "s5".into())));

    for request in fake.requests() {
        let filter = request.param("filter");
        if request.path.ends_with("/orgs") {
            assert_eq!(filter, None);
        } else {
            assert_eq!(
                filter,
                Some("dateLastModified>'2024-03-01T00:00:00Z'"),
                "{request:?}"
            );
        }
    }

    let cursor = drained.cursor.expect("a delta reports its cursor");
    let at = chrono::DateTime::parse_from_rfc3339(&cursor).unwrap();
    let lag = started.signed_duration_since(at).num_seconds();
    assert!(
        (59..=61).contains(&lag),
        "cursor {cursor} should be the start minus 60 s"
    );

    // The next delta from that cursor finds nothing new but the orgs.
    let drained = drain(connector.delta(Some(&cursor))).await;
    assert_eq!(drained.ok_records().len(), 2);

    for bad in [None, Some("yesterday")] {
        let drained = drain(connector.delta(bad)).await;
        assert!(
            matches!(drained.err(), ConnectorError::Config(_)),
            "{bad:?}"
        );
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn rate_limits_are_waited_out_then_reported() {
    let fake = fake_v1p1("v1p1_full").await;
    let connector = rest(&fake, &json!({}), fast_http());
    fake.faults().rate_limit_next(1, Duration::from_secs(1));
    let started = Instant::now();
    drain(connector.full_snapshot()).await.ok_records();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After is honoured"
    );
    assert_eq!(fake.request_count(), 6 + 1);

    fake.faults().rate_limit_next(10, Duration::ZERO);
    let drained = drain(connector.full_snapshot()).await;
    assert!(matches!(drained.err(), ConnectorError::RateLimited { .. }));
    assert!(drained.err().is_transient());
    fake.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let fake = fake_v1p1("v1p1_full").await;
    let connector = rest(&fake, &json!({}), fast_http());
    fake.faults().fail_next(2);
    drain(connector.full_snapshot()).await.ok_records();
    assert_eq!(fake.request_count(), 6 + 2);

    fake.faults().fail_next(3);
    let drained = drain(connector.full_snapshot()).await;
    match drained.err() {
        ConnectorError::Http {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(*status, 500);
            assert!(
                body_excerpt.contains("internal_server_error"),
                "{body_excerpt}"
            );
        }
        other => panic!("expected Http 500, got {other:?}"),
    }
    assert!(!drained.cursor_available, "a failed read gives no cursor");
    fake.shutdown().await;
}

#[tokio::test]
async fn slow_responses_succeed_within_the_timeout_and_fail_beyond_it() {
    let fake = fake_v1p1("v1p1_full").await;
    fake.faults().set_delay(Duration::from_millis(50));
    let connector = rest(&fake, &json!({}), fast_http());
    drain(connector.full_snapshot()).await.ok_records();

    fake.faults().set_delay(Duration::from_millis(800));
    let impatient = rest(
        &fake,
        &json!({}),
        HttpConfig {
            timeout: Duration::from_millis(200),
            retry: RetryPolicy {
                max_attempts: 2,
                ..fast_http().retry
            },
            ..fast_http()
        },
    );
    let drained = drain(impatient.full_snapshot()).await;
    assert!(
        matches!(drained.err(), ConnectorError::Timeout { .. }),
        "{:?}",
        drained.err()
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn a_page_cut_mid_way_is_retried() {
    let fake = fake_v1p1("v1p1_full").await;
    let connector = rest(&fake, &json!({}), fast_http());
    fake.faults().truncate_next(1);
    let records = drain(connector.full_snapshot()).await.ok_records();
    assert_eq!(records, csv_records("v1p1_full").await);
    assert_eq!(fake.request_count(), 6 + 1);
    fake.shutdown().await;
}

#[tokio::test]
async fn malformed_json_is_a_clear_error() {
    let fake = fake_v1p1("v1p1_full").await;
    let connector = rest(&fake, &json!({}), fast_http());
    fake.faults().malformed_next(1);
    let drained = drain(connector.full_snapshot()).await;
    assert!(drained.pages.is_empty());
    match drained.err() {
        ConnectorError::Malformed { what, detail } => {
            assert!(what.starts_with("orgs page at offset 0"), "{what}");
            assert!(detail.contains("not a JSON object"), "{detail}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn an_empty_roster_claiming_success_is_refused() {
    let fake = fake_v1p2("v1p2_full").await;
    fake.faults().set_empty_roster(true);
    let connector = rest(&fake, &json!({}), fast_http());
    connector.test_credentials().await.unwrap();
    let drained = drain(connector.full_snapshot()).await;
    assert!(drained.pages.is_empty());
    match drained.err() {
        ConnectorError::EmptyRoster(message) => assert!(message.contains("no orgs"), "{message}"),
        other => panic!("expected EmptyRoster, got {other:?}"),
    }
    // A delta with no changes is not an empty roster.
    let drained = drain(connector.delta(Some("2024-01-01T00:00:00Z"))).await;
    assert!(drained.ok_records().is_empty());
    fake.shutdown().await;
}

#[tokio::test]
async fn providers_without_academic_sessions_are_read_through_terms() {
    let fake = fake_v1p2("v1p2_full").await;
    fake.faults().remove_collection("academicSessions");
    let connector = rest(&fake, &json!({}), fast_http());
    let records = drain(connector.full_snapshot()).await.ok_records();
    let terms: Vec<(String, TermKind)> = records
        .iter()
        .filter_map(|r| match r {
            Record::Term(t) => Some((t.external_id.clone(), t.kind)),
            _ => None,
        })
        .collect();
    assert_eq!(terms, [("t-1".into(), TermKind::Term)]);
    assert!(fake.requests().iter().any(|r| r.path.ends_with("/terms")));
    fake.shutdown().await;
}

#[tokio::test]
async fn tobedeleted_objects_keep_their_status() {
    let fake = fake_v1p1("v1p1_full").await;
    let connector = rest(&fake, &json!({}), fast_http());
    let records = drain(connector.full_snapshot()).await.ok_records();
    let Record::Person(gus) = find(&records, "gua-1") else {
        panic!()
    };
    assert_eq!(gus.status, RecordStatus::ToBeDeleted);
    fake.shutdown().await;
}

#[tokio::test]
async fn the_registry_builds_a_working_connector_from_the_fake_config() {
    let fake = fake_v1p2("v1p2_full").await;
    let mut registry = Registry::new();
    register(&mut registry);
    let connector = registry
        .build_by_name("oneroster_rest", fake.connector_config())
        .unwrap();
    connector.test_credentials().await.unwrap();
    assert_eq!(
        drain(connector.full_snapshot()).await.ok_records().len(),
        18
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn the_fake_serves_single_objects_subsets_and_imsx_errors() {
    let dataset = FakeDataset::from_csv(data("v1p1_full")).unwrap();
    let fake = FakeOneRoster::start(dataset, FakeAuth::None).await.unwrap();
    let client = HttpClient::new(fast_http()).unwrap();
    let api = fake.api_base();

    let user: serde_json::Value = client
        .get_json(api.join("users/stu-1").unwrap(), &RequestAuth::None, "user")
        .await
        .unwrap();
    assert_eq!(user["user"]["sourcedId"], "stu-1");
    assert_eq!(user["user"]["enabledUser"], "true", "1.1 sends a string");
    assert_eq!(user["user"]["orgs"][0]["type"], "org");
    assert!(
        user["user"]["orgs"][0]["href"]
            .as_str()
            .unwrap()
            .ends_with("/orgs/sch-1")
    );

    let students: serde_json::Value = client
        .get_json(
            api.join("students?limit=50").unwrap(),
            &RequestAuth::None,
            "students",
        )
        .await
        .unwrap();
    assert_eq!(students["users"].as_array().unwrap().len(), 3);
    let enrollment: serde_json::Value = client
        .get_json(
            api.join("enrollments/enr-2").unwrap(),
            &RequestAuth::None,
            "enrollment",
        )
        .await
        .unwrap();
    assert_eq!(enrollment["enrollment"]["primary"], "true");

    let page = client
        .get(
            api.join("users?limit=2&offset=2").unwrap(),
            &RequestAuth::None,
        )
        .await
        .unwrap();
    assert_eq!(page.header("x-total-count"), Some("12"));
    let link = page.header("link").unwrap();
    assert!(link.contains("offset=4>; rel=\"next\""), "{link}");
    assert!(link.contains("offset=10>; rel=\"last\""), "{link}");

    let err = client
        .get(
            api.join("users?filter=role%3D%27student%27").unwrap(),
            &RequestAuth::None,
        )
        .await
        .unwrap_err();
    match err {
        ConnectorError::Http {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status, 400);
            assert!(
                body_excerpt.contains("invalid_filter_field"),
                "{body_excerpt}"
            );
        }
        other => panic!("{other:?}"),
    }
    let err = client
        .get(api.join("users/nobody").unwrap(), &RequestAuth::None)
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(404));
    fake.shutdown().await;

    let dataset = FakeDataset::from_csv(data("v1p1_full"))
        .unwrap()
        .with_version(OneRosterVersion::V1p2);
    let fake = FakeOneRoster::start(dataset, FakeAuth::None).await.unwrap();
    let user: serde_json::Value = client
        .get_json(
            fake.api_base().join("users/tea-1").unwrap(),
            &RequestAuth::None,
            "user",
        )
        .await
        .unwrap();
    assert!(fake.api_base().path().ends_with("/rostering/v1p2/"));
    assert_eq!(user["user"]["roles"].as_array().unwrap().len(), 2);
    assert_eq!(user["user"]["roles"][1]["org"]["sourcedId"], "sch-2");
    assert!(user["user"].get("role").is_none());
    let enrollment: serde_json::Value = client
        .get_json(
            fake.api_base().join("enrollments/enr-2").unwrap(),
            &RequestAuth::None,
            "e",
        )
        .await
        .unwrap();
    assert_eq!(
        enrollment["enrollment"]["primary"], true,
        "1.2 sends a boolean"
    );
    fake.shutdown().await;
}
