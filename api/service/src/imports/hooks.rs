//! What happens after an import commits: the extension point for invitations.
//!
//! An import job with `invite: true` calls [`ImportHooks::relationships_imported`] once its
//! links are committed, with the ids of the file's links (active after the import);
//! [`InviteOnImport`] invites their guardians through the outbox (the delivery worker of any
//! `homeroom serve` sends them). The server's import worker and the CLI take their hooks from
//! [`default_hooks`].

use std::sync::Arc;

use futures::future::BoxFuture;
use homeroom_schema::Store;
use homeroom_schema::models::ImportJob;

use crate::invitations::Families;

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

/// Hooks that invite the guardians of imported links not yet invited.
#[derive(Debug, Clone)]
pub struct InviteOnImport(pub Families);

impl ImportHooks for InviteOnImport {
    fn relationships_imported<'a>(
        &'a self,
        store: &'a Store,
        job: &'a ImportJob,
        relationship_ids: &'a [String],
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let outcome = crate::invitations::invite::invite_relationships(
                store,
                &self.0,
                &job.district_id,
                job.created_by.as_deref(),
                relationship_ids,
            )
            .await
            .map_err(|e| format!("invitations failed: {e}"))?;
            match outcome.user_errors.len() {
                0 => Ok(()),
                n => Err(format!(
                    "{} invitations queued; {n} guardians have no reachable email or phone",
                    outcome.invitations.len()
                )),
            }
        })
    }
}

/// The hooks the server and the CLI install: invitations with links on `families`.
pub fn default_hooks(families: Families) -> Arc<dyn ImportHooks> {
    Arc::new(InviteOnImport(families))
}
