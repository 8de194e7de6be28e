//! Client settings.

use std::time::Duration;

use super::{RateLimit, RetryPolicy};

/// Settings of an [`super::HttpClient`]. `Default` suits production; tests shrink the
/// timeouts and backoff.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Limit for one attempt, from connecting until the whole body is read.
    pub timeout: Duration,
    /// Limit for establishing a connection.
    pub connect_timeout: Duration,
    /// Retry and backoff settings.
    pub retry: RetryPolicy,
    /// Client-side rate limit every attempt passes through, if any (Clever: 1,200/min).
    pub rate_limit: Option<RateLimit>,
    /// `User-Agent` header.
    pub user_agent: String,
    /// How many characters of an error response body to quote in errors.
    pub body_excerpt_chars: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate_limit: None,
            user_agent: concat!("homeroom-connector/", env!("CARGO_PKG_VERSION")).to_owned(),
            body_excerpt_chars: 300,
        }
    }
}
