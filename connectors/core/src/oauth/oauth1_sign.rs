//! Signing requests with OAuth 1.0a HMAC-SHA256.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use rand::Rng;
use rand::distr::Alphanumeric;
use url::Url;

use super::oauth1_base::{SIGNATURE_METHOD, sign_base_string, signature_base_string};
use crate::{Secret, percent};

/// Signs requests for one consumer (ClassLink / OneRoster 1.1 client id and secret).
#[derive(Clone)]
pub struct OAuth1Signer {
    consumer_key: String,
    consumer_secret: Secret,
}

/// Everything computed when signing one request (kept for tests and debugging).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth1Signature {
    /// The signature base string.
    pub base_string: String,
    /// The base64 HMAC-SHA256 signature.
    pub signature: String,
    /// The complete `Authorization` header value.
    pub authorization: String,
}

impl OAuth1Signer {
    /// A signer for `consumer_key` / `consumer_secret`.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<Secret>) -> Self {
        Self {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
        }
    }

    /// The consumer key (client id).
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The `Authorization` header for `method url` with the current time and a fresh nonce.
    pub fn authorization_header(&self, method: &str, url: &Url) -> String {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let nonce = generate_nonce(timestamp.to_string().len());
        self.sign(method, url, timestamp, &nonce).authorization
    }

    /// Signs `method url` with a given timestamp and nonce (deterministic; for tests and fakes).
    ///
    /// The header is
    /// `OAuth oauth_consumer_key="…",oauth_signature_method="HMAC-SHA256",oauth_timestamp="…",oauth_nonce="…",oauth_signature="…"`
    /// with every value RFC 3986-encoded, in that order, comma-separated without spaces.
    pub fn sign(&self, method: &str, url: &Url, timestamp: u64, nonce: &str) -> OAuth1Signature {
        let timestamp = timestamp.to_string();
        let params = [
            ("oauth_consumer_key", self.consumer_key.as_str()),
            ("oauth_signature_method", SIGNATURE_METHOD),
            ("oauth_timestamp", timestamp.as_str()),
            ("oauth_nonce", nonce),
        ];
        let base_string = signature_base_string(method, url, &params);
        let signature = sign_base_string(&base_string, self.consumer_secret.expose());
        let authorization = format!(
            "OAuth {}",
            params
                .iter()
                .chain(std::iter::once(&("oauth_signature", signature.as_str())))
                .map(|(k, v)| format!("{k}=\"{}\"", percent::encode(v)))
                .collect::<Vec<_>>()
                .join(",")
        );
        OAuth1Signature {
            base_string,
            signature,
            authorization,
        }
    }
}

impl fmt::Debug for OAuth1Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Signer")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &self.consumer_secret)
            .finish()
    }
}

/// `len` random characters from `[0-9A-Za-z]`.
pub fn generate_nonce(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
