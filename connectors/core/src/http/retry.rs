//! How often and how long to retry.

use std::time::Duration;

use rand::Rng;

/// Retry settings of an [`super::HttpClient`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts per request, the first included (at least 1). Applies to every retryable
    /// outcome: 5xx, 429, timeouts and connection failures.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles for each further retry.
    pub base_delay: Duration,
    /// Upper bound of a backoff delay.
    pub max_delay: Duration,
    /// The longest wait a server may ask for (`Retry-After`, `X-RateLimit-Reset`). A longer
    /// demand ends the request with [`crate::ConnectorError::RateLimited`] at once instead of
    /// sleeping for it.
    pub max_server_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_server_wait: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The attempt bound, never less than 1.
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The backoff ceiling before retry number `retry` (1 = the first retry):
    /// `min(max_delay, base_delay × 2^(retry−1))`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The delay before retry number `retry`, with "equal jitter": uniformly random in
    /// `[ceiling/2, ceiling]`, so concurrent clients spread out but never retry immediately.
    pub fn backoff_delay(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let half = ceiling / 2;
        let spread = (ceiling - half).as_nanos() as u64;
        if spread == 0 {
            return ceiling;
        }
        half + Duration::from_nanos(rand::rng().random_range(0..=spread))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::RetryPolicy;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_server_wait: Duration::from_secs(60),
        }
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let p = policy();
        let ceilings: Vec<u128> = (1..=6).map(|n| p.backoff_ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff_ceiling(1000), Duration::from_millis(1000));
    }

    #[test]
    fn jittered_delay_stays_within_half_and_full_ceiling() {
        let p = policy();
        let mut distinct = std::collections::BTreeSet::new();
        for retry in 1..=5 {
            let ceiling = p.backoff_ceiling(retry);
            for _ in 0..200 {
                let d = p.backoff_delay(retry);
                assert!(
                    d >= ceiling / 2 && d <= ceiling,
                    "{d:?} outside [{:?}, {ceiling:?}]",
                    ceiling / 2
                );
                distinct.insert(d);
            }
        }
        assert!(distinct.len() > 100, "jitter should vary the delays");
    }

    #[test]
    fn attempts_is_at_least_one() {
        let p = RetryPolicy {
            max_attempts: 0,
            ..policy()
        };
        assert_eq!(p.attempts(), 1);
    }
}
