//! OAuth 1.0a verification failures.

use thiserror::Error;

/// Why an OAuth 1.0a `Authorization` header was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OAuth1Error {
    /// The header does not use the `OAuth` scheme.
    #[error("the Authorization header does not use the OAuth scheme")]
    NotOAuth,
    /// The header's parameter list could not be read.
    #[error("malformed OAuth header: {0}")]
    MalformedHeader(String),
    /// A required `oauth_*` parameter is absent.
    #[error("missing OAuth parameter `{0}`")]
    MissingParameter(&'static str),
    /// A parameter appears twice.
    #[error("duplicate OAuth parameter `{0}`")]
    DuplicateParameter(String),
    /// A signature method other than HMAC-SHA256.
    #[error("unsupported OAuth signature method `{0}` (only HMAC-SHA256)")]
    UnsupportedSignatureMethod(String),
    /// `oauth_timestamp` is not a number of seconds.
    #[error("invalid oauth_timestamp `{0}`")]
    InvalidTimestamp(String),
    /// The timestamp is too far from the verifier's clock.
    #[error("oauth_timestamp {timestamp} is more than {max_skew_secs}s away from now ({now})")]
    StaleTimestamp {
        /// The request's timestamp.
        timestamp: u64,
        /// The verifier's clock.
        now: u64,
        /// The tolerance.
        max_skew_secs: u64,
    },
    /// No secret is known for the consumer key.
    #[error("unknown OAuth consumer key `{0}`")]
    UnknownConsumer(String),
    /// The signature does not match.
    #[error("OAuth signature mismatch")]
    BadSignature,
}
