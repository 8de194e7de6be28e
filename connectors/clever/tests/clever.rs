//! The Clever connector against the fake Clever server, over real HTTP on 127.0.0.1.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use futures::StreamExt;
use homeroom_clever::fake::{CleverDataset, FakeClever, FakeHandle};
use homeroom_clever::{Clever, CleverConfig, ObjectId, client_rate_limit};
use homeroom_connector_core::{
    Connector, ConnectorError, EntityKind, HttpConfig, Record, RetryPolicy, SyncStream,
};
use homeroom_district_gen::{District, GenerateOptions};
use serde_json::json;

const TOKEN: &str = "DISTRICT_TOKEN_abc123";

fn district(students: usize, seed: u64) -> District {
    District::generate(&GenerateOptions {
        students,
        seed,
        churn_pct: None,
    })
}

fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_server_wait: Duration::from_secs(5),
        },
        rate_limit: None,
        ..HttpConfig::default()
    }
}

fn connector(fake: &FakeHandle, page_size: u32, http: HttpConfig) -> Clever {
    let mut config = fake.connector_config();
    config["page_size"] = json!(page_size);
    Clever::with_http_config(CleverConfig::from_json(config).unwrap(), http).unwrap()
}

/// Reads a stream to its end: the records, or the first error.
async fn read(stream: &mut SyncStream<'_>) -> Result<Vec<Record>, ConnectorError> {
    let mut out = Vec::new();
    while let Some(page) = stream.next().await {
        out.extend(page?.records);
    }
    Ok(out)
}

fn count_by_kind(records: &[Record]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for r in records {
        let key = match r {
            Record::Deleted(d) => match d.kind {
                EntityKind::Person => "deleted person",
                EntityKind::Relationship => "deleted relationship",
                EntityKind::Enrollment => "deleted enrollment",
                EntityKind::Class => "deleted class",
                _ => "deleted other",
            },
            other => other.entity_kind().as_str(),
        };
        *counts.entry(key).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn full_snapshot_pages_through_every_list_with_backward_references() {
    let d = district(300, 7);
    let s = d.summary();
    let fake = FakeClever::start(CleverDataset::from_district(&d), TOKEN)
        .await
        .unwrap();
    let c = connector(&fake, 40, fast_http());
    c.test_credentials().await.unwrap();
    let mut stream = c.full_snapshot();
    let records = read(&mut stream).await.unwrap();
    let counts = count_by_kind(&records);
    assert_eq!(counts["org"], s.orgs);
    assert_eq!(counts["term"], s.academic_sessions);
    assert_eq!(counts["course"], s.courses);
    assert_eq!(counts["class"], s.classes);
    assert_eq!(counts["person"], s.users);
    assert_eq!(counts["relationship"], s.relationships);
    assert_eq!(counts["enrollment"], s.enrollments);
    // Every reference points backwards.
    let mut seen = std::collections::HashSet::new();
    for r in &records {
        let refs: Vec<&str> = match r {
            Record::Class(c) => vec![c.school_external_id.as_str()],
            Record::Enrollment(e) => {
                vec![e.class_external_id.as_str(), e.user_external_id.as_str()]
            }
            Record::Relationship(l) => vec![
                l.guardian_external_id.as_str(),
                l.student_external_id.as_str(),
            ],
            _ => vec![],
        };
        for id in refs {
            assert!(seen.contains(id), "{r:?} refers forwards to {id}");
        }
        seen.insert(r.external_id().into_owned());
    }
    // Full names from `name.last` split back; guardians keep their SIS id where they have one.
    let g = &d.guardians[1];
    let id = fake
        .dataset()
        .clever_id_of(&g.id.to_string())
        .unwrap()
        .to_owned();
    let person = records
        .iter()
        .find_map(|r| match r {
            Record::Person(p) if p.external_id == id => Some(p),
            _ => None,
        })
        .unwrap();
    assert_eq!(person.family_name, g.family_name);
    assert_eq!(person.given_name, g.given_name);
    assert_eq!(person.sis_id.as_deref(), Some(g.id.to_string().as_str()));
    // Paging followed `starting_after` links with the configured limit.
    let requests = fake.requests();
    let students: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v3.0/users" && r.param("role") == Some("student"))
        .collect();
    assert_eq!(students.len(), 300 / 40 + 1);
    assert!(students.iter().all(|r| r.param("limit") == Some("40")));
    assert!(students[1].param("starting_after").is_some());
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/v3.0/events" && r.param("ending_before") == Some("last"))
    );
    // No events yet: the cursor is made from the snapshot's start time.
    let cursor = stream.next_cursor().unwrap().unwrap();
    let at = ObjectId::parse(&cursor).unwrap().created_at();
    let age = SystemTime::now().duration_since(at).unwrap();
    assert!(
        age >= Duration::from_secs(299) && age < Duration::from_secs(400),
        "{age:?}"
    );
    assert_eq!(c.request_count(), fake.request_count());
}

#[tokio::test]
async fn wrong_token_is_an_auth_error() {
    let fake = FakeClever::start(CleverDataset::from_district(&district(50, 1)), TOKEN)
        .await
        .unwrap();
    let config =
        CleverConfig::from_json(json!({"base_url": fake.base_url(), "token": "nope"})).unwrap();
    let c = Clever::with_http_config(config, fast_http()).unwrap();
    let err = c.test_credentials().await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::Auth(m) if m.contains("401")),
        "{err}"
    );
    let err = read(&mut c.full_snapshot()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Auth(_)), "{err}");
    // The version may be in the base URL.
    let config = CleverConfig::from_json(
        json!({"base_url": format!("{}/v3.1", fake.base_url()), "token": TOKEN}),
    )
    .unwrap();
    Clever::with_http_config(config, fast_http())
        .unwrap()
        .test_credentials()
        .await
        .unwrap();
    assert!(fake.requests().last().unwrap().path.starts_with("/v3.1/"));
}

#[tokio::test]
async fn transient_faults_are_retried_and_the_rest_fail_clearly() {
    let d = district(120, 3);
    let fake = FakeClever::start(CleverDataset::from_district(&d), TOKEN)
        .await
        .unwrap();
    let c = connector(&fake, 50, fast_http());
    let full = read(&mut c.full_snapshot()).await.unwrap().len();

    // 429 with X-RateLimit-Reset: waited for, then retried.
    fake.faults().rate_limit_next(1, Duration::from_secs(2));
    let started = Instant::now();
    assert_eq!(read(&mut c.full_snapshot()).await.unwrap().len(), full);
    assert!(started.elapsed() >= Duration::from_secs(1));

    // 500s, then a connection cut mid-page: retried.
    fake.faults().fail_next(2);
    assert_eq!(read(&mut c.full_snapshot()).await.unwrap().len(), full);
    fake.faults().truncate_next(1);
    assert_eq!(read(&mut c.full_snapshot()).await.unwrap().len(), full);

    // Too many 500s: an HTTP error.
    fake.faults().fail_next(3);
    let err = read(&mut c.full_snapshot()).await.unwrap_err();
    assert_eq!(err.http_status(), Some(500), "{err}");
    fake.faults().clear();

    // Malformed JSON is not retried.
    let before = fake.request_count();
    fake.faults().malformed_next(1);
    let err = read(&mut c.full_snapshot()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Malformed { .. }), "{err}");
    assert_eq!(fake.request_count(), before + 1);

    // Slower than the timeout: retried, then a timeout error.
    fake.faults().set_delay(Duration::from_millis(400));
    let mut http = fast_http();
    http.timeout = Duration::from_millis(100);
    let slow = connector(&fake, 50, http);
    let err = read(&mut slow.full_snapshot()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Timeout { .. }), "{err}");
    fake.faults().clear();

    // An empty answer is an empty roster, not "everyone left".
    fake.faults().set_empty_roster(true);
    let err = read(&mut c.full_snapshot()).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::EmptyRoster(m) if m.contains("no schools")),
        "{err}"
    );
    fake.faults().clear();

    // A missing list is an HTTP error naming it.
    fake.faults().remove_collection("sections");
    let err = read(&mut c.full_snapshot()).await.unwrap_err();
    assert_eq!(err.http_status(), Some(404), "{err}");
}

#[tokio::test]
async fn events_delta_converges_and_replays_idempotently() {
    let d1 = district(300, 11);
    let (d2, churn) = d1.next_day(10.0, 11);
    let fake = FakeClever::start(CleverDataset::from_district(&d1), TOKEN)
        .await
        .unwrap();
    let c = connector(&fake, 60, fast_http());
    let mut snap = c.full_snapshot();
    read(&mut snap).await.unwrap();
    let cursor = snap.next_cursor().unwrap().unwrap();

    let added = fake.advance_to(&d2);
    assert!(added > 0);
    let mut delta = c.delta(Some(&cursor));
    let records = read(&mut delta).await.unwrap();
    let next = delta.next_cursor().unwrap().unwrap();
    assert!(next > cursor, "the cursor advances");
    let counts = count_by_kind(&records);
    let diff = churn.changes;
    assert_eq!(
        counts.get("deleted class").copied().unwrap_or(0),
        diff.classes.removed
    );
    // Students that left are deleted; deleted relationships come before deleted people.
    let deleted_people = counts.get("deleted person").copied().unwrap_or(0);
    assert!(deleted_people >= diff.students.removed + diff.guardians.removed);
    let first_person_delete = records
        .iter()
        .position(|r| matches!(r, Record::Deleted(d) if d.kind == EntityKind::Person))
        .unwrap();
    assert!(
        records[first_person_delete..]
            .iter()
            .all(|r| !matches!(r, Record::Deleted(d) if d.kind == EntityKind::Relationship))
    );
    assert!(
        records
            .iter()
            .rev()
            .take_while(|r| matches!(r, Record::Deleted(_)))
            .count()
            > 0
    );
    // Contacts without an SIS id that changed: deleted under the old id, created under a new one.
    let ds1 = CleverDataset::from_district(&d1);
    let churned: Vec<&str> = d2
        .guardians
        .iter()
        .filter(|g| g.id.0 % 3 == 0)
        .filter_map(|g| {
            let old = ds1.clever_id_of(&g.id.to_string())?;
            let new = fake.dataset().clever_id_of(&g.id.to_string())?.to_owned();
            (old != new).then_some(old)
        })
        .collect();
    assert!(!churned.is_empty(), "some sis-less contacts changed");
    for old in &churned {
        assert!(records.iter().any(|r| matches!(r, Record::Deleted(d)
            if d.kind == EntityKind::Person && d.external_id == *old)));
    }

    // The same cursor again reads the same changes (processing is idempotent downstream).
    let again = read(&mut c.delta(Some(&cursor))).await.unwrap();
    assert_eq!(again, records);
    // From the new cursor: nothing.
    let mut quiet = c.delta(Some(&next));
    assert!(read(&mut quiet).await.unwrap().is_empty());
    assert_eq!(quiet.next_cursor().unwrap().as_deref(), Some(next.as_str()));

    // A snapshot now seeds its cursor from the newest event.
    let mut snap = c.full_snapshot();
    read(&mut snap).await.unwrap();
    assert_eq!(snap.next_cursor().unwrap(), Some(next));
}

#[tokio::test]
async fn old_cursors_and_events_switched_off_ask_for_a_full_sync() {
    let fake = FakeClever::start(CleverDataset::from_district(&district(60, 5)), TOKEN)
        .await
        .unwrap();
    let c = connector(&fake, 100, fast_http());
    let old = ObjectId::from_parts(SystemTime::now() - Duration::from_secs(31 * 86_400), 1);
    let before = fake.request_count();
    let err = read(&mut c.delta(Some(old.as_str()))).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::CursorExpired(m) if m.contains("31 days")),
        "{err}"
    );
    assert_eq!(
        fake.request_count(),
        before,
        "decided without asking Clever"
    );
    let err = read(&mut c.delta(None)).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Config(_)), "{err}");

    fake.set_events_enabled(false);
    let mut snap = c.full_snapshot();
    assert!(!read(&mut snap).await.unwrap().is_empty());
    assert_eq!(
        snap.next_cursor().unwrap(),
        None,
        "no cursor without events"
    );
    let fresh = ObjectId::from_parts(SystemTime::now() - Duration::from_secs(60), 1);
    let err = read(&mut c.delta(Some(fresh.as_str()))).await.unwrap_err();
    assert!(
        matches!(&err, ConnectorError::CursorExpired(m) if m.contains("403")),
        "{err}"
    );
}

#[tokio::test]
async fn the_rate_limiter_keeps_under_the_fake_limit() {
    let d = district(200, 9);
    let fake = FakeClever::start(CleverDataset::from_district(&d), TOKEN)
        .await
        .unwrap();
    // 20 requests per second stands in for 1,200 per minute.
    let (limit, per) = (20, Duration::from_secs(1));
    fake.set_rate_limit(Some((limit, per)));
    let mut http = fast_http();
    http.rate_limit = Some(client_rate_limit(limit, per).unwrap());
    let c = connector(&fake, 10, http);
    let started = Instant::now();
    let records = read(&mut c.full_snapshot()).await.unwrap();
    let elapsed = started.elapsed();
    let requests = fake.request_count();
    assert!(requests > 3 * u64::from(limit), "{requests} requests");
    assert_eq!(fake.throttled_count(), 0, "never refused");
    assert!(fake.peak_window_requests() <= limit);
    // At most `limit` per window: the run cannot be faster than the floor.
    let floor = per.mul_f64((requests - u64::from(limit)) as f64 / f64::from(limit));
    assert!(elapsed >= floor, "{elapsed:?} < {floor:?}");

    // Without the client-side limiter the fake refuses, and X-RateLimit-Reset is honoured.
    let fake2 = FakeClever::start(CleverDataset::from_district(&d), TOKEN)
        .await
        .unwrap();
    fake2.set_rate_limit(Some((limit, per)));
    let mut http = fast_http();
    http.retry.max_attempts = 6;
    let eager = connector(&fake2, 10, http);
    let again = read(&mut eager.full_snapshot()).await.unwrap();
    assert_eq!(again.len(), records.len());
    assert!(fake2.throttled_count() > 0);
}
