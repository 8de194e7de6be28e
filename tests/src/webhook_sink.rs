//! A local receiver of Homeroom's outgoing webhooks: records every request (headers and raw
//! body) and answers 200, or a chosen failure status for the next N requests.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Lower-cased header names and their values.
    pub headers: BTreeMap<String, String>,
    /// The raw body.
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
}

impl Hit {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

#[derive(Default)]
struct Inner {
    hits: Vec<Hit>,
    failures: Vec<u16>,
}

/// The running receiver.
#[derive(Clone)]
pub struct WebhookSink {
    /// Where to point a webhook.
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl WebhookSink {
    /// Starts the receiver on 127.0.0.1 at a random port.
    pub async fn start() -> Result<WebhookSink> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let sink = WebhookSink {
            url: format!("http://127.0.0.1:{port}/hooks/homeroom"),
            inner: Arc::new(Mutex::new(Inner::default())),
        };
        let app = Router::new()
            .route("/hooks/homeroom", post(receive))
            .with_state(sink.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(sink)
    }

    /// Answers the next requests with these statuses, in order, then 200 again.
    pub fn fail_next(&self, statuses: &[u16]) {
        self.lock().failures.extend_from_slice(statuses);
    }

    /// Requests so far.
    pub fn hits(&self) -> Vec<Hit> {
        self.lock().hits.clone()
    }

    /// Waits until at least `n` requests arrived (15 s at most).
    pub async fn wait_for(&self, n: usize) -> Result<Vec<Hit>> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let hits = self.hits();
            if hits.len() >= n {
                return Ok(hits);
            }
            if Instant::now() > deadline {
                bail!("the webhook sink got {} requests, expected {n}", hits.len());
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

async fn receive(State(sink): State<WebhookSink>, headers: HeaderMap, body: String) -> StatusCode {
    let mut inner = sink.lock();
    let answered = if inner.failures.is_empty() {
        200
    } else {
        inner.failures.remove(0)
    };
    inner.hits.push(Hit {
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body,
        answered,
    });
    StatusCode::from_u16(answered).unwrap_or(StatusCode::OK)
}
