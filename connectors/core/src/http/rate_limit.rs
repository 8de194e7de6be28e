//! Client-side rate limiting.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::connector::ConnectorError;

/// "At most `requests` per `per`", with bursts of up to `burst` requests.
///
/// The limiter is a token bucket (implemented as GCRA) of capacity `burst` refilled one token
/// every `per / (requests − burst + 1)`. That refill rate is chosen so the guarantee holds for a
/// server that counts in fixed windows (Clever resets its 1,200/min counter each minute): **no
/// window of length `per` ever contains more than `requests` requests**. With `burst = 1`
/// requests are evenly spaced at the full rate; a larger burst trades sustained rate for
/// latency. The default burst is a tenth of `requests`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    per: Duration,
    burst: u32,
}

impl RateLimit {
    /// `requests` per `per`, default burst. Zero requests or a zero period is a config error.
    pub fn new(requests: u32, per: Duration) -> Result<Self, ConnectorError> {
        if requests == 0 || per.is_zero() {
            return Err(ConnectorError::Config(format!(
                "rate limit must allow at least one request per non-zero period (got {requests} per {per:?})"
            )));
        }
        Ok(Self {
            requests,
            per,
            burst: (requests / 10).max(1),
        })
    }

    /// `requests` per minute (Clever: `RateLimit::per_minute(1200)`).
    pub fn per_minute(requests: u32) -> Result<Self, ConnectorError> {
        Self::new(requests, Duration::from_secs(60))
    }

    /// Sets the burst size, clamped to `1..=requests`.
    pub fn with_burst(mut self, burst: u32) -> Self {
        self.burst = burst.clamp(1, self.requests);
        self
    }

    /// Requests allowed per period.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The period.
    pub fn per(&self) -> Duration {
        self.per
    }

    /// Requests allowed back to back.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Time between token refills.
    pub fn emission_interval(&self) -> Duration {
        self.per / (self.requests - self.burst + 1)
    }
}

/// A shared token bucket. Every [`super::HttpClient`] attempt calls [`RateLimiter::acquire`];
/// callers are served in arrival order (a reservation is taken before waiting).
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    /// Theoretical arrival time of the next request (GCRA state).
    tat: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter enforcing `limit`, starting with a full bucket.
    pub fn new(limit: RateLimit) -> Self {
        let interval = limit.emission_interval();
        Self {
            interval,
            tolerance: interval * (limit.burst() - 1),
            tat: Mutex::new(None),
        }
    }

    /// Waits until a request may be sent, then takes the token.
    pub async fn acquire(&self) {
        let start_at = self.reserve(Instant::now());
        tokio::time::sleep_until(start_at).await;
    }

    /// Takes the next slot and returns when it starts.
    fn reserve(&self, now: Instant) -> Instant {
        let mut tat = self.tat.lock().unwrap_or_else(|e| e.into_inner());
        let current = tat.map_or(now, |t| t.max(now));
        let start_at = current
            .checked_sub(self.tolerance)
            .map_or(now, |earliest| earliest.max(now));
        *tat = Some(current + self.interval);
        start_at
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{RateLimit, RateLimiter};

    /// Fires `n` acquisitions and returns their times relative to the start.
    async fn fire(limit: RateLimit, n: usize) -> Vec<Duration> {
        let limiter = RateLimiter::new(limit);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..n {
            limiter.acquire().await;
            times.push(start.elapsed());
        }
        times
    }

    fn max_in_any_window(times: &[Duration], window: Duration) -> usize {
        times
            .iter()
            .map(|t| {
                times
                    .iter()
                    .filter(|u| **u >= *t && **u < *t + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn never_exceeds_the_limit_in_any_window() {
        for burst in [1, 3, 5, 10] {
            let limit = RateLimit::new(10, Duration::from_secs(1))
                .unwrap()
                .with_burst(burst);
            let times = fire(limit, 60).await;
            assert!(
                max_in_any_window(&times, Duration::from_secs(1)) <= 10,
                "burst {burst}: {times:?}"
            );
            assert_eq!(
                times.iter().filter(|t| t.is_zero()).count(),
                burst as usize,
                "burst {burst}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn burst_one_spaces_requests_evenly_at_full_rate() {
        let limit = RateLimit::new(10, Duration::from_secs(1))
            .unwrap()
            .with_burst(1);
        let times = fire(limit, 11).await;
        assert_eq!(times[10], Duration::from_secs(1));
        assert_eq!(times[1], Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn refills_after_idle_time() {
        let limit = RateLimit::new(4, Duration::from_secs(1))
            .unwrap()
            .with_burst(2);
        let limiter = RateLimiter::new(limit);
        let start = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle_end = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!(
            idle_end.elapsed(),
            Duration::ZERO,
            "a full bucket again after idling"
        );
        limiter.acquire().await;
        // Tokio timers have millisecond resolution and round up.
        let waited = idle_end.elapsed();
        let interval = limit.emission_interval();
        assert!(
            waited >= interval && waited <= interval + Duration::from_millis(1),
            "{waited:?}"
        );
    }

    #[test]
    fn validates_and_defaults() {
        assert!(RateLimit::new(0, Duration::from_secs(1)).is_err());
        assert!(RateLimit::new(1, Duration::ZERO).is_err());
        let clever = RateLimit::per_minute(1200).unwrap();
        assert_eq!(clever.burst(), 120);
        assert_eq!(clever.with_burst(0).burst(), 1);
        assert_eq!(clever.with_burst(5000).burst(), 1200);
        assert_eq!(
            clever.with_burst(1).emission_interval(),
            Duration::from_millis(50)
        );
    }
}
