//! Running syncs in tests exactly as the CLI and the API do, and counting what they left.

use anyhow::Result;
use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, RelationshipStatus, Role, Severity, Status, SyncMode};
use homeroom_schema::models::{SyncIssue, SyncRun};
use homeroom_schema::page::PageRequest;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::classes::{self, ClassFilter};
use homeroom_schema::store::people::{self, PersonFilter};
use homeroom_schema::store::relationships::{self, RelationshipFilter};
use homeroom_schema::store::{districts, sync_runs};
use homeroom_service::connectors::{self, NewConnector};
use homeroom_service::sync::SyncService;
use homeroom_sync::RunOutcome;
use homeroom_sync::report::EntityCounts;

/// The secret key tests encrypt connector secrets with (one per test process).
pub fn test_key() -> homeroom_core::secrets::SecretKey {
    key_pair().0.clone()
}

/// The test key in base64, for `HOMEROOM_SECRET_KEY` of a server the test starts.
pub fn test_key_base64() -> String {
    key_pair().1.clone()
}

fn key_pair() -> &'static (homeroom_core::secrets::SecretKey, String) {
    static KEY: std::sync::OnceLock<(homeroom_core::secrets::SecretKey, String)> =
        std::sync::OnceLock::new();
    KEY.get_or_init(homeroom_core::secrets::SecretKey::generate)
}

/// Adds a connector of `kind` with `config` and returns its id.
pub async fn add_connector(
    store: &Store,
    kind: ConnectorKind,
    name: &str,
    config: serde_json::Value,
) -> Result<String> {
    let row = connectors::create(
        store,
        &connectors::registry(),
        Some(&test_key()),
        None,
        NewConnector {
            district_id: None,
            kind,
            name: name.into(),
            config,
            schedule: None,
        },
    )
    .await?;
    Ok(row.id)
}

/// Adds a OneRoster CSV connector reading `path`.
pub async fn csv_connector(store: &Store, path: &std::path::Path) -> Result<String> {
    add_connector(
        store,
        ConnectorKind::OneRosterCsv,
        "OneRoster CSV",
        serde_json::json!({ "path": path.display().to_string() }),
    )
    .await
}

/// A finished run: the row, the outcome, and its report.
pub struct Finished {
    /// The run row.
    pub run: SyncRun,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Its counts per entity.
    pub counts: Vec<EntityCounts>,
    /// Its issues.
    pub issues: Vec<SyncIssue>,
}

impl Finished {
    /// Counts of one entity. Panics when the run reported none for it: a count assertion must
    /// not pass on a report that is missing or unreadable.
    pub fn of(&self, entity: &str) -> homeroom_sync::Counts {
        self.counts
            .iter()
            .find(|c| c.entity == entity)
            .map(|c| c.counts)
            .unwrap_or_else(|| {
                panic!(
                    "the run reported no {entity} counts; it reported {:?}",
                    self.counts.iter().map(|c| &c.entity).collect::<Vec<_>>()
                )
            })
    }

    /// Counts of one entity, or `None` when the run reported none for it (it read no record
    /// of that kind).
    pub fn reported(&self, entity: &str) -> Option<homeroom_sync::Counts> {
        self.counts
            .iter()
            .find(|c| c.entity == entity)
            .map(|c| c.counts)
    }

    /// Issues with `code`.
    pub fn with_code(&self, code: &str) -> Vec<&SyncIssue> {
        self.issues.iter().filter(|i| i.code == code).collect()
    }

    /// Errors.
    pub fn errors(&self) -> Vec<&SyncIssue> {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .collect()
    }

    /// Panics unless the run succeeded without rejecting a record.
    pub fn assert_clean(&self) {
        assert_eq!(self.outcome, RunOutcome::Succeeded, "{:?}", self.run.error);
        assert!(self.errors().is_empty(), "{:?}", self.errors());
    }
}

/// Generates a district of `students` (day 1 only, under `dir/day1`); returns its summary.
pub fn district(
    dir: &std::path::Path,
    students: usize,
    seed: u64,
) -> Result<homeroom_district_gen::DistrictSummary> {
    Ok(homeroom_district_gen::generate_to_dir(
        homeroom_district_gen::GenerateOptions {
            students,
            seed,
            churn_pct: None,
        },
        dir,
    )?
    .day1
    .summary)
}

/// Runs a sync of `connector_id` to the end.
pub async fn run(
    store: &Store,
    connector_id: &str,
    mode: SyncMode,
    dry_run: bool,
) -> Result<Finished> {
    let service = SyncService::new(store.clone(), Some(test_key()));
    let district = districts::get_default(&mut store.conn().await?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no default district"))?;
    let queued = service
        .queue(&district.id, connector_id, mode, dry_run, Some("test"))
        .await?;
    let (run, outcome) = service.execute(&queued).await?;
    finished(store, run, outcome).await
}

/// Loads the report of a run.
pub async fn finished(store: &Store, run: SyncRun, outcome: RunOutcome) -> Result<Finished> {
    let mut conn = store.conn().await?;
    let mut issues = Vec::new();
    let mut after = None;
    loop {
        let page = sync_runs::issues(
            &mut conn,
            &run.id,
            None,
            None,
            &PageRequest {
                first: Some(500),
                after: after.clone(),
            },
        )
        .await?;
        after = page.items.last().map(|i| i.id.clone());
        let more = page.has_next;
        issues.extend(page.items);
        if !more {
            break;
        }
    }
    let counts = run.counts.0.clone();
    Ok(Finished {
        run,
        outcome,
        counts,
        issues,
    })
}

/// What the district holds, for exact assertions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Census {
    /// Active people.
    pub people: i64,
    /// Archived people.
    pub archived_people: i64,
    /// Active students.
    pub students: i64,
    /// Active guardians.
    pub guardians: i64,
    /// Active teachers.
    pub teachers: i64,
    /// Active classes.
    pub classes: i64,
    /// Active enrollments.
    pub enrollments: i64,
    /// Active relationships.
    pub relationships: i64,
}

/// Counts the default district.
pub async fn census(store: &Store) -> Result<Census> {
    let mut c = store.conn().await?;
    let d = districts::get_default(&mut c)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no default district"))?;
    let all = Scope::District;
    let role = |r| PersonFilter {
        role: Some(r),
        ..Default::default()
    };
    Ok(Census {
        people: people::count(&mut c, &d.id, &all, &PersonFilter::default()).await?,
        archived_people: people::count(
            &mut c,
            &d.id,
            &all,
            &PersonFilter {
                status: Some(Status::Archived),
                ..Default::default()
            },
        )
        .await?,
        students: people::count(&mut c, &d.id, &all, &role(Role::Student)).await?,
        guardians: people::count(&mut c, &d.id, &all, &role(Role::Guardian)).await?,
        teachers: people::count(&mut c, &d.id, &all, &role(Role::Teacher)).await?,
        classes: classes::count(&mut c, &d.id, &all, &ClassFilter::default()).await?,
        enrollments: classes::count_enrollments(&mut c, &d.id, Status::Active).await?,
        relationships: relationships::count(
            &mut c,
            &d.id,
            &all,
            &RelationshipFilter {
                status: Some(RelationshipStatus::Active),
                ..Default::default()
            },
        )
        .await?,
    })
}

/// The census a clean import of a generated district gives.
pub fn expect(s: &homeroom_district_gen::DistrictSummary) -> Census {
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    Census {
        people: n(s.expected_people),
        archived_people: 0,
        students: n(s.students),
        guardians: n(s.guardians),
        teachers: n(s.teachers),
        classes: n(s.classes),
        enrollments: n(s.enrollments),
        relationships: n(s.relationships),
    }
}
