//! Relationship spreadsheet imports over GraphQL: `importRelationships`, `importJob`,
//! `importJobs`.

use std::io::Read;

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, Object, Result, Upload};
use homeroom_schema::store::import_jobs;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, decode_as};
use crate::types::import_job::ImportJob;
use homeroom_service::auth::Principal;
use homeroom_service::error::ServiceError;
use homeroom_service::imports::{self, ImportOptions};

/// Largest file accepted (the HTTP body limit is lower still).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Who a job belongs to: the person, or the token for non-person callers.
pub fn owner_key(p: &Principal) -> String {
    p.person_id.clone().unwrap_or_else(|| p.token_id.clone())
}

/// Jobs a caller may read: all of the district's for district admins, else their own.
fn owner_filter(p: &Principal) -> Option<String> {
    (!p.is_district_admin()).then(|| owner_key(p))
}

/// Import queries.
#[derive(Default)]
pub struct ImportQuery;

#[Object]
impl ImportQuery {
    /// One import job (null when unknown or not the caller's).
    async fn import_job(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ImportJob>> {
        let r = req(ctx);
        let p = r.principal()?;
        let id = decode_as(NodeKind::ImportJob, &id)?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let job = import_jobs::get(&mut conn, &p.district_id, &id)
            .await
            .map_err(ServiceError::from)?;
        let mine = owner_filter(p);
        Ok(job
            .filter(|j| mine.is_none() || j.created_by == mine)
            .map(ImportJob))
    }

    /// Import jobs, newest first (district admins see all, others their own).
    async fn import_jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, ImportJob, EmptyFields, EmptyFields>> {
        let r = req(ctx);
        let p = r.principal()?;
        let page = page_request(first, after.as_deref())?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = import_jobs::list(&mut conn, &p.district_id, owner_filter(p).as_deref(), &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            EmptyFields,
            |j| j.id.clone(),
            ImportJob,
        ))
    }
}

/// Import mutations.
#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports guardian–student links from a CSV file (columns `parent_email`, `student_email`
    /// or `student_id`, `relationship_type`). Every row is validated first; a file with invalid
    /// rows imports nothing unless `onlyValidRows`; `dryRun` only validates and previews;
    /// otherwise the returned job is queued and runs in the background (poll `importJob`).
    async fn import_relationships(
        &self,
        ctx: &Context<'_>,
        file: Upload,
        dry_run: Option<bool>,
        only_valid_rows: Option<bool>,
        invite: Option<bool>,
    ) -> Result<ImportJob> {
        let r = req(ctx);
        let p = r.principal()?;
        let upload = file.value(ctx)?;
        let mut bytes = Vec::new();
        upload
            .content
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| ServiceError::BadUserInput(format!("cannot read the upload: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ServiceError::BadUserInput(format!(
                "the file is larger than {MAX_FILE_BYTES} bytes"
            ))
            .into());
        }
        let scope = {
            let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
            homeroom_service::auth::policy::import_scope(&mut conn, p).await?
        };
        let (actor_kind, _) = p.actor();
        let job = imports::submit(
            &r.store,
            &p.district_id,
            (actor_kind, &owner_key(p)),
            &scope,
            &bytes,
            ImportOptions {
                dry_run: dry_run.unwrap_or(false),
                only_valid_rows: only_valid_rows.unwrap_or(false),
                invite: invite.unwrap_or(false),
                file_name: Some(upload.filename),
            },
        )
        .await?;
        Ok(ImportJob(job))
    }
}
