//! The scheduler: every replica runs this loop; the database lease decides who syncs.

use std::time::Duration;

use chrono::{DateTime, Utc};
use homeroom_schema::store::{connectors, sync_runs};

use crate::sync::SyncService;

/// How often the loop looks for due connectors.
pub const TICK: Duration = Duration::from_secs(30);

fn from_micros(m: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(m).unwrap_or_default()
}

/// Whether a connector with `schedule` is due at `now`, given when its latest run was queued
/// (or when it was created, if it never ran).
pub fn is_due(schedule: &str, since_micros: i64, now: DateTime<Utc>) -> bool {
    let Ok(cron) = schedule.parse::<croner::Cron>() else {
        return false;
    };
    cron.find_next_occurrence(&from_micros(since_micros), false)
        .is_ok_and(|next| next <= now)
}

/// Runs due syncs until `shutdown` flips.
pub async fn run(sync: SyncService, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(e) = tick(&sync).await {
            tracing::warn!(error = %e, "scheduler tick failed");
        }
        homeroom_core::metrics::scheduler_tick();
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn tick(sync: &SyncService) -> anyhow::Result<()> {
    let due = {
        let mut conn = sync.store.conn().await?;
        let mut due = Vec::new();
        for c in connectors::scheduled(&mut conn).await? {
            let since = sync_runs::latest(&mut conn, &c.id)
                .await?
                .map_or(c.created_at, |r| r.created_at);
            if c.schedule
                .as_deref()
                .is_some_and(|s| is_due(s, since, Utc::now()))
            {
                due.push((c, since));
            }
        }
        due
    };
    // Every replica finds the same connectors due; `run_scheduled` queues each occurrence once.
    for (c, since) in due {
        match sync.run_scheduled(&c, since).await {
            Ok(Some((_, outcome))) => {
                tracing::info!(connector = %c.name, ?outcome, "scheduled sync ended")
            }
            Ok(None) => {
                tracing::info!(connector = %c.name, "scheduled sync taken by another replica")
            }
            Err(e) => tracing::info!(connector = %c.name, error = %e, "scheduled sync not run"),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_when_the_next_occurrence_has_passed() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let since = at("2026-11-20T03:00:00Z").timestamp_micros();
        assert!(!is_due("0 2 * * *", since, at("2026-11-21T01:59:00Z")));
        assert!(is_due("0 2 * * *", since, at("2026-11-21T02:00:30Z")));
        assert!(!is_due("not a cron", since, at("2030-01-01T00:00:00Z")));
    }
}
