//! OAuth helpers for SIS APIs.
//!
//! * **OAuth 1.0a, HMAC-SHA256, two-legged** — ClassLink Roster Server and OneRoster 1.1
//!   ([`OAuth1Signer`] to sign, [`verify_oauth1`] for fake servers). The signing follows
//!   ClassLink's reference libraries exactly: the `oauth_*` parameters are
//!   `oauth_consumer_key`, `oauth_signature_method=HMAC-SHA256`, `oauth_timestamp` (Unix
//!   seconds) and `oauth_nonce` (random alphanumerics, as long as the timestamp) — **no
//!   `oauth_version`, no `oauth_token`** — and the URL's query parameters are part of the
//!   signature base string.
//! * **OAuth 2.0 client credentials** — OneRoster 1.2 ([`ClientCredentialsTokens`]), through the
//!   `oauth2` crate, with tokens cached until shortly before they expire.

mod client_credentials;
mod oauth1_base;
mod oauth1_error;
mod oauth1_sign;
mod oauth1_verify;

pub use client_credentials::{ClientAuthStyle, ClientCredentials, ClientCredentialsTokens};
pub use oauth1_base::{SIGNATURE_METHOD, sign_base_string, signature_base_string};
pub use oauth1_error::OAuth1Error;
pub use oauth1_sign::{OAuth1Signature, OAuth1Signer, generate_nonce};
pub use oauth1_verify::{VerifiedOAuth1, parse_authorization_header, verify_oauth1};

#[cfg(test)]
mod oauth1_tests;
