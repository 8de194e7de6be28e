//! The people counters (`people_counts`, kept by database triggers) against the rows they
//! count: after every kind of write, every (district, role, status) counter equals a count of
//! the real rows, and so does a district admin's GraphQL `totalCount`.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow};
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use homeroom_district_gen::{GenerateOptions, generate_to_dir};
use homeroom_schema::enums::*;
use homeroom_schema::page::PageRequest;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::people::{self, PersonFilter};
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::store::{districts, orgs};
use homeroom_schema::{Conn, Store};
use homeroom_service::tokens::{self, NewToken};
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::{csv_connector, run};
use homeroom_tests::{both_backends, fixture, graphql};
use serde_json::{Value, json};

use crate::admin_support::pid;

/// (district, role, status); role `""` is everyone of the status.
type Key = (String, String, String);

#[derive(diesel::QueryableByName)]
struct CountRow {
    #[diesel(sql_type = Text)]
    district_id: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The counts the list query means, from the rows: everyone per status, and per role the people
/// holding it (once, whatever the number of orgs).
const FROM_ROWS: &str = "SELECT p.district_id AS district_id, '' AS role, p.status AS status, \
    COUNT(*) AS n FROM people p GROUP BY p.district_id, p.status \
    UNION ALL \
    SELECT p.district_id, r.role, p.status, COUNT(DISTINCT p.id) FROM people p \
    JOIN person_roles r ON r.person_id = p.id AND r.district_id = p.district_id \
    GROUP BY p.district_id, r.role, p.status";

/// Every district, as a row of the same shape.
const EVERY_DISTRICT: &str =
    "SELECT id AS district_id, '' AS role, '' AS status, CAST(0 AS BIGINT) AS n FROM districts";

const FROM_COUNTERS: &str = "SELECT district_id, role, status, n FROM people_counts";

const TOTAL: &str = "query($f: PersonFilter) { people(filter: $f) { totalCount } }";

/// Runs a statement returning rows, on either backend.
pub async fn count_rows(conn: &mut Conn, sql: &str) -> Result<BTreeMap<Key, i64>> {
    let rows: Vec<CountRow> = match conn {
        Conn::Sqlite(obj) => {
            let c: &mut homeroom_schema::db::SqliteConn = obj;
            diesel::sql_query(sql).load(c).await?
        }
        Conn::Pg(obj) => {
            let c: &mut diesel_async::AsyncPgConnection = obj;
            diesel::sql_query(sql).load(c).await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| ((r.district_id, r.role, r.status), r.n))
        .collect())
}

/// Compares the counters with the rows, and a district admin's `totalCount` with both, for every
/// key of every district.
#[derive(Default)]
pub struct Counts {
    admins: BTreeMap<String, String>,
}

impl Counts {
    /// A district admin token of `district` (made once).
    pub async fn admin(&mut self, store: &Store, district: &str) -> Result<String> {
        if let Some(token) = self.admins.get(district) {
            return Ok(token.clone());
        }
        let (_, secret) = tokens::create(
            store,
            NewToken {
                district_id: Some(district.to_owned()),
                role: TokenRole::DistrictAdmin,
                person_id: None,
                partner_name: None,
                scopes: Vec::new(),
                label: None,
            },
        )
        .await?;
        self.admins.insert(district.to_owned(), secret.clone());
        Ok(secret)
    }

    /// Every disagreement, described; empty when the counters, the rows and GraphQL agree.
    pub async fn mismatches(&mut self, store: &Store) -> Result<Vec<String>> {
        let mut conn = store.conn().await?;
        let rows = count_rows(&mut conn, FROM_ROWS).await?;
        let counters = count_rows(&mut conn, FROM_COUNTERS).await?;
        let district_ids: BTreeSet<String> = count_rows(&mut conn, EVERY_DISTRICT)
            .await?
            .into_keys()
            .map(|(d, _, _)| d)
            .collect();
        drop(conn);
        let mut keys: BTreeSet<Key> = rows.keys().chain(counters.keys()).cloned().collect();
        for d in &district_ids {
            for role in std::iter::once("").chain(Role::ALL.iter().map(|r| r.as_str())) {
                for status in Status::ALL {
                    keys.insert((d.clone(), role.to_owned(), status.as_str().to_owned()));
                }
            }
        }
        let mut out = Vec::new();
        for key in keys {
            let want = rows.get(&key).copied().unwrap_or(0);
            let stored = counters.get(&key).copied().unwrap_or(0);
            if stored != want {
                out.push(format!("{key:?}: counter {stored}, rows {want}"));
            }
            let token = self.admin(store, &key.0).await?;
            let shown = total_count(store, &token, &key.1, &key.2).await?;
            if shown != want {
                out.push(format!("{key:?}: totalCount {shown}, rows {want}"));
            }
        }
        Ok(out)
    }

    /// Fails the test unless every key agrees, naming `step`.
    pub async fn assert_exact(&mut self, store: &Store, step: &str) -> Result<()> {
        let wrong = self.mismatches(store).await?;
        assert!(wrong.is_empty(), "{step}: {wrong:#?}");
        Ok(())
    }
}

/// A district admin's `people(filter: {role, status}) { totalCount }`.
async fn total_count(store: &Store, token: &str, role: &str, status: &str) -> Result<i64> {
    let mut filter = json!({ "status": status.to_uppercase() });
    if !role.is_empty() {
        filter["role"] = json!(role.to_uppercase());
    }
    let resp = graphql::execute(store, Some(token), TOTAL, json!({ "f": filter })).await;
    resp["data"]["people"]["totalCount"]
        .as_i64()
        .ok_or_else(|| anyhow!("no totalCount for {role:?} {status:?}: {resp}"))
}

/// Runs a GraphQL mutation as `token`; fails on errors or user errors.
async fn mutate(store: &Store, token: &str, query: &str, vars: Value, field: &str) -> Value {
    let resp = graphql::execute(store, Some(token), query, vars).await;
    assert_eq!(resp["errors"], Value::Null, "{resp}");
    assert_eq!(resp["data"][field]["userErrors"], json!([]), "{resp}");
    resp["data"][field].clone()
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// The ids of the first `n` active people of `district` holding `role`.
async fn first_with(store: &Store, district: &str, role: Role, n: i64) -> Result<Vec<String>> {
    let filter = PersonFilter {
        role: Some(role),
        ..Default::default()
    };
    let page = PageRequest {
        first: Some(n),
        after: None,
    };
    let mut conn = store.conn().await?;
    let found = people::list(&mut conn, district, &Scope::District, &filter, &page).await?;
    Ok(found.items.into_iter().map(|p| p.id).collect())
}

/// A new person of `district` holding `roles` (at the given orgs).
async fn person_with(
    conn: &mut Conn,
    district: &str,
    name: &str,
    roles: &[(Role, Option<&str>)],
) -> Result<homeroom_schema::models::Person> {
    let mut p = people::new_person(district, name, "Counted");
    p.is_student = roles.iter().any(|(r, _)| *r == Role::Student);
    people::insert(conn, &p).await?;
    for (role, org) in roles {
        people::add_role(conn, &p, *role, *org, RecordSource::Manual).await?;
    }
    Ok(p)
}

const ARCHIVE: &str = "mutation($ids: [ID!]!) { archivePeople(ids: $ids, override: true) {
  userErrors { code } } }";
const RESTORE: &str = "mutation($ids: [ID!]!) { restorePeople(ids: $ids) { userErrors { code } } }";
const MERGE: &str = "mutation($s: ID!, $d: ID!) { mergePeople(survivorId: $s, duplicateId: $d) {
  auditEvent { id } userErrors { code } } }";
const UNMERGE: &str = "mutation($e: ID!) { unmerge(auditEventId: $e) { userErrors { code } } }";

both_backends!(
    counters_equal_the_rows_after_every_kind_of_write,
    |db| async move {
        let s = &db.store;
        let mut counts = Counts::default();

        // A real import of a generated district, then the next day's files (joiners; leavers are
        // archived by the sync).
        let dir = TempDir::new("people-counts")?;
        let report = generate_to_dir(
            GenerateOptions {
                students: 120,
                seed: 19,
                churn_pct: Some(10.0),
            },
            &dir.0,
        )?;
        let live = dir.0.join("live");
        copy_dir(&report.day1.dir, &live)?;
        let connector = csv_connector(s, &live).await?;
        run(s, &connector, SyncMode::Full, false)
            .await?
            .assert_clean();
        counts.assert_exact(s, "after the import").await?;
        let day2 = report.day2.as_ref().context("day 2")?;
        copy_dir(&day2.dir, &live)?;
        let resync = run(s, &connector, SyncMode::Full, false).await?;
        resync.assert_clean();
        assert!(
            resync.of("person").archived > 0,
            "the re-sync archived no one"
        );
        counts.assert_exact(s, "after the re-sync").await?;

        let mut c = s.conn().await?;
        let d = districts::get_default(&mut c)
            .await?
            .context("district")?
            .id;
        let admin = counts.admin(s, &d).await?;

        // Archive and restore, through the API.
        let mut picked = first_with(s, &d, Role::Student, 3).await?;
        picked.extend(first_with(s, &d, Role::Guardian, 2).await?);
        let ids: Vec<Value> = picked.iter().map(|id| pid(id)).collect();
        mutate(s, &admin, ARCHIVE, json!({ "ids": ids }), "archivePeople").await;
        counts.assert_exact(s, "after archiving").await?;
        mutate(s, &admin, RESTORE, json!({ "ids": ids }), "restorePeople").await;
        counts.assert_exact(s, "after restoring").await?;

        // A merge of two adults and its undo. The survivor, a guardian, also teaches at school X;
        // the duplicate is a guardian too (that row collapses into the survivor's), teaches at
        // school Y (moves: the survivor then teaches at two schools, still one teacher) and is
        // staff (moves: a new role for the survivor). The duplicate ends archived.
        let schools = [
            fixture::org(&d, "School X", OrgType::School),
            fixture::org(&d, "School Y", OrgType::School),
        ];
        orgs::insert(&mut c, &schools).await?;
        let (x, y) = (schools[0].id.as_str(), schools[1].id.as_str());
        let survivor_id = first_with(s, &d, Role::Guardian, 1).await?.remove(0);
        let survivor = people::get(&mut c, &d, &survivor_id)
            .await?
            .context("survivor")?;
        people::add_role(
            &mut c,
            &survivor,
            Role::Teacher,
            Some(x),
            RecordSource::Manual,
        )
        .await?;
        let roles = [
            (Role::Guardian, None),
            (Role::Teacher, Some(y)),
            (Role::Staff, None),
        ];
        let duplicate = person_with(&mut c, &d, "Twin", &roles).await?;
        counts.assert_exact(s, "before the merge").await?;
        let vars = json!({ "s": pid(&survivor.id), "d": pid(&duplicate.id) });
        let merged = mutate(s, &admin, MERGE, vars, "mergePeople").await;
        counts.assert_exact(s, "after the merge").await?;
        let event = merged["auditEvent"]["id"].clone();
        mutate(s, &admin, UNMERGE, json!({ "e": event }), "unmerge").await;
        counts.assert_exact(s, "after undoing the merge").await?;

        // A role held at two schools, removed from one and then the other.
        let aide = first_with(s, &d, Role::Guardian, 2).await?.remove(1);
        let aide = people::get(&mut c, &d, &aide).await?.context("aide")?;
        for org in [x, y] {
            people::add_role(&mut c, &aide, Role::Aide, Some(org), RecordSource::Manual).await?;
            counts.assert_exact(s, "after adding a role").await?;
        }
        for org in [x, y] {
            let sql = format!(
                "DELETE FROM person_roles WHERE person_id = '{}' AND role = 'aide' AND org_id = '{org}'",
                aide.id
            );
            c.batch_execute(&sql).await?;
            counts.assert_exact(s, "after removing a role").await?;
        }

        // A second district, with its own people, one of them archived.
        let d2 = districts::create(&mut c, "Second District", false)
            .await?
            .id;
        let school = fixture::org(&d2, "Other School", OrgType::School);
        orgs::insert(&mut c, std::slice::from_ref(&school)).await?;
        let at = Some(school.id.as_str());
        person_with(&mut c, &d2, "Stu", &[(Role::Student, at)]).await?;
        let teacher = person_with(
            &mut c,
            &d2,
            "Tea",
            &[(Role::Teacher, at), (Role::Staff, at)],
        )
        .await?;
        person_with(&mut c, &d2, "Nobody", &[]).await?;
        status::set(
            &mut c,
            Archivable::Person,
            std::slice::from_ref(&teacher.id),
            Status::Archived,
        )
        .await?;
        counts.assert_exact(s, "with a second district").await?;

        // Nothing deletes people today; if something does, its counts still follow.
        c.batch_execute(&format!("DELETE FROM people WHERE id = '{}'", teacher.id))
            .await?;
        counts.assert_exact(s, "after deleting a person").await?;
        Ok(())
    }
);

both_backends!(a_missing_trigger_is_caught, |db| async move {
    let s = &db.store;
    let fx = fixture::load(s).await?;
    let mut counts = Counts::default();
    counts.assert_exact(s, "after loading").await?;

    // Without the trigger on people's updates, an archive leaves the counters behind.
    let mut c = s.conn().await?;
    let drop = match db.backend() {
        homeroom_tests::Backend::Sqlite => "DROP TRIGGER people_counts_people_update",
        homeroom_tests::Backend::Postgres => "DROP TRIGGER people_counts_people_update ON people",
    };
    c.batch_execute(drop).await?;
    status::set(
        &mut c,
        Archivable::Person,
        &[fx.id("S1").to_owned()],
        Status::Archived,
    )
    .await?;
    let wrong = counts.mismatches(s).await?;
    let d = fx.district_id.as_str();
    for (role, status, what) in [
        ("student", "archived", "counter 0, rows 1"),
        ("student", "archived", "totalCount 0, rows 1"),
        ("", "active", "counter 11, rows 10"),
    ] {
        let line = format!("{:?}: {what}", (d, role, status));
        assert!(wrong.contains(&line), "{line} not in {wrong:#?}");
    }
    Ok(())
});

both_backends!(
    only_whole_district_counts_read_the_counters,
    |db| async move {
        let s = &db.store;
        let fx = fixture::load(s).await?;
        let admin = Counts::default().admin(s, &fx.district_id).await?;
        let teacher = graphql::token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let students = async |token: &str, filter: Value| {
            let resp = graphql::execute(s, Some(token), TOTAL, json!({ "f": filter })).await;
            resp["data"]["people"]["totalCount"].as_i64()
        };
        let all = json!({ "role": "STUDENT" });
        let search = json!({ "role": "STUDENT", "search": "s" });
        assert_eq!(students(&admin, all.clone()).await, Some(4));
        assert_eq!(students(&admin, search.clone()).await, Some(4));
        assert_eq!(students(&teacher, all.clone()).await, Some(2));

        // A counter set off by hand shows in the admin's plain count, and only there.
        let mut c = s.conn().await?;
        c.batch_execute(
            "UPDATE people_counts SET n = n + 100 WHERE role = 'student' AND status = 'active'",
        )
        .await?;
        assert_eq!(students(&admin, all.clone()).await, Some(104));
        assert_eq!(students(&admin, search).await, Some(4));
        assert_eq!(students(&teacher, all).await, Some(2));
        Ok(())
    }
);
