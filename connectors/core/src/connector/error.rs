//! How a connector fails.

use std::time::Duration;

use thiserror::Error;

/// Everything that can go wrong while a connector talks to its SIS.
///
/// The messages are written for a district admin reading a sync report: they say what failed
/// and where, never print a credential, and quote at most a short excerpt of a response body.
#[derive(Debug, Error)]
pub enum ConnectorError {
    /// The connector's configuration is missing or wrong (bad URL, missing field, unknown kind).
    #[error("configuration error: {0}")]
    Config(String),
    /// The SIS rejected the credentials, or they lack a permission.
    #[error("authentication failed: {0}")]
    Auth(String),
    /// A non-success HTTP status that is not an auth failure or a rate limit (after retries,
    /// for 5xx).
    #[error("HTTP {status} from {url}: {body_excerpt}")]
    Http {
        /// The status code.
        status: u16,
        /// The request URL.
        url: String,
        /// The first few hundred characters of the response body.
        body_excerpt: String,
    },
    /// The SIS kept answering 429 (or asked for a longer wait than the client accepts).
    #[error("rate limited by {url}{}", retry_after_text(.retry_after))]
    RateLimited {
        /// The request URL.
        url: String,
        /// How long the server asked to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// The request did not complete within the per-request timeout (after retries).
    #[error("request to {url} timed out after {after:?}")]
    Timeout {
        /// The request URL.
        url: String,
        /// The per-request timeout that expired.
        after: Duration,
    },
    /// The connection failed (DNS, refused, reset, TLS) after retries.
    #[error("network error talking to {url}: {detail}")]
    Network {
        /// The request URL.
        url: String,
        /// The transport's description.
        detail: String,
    },
    /// A response (a page, a file) could not be understood.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read ("users page", "orgs.csv row 12").
        what: String,
        /// What was wrong.
        detail: String,
    },
    /// The SIS answered with an empty roster where one was expected; the sync engine treats
    /// this as a hold, never as "everyone left".
    #[error("the source returned an empty roster: {0}")]
    EmptyRoster(String),
    /// A delta cannot start from the stored cursor: it is older than the SIS's change window
    /// (Clever keeps 30 days of events) or the SIS's change feed is switched off. The sync
    /// engine answers by running a full snapshot instead.
    #[error("the delta cursor cannot be used: {0}; a full sync is needed")]
    CursorExpired(String),
    /// The connector does not support the requested operation (e.g. delta sync).
    #[error("{0} is not supported by this connector")]
    Unsupported(String),
    /// Local I/O failed (reading a CSV export, a temporary file).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!(" (retry after {}s)", d.as_secs_f64().ceil()),
        None => String::new(),
    }
}

impl ConnectorError {
    /// Shorthand for [`ConnectorError::Malformed`].
    pub fn malformed(what: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::Malformed {
            what: what.into(),
            detail: detail.into(),
        }
    }

    /// Shorthand for [`ConnectorError::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Self::Config(message.into())
    }

    /// Whether trying the whole operation again later may succeed: rate limits, timeouts,
    /// network failures and 5xx. Auth, config and malformed data need a human.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Timeout { .. } | Self::Network { .. } => true,
            Self::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// What may be shown to API callers: the kind of failure, the HTTP status and a fixed
    /// reason, never the remote host's body or the transport's text (which can carry what an
    /// internal service answered).
    pub fn public_reason(&self) -> String {
        match self {
            Self::Config(_) => "configuration error: check the connector's settings".into(),
            Self::Auth(_) => "authentication failed: the SIS refused the credentials".into(),
            Self::Http { status, .. } => format!("HTTP {status} from the SIS"),
            Self::RateLimited { .. } => "rate limited by the SIS".into(),
            Self::Timeout { .. } => "the SIS did not answer in time".into(),
            Self::Network { .. } => "could not reach the SIS".into(),
            Self::Malformed { .. } => "the SIS sent data that could not be read".into(),
            Self::EmptyRoster(_) => "the source returned an empty roster".into(),
            Self::CursorExpired(_) => {
                "the delta cursor cannot be used; a full sync is needed".into()
            }
            Self::Unsupported(what) => format!("{what} is not supported by this connector"),
            Self::Io(_) => "the import files could not be read".into(),
            Self::Other(_) => "the connector failed".into(),
        }
    }

    /// The HTTP status, for [`ConnectorError::Http`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::ConnectorError;

    #[test]
    fn messages_are_readable() {
        let e = ConnectorError::RateLimited {
            url: "https://api.clever.com/v3.0/users".into(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            e.to_string(),
            "rate limited by https://api.clever.com/v3.0/users (retry after 2s)"
        );
        let e = ConnectorError::Http {
            status: 404,
            url: "http://x/y".into(),
            body_excerpt: "{\"message\":\"not found\"}".into(),
        };
        assert_eq!(
            e.to_string(),
            "HTTP 404 from http://x/y: {\"message\":\"not found\"}"
        );
        assert_eq!(e.http_status(), Some(404));
        assert_eq!(
            ConnectorError::malformed("users page", "missing `data`").to_string(),
            "malformed users page: missing `data`"
        );
    }

    #[test]
    fn transience() {
        assert!(
            ConnectorError::Timeout {
                url: String::new(),
                after: Duration::ZERO
            }
            .is_transient()
        );
        assert!(
            ConnectorError::Http {
                status: 503,
                url: String::new(),
                body_excerpt: String::new()
            }
            .is_transient()
        );
        assert!(
            !ConnectorError::Http {
                status: 400,
                url: String::new(),
                body_excerpt: String::new()
            }
            .is_transient()
        );
        assert!(!ConnectorError::Auth("bad".into()).is_transient());
    }
}
