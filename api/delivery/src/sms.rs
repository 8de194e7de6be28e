//! Text messages through an [`SmsProvider`].
//!
//! [`HttpSms`] speaks the most common provider API, Twilio's Programmable Messaging REST API
//! (also offered by compatible gateways): `POST {HOMEROOM_SMS_URL}/Messages.json` with a form of
//! `To`, `From`, `Body` and `StatusCallback`, HTTP basic auth from `HOMEROOM_SMS_TOKEN`
//! (`ACCOUNT_SID:AUTH_TOKEN`), answering `201 {"sid": …, "status": …}` or an error body
//! `{"code": …, "message": …}`. `HOMEROOM_SMS_URL` is the account's base, e.g.
//! `https://api.twilio.com/2010-04-01/Accounts/AC…`.

use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;

use super::DeliveryError;

/// The request header carrying a message's idempotency key (the outbox message id, the same
/// on every retry): the `Idempotency-Key` of the IETF HTTP API draft that payment and messaging
/// APIs accept.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Something that sends text messages.
#[async_trait]
pub trait SmsProvider: Send + Sync {
    /// The provider's name in delivery-receipt URLs (`/webhooks/delivery/{name}`).
    fn name(&self) -> &'static str;

    /// Sends `body` to an E.164 number; returns the provider's message id. `idempotency_key`
    /// is the same on every attempt of one message, so a provider (or a receiver of the
    /// request) can drop a repeat of a request whose answer was lost.
    async fn send(
        &self,
        to: &str,
        body: &str,
        idempotency_key: &str,
    ) -> Result<String, DeliveryError>;
}

/// The Twilio-compatible HTTP provider.
#[derive(Debug, Clone)]
pub struct HttpSms {
    client: reqwest::Client,
    base_url: String,
    user: String,
    password: String,
    from: String,
    status_callback: Option<String>,
}

#[derive(Deserialize)]
struct Sent {
    sid: String,
}

#[derive(Deserialize)]
struct Failure {
    code: Option<i64>,
    message: Option<String>,
}

impl HttpSms {
    /// Builds the provider. `token` is `ACCOUNT_SID:AUTH_TOKEN` (a bare token is sent as the
    /// password with the account SID taken from the URL's last segment); `from` is the sending
    /// number; `status_callback` is where the provider posts delivery receipts.
    pub fn new(
        url: &str,
        token: &str,
        from: &str,
        status_callback: Option<String>,
    ) -> Result<HttpSms, String> {
        let base = url::Url::parse(url).map_err(|e| format!("HOMEROOM_SMS_URL: {e}"))?;
        let base_url = base.as_str().trim_end_matches('/').to_owned();
        let (user, password) = match token.split_once(':') {
            Some((u, p)) => (u.to_owned(), p.to_owned()),
            None => (
                base_url.rsplit('/').next().unwrap_or_default().to_owned(),
                token.to_owned(),
            ),
        };
        if from.trim().is_empty() {
            return Err("HOMEROOM_SMS_FROM (the sending number) is required for SMS".into());
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| format!("SMS client: {e}"))?;
        Ok(HttpSms {
            client,
            base_url,
            user,
            password,
            from: from.to_owned(),
            status_callback,
        })
    }
}

#[async_trait]
impl SmsProvider for HttpSms {
    fn name(&self) -> &'static str {
        "twilio"
    }

    async fn send(
        &self,
        to: &str,
        body: &str,
        idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        let mut form = vec![("To", to), ("From", self.from.as_str()), ("Body", body)];
        if let Some(cb) = &self.status_callback {
            form.push(("StatusCallback", cb.as_str()));
        }
        let response = self
            .client
            .post(format!("{}/Messages.json", self.base_url))
            .basic_auth(&self.user, Some(&self.password))
            .header(IDEMPOTENCY_KEY, idempotency_key)
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                // A fixed reason: the transport's text can quote what the host said.
                let what = if e.is_timeout() {
                    "timed out"
                } else {
                    "connection failed"
                };
                DeliveryError::ProviderDown(format!(
                    "the SMS provider could not be reached ({what})"
                ))
            })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| DeliveryError::Transient(format!("SMS provider answer cut off: {e}")))?;
        if status.is_success() {
            let sent: Sent = serde_json::from_str(&text).map_err(|e| {
                DeliveryError::Transient(format!(
                    "SMS provider answered {status} without a sid: {e}"
                ))
            })?;
            return Ok(sent.sid);
        }
        let failure: Option<Failure> = serde_json::from_str(&text).ok();
        let detail = match failure {
            Some(Failure {
                code: Some(code),
                message: Some(message),
            }) => format!("{message} (provider code {code})"),
            Some(Failure {
                message: Some(message),
                ..
            }) => message,
            _ => format!("HTTP {status}"),
        };
        if status.is_server_error() {
            Err(DeliveryError::ProviderDown(format!(
                "the SMS provider is unavailable (HTTP {})",
                status.as_u16()
            )))
        } else if status.as_u16() == 429 {
            Err(DeliveryError::Transient(format!("SMS provider: {detail}")))
        } else if status.as_u16() == 401 || status.as_u16() == 403 {
            Err(DeliveryError::Transient(format!(
                "SMS provider refused our credentials (check HOMEROOM_SMS_TOKEN): {detail}"
            )))
        } else {
            Err(DeliveryError::Unreachable(detail))
        }
    }
}
