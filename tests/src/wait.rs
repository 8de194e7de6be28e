//! Waiting for a condition with a deadline, instead of sleeping and hoping it held.

use std::time::Duration;

use anyhow::{Result, bail};

/// Polls `check` every 10 ms until it answers `true`; fails naming `what` when `timeout` passes
/// first.
pub async fn until<F>(what: &str, timeout: Duration, mut check: F) -> Result<()>
where
    F: AsyncFnMut() -> Result<bool>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if check().await? {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("gave up after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
