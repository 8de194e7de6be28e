//! The ClassLink connector over real HTTP against the fake ClassLink server.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use homeroom_classlink::fake::{FakeAccess, FakeClassLink, FakeDataset, dataset_from_district};
use homeroom_classlink::{ClassLink, ClassLinkConfig, register};
use homeroom_connector_core::{
    Connector, ConnectorError, ConnectorKind, HttpClient, HttpConfig, Person, Record, RecordStatus,
    Registry, RequestAuth, RetryPolicy, Secret, SyncStream,
};
use homeroom_district_gen::{District, GenerateOptions, OneRosterCsvOptions, write_oneroster_csv};
use homeroom_oneroster::{CsvConfig, OneRosterCsv};
use serde_json::{Value, json};

const KEY: &str = "classlink-district-key";
const SECRET: &str = "classlink-district-secret";
const TOKEN: &str = "classlink-proxy-token";

/// Short timeouts and millisecond backoff, 3 attempts.
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

fn district(students: usize, seed: u64) -> District {
    District::generate(&GenerateOptions {
        students,
        seed,
        churn_pct: None,
    })
}

/// `config` with `extra` merged in.
fn merged(mut config: Value, extra: &Value) -> Value {
    for (k, v) in extra.as_object().into_iter().flatten() {
        config[k] = v.clone();
    }
    config
}

fn connector(config: Value) -> ClassLink {
    ClassLink::with_http_config(ClassLinkConfig::from_json(config).unwrap(), fast_http()).unwrap()
}

/// A stream read to its end: records, the error it ended with, the cursor.
struct Drained {
    records: Vec<Record>,
    error: Option<ConnectorError>,
    cursor: Option<String>,
}

async fn drain(mut stream: SyncStream<'_>) -> Drained {
    let mut drained = Drained {
        records: Vec::new(),
        error: None,
        cursor: None,
    };
    while let Some(item) = stream.next().await {
        match item {
            Ok(page) => {
                assert!(drained.error.is_none(), "a page after an error");
                drained.records.extend(page.records);
            }
            Err(e) => {
                assert!(drained.error.is_none(), "two errors");
                drained.error = Some(e);
            }
        }
    }
    drained.cursor = stream.next_cursor().ok().flatten();
    drained
}

impl Drained {
    fn ok(self) -> Self {
        if let Some(e) = &self.error {
            panic!("the stream failed: {e}");
        }
        self
    }

    fn err(&self) -> &ConnectorError {
        self.error.as_ref().expect("the stream should have failed")
    }

    fn people(&self) -> Vec<&Person> {
        self.records
            .iter()
            .filter_map(|r| match r {
                Record::Person(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    /// Every record as text, sorted, with `sis_id` (ClassLink's `FED` id) cleared.
    fn comparable(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .records
            .iter()
            .map(|r| match r {
                Record::Person(p) => {
                    let mut p = p.clone();
                    p.sis_id = None;
                    format!("{:?}", Record::Person(p))
                }
                other => format!("{other:?}"),
            })
            .collect();
        out.sort();
        out
    }
}

/// The records the OneRoster CSV connector reads from `district`'s CSV export.
async fn csv_records(district: &District) -> Drained {
    let dir = tempfile::tempdir().unwrap();
    write_oneroster_csv(district, dir.path(), OneRosterCsvOptions::default()).unwrap();
    let csv = OneRosterCsv::new(CsvConfig::new(dir.path()));
    drain(csv.full_snapshot()).await.ok()
}

fn oneroster_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../oneroster/tests/data")
        .join(name)
}

#[tokio::test]
async fn direct_oauth1_snapshot_reads_what_the_csv_import_reads() {
    let d = district(80, 41);
    let summary = d.summary();
    let fake = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, SECRET))
        .await
        .unwrap();
    let cl = connector(merged(
        fake.connector_config(),
        &json!({"request_limit": 25}),
    ));
    assert_eq!(cl.kind(), ConnectorKind::ClassLink);
    cl.test_credentials().await.unwrap();
    let read = drain(cl.full_snapshot()).await.ok();
    assert!(read.cursor.is_some(), "a clean snapshot reports a cursor");

    // Every user became a person, with its FED id as sis_id.
    let people = read.people();
    assert_eq!(people.len(), summary.users);
    assert!(
        people
            .iter()
            .all(|p| p.sis_id.as_deref() == Some(p.external_id.as_str())),
        "FED ids are kept as sis_id"
    );
    // Otherwise exactly what the OneRoster CSV connector reads from the same district.
    let csv = csv_records(&d).await;
    assert_eq!(read.comparable(), csv.comparable());

    // Paged with the configured limit, every request signed and accepted.
    let requests = fake.requests();
    let users = requests
        .iter()
        .filter(|r| r.path.ends_with("/users"))
        .count();
    assert_eq!(users, summary.users.div_ceil(25));
    assert_eq!(
        requests[0].param("limit"),
        Some("1"),
        "the credentials test"
    );
    assert!(requests[1..].iter().all(|r| r.param("limit") == Some("25")));
    assert!(
        requests
            .iter()
            .all(|r| r.path.starts_with("/ims/oneroster/v1p1/"))
    );
    assert_eq!(cl.request_count(), fake.request_count());
    fake.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_auth_errors() {
    let fake = FakeClassLink::from_district(&district(10, 42), FakeAccess::direct(KEY, SECRET))
        .await
        .unwrap();
    let cl = connector(merged(
        fake.connector_config(),
        &json!({"client_secret": "not-the-secret"}),
    ));
    let err = cl.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("invalid signature"), "{err}");
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::Auth(_)),
        "{:?}",
        read.error
    );
    assert!(read.cursor.is_none());

    let cl = connector(merged(
        fake.connector_config(),
        &json!({"client_id": "someone"}),
    ));
    let err = cl.test_credentials().await.unwrap_err();
    assert!(err.to_string().contains("unknown consumer key"), "{err}");
    fake.shutdown().await;

    let proxy = FakeClassLink::from_district(&district(10, 42), FakeAccess::proxy(TOKEN))
        .await
        .unwrap();
    let cl = connector(merged(
        proxy.connector_config(),
        &json!({"bearer_token": "stale"}),
    ));
    let err = cl.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err:?}");
    assert!(err.to_string().contains("invalid bearer token"), "{err}");
    proxy.shutdown().await;
}

#[tokio::test]
async fn proxy_bearer_mode_reads_the_same_roster() {
    let d = district(50, 43);
    let direct = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, SECRET))
        .await
        .unwrap();
    let by_direct = drain(connector(direct.connector_config()).full_snapshot())
        .await
        .ok();
    direct.shutdown().await;

    let proxy = FakeClassLink::from_district(&d, FakeAccess::proxy(TOKEN))
        .await
        .unwrap();
    let config = proxy.connector_config();
    assert!(
        config["proxy_url"]
            .as_str()
            .unwrap()
            .ends_with("/MoYPlyQWmG0%3D"),
        "{config}"
    );
    let cl = connector(config);
    let by_proxy = drain(cl.full_snapshot()).await.ok();
    assert_eq!(by_proxy.records, by_direct.records);
    assert!(
        proxy
            .requests()
            .iter()
            .all(|r| r.path.starts_with("/MoYPlyQWmG0%3D/ims/oneroster/v1p1/")),
        "{:?}",
        proxy.requests()
    );
    assert_eq!(proxy.applications_requests(), 0, "no discovery configured");
    proxy.shutdown().await;
}

#[tokio::test]
async fn tenant_discovery_finds_the_application_once() {
    let d = district(30, 44);
    let fake = FakeClassLink::from_district(&d, FakeAccess::proxy(TOKEN))
        .await
        .unwrap();
    for tenant in ["ClassLink Demo", "classlink demo", "2"] {
        let before = fake.applications_requests();
        let cl = connector(fake.discovery_config(tenant));
        assert_eq!(
            cl.request_count(),
            0,
            "nothing is sent before the first use"
        );
        let first = drain(cl.full_snapshot()).await.ok();
        assert_eq!(first.people().len(), d.summary().users);
        assert!(first.cursor.is_some(), "the cursor crosses discovery");
        let again = drain(cl.delta(first.cursor.as_deref())).await.ok();
        assert!(again.people().is_empty(), "nothing changed since");
        assert_eq!(
            fake.applications_requests() - before,
            1,
            "one discovery for {tenant}"
        );
    }
    // Unknown tenants and bad tokens say what is wrong.
    let cl = connector(fake.discovery_config("Springfield"));
    let err = cl.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Config(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("no tenant `Springfield`"), "{text}");
    assert!(text.contains("ClassLink Demo (tenant_id 2)"), "{text}");
    assert!(
        text.contains("Other Unified School District (tenant_id 77)"),
        "{text}"
    );
    let read = drain(cl.full_snapshot()).await;
    assert!(matches!(read.err(), ConnectorError::Config(_)));
    let cl = connector(merged(
        fake.discovery_config("2"),
        &json!({"bearer_token": "wrong"}),
    ));
    let err = cl.test_credentials().await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err:?}");
    fake.shutdown().await;
}

#[tokio::test]
async fn classlink_payload_quirks_are_read() {
    let dataset = FakeDataset::from_csv(oneroster_fixture("v1p1_full")).unwrap();
    let fake = FakeClassLink::start(dataset, FakeAccess::proxy(TOKEN))
        .await
        .unwrap();
    // The wire: string enabledUser, FED ids, absolute hrefs.
    let client = HttpClient::new(fast_http()).unwrap();
    let body: Value = client
        .get_json(
            fake.api_base().join("users?limit=100").unwrap(),
            &RequestAuth::Bearer(Secret::new(TOKEN)),
            "users",
        )
        .await
        .unwrap();
    let aide = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["sourcedId"] == "aide-1")
        .unwrap();
    assert_eq!(aide["enabledUser"], json!("false"));
    assert!(
        aide["userIds"]
            .as_array()
            .unwrap()
            .contains(&json!({"type": "FED", "identifier": "aide-1"})),
        "{aide}"
    );
    assert!(
        aide["orgs"][0]["href"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    // The connector: disabled from the string, FED as sis_id, state ids still read.
    let cl = connector(fake.connector_config());
    let read = drain(cl.full_snapshot()).await.ok();
    let person = |id: &str| {
        read.people()
            .into_iter()
            .find(|p| p.external_id == id)
            .cloned()
            .unwrap()
    };
    assert!(!person("aide-1").enabled);
    assert!(person("stu-1").enabled);
    assert_eq!(person("aide-1").sis_id.as_deref(), Some("aide-1"));
    assert_eq!(person("stu-1").state_id.as_deref(), Some("CA-991"));
    assert_eq!(person("gua-1").status, RecordStatus::ToBeDeleted);
    let report = cl.last_report().unwrap();
    assert!(
        !report.issues.is_empty(),
        "the fixture's bad rows are reported"
    );
    fake.shutdown().await;
}

#[tokio::test]
async fn delta_asks_for_changes_since_the_cursor_and_reads_soft_deletes() {
    let mut d = district(60, 45);
    let day1 = dataset_from_district(&d).unwrap();
    let churn = d.advance_day(10.0, 45);
    assert!(churn.breakdown.students_left > 0, "{churn:?}");
    let day2 = dataset_from_district(&d).unwrap().with_tombstones(
        &day1,
        &format!("{}T06:00:00.000Z", District::date_of_day(2)),
    );
    let fake = FakeClassLink::start(day2, FakeAccess::direct(KEY, SECRET))
        .await
        .unwrap();
    let cl = connector(fake.connector_config());
    // The generator stamps day 1 at 06:00 on its first day; day 2 a day later.
    let day1_stamp = format!("{}T06:00:00Z", District::date_of_day(1));
    let read = drain(cl.delta(Some(&day1_stamp))).await.ok();
    assert!(read.cursor.is_some());
    let filters: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| !r.path.ends_with("/orgs"))
        .map(|r| r.param("filter").unwrap_or_default().to_owned())
        .collect();
    assert!(!filters.is_empty());
    assert!(
        filters
            .iter()
            .all(|f| f == &format!("dateLastModified>'{day1_stamp}'")),
        "{filters:?}"
    );
    // Only day-2 changes come back: updated and new people, and the leavers soft-deleted.
    let people = read.people();
    let deleted = people
        .iter()
        .filter(|p| p.status == RecordStatus::ToBeDeleted)
        .count();
    assert!(
        deleted >= churn.breakdown.students_left,
        "{deleted} {churn:?}"
    );
    assert!(people.len() < d.summary().users, "a delta, not a snapshot");
    assert!(
        people.iter().any(|p| p.status == RecordStatus::Active),
        "new and changed people"
    );
    // No cursor: a configuration error, nothing requested.
    let before = fake.request_count();
    let read = drain(cl.delta(None)).await;
    assert!(matches!(read.err(), ConnectorError::Config(_)));
    assert_eq!(fake.request_count(), before);
    fake.shutdown().await;
}

#[tokio::test]
async fn faults_are_retried_or_end_in_clear_errors() {
    let d = district(20, 46);
    let fake = FakeClassLink::from_district(&d, FakeAccess::direct(KEY, SECRET))
        .await
        .unwrap();
    let cl = connector(fake.connector_config());
    let users = d.summary().users;
    let f = fake.faults();

    // Transient: 429 (Retry-After 0) then a 500, within 3 attempts — the read succeeds, and the
    // retries are signed afresh (a reused nonce would be refused).
    f.rate_limit_next(1, Duration::ZERO);
    let read = drain(cl.full_snapshot()).await.ok();
    assert_eq!(read.people().len(), users);
    f.fail_next(2);
    let read = drain(cl.full_snapshot()).await.ok();
    assert_eq!(read.people().len(), users);
    f.truncate_next(1);
    let read = drain(cl.full_snapshot()).await.ok();
    assert_eq!(read.people().len(), users);

    // Beyond the retry budget.
    f.fail_next(3);
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::Http { status: 500, .. }),
        "{:?}",
        read.error
    );
    assert!(read.cursor.is_none());
    f.rate_limit_next(3, Duration::ZERO);
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::RateLimited { .. }),
        "{:?}",
        read.error
    );
    f.truncate_next(3);
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::Network { .. }),
        "{:?}",
        read.error
    );
    f.malformed_next(1);
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::Malformed { .. }),
        "{:?}",
        read.error
    );
    f.clear();
    f.set_empty_roster(true);
    let read = drain(cl.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::EmptyRoster(_)),
        "{:?}",
        read.error
    );
    f.clear();
    f.set_delay(Duration::from_millis(600));
    let impatient = ClassLink::with_http_config(
        ClassLinkConfig::from_json(fake.connector_config()).unwrap(),
        HttpConfig {
            timeout: Duration::from_millis(150),
            retry: RetryPolicy {
                max_attempts: 2,
                ..fast_http().retry
            },
            ..fast_http()
        },
    )
    .unwrap();
    let read = drain(impatient.full_snapshot()).await;
    assert!(
        matches!(read.err(), ConnectorError::Timeout { .. }),
        "{:?}",
        read.error
    );
    f.clear();
    // Healthy again.
    let read = drain(cl.full_snapshot()).await.ok();
    assert_eq!(read.people().len(), users);
    fake.shutdown().await;
}

#[test]
fn the_registry_builds_classlink_connectors() {
    let mut registry = Registry::new();
    register(&mut registry);
    let built = registry
        .build_by_name(
            "classlink",
            json!({"proxy_url": "https://oneroster-proxy.classlink.io", "bearer_token": "t", "tenant": "ClassLink Demo"}),
        )
        .unwrap();
    assert_eq!(built.kind(), ConnectorKind::ClassLink);
}
