//! Source-link bookkeeping for one batch: which records are new, changed or unchanged.

use std::collections::{HashMap, HashSet};

use homeroom_connector_core::EntityKind;
use homeroom_schema::Conn;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::SourceLink;
use homeroom_schema::store::links;

use crate::apply::ApplyResult;
use crate::context::RunCtx;

/// What a record is, compared with its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Same content as last time: nothing to write.
    Unchanged,
    /// Already applied earlier in this run (the SIS sent it twice): skip.
    Duplicate,
    /// New or changed; the existing link's local id, if any.
    Changed(Option<String>),
}

/// The links of one batch of one kind, and the link writes it accumulates.
pub struct Links {
    kind: EntityKind,
    by_external: HashMap<String, SourceLink>,
    seen: Vec<String>,
    seen_set: HashSet<String>,
    new: Vec<SourceLink>,
    changed: Vec<SourceLink>,
}

impl Links {
    /// Loads the links of `external_ids`.
    pub async fn load(
        conn: &mut Conn,
        ctx: &RunCtx,
        kind: EntityKind,
        external_ids: &[String],
    ) -> ApplyResult<Links> {
        let maybe: Vec<String> = external_ids
            .iter()
            .filter(|id| ctx.first_import.may_be_linked(kind, id))
            .cloned()
            .collect();
        let rows = if maybe.is_empty() {
            Vec::new()
        } else {
            links::lookup(conn, &ctx.connector_id, kind.as_str(), &maybe).await?
        };
        Ok(Links {
            kind,
            by_external: rows
                .into_iter()
                .map(|l| (l.external_id.clone(), l))
                .collect(),
            seen: Vec::new(),
            seen_set: HashSet::new(),
            new: Vec::new(),
            changed: Vec::new(),
        })
    }

    /// Compares a record with its link; unchanged records are marked seen right away.
    pub fn classify(&mut self, ctx: &RunCtx, external_id: &str, hash: &str) -> Seen {
        match self.by_external.get(external_id) {
            None => Seen::Changed(None),
            Some(link)
                if link.last_run_id.as_deref() == Some(ctx.run_id.as_str())
                    && link.content_hash.as_deref() == Some(hash) =>
            {
                Seen::Duplicate
            }
            Some(link)
                if link.removed_at.is_none() && link.content_hash.as_deref() == Some(hash) =>
            {
                // Unchanged links are recorded as seen, not rewritten: a second copy in the same
                // batch is a duplicate (one in a later batch counts as unchanged again).
                if self.seen_set.insert(link.id.clone()) {
                    self.seen.push(link.id.clone());
                    Seen::Unchanged
                } else {
                    Seen::Duplicate
                }
            }
            Some(link) => Seen::Changed(Some(link.local_id.clone())),
        }
    }

    /// The local id of a linked record, whatever its state.
    pub fn local_id(&self, external_id: &str) -> Option<&str> {
        self.by_external
            .get(external_id)
            .map(|l| l.local_id.as_str())
    }

    /// Whether a live (not removed) link exists for `external_id`.
    pub fn is_live(&self, external_id: &str) -> bool {
        self.by_external
            .get(external_id)
            .is_some_and(|l| l.removed_at.is_none())
    }

    /// Records that `external_id` now maps to `local_id` with content `hash`.
    pub fn record(&mut self, ctx: &RunCtx, external_id: &str, local_id: &str, hash: &str) {
        match self.by_external.get(external_id) {
            Some(link) => {
                let mut link = link.clone();
                link.local_id = local_id.to_owned();
                link.content_hash = Some(hash.to_owned());
                link.last_run_id = Some(ctx.run_id.clone());
                link.removed_at = None;
                link.updated_at = now_micros();
                self.changed.push(link);
            }
            None => {
                let now = now_micros();
                let link = SourceLink {
                    id: new_id(),
                    district_id: ctx.district_id.clone(),
                    connector_id: ctx.connector_id.clone(),
                    entity_kind: self.kind.as_str().to_owned(),
                    external_id: external_id.to_owned(),
                    local_id: local_id.to_owned(),
                    last_run_id: Some(ctx.run_id.clone()),
                    content_hash: Some(hash.to_owned()),
                    removed_at: None,
                    created_at: now,
                    updated_at: now,
                };
                self.by_external
                    .insert(external_id.to_owned(), link.clone());
                self.new.push(link);
            }
        }
    }

    /// Marks a linked record seen without changing it (e.g. a tombstoned relationship).
    pub fn touch(&mut self, external_id: &str) {
        if let Some(link) = self.by_external.get(external_id)
            && self.seen_set.insert(link.id.clone())
        {
            self.seen.push(link.id.clone());
        }
    }

    /// Writes the accumulated link changes.
    pub async fn flush(self, conn: &mut Conn, ctx: &mut RunCtx) -> ApplyResult<()> {
        links::insert(conn, &self.new).await?;
        ctx.first_import
            .linked(self.kind, self.new.iter().map(|l| l.external_id.as_str()));
        links::mark_seen(conn, &self.seen, &ctx.run_id).await?;
        links::replace(conn, &self.changed).await?;
        Ok(())
    }
}

/// Resolves external ids of `kind` to live local ids (the run's cache first for small kinds).
pub async fn resolve(
    conn: &mut Conn,
    ctx: &mut RunCtx,
    kind: EntityKind,
    external_ids: &[String],
) -> ApplyResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    let mut missing = Vec::new();
    for ext in external_ids {
        match ctx.recall(kind, ext) {
            Some(local) => {
                out.insert(ext.clone(), local.clone());
            }
            None => missing.push(ext.clone()),
        }
    }
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        let rows = links::resolve_live(conn, &ctx.connector_id, kind.as_str(), &missing).await?;
        for (external, local) in rows {
            ctx.remember(kind, &external, &local);
            out.insert(external, local);
        }
    }
    Ok(out)
}
