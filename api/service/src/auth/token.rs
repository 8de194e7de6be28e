//! API tokens: long random secrets, stored only as SHA-256 hashes, shown once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

/// Prefix that makes Homeroom tokens recognisable (e.g. by secret scanners).
pub const TOKEN_PREFIX: &str = "hr_";

/// A new random token: 32 bytes from the OS generator, URL-safe base64.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random source is unavailable");
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Extracts the token from an `Authorization` header value.
pub fn from_header(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() > 40);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
    }

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(from_header("Bearer abc"), Some("abc"));
        assert_eq!(from_header("bearer  abc "), Some("abc"));
        assert_eq!(from_header("Basic abc"), None);
        assert_eq!(from_header("Bearer "), None);
        assert_eq!(from_header("abc"), None);
    }
}
