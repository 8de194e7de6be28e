//! District admins hear when a sync run fails or is held for their review.

use homeroom_schema::Conn;
use homeroom_schema::enums::{Role, SyncStatus};
use homeroom_schema::models::SyncRun;
use homeroom_schema::store::{connectors, districts, notices};
use homeroom_sync::RunSummary;

use super::{KIND_SYNC_SUMMARY, queue};
use crate::error::ServiceResult;
use homeroom_delivery::notice_text::NoticeText;

/// Queues a summary to every district admin when a (not dry) run failed or was held. Returns
/// how many were queued.
pub async fn sync_summary(
    conn: &mut Conn,
    run: &SyncRun,
    summary: &RunSummary<'_>,
) -> ServiceResult<usize> {
    if run.dry_run || !matches!(summary.status, SyncStatus::Failed | SyncStatus::Held) {
        return Ok(0);
    }
    let Some(district) = districts::get(conn, &run.district_id).await? else {
        return Ok(0);
    };
    let settings = district.settings();
    if !settings.notifications.admin_sync_summary {
        return Ok(0);
    }
    let connector = connectors::get(conn, &district.id, &run.connector_id)
        .await?
        .map_or_else(|| run.connector_id.clone(), |c| c.name);
    let admins = notices::people_with_role(conn, &district.id, Role::DistrictAdmin).await?;
    let text = text(&connector, run, summary);
    let notices = admins.into_iter().map(|a| (a, text.clone())).collect();
    queue(
        conn,
        &district.id,
        settings.preferred_channel,
        KIND_SYNC_SUMMARY,
        notices,
    )
    .await
}

fn text(connector: &str, run: &SyncRun, s: &RunSummary<'_>) -> NoticeText {
    let reason = s.reason.unwrap_or("no reason was recorded");
    let (subject, what, next) = match s.status {
        SyncStatus::Held => (
            format!("Sync of {connector} is held for your review"),
            format!("The {} sync of {connector} was held: {reason}.", run.mode),
            "Nothing was removed. Review the run's report, then confirm or discard the hold \
             in Homeroom.",
        ),
        _ => (
            format!("Sync of {connector} failed"),
            format!("The {} sync of {connector} failed: {reason}.", run.mode),
            "The data from the last good sync is still in place. Review the run's report in \
             Homeroom.",
        ),
    };
    NoticeText {
        subject,
        greeting: None,
        paragraphs: vec![
            what.clone(),
            format!(
                "Report: {} errors (records rejected), {} alerts. Run {}.",
                s.errors, s.alerts, run.id
            ),
            next.into(),
        ],
        sms: format!("Homeroom: {what} Run {}.", run.id),
    }
}
