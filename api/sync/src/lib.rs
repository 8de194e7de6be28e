//! The sync engine: turns a connector's stream of canonical records into orgs, people, classes,
//! enrollments and guardian links.
//!
//! Identity: a record is first matched by its source link (connector, kind, external id). An
//! adult without one is matched by contact point (normalized email, or E.164 phone together with
//! the same given and family name); an account its holder claimed is linked only through a
//! contact point that account verified, otherwise the record gets its own person and a merge
//! suggestion. Students never merge by contact point, only on the same student number or state
//! id; a student and an adult never merge. Sync never changes a verified contact point or a
//! local field (a class's local title, manual enrollments and relationships, claims).
//!
//! Removal: only after a complete full snapshot (or an explicit delta delete); a person is
//! archived, never deleted, unless another connector still links them; a guardian link already
//! invited or claimed is kept.
//!
//! It knows nothing about any SIS. A run streams pages; each page is applied in its own
//! transaction (a dry run wraps the whole run in one transaction that is rolled back), so a run
//! that fails mid-way leaves every earlier page applied and nothing half-applied. Removals happen
//! only after a complete full snapshot, and a run that would remove more than the district's
//! threshold is held for an admin to confirm.
//!
//! The engine tells the layers above that a run ended through a [`RunListener`] they implement
//! (notices, webhooks); it names nothing above itself.

pub mod apply;
pub mod context;
pub mod first_import;
pub mod listener;
pub mod removals;
pub mod report;
pub mod runner;

pub use listener::{RunListener, RunSummary};
pub use report::{Counts, Report};
pub use runner::{RunOutcome, execute_run};
