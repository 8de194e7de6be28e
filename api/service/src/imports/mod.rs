//! Relationship spreadsheet imports: the file is read and every row validated first (nothing
//! changes), a job row records the plan, and a background runner applies it with progress.
//!
//! - [`csv_file`] reads the file (encoding, headers, rows);
//! - [`validate`] checks rows against the district and plans the changes;
//! - [`submit`] turns an upload into a job (validated, rejected, or queued);
//! - [`runner`] claims queued jobs through the database with a lease and applies them;
//! - [`hooks`] is where invitations plug in after an import commits.

pub mod csv_file;
pub mod hooks;
pub mod runner;
pub mod submit;
pub mod validate;

use std::sync::LazyLock;

use tokio::sync::Notify;

pub use hooks::{ImportHooks, InviteOnImport, NoInvitations, default_hooks};
pub use runner::ImportRunner;
pub use submit::{ImportOptions, submit};
pub use validate::ImportScope;

pub use homeroom_schema::counts::{ChangeCounts, JobCounts};

/// Wakes this process's import runner when a job is queued (other replicas poll).
pub(crate) static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);
