//! How many wrong passwords a sign-in may follow, and from where. Attempts are counted per
//! address **and client** (the caller's network address), so a stranger who hammers an address
//! locks out only themselves: the owner's own client keeps its budget. After
//! [`FREE_PER_CLIENT`] failures a client waits before each further try, twice as long each
//! time (from [`FIRST_WAIT`] up to [`MAX_WAIT`]). Wider caps stop the rest: an address attacked
//! from many clients ([`PER_ADDRESS_PER_HOUR`]), and one client trying many addresses
//! ([`PER_CLIENT_PER_HOUR`]).
//!
//! Every attempt is recorded before it is checked (increment, then count), so concurrent
//! attempts cannot all pass a count taken before any of them was recorded; a success clears
//! only its own client's record.

use std::time::Duration;

use homeroom_schema::Conn;
use homeroom_schema::StoreResult;
use homeroom_schema::ids::now_micros;
use homeroom_schema::store::families;

/// Failures a client may make on one address (within [`CLIENT_MEMORY`]) before waits begin.
pub const FREE_PER_CLIENT: usize = 5;
/// The first wait, after the free failures.
pub const FIRST_WAIT: Duration = Duration::from_secs(60);
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(60 * 60);
/// How long a client's failures on an address are remembered.
pub const CLIENT_MEMORY: Duration = Duration::from_secs(24 * 60 * 60);
/// Failures on one address from all clients in an hour (a distributed attack) before the
/// address refuses everyone until the hour has passed.
pub const PER_ADDRESS_PER_HOUR: i64 = 100;
/// Failures from one client on any addresses in an hour (password spraying).
pub const PER_CLIENT_PER_HOUR: i64 = 200;

const HOUR_MICROS: i64 = 60 * 60 * 1_000_000;

/// Why an attempt is refused before any password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This client must wait this long before trying this address again.
    Wait(Duration),
    /// Too many failures on this address from everywhere, or from this client on any address,
    /// in the last hour.
    Busy,
}

/// The wait a client owes before its next attempt, given the times (µs, newest first) of its
/// earlier failures on the address, none of them the attempt being judged.
pub fn wait_owed(earlier_newest_first: &[i64], now: i64) -> Option<Duration> {
    let extra = earlier_newest_first.len().checked_sub(FREE_PER_CLIENT)?;
    let doublings = u32::try_from(extra).unwrap_or(u32::MAX).min(16);
    let wait = FIRST_WAIT.saturating_mul(1 << doublings).min(MAX_WAIT);
    let last = *earlier_newest_first.first()?;
    let since = Duration::from_micros(u64::try_from(now.saturating_sub(last)).unwrap_or(0));
    (since < wait).then(|| wait - since)
}

/// Records an attempt on `email` from `client`, then decides whether it may be checked.
pub async fn admit(conn: &mut Conn, email: &str, client: &str) -> StoreResult<Option<Refusal>> {
    let now = now_micros();
    families::record_login_attempt(conn, email, client).await?;
    let memory = i64::try_from(CLIENT_MEMORY.as_micros()).unwrap_or(i64::MAX);
    // Enough rows to see the longest wait's doublings; this attempt's own row comes first.
    let times = families::client_attempt_times(
        conn,
        email,
        client,
        now - memory,
        32 + FREE_PER_CLIENT as i64,
    )
    .await?;
    // Drop one row for this attempt (the newest: this one, or a concurrent one of the same
    // client, which counts the same).
    let earlier = times.get(1..).unwrap_or_default();
    if let Some(wait) = wait_owed(earlier, now) {
        return Ok(Some(Refusal::Wait(wait)));
    }
    if families::login_failures_since(conn, email, now - HOUR_MICROS).await? > PER_ADDRESS_PER_HOUR
        || families::client_failures_since(conn, client, now - HOUR_MICROS).await?
            > PER_CLIENT_PER_HOUR
    {
        return Ok(Some(Refusal::Busy));
    }
    Ok(None)
}

/// Forgets `client`'s failures on `email` after it signed in.
pub async fn succeeded(conn: &mut Conn, email: &str, client: &str) -> StoreResult<()> {
    families::clear_client_login_failures(conn, email, client).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60 * 1_000_000;

    #[test]
    fn five_failures_are_free_then_waits_double_up_to_an_hour() {
        let now = 1_000 * MIN;
        // Up to five earlier failures, just now: no wait.
        for n in 0..=4 {
            let earlier: Vec<i64> = (0..n).map(|i| now - i).collect();
            assert_eq!(wait_owed(&earlier, now), None, "{n} earlier failures");
        }
        // The sixth attempt, right after the fifth failure, waits a minute; after the minute
        // it is checked.
        let five: Vec<i64> = (0..5).map(|i| now - i).collect();
        assert_eq!(wait_owed(&five, now), Some(Duration::from_secs(60)));
        assert_eq!(wait_owed(&five, now + MIN), None);
        // Then 2, 4, 8 … minutes, never more than an hour.
        let waits: Vec<u64> = (5..14)
            .map(|n| {
                let earlier: Vec<i64> = (0..n).map(|i| now - i).collect();
                wait_owed(&earlier, now).map_or(0, |w| w.as_secs() / 60)
            })
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        // Part of the wait already passed counts.
        assert_eq!(
            wait_owed(&five, now + MIN / 2),
            Some(Duration::from_secs(30))
        );
    }
}
