//! Waiting for another process (the real binary, a fake) to reach a state, bounded: a test polls
//! a condition it can read (the outbox, a fake's counters) until it holds, and fails, saying
//! what it waited for, when it does not hold within the bound. There is no fixed sleep: the
//! poll ends as soon as the condition holds.

use std::time::Duration;

use anyhow::{Result, bail};

/// How often a condition is read again.
const POLL: Duration = Duration::from_millis(10);

/// Polls `check` until it returns `true`; fails with `what` if `bound` passes first. An error
/// from `check` ends the wait at once.
pub async fn until<F>(what: &str, bound: Duration, mut check: F) -> Result<()>
where
    F: AsyncFnMut() -> Result<bool>,
{
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        if check().await? {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            bail!("not within {bound:?}: {what}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Polls the outbox of the database behind `store` until no message waits.
pub async fn outbox_drained(store: &homeroom_schema::Store, bound: Duration) -> Result<()> {
    until(
        "every outbox message delivered or given up",
        bound,
        || async {
            Ok(homeroom_schema::store::outbox::depth(&mut store.conn().await?).await? == 0)
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fails_when_the_condition_never_holds() {
        let err = until("never", Duration::from_millis(30), || async { Ok(false) })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("never"), "{err}");
        let mut n = 0;
        until("the third read", Duration::from_secs(5), || {
            n += 1;
            let done = n >= 3;
            async move { Ok(done) }
        })
        .await
        .unwrap();
        assert_eq!(n, 3);
    }
}
