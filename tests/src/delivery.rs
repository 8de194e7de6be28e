//! Running the delivery worker's pending work to the end, in the test's own task (like
//! crates.io's `run_pending_background_jobs`), instead of sleeping and hoping it ran.

use std::time::Duration;

use anyhow::{Result, bail};
use homeroom_delivery::{Delivery, DeliveryHooks, WorkerOptions, worker};
use homeroom_schema::Store;
use homeroom_schema::store::outbox;

/// Runs worker rounds until no message is pending or being sent (each sent, or failed for
/// good); returns how many deliveries were attempted. Retries are due after the options'
/// backoff (a millisecond in tests); a message still pending after 30 s fails the test.
pub async fn run_pending(
    store: &Store,
    hooks: &dyn DeliveryHooks,
    delivery: &Delivery,
    options: &WorkerOptions,
) -> Result<usize> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut attempts = 0;
    loop {
        attempts += worker::tick(store, hooks, delivery, options, "test-worker").await?;
        let waiting = outbox::depth(&mut store.conn().await?).await?;
        if waiting == 0 {
            return Ok(attempts);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("{waiting} outbox messages still pending after 30 s");
        }
        // A retry not yet due: its backoff is a millisecond.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
