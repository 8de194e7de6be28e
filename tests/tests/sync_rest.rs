//! The sync engine through the OneRoster REST connector against the fake OneRoster server.
//!
//! Every test talks real HTTP to [`FakeOneRoster`] on 127.0.0.1 and runs the sync exactly as
//! the API does ([`SyncService::queue`] then [`SyncService::execute`]), on both backends.
//!
//! The harness's `add_connector` encrypts a connector's secrets with a key it then throws
//! away, so `homeroom_tests::sync::run` cannot build a connector that has a `client_secret`.
//! These tests keep the key ([`Rest`]) and hand it to the [`SyncService`].
//!
//! The REST connector's JSON configuration has no HTTP settings (timeout, retries): the
//! production registry builds it with `HttpConfig::default()` (60 s timeout, 5 attempts,
//! 0.5 s doubling backoff, server waits up to 120 s honoured). Faults that need a short
//! timeout or a small retry budget run through a registry that builds the same connector
//! with [`OneRosterRest::with_http_config`] ([`Rest::service_with`]); everything else uses
//! the production registry.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use homeroom_connector_core::{Connector, HttpConfig, Registry, RetryPolicy};
use homeroom_core::secrets::SecretKey;
use homeroom_district_gen::{Date, DistrictSummary};
use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeHandle, FakeOneRoster, Faults};
use homeroom_oneroster::{OneRosterRest, OneRosterRestConfig, OneRosterVersion};
use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, RelationshipStatus, Status, SyncMode};
use homeroom_schema::page::PageRequest;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::classes::{self, ClassFilter};
use homeroom_schema::store::people::{self, PersonFilter};
use homeroom_schema::store::relationships::{self, RelationshipFilter};
use homeroom_schema::store::{contacts, districts, links, orgs};
use homeroom_service::connectors::{self, ConnectorChanges, NewConnector};
use homeroom_service::sync::SyncService;
use homeroom_sync::RunOutcome;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::{
    Census, Finished, census, csv_connector, district, expect, finished, run,
};
use homeroom_tests::{TestDb, both_backends};
use serde_json::{Value, json};

/// Consumer key / client id the fakes accept.
const CLIENT_ID: &str = "homeroom-district";
/// The matching secret.
const CLIENT_SECRET: &str = "s3cret-district";

/// Serves the OneRoster CSV folder `dir` as `version`: 1.1 signed with OAuth 1.0a, 1.2 with
/// OAuth 2.0 client-credentials tokens.
async fn serve(dir: &std::path::Path, version: OneRosterVersion) -> Result<FakeHandle> {
    let dataset = FakeDataset::from_csv(dir)?.with_version(version);
    let auth = match version {
        OneRosterVersion::V1p1 => FakeAuth::oauth1(CLIENT_ID, CLIENT_SECRET),
        OneRosterVersion::V1p2 => FakeAuth::oauth2(CLIENT_ID, CLIENT_SECRET),
    };
    Ok(FakeOneRoster::start(dataset, auth).await?)
}

/// `fake.connector_config()` with `extra` fields merged in.
fn config_for(fake: &FakeHandle, extra: &Value) -> Value {
    let mut config = fake.connector_config();
    if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
        config.extend(extra.clone());
    }
    config
}

/// A registry whose `oneroster_rest` connectors use `http` (the production registry uses the
/// default HTTP settings).
fn rest_registry(http: HttpConfig) -> Registry {
    let mut registry = Registry::new();
    registry
        .register(
            homeroom_connector_core::ConnectorKind::OneRosterRest,
            move |config| {
                let config = OneRosterRestConfig::from_json(config)?;
                Ok(
                    Box::new(OneRosterRest::with_http_config(config, http.clone())?)
                        as Box<dyn Connector>,
                )
            },
        )
        .expect("a fresh registry");
    registry
}

/// Fast retries: 3 attempts, millisecond backoff, a 10 s timeout.
fn fast_http() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(2),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_server_wait: Duration::from_secs(5),
        },
        ..HttpConfig::default()
    }
}

/// Syncing REST connectors of one database with a secret key that is kept.
struct Rest {
    store: Store,
    key: SecretKey,
    /// The service exactly as the server builds it (production registry), with the key.
    service: SyncService,
}

impl Rest {
    fn new(store: &Store) -> Rest {
        let key = SecretKey::generate().0;
        Rest {
            store: store.clone(),
            service: SyncService::new(store.clone(), Some(key.clone())),
            key,
        }
    }

    /// The same service with `oneroster_rest` connectors built with `http`.
    fn service_with(&self, http: HttpConfig) -> SyncService {
        let mut service = self.service.clone();
        service.registry = Arc::new(rest_registry(http));
        service
    }

    /// Adds a `oneroster_rest` connector (validated by the production registry).
    async fn add(&self, name: &str, config: Value) -> Result<String> {
        let row = connectors::create(
            &self.store,
            &self.service.registry,
            Some(&self.key),
            None,
            NewConnector {
                district_id: None,
                kind: ConnectorKind::OneRosterRest,
                name: name.into(),
                config,
                schedule: None,
            },
        )
        .await?;
        Ok(row.id)
    }

    /// Changes a connector's configuration as an operator would (secrets not restated keep
    /// their stored values).
    async fn reconfigure(&self, connector_id: &str, config: Value) -> Result<()> {
        let row = self.connector(connector_id).await?;
        let operator = homeroom_tests::principals::district_admin(&row.district_id);
        connectors::update(
            &self.store,
            &self.service.registry,
            Some(&self.key),
            &operator,
            row,
            ConnectorChanges {
                config: Some(config),
                ..ConnectorChanges::default()
            },
        )
        .await?;
        Ok(())
    }

    /// The stored connector row.
    async fn connector(&self, id: &str) -> Result<homeroom_schema::models::Connector> {
        let mut conn = self.store.conn().await?;
        let district = districts::get_default(&mut conn)
            .await?
            .context("no default district")?;
        homeroom_schema::store::connectors::get(&mut conn, &district.id, id)
            .await?
            .context("no such connector")
    }

    /// A full or delta sync through the production registry.
    async fn sync(&self, connector_id: &str, mode: SyncMode) -> Result<Finished> {
        self.sync_on(&self.service, connector_id, mode).await
    }

    /// A sync through `service`.
    async fn sync_on(
        &self,
        service: &SyncService,
        connector_id: &str,
        mode: SyncMode,
    ) -> Result<Finished> {
        let district = districts::get_default(&mut self.store.conn().await?)
            .await?
            .context("no default district")?;
        let queued = service
            .queue(&district.id, connector_id, mode, false, Some("test"))
            .await?;
        let (run, outcome) = service.execute(&queued).await?;
        finished(&self.store, run, outcome).await
    }
}

/// What a district holds, keyed by SIS ids and names (never local ids), so two databases
/// can be compared row for row.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Roster {
    /// sis id → names, student fields and status.
    people: BTreeMap<String, String>,
    /// "person sis id | role | org name", sorted.
    roles: Vec<String>,
    /// "person sis id | kind | value | source", sorted.
    contacts: Vec<String>,
    /// "school | course | term | code | title | status", sorted.
    classes: Vec<String>,
    /// "class code | person sis id | role | primary | source", sorted.
    enrollments: Vec<String>,
    /// "guardian sis id | student sis id | kind | status", sorted.
    relationships: Vec<String>,
    /// "type | identifier | name | status", sorted.
    orgs: Vec<String>,
}

/// The `sourcedId`s of a OneRoster CSV file.
fn sourced_ids(dir: &Path, file: &str) -> Result<Vec<String>> {
    let mut reader = csv::Reader::from_path(dir.join(file))?;
    let column = reader
        .headers()?
        .iter()
        .position(|h| h == "sourcedId")
        .with_context(|| format!("{file} has no sourcedId"))?;
    let mut ids = Vec::new();
    for row in reader.records() {
        ids.push(row?.get(column).unwrap_or_default().to_owned());
    }
    Ok(ids)
}

/// Local id → the external ids linked to it by `connector_id` (joined with `+`), for the
/// records of `file` in the export `dir`.
async fn external_keys(
    c: &mut homeroom_schema::Conn,
    connector_id: &str,
    kind: &str,
    dir: &Path,
    file: &str,
) -> Result<BTreeMap<String, String>> {
    let ids = sourced_ids(dir, file)?;
    let mut by_local: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for link in links::lookup(c, connector_id, kind, &ids).await? {
        by_local
            .entry(link.local_id)
            .or_default()
            .push(link.external_id);
    }
    Ok(by_local
        .into_iter()
        .map(|(local, mut external)| {
            external.sort();
            (local, external.join("+"))
        })
        .collect())
}

/// The roster of the default district. People and classes are named by the external ids
/// `connector_id` linked them to (the records of the export `dir`), never by local ids.
async fn roster(store: &Store, connector_id: &str, dir: &Path) -> Result<Roster> {
    let mut c = store.conn().await?;
    let d = districts::get_default(&mut c)
        .await?
        .context("no default district")?;
    let all = Scope::District;

    let mut everyone = Vec::new();
    for status in [Status::Active, Status::Archived] {
        let mut after = None;
        loop {
            let page = people::list(
                &mut c,
                &d.id,
                &all,
                &PersonFilter {
                    status: Some(status),
                    ..PersonFilter::default()
                },
                &PageRequest {
                    first: Some(500),
                    after: after.clone(),
                },
            )
            .await?;
            after = page.items.last().map(|p| p.id.clone());
            everyone.extend(page.items);
            if !page.has_next {
                break;
            }
        }
    }
    let linked = external_keys(&mut c, connector_id, "person", dir, "users.csv").await?;
    let key_of: BTreeMap<String, String> = everyone
        .iter()
        .map(|p| {
            let key = linked
                .get(&p.id)
                .cloned()
                .unwrap_or_else(|| format!("(unlinked) {} {}", p.given_name, p.family_name));
            (p.id.clone(), key)
        })
        .collect();
    let key = |id: &str| key_of.get(id).cloned().unwrap_or_else(|| format!("?{id}"));
    let mut people_rows = BTreeMap::new();
    for p in &everyone {
        let row = format!(
            "{} | {} | {:?} | {:?} | student={} | grade={:?} | number={:?} | state={:?} | sis={:?} | {:?}",
            p.given_name,
            p.family_name,
            p.middle_name,
            p.preferred_name,
            p.is_student,
            p.grade,
            p.student_number,
            p.state_id,
            p.sis_id,
            p.status,
        );
        if people_rows.insert(key(&p.id), row).is_some() {
            bail!("two people are keyed {}", key(&p.id));
        }
    }

    let org_rows = orgs::list(&mut c, &d.id).await?;
    let org_name: BTreeMap<String, String> = org_rows
        .iter()
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    let org = |id: &Option<String>| {
        id.as_ref()
            .map(|id| {
                org_name
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| format!("?{id}"))
            })
            .unwrap_or_else(|| "-".into())
    };
    let mut orgs_out: Vec<String> = org_rows
        .iter()
        .map(|o| {
            format!(
                "{:?} | {:?} | {} | {:?}",
                o.org_type, o.identifier, o.name, o.status
            )
        })
        .collect();
    orgs_out.sort();

    let ids: Vec<String> = everyone.iter().map(|p| p.id.clone()).collect();
    let mut roles: Vec<String> = people::roles_of(&mut c, &ids)
        .await?
        .into_iter()
        .map(|r| format!("{} | {:?} | {}", key(&r.person_id), r.role, org(&r.org_id)))
        .collect();
    roles.sort();
    let mut contact_rows: Vec<String> = contacts::of_people(&mut c, &ids)
        .await?
        .into_iter()
        .map(|cp| {
            format!(
                "{} | {:?} | {} | {:?}",
                key(&cp.person_id),
                cp.kind,
                cp.value,
                cp.source
            )
        })
        .collect();
    contact_rows.sort();

    let mut class_list = Vec::new();
    for status in [Status::Active, Status::Archived] {
        let mut after = None;
        loop {
            let page = classes::list(
                &mut c,
                &d.id,
                &all,
                &ClassFilter {
                    status: Some(status),
                    ..ClassFilter::default()
                },
                &PageRequest {
                    first: Some(500),
                    after: after.clone(),
                },
            )
            .await?;
            after = page.items.last().map(|x| x.id.clone());
            class_list.extend(page.items);
            if !page.has_next {
                break;
            }
        }
    }
    let course_ids: Vec<String> = class_list
        .iter()
        .filter_map(|x| x.course_id.clone())
        .collect();
    let term_ids: Vec<String> = class_list
        .iter()
        .filter_map(|x| x.term_id.clone())
        .collect();
    let course_title: BTreeMap<String, String> = orgs::courses_by_id(&mut c, &course_ids)
        .await?
        .into_iter()
        .map(|x| (x.id, format!("{} ({:?})", x.title, x.code)))
        .collect();
    let term_title: BTreeMap<String, String> = orgs::terms_by_id(&mut c, &term_ids)
        .await?
        .into_iter()
        .map(|x| {
            (
                x.id,
                format!("{} {:?}–{:?}", x.title, x.start_date, x.end_date),
            )
        })
        .collect();
    let looked_up = |map: &BTreeMap<String, String>, id: &Option<String>| {
        id.as_ref()
            .map(|id| map.get(id).cloned().unwrap_or_else(|| format!("?{id}")))
            .unwrap_or_else(|| "-".into())
    };
    let class_key = external_keys(&mut c, connector_id, "class", dir, "classes.csv").await?;
    let mut class_rows: Vec<String> = class_list
        .iter()
        .map(|x| {
            format!(
                "{} | {} | {} | {} | {:?} | {} | {:?}",
                class_key
                    .get(&x.id)
                    .cloned()
                    .unwrap_or_else(|| format!("(unlinked) {}", x.sis_title)),
                org(&x.school_id),
                looked_up(&course_title, &x.course_id),
                looked_up(&term_title, &x.term_id),
                x.class_code,
                x.sis_title,
                x.status
            )
        })
        .collect();
    class_rows.sort();
    let class_ids: Vec<String> = class_list.iter().map(|x| x.id.clone()).collect();
    let mut enrollment_rows: Vec<String> = classes::enrollments_of_classes(&mut c, &class_ids)
        .await?
        .into_iter()
        .map(|e| {
            format!(
                "{} | {} | {:?} | primary={} | {:?}–{:?} | {:?}",
                class_key
                    .get(&e.class_id)
                    .cloned()
                    .unwrap_or_else(|| format!("?{}", e.class_id)),
                key(&e.person_id),
                e.role,
                e.is_primary,
                e.begin_date,
                e.end_date,
                e.source
            )
        })
        .collect();
    enrollment_rows.sort();

    let mut relationship_rows = Vec::new();
    for status in [RelationshipStatus::Active, RelationshipStatus::Removed] {
        let mut after = None;
        loop {
            let page = relationships::list(
                &mut c,
                &d.id,
                &all,
                &RelationshipFilter {
                    status: Some(status),
                    ..RelationshipFilter::default()
                },
                &PageRequest {
                    first: Some(500),
                    after: after.clone(),
                },
            )
            .await?;
            after = page.items.last().map(|r| r.id.clone());
            relationship_rows.extend(page.items.iter().map(|r| {
                format!(
                    "{} | {} | {:?} | {:?}",
                    key(&r.guardian_id),
                    key(&r.student_id),
                    r.kind,
                    r.status
                )
            }));
            if !page.has_next {
                break;
            }
        }
    }
    relationship_rows.sort();

    Ok(Roster {
        people: people_rows,
        roles,
        contacts: contact_rows,
        classes: class_rows,
        enrollments: enrollment_rows,
        relationships: relationship_rows,
        orgs: orgs_out,
    })
}

/// The entities a sync counts.
const ENTITIES: [&str; 7] = [
    "org",
    "term",
    "course",
    "class",
    "person",
    "relationship",
    "enrollment",
];

/// Asserts that a run created, updated, merged and archived nothing.
fn assert_nothing_written(run: &Finished, what: &str) {
    for reported in &run.counts {
        let (entity, c) = (&reported.entity, reported.counts);
        assert_eq!(
            (c.created, c.updated, c.merged, c.archived),
            (0, 0, 0, 0),
            "{what}: {entity} {c:?}"
        );
    }
}

/// The message of a failed run; panics on any other outcome.
fn failure(run: &Finished, what: &str) -> String {
    match &run.outcome {
        RunOutcome::Failed(message) => {
            assert_eq!(
                run.run.error.as_deref(),
                Some(message.as_str()),
                "{what}: the stored run carries the message"
            );
            assert_eq!(
                run.run.status,
                homeroom_schema::enums::SyncStatus::Failed,
                "{what}"
            );
            message.clone()
        }
        other => panic!("{what}: expected a failed run, got {other:?}"),
    }
}

/// Runs `work` and, once the fake has logged a request whose path ends with `/{collection}`,
/// calls `switch` on its faults. Returns whether the switch happened, and `work`'s output.
///
/// The fake logs a request before it answers, and with a delay on every answer the connector
/// cannot send its next request before the switch is seen: the fault lands on a request of
/// `collection` (the one logged, or the next).
async fn switch_during<T>(
    fake: &FakeHandle,
    collection: &str,
    switch: impl FnOnce(&Faults),
    work: impl Future<Output = T>,
) -> (bool, T) {
    let suffix = format!("/{collection}");
    let seen = fake.requests().len();
    let done = AtomicBool::new(false);
    let watcher = async {
        let mut switch = Some(switch);
        while !done.load(Ordering::SeqCst) {
            if fake.requests()[seen..]
                .iter()
                .any(|r| r.path.ends_with(&suffix))
                && let Some(switch) = switch.take()
            {
                switch(fake.faults());
                return true;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        false
    };
    let work = async {
        let out = work.await;
        done.store(true, Ordering::SeqCst);
        out
    };
    tokio::join!(watcher, work)
}

/// Imports a generated district over REST as `version` and checks it against the CSV import
/// of the same files in another fresh database of the same backend.
async fn imports_like_csv(db: TestDb, version: OneRosterVersion, seed: u64) -> Result<()> {
    let dir = TempDir::new("gen")?;
    let summary = district(&dir.0, 200, seed)?;
    let files = dir.0.join("day1");

    // The reference: the CSV connector on the same files.
    let csv_db = TestDb::new(db.backend()).await?;
    let csv_connector_id = csv_connector(&csv_db.store, &files).await?;
    let by_csv = run(&csv_db.store, &csv_connector_id, SyncMode::Full, false).await?;
    assert_eq!(
        by_csv.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        by_csv.run.error
    );
    assert!(by_csv.errors().is_empty(), "{:?}", by_csv.errors());
    let csv_census = census(&csv_db.store).await?;
    assert_eq!(csv_census, expect(&summary), "the CSV reference");
    let csv_roster = roster(&csv_db.store, &csv_connector_id, &files).await?;

    // The same files served over REST.
    let fake = serve(&files, version).await?;
    assert_eq!(fake.version(), version);
    let rest = Rest::new(&db.store);
    let connector = rest
        .add(
            "OneRoster REST",
            config_for(&fake, &json!({"request_limit": 100})),
        )
        .await?;
    let started = Instant::now();
    let first = rest.sync(&connector, SyncMode::Full).await?;
    let took = started.elapsed();
    assert_eq!(
        first.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        first.run.error
    );
    assert!(first.errors().is_empty(), "{:?}", first.errors());
    assert_eq!(census(&db.store).await?, expect(&summary));
    assert_eq!(census(&db.store).await?, csv_census);
    let rest_roster = roster(&db.store, &connector, &files).await?;
    assert_eq!(rest_roster.people.len(), summary.expected_people);
    assert_eq!(rest_roster.orgs.len(), summary.orgs);
    assert_eq!(rest_roster.classes.len(), summary.classes);
    assert_eq!(rest_roster.enrollments.len(), summary.enrollments);
    assert_eq!(rest_roster.relationships.len(), summary.relationships);
    assert!(rest_roster.roles.len() >= summary.expected_people);
    assert!(!rest_roster.contacts.is_empty());
    assert!(
        rest_roster
            .people
            .keys()
            .all(|k| !k.starts_with("(unlinked)")),
        "every person is linked to a user of the export"
    );
    assert_eq!(rest_roster.people, csv_roster.people, "people");
    assert_eq!(rest_roster.roles, csv_roster.roles, "roles");
    assert_eq!(rest_roster.contacts, csv_roster.contacts, "contact points");
    assert_eq!(rest_roster.orgs, csv_roster.orgs, "orgs");
    assert_eq!(rest_roster.classes, csv_roster.classes, "classes");
    assert_eq!(
        rest_roster.enrollments, csv_roster.enrollments,
        "enrollments"
    );
    assert_eq!(
        rest_roster.relationships, csv_roster.relationships,
        "relationships"
    );
    // The same report: counts per entity and the same issues (alerts) on the same records.
    for entity in ENTITIES {
        assert_eq!(
            first.reported(entity),
            by_csv.reported(entity),
            "{entity} counts"
        );
    }
    assert_eq!(
        first.of("person").created + first.of("person").merged,
        summary.users as u64
    );
    assert_eq!(
        first.of("person").merged,
        summary.guardian_teachers as u64,
        "a guardian who teaches is one person"
    );
    assert_eq!(
        first.with_code("shared_phone").len(),
        summary.shared_phone_pairs
    );
    let issues = |f: &Finished| {
        let mut v: Vec<String> = f
            .issues
            .iter()
            .map(|i| {
                format!(
                    "{:?} {} {:?} {:?}",
                    i.severity, i.code, i.entity_kind, i.external_id
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(issues(&first), issues(&by_csv), "the same issues");

    // Every collection was paged (limit 100) and authenticated the version's way.
    let requests = fake.requests();
    let users_pages = requests
        .iter()
        .filter(|r| r.path.ends_with("/users"))
        .count();
    assert_eq!(users_pages, summary.users.div_ceil(100), "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.param("limit") == Some("100") && r.param("filter").is_none()),
        "{requests:?}"
    );
    match version {
        OneRosterVersion::V1p1 => assert_eq!(fake.token_requests(), 0),
        OneRosterVersion::V1p2 => {
            assert_eq!(fake.token_requests(), 1, "one token serves the whole run")
        }
    }

    // A second full sync over REST changes nothing.
    let second = rest.sync(&connector, SyncMode::Full).await?;
    assert_eq!(
        second.outcome,
        RunOutcome::Succeeded,
        "{:?}",
        second.run.error
    );
    assert_nothing_written(&second, "an unchanged re-sync");
    for entity in ENTITIES {
        assert!(second.of(entity).unchanged > 0, "{entity}");
    }
    assert_eq!(roster(&db.store, &connector, &files).await?, rest_roster);
    let stored = rest.connector(&connector).await?;
    assert!(stored.last_success_at.is_some());
    assert!(stored.delta_cursor.is_some(), "a full sync stores a cursor");
    eprintln!("REST {version} import of {} users: {took:?}", summary.users);
    fake.shutdown().await;
    Ok(())
}

both_backends!(
    rest_1_1_with_oauth1_imports_exactly_like_csv,
    |db| async move { imports_like_csv(db, OneRosterVersion::V1p1, 21).await }
);

both_backends!(
    rest_1_2_with_oauth2_imports_exactly_like_csv,
    |db| async move { imports_like_csv(db, OneRosterVersion::V1p2, 22).await }
);

/// A district of 60 students synced once over REST 1.1 (users in pages of 25).
struct Synced {
    dir: TempDir,
    fake: FakeHandle,
    rest: Rest,
    connector: String,
    summary: DistrictSummary,
    census: Census,
    roster: Roster,
    cursor: Option<String>,
    /// Data requests of one clean full sync.
    requests_per_sync: u64,
}

async fn synced(db: &TestDb, seed: u64) -> Result<Synced> {
    let dir = TempDir::new("gen")?;
    let summary = district(&dir.0, 60, seed)?;
    let fake = serve(&dir.0.join("day1"), OneRosterVersion::V1p1).await?;
    let rest = Rest::new(&db.store);
    let connector = rest
        .add(
            "OneRoster REST",
            config_for(&fake, &json!({"request_limit": 25})),
        )
        .await?;
    let good = rest.sync(&connector, SyncMode::Full).await?;
    assert_eq!(good.outcome, RunOutcome::Succeeded, "{:?}", good.run.error);
    let census = census(&db.store).await?;
    assert_eq!(census, expect(&summary));
    let roster = roster(&db.store, &connector, &dir.0.join("day1")).await?;
    let cursor = rest.connector(&connector).await?.delta_cursor;
    assert!(cursor.is_some());
    let requests_per_sync = fake.request_count();
    assert!(
        requests_per_sync >= 6 + summary.users.div_ceil(25) as u64,
        "{requests_per_sync}"
    );
    Ok(Synced {
        dir,
        fake,
        rest,
        connector,
        summary,
        census,
        roster,
        cursor,
        requests_per_sync,
    })
}

impl Synced {
    /// The roster now, keyed by the day-1 export's ids.
    async fn current(&self, db: &TestDb) -> Result<Roster> {
        roster(&db.store, &self.connector, &self.dir.0.join("day1")).await
    }

    /// Everything is as the good sync left it: same census, same rows, nothing archived,
    /// the delta cursor not moved.
    async fn assert_intact(&self, db: &TestDb, what: &str) -> Result<()> {
        let now = census(&db.store).await?;
        assert_eq!(now, self.census, "{what}: the census is unchanged");
        assert_eq!(now.archived_people, 0, "{what}: nothing archived");
        assert_eq!(
            self.current(db).await?,
            self.roster,
            "{what}: every row is unchanged"
        );
        assert_eq!(
            self.rest.connector(&self.connector).await?.delta_cursor,
            self.cursor,
            "{what}: the delta cursor did not move"
        );
        Ok(())
    }
}

both_backends!(
    rest_faults_fail_clearly_and_keep_the_last_good_data,
    |db| async move {
        let s = synced(&db, 31).await?;
        let fast = s.rest.service_with(fast_http());

        // 500s beyond the retry budget (3 attempts), half-way through the users.
        s.fake.faults().set_delay(Duration::from_millis(25));
        let (switched, failed) = switch_during(
            &s.fake,
            "users",
            |f| f.fail_next(3),
            s.rest.sync_on(&fast, &s.connector, SyncMode::Full),
        )
        .await;
        s.fake.faults().clear();
        assert!(switched, "the users were reached");
        let failed = failed?;
        let message = failure(&failed, "500s");
        assert!(
            message.contains("HTTP 500 from http://127.0.0.1:"),
            "{message}"
        );
        assert!(
            message.contains("/ims/oneroster/v1p1/users?limit=25&offset="),
            "names the endpoint: {message}"
        );
        // Retries exhausted on a 5xx: the core client's error quotes the raw imsx body
        // (the connector's imsx parsing only sees responses handed back to it).
        assert!(
            message.contains(r#""imsx_description":"simulated failure""#),
            "quotes the provider: {message}"
        );
        assert!(message.contains("nothing was removed"), "{message}");
        // The pages before the failure were applied (and were unchanged).
        assert_eq!(failed.of("class").unchanged, s.summary.classes as u64);
        assert_eq!(
            failed.reported("enrollment"),
            None,
            "no enrollment was read"
        );
        assert_nothing_written(&failed, "500s");
        s.assert_intact(&db, "after 500s").await?;

        // A body that is not JSON: not retried, failed naming what could not be read.
        let before = s.fake.request_count();
        s.fake.faults().malformed_next(1);
        let failed = s.rest.sync(&s.connector, SyncMode::Full).await?;
        s.fake.faults().clear();
        let message = failure(&failed, "malformed JSON");
        assert!(
            message.contains("malformed orgs page at offset 0"),
            "{message}"
        );
        assert!(
            message.contains("the body is not a JSON object"),
            "{message}"
        );
        assert!(message.contains("after 0 records"), "{message}");
        assert_eq!(
            s.fake.request_count() - before,
            1,
            "a broken body is not retried"
        );
        assert_nothing_written(&failed, "malformed JSON");
        s.assert_intact(&db, "after malformed JSON").await?;

        // A page cut mid-way on every attempt: retried, then failed as a network error.
        let before = s.fake.request_count();
        s.fake.faults().truncate_next(3);
        let failed = s.rest.sync_on(&fast, &s.connector, SyncMode::Full).await?;
        s.fake.faults().clear();
        let message = failure(&failed, "truncated pages");
        assert!(
            message.contains("network error talking to http://127.0.0.1:"),
            "{message}"
        );
        assert!(
            message.contains("/ims/oneroster/v1p1/orgs?limit=25&offset=0"),
            "{message}"
        );
        assert_eq!(s.fake.request_count() - before, 3, "every attempt was made");
        s.assert_intact(&db, "after truncated pages").await?;

        // Answers slower than the client's timeout (200 ms, 2 attempts).
        s.fake.faults().set_delay(Duration::from_millis(1_500));
        let impatient = s.rest.service_with(HttpConfig {
            timeout: Duration::from_millis(200),
            retry: RetryPolicy {
                max_attempts: 2,
                ..fast_http().retry
            },
            ..fast_http()
        });
        let started = Instant::now();
        let failed = s
            .rest
            .sync_on(&impatient, &s.connector, SyncMode::Full)
            .await?;
        let took = started.elapsed();
        s.fake.faults().clear();
        let message = failure(&failed, "slow answers");
        assert!(message.contains("timed out after 200ms"), "{message}");
        assert!(message.contains("/ims/oneroster/v1p1/orgs?"), "{message}");
        assert!(
            took < Duration::from_secs(5),
            "gave up after two short attempts: {took:?}"
        );
        s.assert_intact(&db, "after slow answers").await?;

        // Still a healthy connector: the next clean sync succeeds and changes nothing.
        let again = s.rest.sync(&s.connector, SyncMode::Full).await?;
        assert_eq!(
            again.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            again.run.error
        );
        assert_nothing_written(&again, "the clean sync after the faults");
        assert_eq!(census(&db.store).await?, s.census);
        s.fake.shutdown().await;
        Ok(())
    }
);

both_backends!(
    rest_transient_faults_are_retried_and_succeed,
    |db| async move {
        let s = synced(&db, 32).await?;
        let fast = s.rest.service_with(fast_http());

        // Two 500s, within the budget of 3 attempts.
        let before = s.fake.request_count();
        s.fake.faults().fail_next(2);
        let ok = s.rest.sync_on(&fast, &s.connector, SyncMode::Full).await?;
        assert_eq!(ok.outcome, RunOutcome::Succeeded, "{:?}", ok.run.error);
        assert_eq!(s.fake.request_count() - before, s.requests_per_sync + 2);
        assert_nothing_written(&ok, "after two 500s");
        assert_eq!(s.current(&db).await?, s.roster);

        // One page cut mid-way: the production client retries it.
        let before = s.fake.request_count();
        s.fake.faults().truncate_next(1);
        let ok = s.rest.sync(&s.connector, SyncMode::Full).await?;
        assert_eq!(ok.outcome, RunOutcome::Succeeded, "{:?}", ok.run.error);
        assert_eq!(s.fake.request_count() - before, s.requests_per_sync + 1);
        assert_nothing_written(&ok, "after a cut page");
        assert_eq!(s.current(&db).await?, s.roster);

        // 429 with Retry-After: 1 for two requests: waited out by the production client.
        let before = s.fake.request_count();
        s.fake.faults().rate_limit_next(2, Duration::from_secs(1));
        let started = Instant::now();
        let ok = s.rest.sync(&s.connector, SyncMode::Full).await?;
        let took = started.elapsed();
        assert_eq!(ok.outcome, RunOutcome::Succeeded, "{:?}", ok.run.error);
        assert!(
            took >= Duration::from_secs(2),
            "Retry-After was honoured twice: {took:?}"
        );
        assert_eq!(s.fake.request_count() - before, s.requests_per_sync + 2);
        assert_nothing_written(&ok, "after 429s");
        assert_eq!(census(&db.store).await?, s.census);
        assert_eq!(s.current(&db).await?, s.roster);
        s.fake.shutdown().await;
        Ok(())
    }
);

both_backends!(
    rest_empty_roster_claiming_success_is_held,
    |db| async move {
        let s = synced(&db, 33).await?;
        s.fake.faults().set_empty_roster(true);
        let held = s.rest.sync(&s.connector, SyncMode::Full).await?;
        let RunOutcome::Held(message) = &held.outcome else {
            panic!("expected a hold, got {:?}", held.outcome);
        };
        assert_eq!(held.run.status, homeroom_schema::enums::SyncStatus::Held);
        assert!(message.contains("empty roster"), "{message}");
        assert!(
            message.contains("/ims/oneroster/v1p1/orgs?limit=1&offset=0 returned no orgs"),
            "{message}"
        );
        assert!(message.contains("nothing was removed"), "{message}");
        assert_nothing_written(&held, "an empty roster");
        s.assert_intact(&db, "after an empty roster").await?;

        // The provider recovers: the hold is discarded and a clean sync changes nothing.
        s.fake.faults().clear();
        s.rest
            .service
            .discard_hold(&held.run.district_id, &held.run.id)
            .await?;
        let ok = s.rest.sync(&s.connector, SyncMode::Full).await?;
        assert_eq!(ok.outcome, RunOutcome::Succeeded, "{:?}", ok.run.error);
        assert_nothing_written(&ok, "after the provider recovered");
        assert_eq!(s.current(&db).await?, s.roster);
        s.fake.shutdown().await;
        Ok(())
    }
);

both_backends!(
    rest_wrong_credentials_fail_as_refused_authentication,
    |db| async move {
        let s = synced(&db, 34).await?;

        // OneRoster 1.1: the secret changed to a wrong one; the signature is refused (401).
        let before = s.fake.request_count();
        s.rest
            .reconfigure(
                &s.connector,
                config_for(
                    &s.fake,
                    &json!({"client_secret": "not-the-secret", "request_limit": 25}),
                ),
            )
            .await?;
        let failed = s.rest.sync(&s.connector, SyncMode::Full).await?;
        let message = failure(&failed, "OAuth 1.0a with a wrong secret");
        assert!(message.contains("authentication failed"), "{message}");
        assert!(
            message.contains("rejected the credentials (HTTP 401)"),
            "{message}"
        );
        assert!(message.contains("OAuth signature mismatch"), "{message}");
        assert_eq!(
            s.fake.request_count() - before,
            1,
            "a refusal is not retried"
        );
        assert_nothing_written(&failed, "OAuth 1.0a refused");
        s.assert_intact(&db, "after OAuth 1.0a refused").await?;

        // OneRoster 1.2: the token endpoint refuses the client; no data request is made.
        let dir = TempDir::new("gen")?;
        district(&dir.0, 10, 34)?;
        let fake12 = serve(&dir.0.join("day1"), OneRosterVersion::V1p2).await?;
        let wrong = s
            .rest
            .add(
                "OneRoster REST 1.2",
                config_for(&fake12, &json!({"client_secret": "wrong"})),
            )
            .await?;
        let failed = s.rest.sync(&wrong, SyncMode::Full).await?;
        let message = failure(&failed, "OAuth 2.0 with a wrong secret");
        assert!(message.contains("authentication failed"), "{message}");
        assert!(
            message.contains("refused the client credentials: invalid_client"),
            "{message}"
        );
        assert!(
            message.contains("/token"),
            "names the token endpoint: {message}"
        );
        assert_eq!(fake12.token_requests(), 1);
        assert_eq!(fake12.request_count(), 0, "no data request without a token");
        s.assert_intact(&db, "after OAuth 2.0 refused").await?;
        fake12.shutdown().await;
        s.fake.shutdown().await;
        Ok(())
    }
);

/// `YYYY-MM-DDTHH:MM:SS.000Z` for now.
fn now_timestamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i32::try_from(secs / 86_400).unwrap_or(i32::MAX);
    let rest = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}.000Z",
        Date::from_ymd(1970, 1, 1).add_days(days),
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// Copies the CSV folder `from` to `to`, renaming the first student of `users.csv` to
/// `given` and stamping it modified now. Returns its `sourcedId`.
fn rename_first_student(
    from: &std::path::Path,
    to: &std::path::Path,
    given: &str,
) -> Result<String> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    let mut reader = csv::Reader::from_path(from.join("users.csv"))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("users.csv has no {name}"))
    };
    let (id, role, given_col, modified) = (
        column("sourcedId")?,
        column("role")?,
        column("givenName")?,
        column("dateLastModified")?,
    );
    let mut writer = csv::Writer::from_path(to.join("users.csv"))?;
    writer.write_record(&headers)?;
    let mut renamed = None;
    for row in reader.records() {
        let row = row?;
        let mut fields: Vec<String> = row.iter().map(str::to_owned).collect();
        if renamed.is_none() && fields[role] == "student" {
            assert_ne!(fields[given_col], given);
            fields[given_col] = given.to_owned();
            fields[modified] = now_timestamp();
            renamed = Some(fields[id].clone());
        }
        writer.write_record(&fields)?;
    }
    writer.flush()?;
    renamed.context("no student in users.csv")
}

both_backends!(
    rest_delta_updates_exactly_the_changed_person,
    |db| async move {
        let s = synced(&db, 35).await?;
        let cursor = s.cursor.clone().expect("cursor");

        // The SIS renames one student. The fake serves a fixed dataset, so the changed export
        // is served by a new fake and the connector is pointed at it (a new address needs its
        // secret restated: issue 15).
        let changed = s.dir.0.join("changed");
        let student = rename_first_student(&s.dir.0.join("day1"), &changed, "Zebediah")?;
        let fake = serve(&changed, OneRosterVersion::V1p1).await?;
        s.rest
            .reconfigure(
                &s.connector,
                json!({
                    "base_url": fake.base_url().as_str(),
                    "version": "1.1",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "request_limit": 25,
                }),
            )
            .await?;
        let old_requests = s.fake.request_count();

        let delta = s.rest.sync(&s.connector, SyncMode::Delta).await?;
        assert_eq!(
            delta.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            delta.run.error
        );
        assert!(delta.errors().is_empty(), "{:?}", delta.errors());
        assert_eq!(
            s.fake.request_count(),
            old_requests,
            "the old fake is not asked"
        );

        // Exactly one person changed, nothing else was written or removed.
        let person = delta.of("person");
        assert_eq!(
            (
                person.created,
                person.updated,
                person.merged,
                person.archived
            ),
            (0, 1, 0, 0),
            "{person:?}"
        );
        assert_eq!(person.unchanged, 0, "only the changed user was read");
        for other in delta.counts.iter().filter(|c| c.entity != "person") {
            let c = other.counts;
            assert_eq!(
                (c.created, c.updated, c.merged, c.archived),
                (0, 0, 0, 0),
                "{}: {c:?}",
                other.entity
            );
        }
        assert_eq!(
            delta.of("org").unchanged,
            s.summary.orgs as u64,
            "orgs are always read in full"
        );
        for entity in ["term", "course", "class", "enrollment"] {
            assert_eq!(
                delta.reported(entity),
                None,
                "{entity} is not read by a delta"
            );
        }
        assert_eq!(census(&db.store).await?, s.census);

        let after = s.current(&db).await?;
        let mut want = s.roster.clone();
        let row = want.people.get_mut(&student).expect("the student is known");
        let (old_given, rest_of_row) = row.split_once(" | ").expect("a people row");
        assert_ne!(old_given, "Zebediah");
        *row = format!("Zebediah | {rest_of_row}");
        assert_eq!(after, want, "only {student}'s given name changed");

        // Every request but the orgs asked only for changes since the stored cursor.
        let filter = format!("dateLastModified>'{cursor}'");
        let requests = fake.requests();
        assert!(!requests.is_empty());
        for r in &requests {
            if r.path.ends_with("/orgs") {
                assert_eq!(r.param("filter"), None, "{r:?}");
            } else {
                assert_eq!(r.param("filter"), Some(filter.as_str()), "{r:?}");
            }
        }
        let users: Vec<_> = requests
            .iter()
            .filter(|r| r.path.ends_with("/users"))
            .collect();
        assert_eq!(users.len(), 1, "one user fits one page: {users:?}");

        // The delta's own cursor (its start minus the overlap, whole seconds) is stored.
        let moved = s.rest.connector(&s.connector).await?.delta_cursor;
        assert!(moved.is_some(), "a delta stores its cursor");
        assert_eq!(moved, delta.run.delta_cursor);
        assert!(moved >= s.cursor, "{moved:?} < {:?}", s.cursor);

        // Nothing changed since: the next delta writes nothing. The renamed student, modified
        // within the 5-minute overlap before that cursor, is read again and found unchanged.
        let quiet = s.rest.sync(&s.connector, SyncMode::Delta).await?;
        assert_eq!(
            quiet.outcome,
            RunOutcome::Succeeded,
            "{:?}",
            quiet.run.error
        );
        assert_nothing_written(&quiet, "a delta with no changes");
        let person = quiet.of("person");
        assert_eq!((person.unchanged, person.rejected), (1, 0), "{person:?}");
        assert_eq!(s.current(&db).await?, after);
        fake.shutdown().await;
        Ok(())
    }
);
