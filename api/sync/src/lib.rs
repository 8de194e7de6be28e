//! The sync engine: turns a connector's stream of canonical records into orgs, people, classes,
//! enrollments and guardian links, following the identity and removal rules of `data-model.md`.
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
