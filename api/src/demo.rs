//! `homeroom serve --demo`: a deterministic, realistic sample district loaded the way a district
//! loads its own, through the OneRoster CSV connector, so a newcomer can query at once. The files
//! come from the synthetic district generator (same seed, same district); a third of the classes
//! are claimed by their teachers. Seeded once; later starts reuse it.

use std::path::PathBuf;

use homeroom_schema::Store;
use homeroom_schema::enums::{ConnectorKind, EnrollmentRole, OrgType, SyncMode, TokenRole};
use homeroom_schema::scope::Scope;
use homeroom_schema::store::{classes, districts, orgs, people};

use crate::config::Settings;
use homeroom_service::connectors::{self, NewConnector};
use homeroom_service::sync::SyncService;
use homeroom_service::tokens::{self, NewToken};
use homeroom_sync::RunOutcome;

/// Students in the demo district.
pub const STUDENTS: usize = 700;
/// The generator seed of the demo district.
pub const SEED: u64 = 2026;

/// Where the demo's OneRoster files live (regenerated identically when missing).
pub fn files_dir() -> PathBuf {
    std::env::temp_dir().join(format!("homeroom-demo-{SEED}-{STUDENTS}"))
}

/// Loads the demo district when the database has no people yet; returns whether it did.
pub async fn seed(store: &Store, sync: &SyncService) -> anyhow::Result<bool> {
    let district = {
        let mut conn = store.conn().await?;
        let district = districts::ensure_default(&mut conn, "Demo District").await?;
        let existing = people::count(
            &mut conn,
            &district.id,
            &Scope::District,
            &Default::default(),
        )
        .await?;
        if existing > 0 {
            return Ok(false);
        }
        district
    };
    let dir = files_dir();
    let day1 = dir.join("day1");
    if !day1.join("manifest.csv").exists() {
        homeroom_district_gen::generate_to_dir(
            homeroom_district_gen::GenerateOptions {
                students: STUDENTS,
                seed: SEED,
                churn_pct: None,
            },
            &dir,
        )?;
    }
    let connector = connectors::create(
        store,
        &sync.registry,
        sync.key.as_ref(),
        None,
        NewConnector {
            district_id: Some(district.id.clone()),
            kind: ConnectorKind::OneRosterCsv,
            name: "Demo SIS (OneRoster CSV)".into(),
            config: serde_json::json!({ "path": day1.display().to_string() }),
            schedule: None,
        },
    )
    .await?;
    let run = sync
        .queue(
            &district.id,
            &connector.id,
            SyncMode::Full,
            false,
            Some("demo"),
        )
        .await?;
    let (_, outcome) = sync.execute(&run).await?;
    if outcome != RunOutcome::Succeeded {
        anyhow::bail!("the demo import did not succeed: {outcome:?}");
    }
    let mut conn = store.conn().await?;
    if let Some(org) = orgs::list(&mut conn, &district.id)
        .await?
        .into_iter()
        .find(|o| o.org_type == OrgType::District)
    {
        districts::rename(&mut conn, &district.id, &org.name).await?;
    }
    // A third of the classes are claimed by their primary teacher.
    let mut after = None;
    let mut n = 0usize;
    loop {
        let page = classes::list(
            &mut conn,
            &district.id,
            &Scope::District,
            &Default::default(),
            &homeroom_schema::page::PageRequest {
                first: Some(500),
                after: after.clone(),
            },
        )
        .await?;
        let ids: Vec<String> = page.items.iter().map(|c| c.id.clone()).collect();
        let enrollments = classes::enrollments_of_classes(&mut conn, &ids).await?;
        for class in &page.items {
            n += 1;
            if n % 3 != 1 {
                continue;
            }
            let teacher = enrollments
                .iter()
                .find(|e| e.class_id == class.id && e.role == EnrollmentRole::Teacher);
            if let Some(t) = teacher {
                classes::claim(&mut conn, &district.id, &class.id, &t.person_id).await?;
            }
        }
        after = page.items.last().map(|c| c.id.clone());
        if !page.has_next {
            break;
        }
    }
    Ok(true)
}

/// Seeds if needed, then prints a district-admin token and a first query.
pub async fn prepare(store: &Store, sync: &SyncService, settings: &Settings) -> anyhow::Result<()> {
    let seeded = seed(store, sync).await?;
    let (_, token) = tokens::create(
        store,
        NewToken {
            district_id: None,
            role: TokenRole::DistrictAdmin,
            person_id: None,
            partner_name: None,
            scopes: Vec::new(),
            label: Some("demo".into()),
        },
    )
    .await?;
    let url = format!("http://{}/graphql", settings.listen);
    println!(
        "Homeroom console: http://{}/ (sign in with the admin token below, under \"API token\")",
        settings.listen
    );
    println!(
        "Homeroom demo: {} sample district at {url} (GraphiQL in a browser)\n\
         Admin token: {token}\n\
         Try:\n  curl -s {url} -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\\n    \
         -d '{{\"query\":\"{{ district {{ name schools {{ name }} }} classes(first: 3) {{ totalCount edges {{ node {{ title teachers {{ displayName }} students {{ displayName }} }} }} }} }}\"}}'",
        if seeded { "loaded the" } else { "reusing the" },
    );
    Ok(())
}
