//! A fake of a Twilio-compatible SMS provider: `POST /2010-04-01/Accounts/{sid}/Messages.json`
//! with basic auth, answering like the real API, recording messages, and refusing numbers it is
//! told are invalid (400 with a provider error code).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use base64::Engine as _;

/// One text message the fake accepted.
#[derive(Debug, Clone)]
pub struct Sms {
    /// Provider id (`SM…`).
    pub sid: String,
    /// Recipient (E.164).
    pub to: String,
    /// Sender.
    pub from: String,
    /// Body.
    pub body: String,
    /// Where the provider would post delivery receipts.
    pub status_callback: Option<String>,
    /// The request's `Idempotency-Key` header, if it had one.
    pub idempotency_key: Option<String>,
}

#[derive(Default)]
struct Inner {
    messages: Vec<Sms>,
    invalid: HashSet<String>,
    /// Answers to messages after this many are withheld until [`SmsFake::release`].
    hold_after: Option<usize>,
    /// Messages recorded whose answer is being withheld.
    held: usize,
}

/// The running fake.
#[derive(Clone)]
pub struct SmsFake {
    /// Base URL for `HOMEROOM_SMS_URL`.
    pub url: String,
    /// Account SID.
    pub sid: String,
    /// Auth token.
    pub secret: String,
    inner: Arc<Mutex<Inner>>,
    /// `true` while answers are withheld.
    gate: Arc<tokio::sync::watch::Sender<bool>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Form {
    to: String,
    from: String,
    body: String,
    status_callback: Option<String>,
}

impl SmsFake {
    /// Starts the fake.
    pub async fn start() -> Result<SmsFake> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let fake = SmsFake {
            url: format!("http://127.0.0.1:{port}/2010-04-01/Accounts/AC123"),
            sid: "AC123".into(),
            secret: "sms-secret".into(),
            inner: Arc::new(Mutex::new(Inner::default())),
            gate: Arc::new(tokio::sync::watch::channel(false).0),
        };
        let app = Router::new()
            .route("/2010-04-01/Accounts/{sid}/Messages.json", post(send))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(fake)
    }

    /// `HOMEROOM_SMS_TOKEN` for this fake.
    pub fn token(&self) -> String {
        format!("{}:{}", self.sid, self.secret)
    }

    /// Refuses messages to `number` as an invalid number.
    pub fn invalid(&self, number: &str) {
        self.lock().invalid.insert(number.to_owned());
    }

    /// From now on, records every message after the first `n` in all but does not answer
    /// it (the request hangs, as when the provider accepted a message and the answer was
    /// lost) until [`SmsFake::release`].
    pub fn hold_after(&self, n: usize) {
        self.lock().hold_after = Some(n);
        self.gate.send_replace(true);
    }

    /// Answers the withheld requests and stops holding; returns how many were held.
    pub fn release(&self) -> usize {
        let held = {
            let mut inner = self.lock();
            inner.hold_after = None;
            std::mem::take(&mut inner.held)
        };
        self.gate.send_replace(false);
        held
    }

    /// Messages recorded whose answer is being withheld.
    pub fn held(&self) -> usize {
        self.lock().held
    }

    /// Messages accepted so far.
    pub fn messages(&self) -> Vec<Sms> {
        self.lock().messages.clone()
    }

    /// Waits until at least `n` messages arrived (10 s at most).
    pub async fn wait_for(&self, n: usize) -> Result<Vec<Sms>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return Ok(messages);
            }
            if Instant::now() > deadline {
                bail!("the SMS fake got {} messages, expected {n}", messages.len());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn send(
    State(fake): State<SmsFake>,
    Path(sid): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> impl IntoResponse {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", fake.sid, fake.secret))
    );
    let authorized = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == expected);
    if sid != fake.sid || !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            r#"{"code":20003,"message":"Authenticate","status":401}"#.to_owned(),
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<Form>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            r#"{"code":21602,"message":"Message body is required.","status":400}"#.to_owned(),
        );
    };
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut gate = fake.gate.subscribe();
    let recorded = {
        let mut inner = fake.lock();
        if inner.invalid.contains(&form.to) {
            None
        } else {
            let sid = format!("SM{:032}", inner.messages.len() + 1);
            inner.messages.push(Sms {
                sid: sid.clone(),
                to: form.to,
                from: form.from,
                body: form.body,
                status_callback: form.status_callback,
                idempotency_key,
            });
            let hold = inner.hold_after.is_some_and(|n| inner.messages.len() > n);
            if hold {
                inner.held += 1;
            }
            Some((sid, hold))
        }
    };
    let Some((sid, hold)) = recorded else {
        return (
            StatusCode::BAD_REQUEST,
            r#"{"code":21211,"message":"The 'To' number is not a valid phone number.","status":400}"#
                .to_owned(),
        );
    };
    if hold {
        let _ = gate.wait_for(|closed| !*closed).await;
    }
    (
        StatusCode::CREATED,
        serde_json::json!({"sid": sid, "status": "queued"}).to_string(),
    )
}
