//! Explicit deletions: `Deleted` records and records whose status is `tobedeleted`.

use std::collections::BTreeMap;

use homeroom_connector_core::{EntityKind, Record};
use homeroom_schema::Conn;
use homeroom_schema::store::links;

use crate::apply::ApplyResult;
use crate::context::RunCtx;
use crate::removals;

/// Removes what the records name.
pub async fn apply(conn: &mut Conn, ctx: &mut RunCtx, group: Vec<Record>) -> ApplyResult<()> {
    let mut by_kind: BTreeMap<&'static str, (EntityKind, Vec<String>)> = BTreeMap::new();
    for record in group {
        let kind = record.entity_kind();
        by_kind
            .entry(kind.as_str())
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .push(record.external_id().into_owned());
    }
    for (_, (kind, ids)) in by_kind {
        let found = links::lookup(conn, &ctx.connector_id, kind.as_str(), &ids).await?;
        let live: Vec<_> = found
            .into_iter()
            .filter(|l| l.removed_at.is_none())
            .collect();
        removals::remove(conn, ctx, kind, &live).await?;
    }
    Ok(())
}
