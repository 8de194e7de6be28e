//! Batch upserts: thousands of rows per statement, for the sync engine.
//!
//! An upsert writes a row only when its `sis_hash` differs from the stored one, so re-sending an
//! unchanged roster costs reads, not writes. Batch sizes keep each statement under the bind
//! parameter limits (SQLite 32,766; PostgreSQL 65,535).

use diesel::prelude::*;
use diesel::query_dsl::methods::FilterDsl;
use diesel::upsert::excluded;

use crate::db::{Backend, Conn, upsert_rows};
use crate::error::StoreResult;
use crate::models::Person;
use crate::tables::people;

/// Columns of `people`, for the bind-limit arithmetic.
const PEOPLE_COLUMNS: usize = 20;

/// Rows per statement for a table of `columns` columns on `backend`.
pub fn batch_rows(backend: Backend, columns: usize) -> usize {
    let binds = match backend {
        Backend::Sqlite => 32_766,
        Backend::Postgres => 65_535,
    };
    (binds / columns).min(2_000)
}

/// Inserts or updates people by id, changing only rows whose `sis_hash` differs and never
/// touching local fields (account state, password, status set by hand). Returns rows written.
pub async fn upsert_people(conn: &mut Conn, rows: &[Person]) -> StoreResult<usize> {
    let mut written = 0;
    for chunk in rows.chunks(batch_rows(conn.backend(), PEOPLE_COLUMNS)) {
        written += upsert_rows!(conn, chunk, |values| {
            diesel::insert_into(people::table)
                .values(values)
                .on_conflict(people::id)
                .do_update()
                .set((
                    people::given_name.eq(excluded(people::given_name)),
                    people::family_name.eq(excluded(people::family_name)),
                    people::middle_name.eq(excluded(people::middle_name)),
                    people::preferred_name.eq(excluded(people::preferred_name)),
                    people::grade.eq(excluded(people::grade)),
                    people::student_number.eq(excluded(people::student_number)),
                    people::state_id.eq(excluded(people::state_id)),
                    people::sis_id.eq(excluded(people::sis_id)),
                    people::is_student.eq(excluded(people::is_student)),
                    people::search_text.eq(excluded(people::search_text)),
                    people::sis_hash.eq(excluded(people::sis_hash)),
                    people::updated_at.eq(excluded(people::updated_at)),
                ))
                .filter(
                    people::sis_hash
                        .is_null()
                        .or(people::sis_hash.ne(excluded(people::sis_hash))),
                )
        });
    }
    Ok(written)
}
