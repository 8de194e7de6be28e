//! Two writers changing the same people at once still count each person once. On PostgreSQL
//! the second writer's trigger waits for the first to commit (the district's counter rows are
//! locked first, in key order) and then counts on a snapshot that includes the first's rows;
//! SQLite has one writer at a time, so there the second runs after the first.

use std::time::Duration;

use anyhow::Result;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use homeroom_schema::enums::*;
use homeroom_schema::store::people;
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::{Backend, Conn, Store};
use homeroom_tests::{TestDb, both_backends, fixture, wait};

use crate::people_counts::Counts;

/// One transaction's write.
#[derive(Debug, Clone)]
enum Write {
    AddAide { person: String, org: String },
    RemoveAide { person: String, org: String },
    Archive { person: String },
}

async fn apply(conn: &mut Conn, district: &str, write: &Write) -> Result<()> {
    match write {
        Write::AddAide { person, org } => {
            let p = people::get(conn, district, person)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no person {person}"))?;
            people::add_role(conn, &p, Role::Aide, Some(org), RecordSource::Manual).await?;
        }
        Write::RemoveAide { person, org } => {
            let sql = format!(
                "DELETE FROM person_roles WHERE person_id = '{person}' AND role = 'aide' \
                 AND org_id = '{org}'"
            );
            conn.batch_execute(&sql).await?;
        }
        Write::Archive { person } => {
            status::set(
                conn,
                Archivable::Person,
                std::slice::from_ref(person),
                Status::Archived,
            )
            .await?;
        }
    }
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// PostgreSQL sessions of this database waiting for a lock.
async fn lock_waiters(conn: &mut Conn) -> Result<i64> {
    let Conn::Pg(obj) = conn else {
        return Ok(0);
    };
    let c: &mut diesel_async::AsyncPgConnection = obj;
    let row: Waiting = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .get_result(c)
    .await?;
    Ok(row.n)
}

/// Writes `first` in an open transaction, starts `second` in another, waits until the second is
/// blocked by the first (PostgreSQL), commits the first and lets the second finish.
async fn race(store: &Store, district: &str, first: Write, second: Write) -> Result<()> {
    let mut one = store.conn().await?;
    one.begin().await?;
    apply(&mut one, district, &first).await?;
    let (store2, district2) = (store.clone(), district.to_owned());
    let other = tokio::spawn(async move {
        let mut two = store2.conn().await?;
        two.begin().await?;
        apply(&mut two, &district2, &second).await?;
        two.commit().await?;
        anyhow::Ok(())
    });
    if store.backend() == Backend::Postgres {
        let mut watcher = store.conn().await?;
        let blocked = async || Ok(lock_waiters(&mut watcher).await? > 0);
        wait::until(
            "the second writer to wait",
            Duration::from_secs(10),
            blocked,
        )
        .await?;
    }
    one.commit().await?;
    drop(one);
    other.await??;
    Ok(())
}

fn add(fx: &fixture::Fixture, person: &str, org: &str) -> Write {
    Write::AddAide {
        person: fx.id(person).to_owned(),
        org: fx.id(org).to_owned(),
    }
}

both_backends!(racing_writers_count_each_person_once, |db| async move {
    let s = &db.store;
    let fx = fixture::load(s).await?;
    let d = fx.district_id.as_str();
    let mut counts = Counts::default();
    let remove = |person: &str, org: &str| Write::RemoveAide {
        person: fx.id(person).to_owned(),
        org: fx.id(org).to_owned(),
    };
    let archive = |person: &str| Write::Archive {
        person: fx.id(person).to_owned(),
    };

    // The same role at two schools at once: one more aide, not two.
    race(s, d, add(&fx, "TA", "schoolA"), add(&fx, "TA", "schoolB")).await?;
    counts.assert_exact(s, "two schools at once").await?;
    // A role added while the person is archived, both ways round.
    race(s, d, archive("TB"), add(&fx, "TB", "schoolA")).await?;
    counts.assert_exact(s, "archived, then a role").await?;
    race(s, d, add(&fx, "TC", "schoolB"), archive("TC")).await?;
    counts.assert_exact(s, "a role, then archived").await?;
    // The last two rows of a role removed at once: one aide fewer, not none and not two.
    race(s, d, remove("TA", "schoolA"), remove("TA", "schoolB")).await?;
    counts.assert_exact(s, "two removals at once").await?;
    Ok(())
});

/// What the lock is for: with it replaced by nothing, the second writer counts on a snapshot
/// without the first's row and adds the same aide again. PostgreSQL only: SQLite has one writer
/// at a time and no lock to take away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_writers_without_the_lock_count_twice_on_postgres() -> Result<()> {
    let db = TestDb::new(Backend::Postgres).await?;
    let s = &db.store;
    let fx = fixture::load(s).await?;
    s.conn()
        .await?
        .batch_execute(
            "CREATE OR REPLACE FUNCTION people_counts_lock(lock_districts TEXT[]) RETURNS void \
             LANGUAGE plpgsql AS $$ BEGIN END $$",
        )
        .await?;
    let d = fx.district_id.as_str();
    race(s, d, add(&fx, "TA", "schoolA"), add(&fx, "TA", "schoolB")).await?;
    let wrong = Counts::default().mismatches(s).await?;
    let line = format!("{:?}: counter 2, rows 1", (d, "aide", "active"));
    assert!(wrong.contains(&line), "{line} not in {wrong:#?}");
    Ok(())
}
