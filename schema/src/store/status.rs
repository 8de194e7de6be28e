//! Archiving and restoring rows: nothing the SIS sent is ever deleted.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::Status;
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::tables::{classes, courses, enrollments, orgs, people, terms};

/// Tables whose rows are archived rather than deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archivable {
    /// Orgs.
    Org,
    /// Courses.
    Course,
    /// Terms.
    Term,
    /// Classes.
    Class,
    /// People.
    Person,
    /// Enrollments (archived = ended).
    Enrollment,
}

macro_rules! set_status_on {
    ($conn:expr, $table:ident, $ids:expr, $status:expr, $now:expr) => {
        with_conn!($conn, |c| {
            diesel::update($table::table.filter($table::id.eq_any($ids)))
                .filter($table::status.ne($status))
                .set(($table::status.eq($status), $table::updated_at.eq($now)))
                .execute(c)
                .await?
        })
    };
}

/// Sets `status` on the rows `ids` of `table`; returns rows changed.
pub async fn set(
    conn: &mut Conn,
    table: Archivable,
    ids: &[String],
    status: Status,
) -> StoreResult<usize> {
    let now = now_micros();
    let mut changed = 0;
    for chunk in ids.chunks(5_000) {
        changed += match table {
            Archivable::Org => set_status_on!(conn, orgs, chunk, status, now),
            Archivable::Course => set_status_on!(conn, courses, chunk, status, now),
            Archivable::Term => set_status_on!(conn, terms, chunk, status, now),
            Archivable::Class => set_status_on!(conn, classes, chunk, status, now),
            Archivable::Enrollment => set_status_on!(conn, enrollments, chunk, status, now),
            Archivable::Person => {
                let archived_at = (status == Status::Archived).then_some(now);
                with_conn!(conn, |c| {
                    diesel::update(people::table.filter(people::id.eq_any(chunk)))
                        .filter(people::status.ne(status))
                        .set((
                            people::status.eq(status),
                            people::archived_at.eq(archived_at),
                            people::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?
                })
            }
        };
    }
    Ok(changed)
}
