//! What a district's roster tables hold, by natural keys (SIS ids, names, values) instead of
//! local ids and timestamps: two databases that imported the same files compare equal, however
//! they got there (a clean import, or a run killed mid-way and then run again).

use std::collections::BTreeMap;

use anyhow::Result;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use homeroom_schema::{Conn, Store};

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    k: String,
}

/// The SIS id of local row `id` (its lowest, when several sources name it).
fn ext(id: &str, kind: &str) -> String {
    format!(
        "COALESCE((SELECT MIN(sl.external_id) FROM source_links sl \
         WHERE sl.local_id = {id} AND sl.entity_kind = '{kind}' AND sl.removed_at IS NULL), '-')"
    )
}

fn opt(col: &str) -> String {
    format!("COALESCE(CAST({col} AS TEXT), '-')")
}

/// One line per row of each roster table, sorted.
pub type Snapshot = BTreeMap<&'static str, Vec<String>>;

fn queries() -> Vec<(&'static str, String)> {
    let join = |parts: &[String]| parts.join(" || '|' || ");
    vec![
        (
            "orgs",
            format!(
                "SELECT {} AS k FROM orgs o",
                join(&[
                    ext("o.id", "org"),
                    "o.name".into(),
                    opt("o.identifier"),
                    "o.org_type".into(),
                    "o.status".into(),
                    ext("o.parent_id", "org"),
                ])
            ),
        ),
        (
            "people",
            format!(
                "SELECT {} AS k FROM people p",
                join(&[
                    ext("p.id", "person"),
                    "p.given_name".into(),
                    "p.family_name".into(),
                    opt("p.middle_name"),
                    opt("p.preferred_name"),
                    "p.status".into(),
                    "p.account_state".into(),
                    opt("p.is_student"),
                    opt("p.grade"),
                    opt("p.student_number"),
                    opt("p.state_id"),
                    opt("p.sis_id"),
                ])
            ),
        ),
        (
            "person_roles",
            format!(
                "SELECT {} AS k FROM person_roles r",
                join(&[
                    ext("r.person_id", "person"),
                    "r.role".into(),
                    ext("r.org_id", "org"),
                    "r.source".into(),
                ])
            ),
        ),
        (
            "contact_points",
            format!(
                "SELECT {} AS k FROM contact_points c",
                join(&[
                    ext("c.person_id", "person"),
                    "c.kind".into(),
                    "c.value".into(),
                    "c.display_value".into(),
                    opt("c.is_adult"),
                    "c.source".into(),
                    "c.reachability".into(),
                ])
            ),
        ),
        (
            "courses",
            format!(
                "SELECT {} AS k FROM courses c",
                join(&[
                    ext("c.id", "course"),
                    "c.title".into(),
                    opt("c.code"),
                    ext("c.org_id", "org"),
                    "c.status".into(),
                ])
            ),
        ),
        (
            "terms",
            format!(
                "SELECT {} AS k FROM terms t",
                join(&[
                    ext("t.id", "term"),
                    "t.title".into(),
                    opt("t.term_type"),
                    opt("t.start_date"),
                    opt("t.end_date"),
                    ext("t.parent_id", "term"),
                    "t.status".into(),
                ])
            ),
        ),
        (
            "classes",
            format!(
                "SELECT {} AS k FROM classes c",
                join(&[
                    ext("c.id", "class"),
                    "c.sis_title".into(),
                    opt("c.class_code"),
                    ext("c.school_id", "org"),
                    ext("c.course_id", "course"),
                    ext("c.term_id", "term"),
                    "c.status".into(),
                    opt("c.claimed_by"),
                ])
            ),
        ),
        (
            "enrollments",
            format!(
                "SELECT {} AS k FROM enrollments e",
                join(&[
                    ext("e.class_id", "class"),
                    ext("e.person_id", "person"),
                    "e.role".into(),
                    opt("e.is_primary"),
                    opt("e.begin_date"),
                    opt("e.end_date"),
                    "e.source".into(),
                    "e.status".into(),
                ])
            ),
        ),
        (
            "relationships",
            format!(
                "SELECT {} AS k FROM relationships r",
                join(&[
                    ext("r.guardian_id", "person"),
                    ext("r.student_id", "person"),
                    "r.kind".into(),
                    "r.source".into(),
                    "r.status".into(),
                ])
            ),
        ),
        (
            "source_links",
            format!(
                "SELECT {} AS k FROM source_links s",
                join(&[
                    "s.entity_kind".into(),
                    "s.external_id".into(),
                    "CASE WHEN s.removed_at IS NULL THEN 'live' ELSE 'removed' END".into(),
                    opt("s.content_hash"),
                ])
            ),
        ),
    ]
}

async fn lines(conn: &mut Conn, sql: &str) -> Result<Vec<String>> {
    let rows: Vec<Row> = match conn {
        Conn::Sqlite(c) => diesel::sql_query(sql).load(&mut **c).await?,
        Conn::Pg(c) => diesel::sql_query(sql).load(&mut **c).await?,
    };
    let mut out: Vec<String> = rows.into_iter().map(|r| r.k).collect();
    out.sort();
    Ok(out)
}

/// The roster tables of `store`, by natural keys.
pub async fn take(store: &Store) -> Result<Snapshot> {
    let mut conn = store.conn().await?;
    let mut out = Snapshot::new();
    for (table, sql) in queries() {
        out.insert(table, lines(&mut conn, &sql).await?);
    }
    Ok(out)
}

/// `snapshot` without the content hashes of its source links: the roster as people see it,
/// without the sync's change-detection bookkeeping.
pub fn without_hashes(snapshot: &Snapshot) -> Snapshot {
    let mut out = snapshot.clone();
    if let Some(rows) = out.get_mut("source_links") {
        for row in rows.iter_mut() {
            if let Some(cut) = row.rfind('|') {
                row.truncate(cut);
            }
        }
        rows.sort();
    }
    out
}

/// Panics with the first difference per table when `got` is not `want`.
pub fn assert_same(got: &Snapshot, want: &Snapshot, context: &str) {
    for (table, want_rows) in want {
        let got_rows = &got[table];
        if got_rows == want_rows {
            continue;
        }
        let missing: Vec<_> = want_rows
            .iter()
            .filter(|r| !got_rows.contains(r))
            .take(3)
            .collect();
        let extra: Vec<_> = got_rows
            .iter()
            .filter(|r| !want_rows.contains(r))
            .take(3)
            .collect();
        panic!(
            "{context}: table {table} differs ({} rows, want {}); missing {missing:?}; extra {extra:?}",
            got_rows.len(),
            want_rows.len()
        );
    }
}
