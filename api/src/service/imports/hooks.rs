//! What happens after an import commits: the extension point for invitations.
//!
//! An import job with `invite: true` calls [`ImportHooks::relationships_imported`] once its
//! links are committed, with the ids of the file's links (active after the import). The
//! invitations module plugs in here: implement the trait with a call to
//! `crate::service::invitations::invite_imported(store, …, relationship_ids)` and return it from
//! [`default_hooks`]; the server's import worker and the CLI both take their hooks from there.

use std::sync::Arc;

use futures::future::BoxFuture;
use homeroom_schema::Store;
use homeroom_schema::models::ImportJob;

/// Called by import jobs after their changes commit.
pub trait ImportHooks: Send + Sync {
    /// The links of a finished import whose job asked for invitations (`job.invite`). An error
    /// is recorded in the job's message; the import itself stays committed.
    fn relationships_imported<'a>(
        &'a self,
        store: &'a Store,
        job: &'a ImportJob,
        relationship_ids: &'a [String],
    ) -> BoxFuture<'a, Result<(), String>>;
}

/// Hooks for a build without invitations: a job asking for them says none were sent.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoInvitations;

impl ImportHooks for NoInvitations {
    fn relationships_imported<'a>(
        &'a self,
        _store: &'a Store,
        job: &'a ImportJob,
        relationship_ids: &'a [String],
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            tracing::warn!(
                job = %job.id,
                links = relationship_ids.len(),
                "import asked for invitations, but no invitation hook is installed"
            );
            Err("invitations are not available on this server; none were sent".to_owned())
        })
    }
}

/// The hooks the server and the CLI install.
pub fn default_hooks() -> Arc<dyn ImportHooks> {
    Arc::new(NoInvitations)
}
