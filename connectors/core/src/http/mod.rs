//! The HTTP client every connector uses.
//!
//! [`HttpClient`] wraps `reqwest` (rustls, no native TLS) and adds what SIS APIs need:
//!
//! * a per-request timeout and a connect timeout ([`HttpConfig`]);
//! * bounded retries with exponential backoff and jitter for 5xx (except 501), connect errors
//!   and timeouts ([`RetryPolicy`]);
//! * `429 Too Many Requests` handling that waits as long as `Retry-After` (seconds or an HTTP
//!   date) or `X-RateLimit-Reset` (epoch seconds) say, up to a cap;
//! * no retry for any other 4xx (401/403 become [`crate::ConnectorError::Auth`]);
//! * a client-side token-bucket [`RateLimiter`] that every attempt passes through;
//! * request authentication per attempt ([`RequestAuth`]: bearer, custom header, basic,
//!   OAuth 1.0a signature, OAuth 2.0 client-credentials token);
//! * a request counter for benchmarks ([`HttpClient::request_count`]).

mod auth;
mod client;
mod config;
mod link_header;
mod query;
mod rate_limit;
mod request;
mod response;
mod retry;
mod retry_after;

pub use auth::RequestAuth;
pub use client::{HttpClient, MAX_BODY_BYTES};
pub use config::HttpConfig;
pub use link_header::{Link, link_on_origin, next_link, parse_link_header};
pub use query::set_query_pairs;
pub use rate_limit::{RateLimit, RateLimiter};
pub use request::HttpRequest;
pub use response::HttpResponse;
pub use retry::RetryPolicy;
pub use retry_after::server_requested_wait;
