//! Connector secrets at rest: AES-256-GCM with the key from `HOMEROOM_SECRET_KEY` (base64, 32
//! bytes). Stored as `v1:` + base64(nonce ‖ ciphertext); never returned by the API.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::TryRngCore;
use rand::rngs::OsRng;

/// Names of configuration fields that are secrets, whatever the connector kind.
pub const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "token",
    "bearer_token",
    "cert",
    "password",
    "api_key",
];

/// Errors handling secrets.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No key is configured but a secret must be stored or read.
    #[error("HOMEROOM_SECRET_KEY is not set: it is needed to store connector and webhook secrets")]
    NoKey,
    /// The key is not base64 of 32 bytes.
    #[error("HOMEROOM_SECRET_KEY must be base64 of exactly 32 bytes")]
    BadKey,
    /// A stored secret cannot be decrypted (wrong key or corrupted).
    #[error("a stored secret cannot be decrypted (was HOMEROOM_SECRET_KEY changed?)")]
    Undecryptable,
}

/// The encryption key.
#[derive(Clone)]
pub struct SecretKey(Aes256Gcm);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

impl SecretKey {
    /// Parses a base64 key.
    pub fn from_base64(text: &str) -> Result<Self, SecretError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| SecretError::BadKey)?;
        let key = Aes256Gcm::new_from_slice(&bytes).map_err(|_| SecretError::BadKey)?;
        Ok(SecretKey(key))
    }

    /// A random key (for `--demo`), with its base64 form.
    pub fn generate() -> (Self, String) {
        let mut bytes = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut bytes)
            .expect("the operating system's random source is unavailable");
        let text = STANDARD.encode(bytes);
        (
            SecretKey(Aes256Gcm::new_from_slice(&bytes).expect("32-byte key")),
            text,
        )
    }

    /// Encrypts `plain`.
    pub fn encrypt(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        OsRng
            .try_fill_bytes(&mut nonce)
            .expect("the operating system's random source is unavailable");
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .expect("AES-GCM encryption of a bounded message cannot fail");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        format!("v1:{}", STANDARD.encode(out))
    }

    /// Decrypts what [`SecretKey::encrypt`] made.
    pub fn decrypt(&self, stored: &str) -> Result<String, SecretError> {
        let body = stored
            .strip_prefix("v1:")
            .ok_or(SecretError::Undecryptable)?;
        let raw = STANDARD
            .decode(body)
            .map_err(|_| SecretError::Undecryptable)?;
        if raw.len() < 12 {
            return Err(SecretError::Undecryptable);
        }
        let (nonce, sealed) = raw.split_at(12);
        let plain = self
            .0
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| SecretError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| SecretError::Undecryptable)
    }
}

/// Splits a connector config into its public part and its secret fields.
pub fn split(
    config: &serde_json::Value,
) -> (
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>,
) {
    let mut public = config.clone();
    let mut secret = serde_json::Map::new();
    if let Some(obj) = public.as_object_mut() {
        for field in SECRET_FIELDS {
            if let Some(v) = obj.remove(*field) {
                secret.insert((*field).to_owned(), v);
            }
        }
    }
    (public, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_resist_tampering() {
        let (key, text) = SecretKey::generate();
        let again = SecretKey::from_base64(&text).unwrap();
        let sealed = key.encrypt("s3cret");
        assert!(!sealed.contains("s3cret"));
        assert_ne!(sealed, key.encrypt("s3cret"), "fresh nonce each time");
        assert_eq!(again.decrypt(&sealed).unwrap(), "s3cret");
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert!(key.decrypt(&tampered).is_err() || tampered == sealed);
        let (other, _) = SecretKey::generate();
        assert!(other.decrypt(&sealed).is_err());
        assert!(SecretKey::from_base64("short").is_err());
    }

    #[test]
    fn config_secrets_are_split_out() {
        let cfg =
            serde_json::json!({"base_url": "https://x", "client_id": "id", "client_secret": "s"});
        let (public, secret) = split(&cfg);
        assert_eq!(
            public,
            serde_json::json!({"base_url": "https://x", "client_id": "id"})
        );
        assert_eq!(secret.get("client_secret"), Some(&serde_json::json!("s")));
    }
}
