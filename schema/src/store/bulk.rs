//! Batch upserts: thousands of rows per call, for the sync engine.
//!
//! An upsert writes a row only when its `sis_hash` differs from the stored one, so re-sending an
//! unchanged roster costs reads, not writes. Batch sizes keep each statement under the bind
//! parameter limits (SQLite 32,766; PostgreSQL 65,535).
//!
//! `upsert_people` is the hot path of a sync (a large district re-sends a million people) and has
//! a hand-built statement per backend, measured by `schema/benches/upsert_people.rs`:
//! - SQLite: one single-row statement per person, prepared once per connection and re-bound
//!   for every row, inside one transaction (a savepoint when nested) per chunk;
//! - PostgreSQL: one `INSERT … SELECT` of `unnest(<one array per column>)` per chunk, which
//!   first skips rows whose stored `sis_hash` already matches.
//!
//! Both write the same `ON CONFLICT` clause ([`PEOPLE_ON_CONFLICT`]), so the two backends keep
//! identical semantics.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};
use diesel::sqlite::Sqlite;
use diesel::{Insertable, QueryResult, RunQueryDsl};

use crate::db::{Backend, Conn, upsert_rows};
use crate::error::StoreResult;
use crate::models::Person;
use crate::tables::people;

/// Rows per statement for a table of `columns` columns on `backend`.
pub fn batch_rows(backend: Backend, columns: usize) -> usize {
    let binds = match backend {
        Backend::Sqlite => 32_766,
        Backend::Postgres => 65_535,
    };
    (binds / columns).min(2_000)
}

/// People per SQLite transaction (and per owned copy sent to the blocking thread). Per-row
/// statements have no bind limit; the chunk bounds the copy and how long one commit holds the
/// write lock. 1,000 to 20,000 measured the same within run-to-run noise.
const SQLITE_PEOPLE_CHUNK: usize = 5_000;

/// People per PostgreSQL statement. The arrays are 19 bind parameters whatever the row count, so
/// the bind limit does not apply; the chunk bounds one message (about 0.5 KiB a row). 2,000 to
/// 10,000 measured the same within run-to-run noise, so the smallest.
const PG_PEOPLE_CHUNK: usize = 2_000;

/// What an upsert of `people` does on conflict, identical on both backends: the SIS-owned fields
/// are replaced only when the stored `sis_hash` is missing or differs, and local fields
/// (`status`, `account_state`, `password_hash`, `created_at`, `archived_at`) are never touched.
const PEOPLE_ON_CONFLICT: &str = " ON CONFLICT (id) DO UPDATE SET \
    given_name = excluded.given_name, \
    family_name = excluded.family_name, \
    middle_name = excluded.middle_name, \
    preferred_name = excluded.preferred_name, \
    grade = excluded.grade, \
    student_number = excluded.student_number, \
    state_id = excluded.state_id, \
    sis_id = excluded.sis_id, \
    is_student = excluded.is_student, \
    search_text = excluded.search_text, \
    sis_hash = excluded.sis_hash, \
    updated_at = excluded.updated_at \
    WHERE people.sis_hash IS NULL OR people.sis_hash <> excluded.sis_hash";

/// Inserts or updates people by id, changing only rows whose `sis_hash` differs and never
/// touching local fields (account state, password, status set by hand). Returns rows written.
pub async fn upsert_people(conn: &mut Conn, rows: &[Person]) -> StoreResult<usize> {
    let chunk_rows = match conn.backend() {
        Backend::Sqlite => SQLITE_PEOPLE_CHUNK,
        Backend::Postgres => PG_PEOPLE_CHUNK,
    };
    let mut written = 0;
    for chunk in rows.chunks(chunk_rows) {
        written += upsert_rows!(
            conn,
            chunk,
            sqlite: |row| SqlitePersonUpsert(row.values()),
            postgres: |batch| PgPeopleUpsert::new(batch),
        );
    }
    Ok(written)
}

/// One person's upsert on SQLite: `INSERT INTO people (<columns>) VALUES (<binds>)` as diesel
/// renders the model, then [`PEOPLE_ON_CONFLICT`].
///
/// Why not `insert_into(…).on_conflict(…).do_update()`: diesel marks every `DO UPDATE` as unsafe
/// to cache (a `SET` list made of `Option`s may render as `DO NOTHING`), so SQLite parsed and
/// planned the statement again for every row, which was most of the time spent per row. This
/// statement's SQL never varies (the model is inserted with `treat_none_as_default_value =
/// false`, so every column is a bind; a test below checks it), so it has a static query id and
/// diesel prepares it once per connection.
struct SqlitePersonUpsert<'a>(<&'a Person as Insertable<people::table>>::Values);

impl QueryId for SqlitePersonUpsert<'_> {
    type QueryId = SqlitePersonUpsert<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Sqlite> for SqlitePersonUpsert<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("INSERT INTO people ");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(PEOPLE_ON_CONFLICT);
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for SqlitePersonUpsert<'_> {}

/// A chunk of people upserted on PostgreSQL in one statement, each column bound as one array:
///
/// ```sql
/// INSERT INTO people (…)
/// SELECT * FROM (SELECT unnest($1::text[]), …, unnest($19::int8[])) AS r (…)
/// WHERE r.sis_hash IS NULL
///    OR (SELECT p.sis_hash FROM people p WHERE p.id = r.id) IS DISTINCT FROM r.sis_hash
/// ON CONFLICT (id) DO UPDATE SET … WHERE people.sis_hash IS NULL OR people.sis_hash <> …
/// ```
///
/// Why not diesel's multi-row `VALUES`: that is 19 bind parameters per row (38,000 for 2,000
/// rows), a statement text that grows with the chunk and is parsed and planned on every call, and
/// a bind limit that caps the chunk; here the text is fixed, so diesel keeps it prepared, and the
/// chunk is limited only by message size.
///
/// Why the `WHERE`: PostgreSQL's `ON CONFLICT DO UPDATE … WHERE` locks every conflicting row even
/// when the `WHERE` is false, which dirties its heap page and writes WAL for each unchanged row.
/// Skipping rows whose stored hash already matches turns an unchanged re-send into index reads
/// (without it, pass 2 of the bench ran at about half the speed). It only drops rows the
/// `ON CONFLICT` condition would refuse, and that condition still decides (a row may change in
/// between), so the result is the same as without the filter. It is a correlated subquery rather
/// than `NOT EXISTS` on purpose: the planner turns `NOT EXISTS` into an anti-join, and with
/// custom plans (a sync's connection is in bulk mode, [`crate::db::Conn::set_bulk_mode`], so
/// the planner sees that a chunk has 2,000 rows) it
/// picks a hash anti-join over a sequential scan of the whole table until the table holds between
/// 100,000 and 200,000 rows (27 ms instead of 2 ms a chunk at 100,000); the subquery is always one
/// primary-key probe per row.
struct PgPeopleUpsert<'a> {
    id: Vec<&'a str>,
    district_id: Vec<&'a str>,
    given_name: Vec<&'a str>,
    family_name: Vec<&'a str>,
    middle_name: Vec<Option<&'a str>>,
    preferred_name: Vec<Option<&'a str>>,
    status: Vec<&'static str>,
    account_state: Vec<&'static str>,
    is_student: Vec<bool>,
    grade: Vec<Option<&'a str>>,
    student_number: Vec<Option<&'a str>>,
    state_id: Vec<Option<&'a str>>,
    sis_id: Vec<Option<&'a str>>,
    password_hash: Vec<Option<&'a str>>,
    search_text: Vec<&'a str>,
    sis_hash: Vec<Option<&'a str>>,
    created_at: Vec<i64>,
    updated_at: Vec<i64>,
    archived_at: Vec<Option<i64>>,
}

/// The columns of [`PgPeopleUpsert`], in bind order.
const PG_PEOPLE_COLUMNS: &str = "id, district_id, given_name, family_name, middle_name, \
    preferred_name, status, account_state, is_student, grade, student_number, state_id, sis_id, \
    password_hash, search_text, sis_hash, created_at, updated_at, archived_at";

impl<'a> PgPeopleUpsert<'a> {
    fn new(rows: &'a [Person]) -> Self {
        fn col<'a, T>(rows: &'a [Person], f: impl Fn(&'a Person) -> T) -> Vec<T> {
            rows.iter().map(f).collect()
        }
        PgPeopleUpsert {
            id: col(rows, |p| p.id.as_str()),
            district_id: col(rows, |p| p.district_id.as_str()),
            given_name: col(rows, |p| p.given_name.as_str()),
            family_name: col(rows, |p| p.family_name.as_str()),
            middle_name: col(rows, |p| p.middle_name.as_deref()),
            preferred_name: col(rows, |p| p.preferred_name.as_deref()),
            status: col(rows, |p| p.status.as_str()),
            account_state: col(rows, |p| p.account_state.as_str()),
            is_student: col(rows, |p| p.is_student),
            grade: col(rows, |p| p.grade.as_deref()),
            student_number: col(rows, |p| p.student_number.as_deref()),
            state_id: col(rows, |p| p.state_id.as_deref()),
            sis_id: col(rows, |p| p.sis_id.as_deref()),
            password_hash: col(rows, |p| p.password_hash.as_deref()),
            search_text: col(rows, |p| p.search_text.as_str()),
            sis_hash: col(rows, |p| p.sis_hash.as_deref()),
            created_at: col(rows, |p| p.created_at),
            updated_at: col(rows, |p| p.updated_at),
            archived_at: col(rows, |p| p.archived_at),
        }
    }
}

impl QueryId for PgPeopleUpsert<'_> {
    type QueryId = PgPeopleUpsert<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for PgPeopleUpsert<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // `unnest` in the select list runs all the arrays in step, streaming; the same as one
        // `FROM UNNEST(a, b, …)` but about three times cheaper, as that one materializes the rows.
        out.push_sql("INSERT INTO people (");
        out.push_sql(PG_PEOPLE_COLUMNS);
        out.push_sql(") SELECT * FROM (SELECT ");
        macro_rules! unnest {
            ($($sep:literal $field:ident: $st:ty = $cast:literal),+ $(,)?) => {$(
                out.push_sql(concat!($sep, "unnest("));
                out.push_bind_param::<Array<$st>, _>(&self.$field)?;
                out.push_sql(concat!("::", $cast, "[])"));
            )+};
        }
        unnest!(
            "" id: Text = "text",
            ", " district_id: Text = "text",
            ", " given_name: Text = "text",
            ", " family_name: Text = "text",
            ", " middle_name: Nullable<Text> = "text",
            ", " preferred_name: Nullable<Text> = "text",
            ", " status: Text = "text",
            ", " account_state: Text = "text",
            ", " is_student: Bool = "bool",
            ", " grade: Nullable<Text> = "text",
            ", " student_number: Nullable<Text> = "text",
            ", " state_id: Nullable<Text> = "text",
            ", " sis_id: Nullable<Text> = "text",
            ", " password_hash: Nullable<Text> = "text",
            ", " search_text: Text = "text",
            ", " sis_hash: Nullable<Text> = "text",
            ", " created_at: BigInt = "int8",
            ", " updated_at: BigInt = "int8",
            ", " archived_at: Nullable<BigInt> = "int8",
        );
        out.push_sql(") AS r (");
        out.push_sql(PG_PEOPLE_COLUMNS);
        out.push_sql(
            ") WHERE r.sis_hash IS NULL \
             OR (SELECT p.sis_hash FROM people p WHERE p.id = r.id) IS DISTINCT FROM r.sis_hash",
        );
        out.push_sql(PEOPLE_ON_CONFLICT);
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for PgPeopleUpsert<'_> {}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;

    use super::*;
    use crate::db::with_conn;
    use crate::enums::{AccountState, Status};
    use crate::store::{Store, districts, people as people_store};

    fn person(given: &str, family: &str) -> Person {
        let mut p = people_store::new_person("d", given, family);
        p.sis_hash = Some(format!("{given}-{family}"));
        p
    }

    /// The SQLite statement is cached by type, so its SQL must not depend on the row's values.
    #[test]
    fn sqlite_statement_text_is_the_same_for_every_row() {
        let sql = |p: &Person| {
            let full =
                diesel::debug_query::<Sqlite, _>(&SqlitePersonUpsert(p.values())).to_string();
            full.split(" -- binds:")
                .next()
                .unwrap_or_default()
                .to_owned()
        };
        let bare = person("Ann", "Lee");
        let mut full = person("Bo", "Ng");
        full.middle_name = Some("M".into());
        full.preferred_name = Some("B".into());
        full.grade = Some("05".into());
        full.student_number = Some("1".into());
        full.state_id = Some("S".into());
        full.sis_id = Some("X".into());
        full.password_hash = Some("pw".into());
        full.archived_at = Some(1);
        full.sis_hash = None;
        assert_eq!(sql(&bare), sql(&full));
        assert!(sql(&bare).contains(PEOPLE_ON_CONFLICT), "{}", sql(&bare));
    }

    /// Each array is bound in the position of its column in `PG_PEOPLE_COLUMNS`.
    #[test]
    fn pg_arrays_follow_the_column_list() {
        let mut p = person("given_name", "family_name");
        p.id = "id".into();
        p.district_id = "district_id".into();
        p.middle_name = Some("middle_name".into());
        p.preferred_name = Some("preferred_name".into());
        p.grade = Some("grade".into());
        p.student_number = Some("student_number".into());
        p.state_id = Some("state_id".into());
        p.sis_id = Some("sis_id".into());
        p.password_hash = Some("password_hash".into());
        p.search_text = "search_text".into();
        p.sis_hash = Some("sis_hash".into());
        let rows = [p];
        let query = PgPeopleUpsert::new(&rows);
        let text = diesel::debug_query::<Pg, _>(&query).to_string();
        let (sql, binds) = text.split_once(" -- binds: ").expect("binds");
        let columns: Vec<&str> = PG_PEOPLE_COLUMNS.split(", ").collect();
        assert_eq!(columns.len(), 19);
        assert_eq!(sql.matches("unnest($").count(), columns.len(), "{sql}");
        // Text columns carry their own name as value; their order in the binds must match.
        let mut last = 0;
        for column in &columns {
            let quoted = format!("\"{column}\"");
            if let Some(at) = binds.find(&quoted) {
                assert!(at >= last, "{column} is bound out of order: {binds}");
                last = at;
            } else {
                assert!(
                    matches!(
                        *column,
                        "status"
                            | "account_state"
                            | "is_student"
                            | "created_at"
                            | "updated_at"
                            | "archived_at"
                    ),
                    "{column} not bound: {binds}"
                );
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_upsert_skips_unchanged_rows_and_keeps_local_fields() -> StoreResult<()> {
        let dir = std::env::temp_dir().join(format!("homeroom-bulk-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}", dir.join("bulk.db").display());
        let store = Store::open_and_migrate(&url).await?;
        let result = upsert_semantics(&store).await;
        store.close();
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    /// The contract of `upsert_people`, written against a store so it runs on either backend.
    async fn upsert_semantics(store: &Store) -> StoreResult<()> {
        let mut conn = store.conn().await?;
        let district = districts::ensure_default(&mut conn, "Bulk").await?;
        let mut a = person("Ann", "Lee");
        let mut b = person("Bo", "Ng");
        for p in [&mut a, &mut b] {
            p.district_id.clone_from(&district.id);
        }
        b.sis_hash = None;
        assert_eq!(upsert_people(&mut conn, &[a.clone(), b.clone()]).await?, 2);

        // Local fields set by hand after the first sync.
        with_conn!(&mut conn, |c| {
            diesel::update(people::table.find(&a.id))
                .set((
                    people::password_hash.eq("pw"),
                    people::account_state.eq(AccountState::Claimed),
                    people::status.eq(Status::Archived),
                    people::archived_at.eq(Some(7_i64)),
                ))
                .execute(c)
                .await?
        });

        // Unchanged hash: not written; no stored hash: always written.
        assert_eq!(upsert_people(&mut conn, &[a.clone(), b.clone()]).await?, 1);

        // Changed hash: SIS fields replaced, local fields and created_at kept.
        let mut a2 = a.clone();
        a2.given_name = "Anne".into();
        a2.grade = Some("06".into());
        a2.sis_hash = Some("changed".into());
        a2.created_at += 1_000;
        a2.updated_at += 1_000;
        assert_eq!(upsert_people(&mut conn, &[a2.clone()]).await?, 1);
        let stored = people_store::get(&mut conn, &district.id, &a.id)
            .await?
            .expect("stored");
        assert_eq!(stored.given_name, "Anne");
        assert_eq!(stored.grade.as_deref(), Some("06"));
        assert_eq!(stored.sis_hash.as_deref(), Some("changed"));
        assert_eq!(stored.updated_at, a2.updated_at);
        assert_eq!(stored.created_at, a.created_at);
        assert_eq!(stored.password_hash.as_deref(), Some("pw"));
        assert_eq!(stored.account_state, AccountState::Claimed);
        assert_eq!(stored.status, Status::Archived);
        assert_eq!(stored.archived_at, Some(7));

        // A row without a hash never overwrites one that has a hash.
        let mut a3 = a2.clone();
        a3.sis_hash = None;
        a3.given_name = "Nobody".into();
        assert_eq!(upsert_people(&mut conn, &[a3]).await?, 0);
        assert_eq!(upsert_people(&mut conn, &[]).await?, 0);
        Ok(())
    }
}
