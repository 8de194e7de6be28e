//! Counts stored in JSON columns: a sync run's counts per entity and action
//! (`sync_runs.counts`) and an import job's planned and applied link changes
//! (`import_jobs.counts`). They live here, beside the rows that hold them, so every reader gets
//! the typed value through [`Json`](crate::json::Json) and a corrupt column is an error
//! rather than zeros.

use serde::{Deserialize, Serialize};

/// What happened to the records of one entity kind in a sync run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// New local rows.
    pub created: u64,
    /// Local rows whose SIS fields changed.
    pub updated: u64,
    /// Records identical to the last run (no write).
    pub unchanged: u64,
    /// Local rows archived (or links removed) because the SIS dropped them.
    pub archived: u64,
    /// Records linked to an existing person by the identity rules.
    pub merged: u64,
    /// Records rejected (see the errors).
    pub rejected: u64,
}

impl Counts {
    /// Records the run has read so far (every record lands in exactly one of these).
    pub fn records_seen(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.merged + self.rejected
    }
}

/// Counts of one entity kind, as stored on the run (a JSON list, one entry per kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCounts {
    /// Entity kind (`person`, `class`, …).
    pub entity: String,
    /// The counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// Counts of relationship changes in an import, planned or applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeCounts {
    /// New links.
    pub created: u64,
    /// Links whose kind changed.
    pub kind_changed: u64,
    /// Removed links made active again.
    pub restored: u64,
    /// Links already as written.
    pub unchanged: u64,
}

/// Counts stored on an import job: what validation planned and what the job has applied so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCounts {
    /// Changes the preview announced.
    pub planned: ChangeCounts,
    /// Changes applied.
    pub applied: ChangeCounts,
}
