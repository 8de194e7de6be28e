//! Sending outgoing webhooks: a signed JSON `POST`.
//!
//! Headers: `Homeroom-Event` (e.g. `CLASS_CLAIMED`), `Homeroom-Delivery` (the delivery id, the
//! same on every retry, so receivers can drop duplicates), `Homeroom-Timestamp` (Unix seconds)
//! and `Homeroom-Signature: t=<timestamp>,v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
//! A receiver recomputes the HMAC over the raw body, compares in constant time, and rejects old
//! timestamps (replays). A 2xx answer is delivered; 408, 429, 5xx, timeouts and connection errors
//! are retried with backoff; any other answer fails the delivery for good.

use std::time::Duration;

use hmac::{Hmac, Mac};
use homeroom_schema::models::Webhook;
use sha2::Sha256;

use super::DeliveryError;
use homeroom_core::secrets::SecretKey;

/// Header naming the event.
pub const HEADER_EVENT: &str = "homeroom-event";
/// Header with the delivery id.
pub const HEADER_DELIVERY: &str = "homeroom-delivery";
/// Header with the signing time (Unix seconds).
pub const HEADER_TIMESTAMP: &str = "homeroom-timestamp";
/// Header with the signature.
pub const HEADER_SIGNATURE: &str = "homeroom-signature";

/// Longest wait for an endpoint's answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

fn mac(secret: &str, timestamp: i64, body: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any size");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    mac
}

/// The `Homeroom-Signature` value of `body` signed at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let digest = mac(secret, timestamp, body).finalize().into_bytes();
    format!("t={timestamp},v1={}", hex::encode(digest))
}

/// Checks a `Homeroom-Signature` header against `body` as a receiver would: the HMAC matches
/// (in constant time) and the timestamp is within `tolerance_secs` of `now` (Unix seconds).
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance_secs: i64) -> bool {
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let Some(t) = timestamp else {
        return false;
    };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    candidates
        .iter()
        .any(|c| mac(secret, t, body).verify_slice(c).is_ok())
}

/// Sends webhook deliveries.
#[derive(Clone, Debug)]
pub struct WebhookSender {
    client: reqwest::Client,
    key: Option<SecretKey>,
    allow_private: bool,
}

/// The fixed reason a delivery to a refused address fails with.
pub const ADDRESS_NOT_ALLOWED: &str = "address not allowed";

/// Whether `ip` is an address webhooks may reach without the operator switch: not loopback,
/// private, link-local (cloud metadata included), multicast, unspecified, shared (CGNAT),
/// documentation, benchmarking or reserved space, and not an IPv4-mapped one of those.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240
                || (o[0] == 192 && o[1] == 0 && o[2] == 0))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || seg[0] == 0x2001 && seg[1] == 0x0db8
                || seg[0] == 0x0064 && seg[1] == 0xff9b)
        }
    }
}

impl Default for WebhookSender {
    fn default() -> Self {
        WebhookSender::new(None)
    }
}

impl WebhookSender {
    /// A sender that decrypts signing secrets with `key` (without a key, deliveries fail with
    /// the reason).
    pub fn new(key: Option<SecretKey>) -> WebhookSender {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Homeroom-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        WebhookSender {
            client,
            key,
            allow_private: false,
        }
    }

    /// The same sender, allowed (`true`) to reach loopback and private addresses: the
    /// operator switch `HOMEROOM_WEBHOOK_ALLOW_PRIVATE`, for local development and tests.
    #[must_use]
    pub fn allow_private(mut self, allow: bool) -> Self {
        self.allow_private = allow;
        self
    }

    /// Resolves the webhook's host now (not when it was registered: a name may be pointed
    /// elsewhere since) and returns a client pinned to the checked addresses, or the fixed
    /// refusal.
    async fn client_for(&self, url: &str) -> Result<reqwest::Client, DeliveryError> {
        if self.allow_private {
            return Ok(self.client.clone());
        }
        let refused = || DeliveryError::Rejected(ADDRESS_NOT_ALLOWED.into());
        let parsed = url::Url::parse(url).map_err(|_| refused())?;
        let port = parsed.port_or_known_default().ok_or_else(refused)?;
        let (name, addrs): (Option<String>, Vec<std::net::SocketAddr>) = match parsed.host() {
            Some(url::Host::Ipv4(ip)) => (None, vec![(ip, port).into()]),
            Some(url::Host::Ipv6(ip)) => (None, vec![(ip, port).into()]),
            Some(url::Host::Domain(d)) => {
                let found = tokio::net::lookup_host((d, port))
                    .await
                    .map_err(|_| DeliveryError::Transient("name not resolved".into()))?
                    .collect();
                (Some(d.to_owned()), found)
            }
            None => return Err(refused()),
        };
        if addrs.is_empty() || !addrs.iter().all(|a| is_public(a.ip())) {
            return Err(refused());
        }
        let Some(name) = name else {
            return Ok(self.client.clone());
        };
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Homeroom-Webhooks/", env!("CARGO_PKG_VERSION")))
            .resolve_to_addrs(&name, &addrs)
            .build()
            .map_err(|_| DeliveryError::Transient("client unavailable".into()))
    }

    /// Posts one delivery; returns what the endpoint answered (`HTTP 204`).
    pub async fn send(
        &self,
        webhook: &Webhook,
        delivery_id: &str,
        event: &str,
        body: &str,
    ) -> Result<String, DeliveryError> {
        let key = self.key.as_ref().ok_or_else(|| {
            DeliveryError::ChannelOff("webhooks are off: HOMEROOM_SECRET_KEY is not set".into())
        })?;
        let secret = key
            .decrypt(&webhook.secret)
            .map_err(|e| DeliveryError::ChannelOff(e.to_string()))?;
        let client = self.client_for(&webhook.url).await?;
        let timestamp = chrono::Utc::now().timestamp();
        let response = client
            .post(&webhook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(HEADER_EVENT, event)
            .header(HEADER_DELIVERY, delivery_id)
            .header(HEADER_TIMESTAMP, timestamp.to_string())
            .header(HEADER_SIGNATURE, signature(&secret, timestamp, body))
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| {
                // A fixed reason: the transport's text can quote what an internal host said.
                let what = if e.is_timeout() {
                    "timed out"
                } else {
                    "connection failed"
                };
                DeliveryError::Transient(what.into())
            })?;
        let status = response.status();
        let answer = format!("HTTP {}", status.as_u16());
        if status.is_success() {
            return Ok(answer);
        }
        // The status only: the body never enters the delivery log.
        let detail = answer;
        if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
            Err(DeliveryError::Transient(detail))
        } else {
            Err(DeliveryError::Rejected(detail))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_reject_tampering_and_replays() {
        let body = r#"{"event":"CLASS_CLAIMED"}"#;
        let header = signature("s3cret-s3cret-s3cret", 1_700_000_000, body);
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify(
            "s3cret-s3cret-s3cret",
            &header,
            body,
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "other-secret-other",
            &header,
            body,
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            &header,
            "{}",
            1_700_000_100,
            300
        ));
        assert!(!verify(
            "s3cret-s3cret-s3cret",
            &header,
            body,
            1_700_001_000,
            300
        ));
        // HMAC-SHA256 of "1.x" under key "k", computed independently (Python's hmac module).
        assert_eq!(
            signature("k", 1, "x"),
            "t=1,v1=976cb87e4f568d1c0f03f32859e90af8597cf00b978ba37c229c97d3a15b8449"
        );
    }
}
