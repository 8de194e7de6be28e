//! Faults a test can switch on while the fake runs.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the next data request gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A normal answer.
    Normal,
    /// 429 with `Retry-After: <secs>`.
    RateLimited(u64),
    /// 500 with the SIS's error body.
    ServerError,
    /// 200 whose body stops half-way and whose connection is then cut.
    Truncated,
    /// 200 with a complete body that is not valid JSON.
    Malformed,
}

#[derive(Debug)]
struct State {
    rate_limited: u32,
    retry_after_secs: u64,
    server_errors: u32,
    truncated: u32,
    malformed: u32,
    delay: Duration,
    empty_roster: bool,
    link_headers: bool,
    link_origin: Option<url::Url>,
    total_count: bool,
    max_limit: Option<u32>,
    missing: HashSet<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            rate_limited: 0,
            retry_after_secs: 0,
            server_errors: 0,
            truncated: 0,
            malformed: 0,
            delay: Duration::ZERO,
            empty_roster: false,
            link_headers: true,
            link_origin: None,
            total_count: true,
            max_limit: None,
            missing: HashSet::new(),
        }
    }
}

/// Switches for the fake's misbehaviour. Counted faults ("the next N requests") apply to data
/// requests (not `/token`) in this order: 429, 500, truncated, malformed. Cloning shares the
/// switches.
#[derive(Clone, Debug, Default)]
pub struct Faults(Arc<Mutex<State>>);

impl Faults {
    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The next `n` data requests answer 429 with `Retry-After: <retry_after, in seconds>`.
    pub fn rate_limit_next(&self, n: u32, retry_after: Duration) {
        self.with(|s| {
            s.rate_limited = n;
            s.retry_after_secs = retry_after.as_secs();
        });
    }

    /// The next `n` data requests answer 500.
    pub fn fail_next(&self, n: u32) {
        self.with(|s| s.server_errors = n);
    }

    /// The next `n` data requests send half their JSON and then drop the connection.
    pub fn truncate_next(&self, n: u32) {
        self.with(|s| s.truncated = n);
    }

    /// The next `n` data requests answer 200 with a body that is not valid JSON.
    pub fn malformed_next(&self, n: u32) {
        self.with(|s| s.malformed = n);
    }

    /// Every data request waits `delay` before answering.
    pub fn set_delay(&self, delay: Duration) {
        self.with(|s| s.delay = delay);
    }

    /// Every collection answers 200 with an empty list (an empty roster claiming success).
    pub fn set_empty_roster(&self, on: bool) {
        self.with(|s| s.empty_roster = on);
    }

    /// Whether pages carry a `Link` header (default on).
    pub fn set_link_headers(&self, on: bool) {
        self.with(|s| s.link_headers = on);
    }

    /// Makes the `Link` headers point at `origin` (scheme, host and port) instead of the address
    /// the request came to: a server misconfigured behind a proxy, or tampered with to send the
    /// client's credentials elsewhere. `None` (the default) restores the request's own address.
    pub fn set_link_origin(&self, origin: Option<url::Url>) {
        self.with(|s| s.link_origin = origin);
    }

    /// Whether pages carry `X-Total-Count` (default on).
    pub fn set_total_count(&self, on: bool) {
        self.with(|s| s.total_count = on);
    }

    /// Caps `limit` (servers may return fewer objects than asked).
    pub fn set_max_limit(&self, max: Option<u32>) {
        self.with(|s| s.max_limit = max);
    }

    /// The collection (e.g. `academicSessions`) answers 404, as if the provider lacked it.
    pub fn remove_collection(&self, path: &str) {
        self.with(|s| s.missing.insert(path.to_owned()));
    }

    /// Back to a well-behaved server.
    pub fn clear(&self) {
        self.with(|s| *s = State::default());
    }

    /// Consumes one counted fault, if any is pending, and returns the delay too.
    pub fn next_outcome(&self) -> (Duration, Outcome) {
        self.with(|s| {
            let outcome = if s.rate_limited > 0 {
                s.rate_limited -= 1;
                Outcome::RateLimited(s.retry_after_secs)
            } else if s.server_errors > 0 {
                s.server_errors -= 1;
                Outcome::ServerError
            } else if s.truncated > 0 {
                s.truncated -= 1;
                Outcome::Truncated
            } else if s.malformed > 0 {
                s.malformed -= 1;
                Outcome::Malformed
            } else {
                Outcome::Normal
            };
            (s.delay, outcome)
        })
    }

    pub fn empty_roster(&self) -> bool {
        self.with(|s| s.empty_roster)
    }

    pub fn link_headers(&self) -> bool {
        self.with(|s| s.link_headers)
    }

    pub fn link_origin(&self) -> Option<url::Url> {
        self.with(|s| s.link_origin.clone())
    }

    pub fn total_count(&self) -> bool {
        self.with(|s| s.total_count)
    }

    pub fn max_limit(&self) -> Option<u32> {
        self.with(|s| s.max_limit)
    }

    pub fn is_missing(&self, path: &str) -> bool {
        self.with(|s| s.missing.contains(path))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Faults, Outcome};

    #[test]
    fn counted_faults_run_out_in_order() {
        let f = Faults::default();
        f.rate_limit_next(1, Duration::from_secs(2));
        f.fail_next(1);
        f.truncate_next(1);
        f.malformed_next(1);
        let outcomes: Vec<Outcome> = (0..5).map(|_| f.next_outcome().1).collect();
        assert_eq!(
            outcomes,
            [
                Outcome::RateLimited(2),
                Outcome::ServerError,
                Outcome::Truncated,
                Outcome::Malformed,
                Outcome::Normal
            ]
        );
        f.set_link_headers(false);
        f.clear();
        assert!(f.link_headers());
    }
}
