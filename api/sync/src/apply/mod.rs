//! Applying one page of records: records are grouped into runs of one kind, and each kind has
//! its own handler. Every handler resolves source links in bulk, skips unchanged records by
//! content hash, and writes in batches.

mod classes;
mod deletes;
mod enrollments;
mod links;
mod orgs;
mod people;
mod relationships;

use homeroom_connector_core::{EntityKind, Page, Record};
use homeroom_schema::Conn;

use crate::context::RunCtx;

pub use links::{Links, resolve};

/// Errors that end a run (database trouble); record-level problems are report issues instead.
pub type ApplyResult<T> = Result<T, homeroom_schema::StoreError>;

/// Applies every record of `page`, in order, grouping consecutive records of one kind.
pub async fn apply_page(conn: &mut Conn, ctx: &mut RunCtx, page: Page) -> ApplyResult<()> {
    let run = ctx.run_id.clone();
    for issue in &page.issues {
        ctx.report.source_issue(&run, issue);
    }
    let mut records = page.records.into_iter().peekable();
    while let Some(first) = records.next() {
        let kind = group_kind(&first);
        let mut group = vec![first];
        while let Some(next) = records.peek() {
            if group_kind(next) != kind {
                break;
            }
            group.extend(records.next());
        }
        apply_group(conn, ctx, group).await?;
    }
    Ok(())
}

/// The handler a record goes to (`None` for explicit deletions).
fn group_kind(record: &Record) -> Option<EntityKind> {
    match record {
        Record::Deleted(_) => None,
        other if other.is_removal() => None,
        other => Some(other.entity_kind()),
    }
}

async fn apply_group(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    match group_kind(&group[0]) {
        None => deletes::apply(conn, ctx, group).await,
        Some(EntityKind::Org) => orgs::apply_orgs(conn, ctx, group).await,
        Some(EntityKind::Term) => orgs::apply_terms(conn, ctx, group).await,
        Some(EntityKind::Course) => orgs::apply_courses(conn, ctx, group).await,
        Some(EntityKind::Class) => classes::apply(conn, ctx, group).await,
        Some(EntityKind::Person) => people::apply(conn, ctx, group).await,
        Some(EntityKind::Relationship) => relationships::apply(conn, ctx, group).await,
        Some(EntityKind::Enrollment) => enrollments::apply(conn, ctx, group).await,
    }
}
