//! The retrying, rate-limited client.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, HeaderValue};
use serde::de::DeserializeOwned;
use url::Url;

use super::response::excerpt;
use super::{
    HttpConfig, HttpRequest, HttpResponse, RateLimiter, RequestAuth, server_requested_wait,
};
use crate::connector::ConnectorError;

/// The HTTP client connectors use. Cloning is cheap and clones share the connection pool, the
/// rate limiter and the request counter.
///
/// Per request, at most [`super::RetryPolicy::max_attempts`] attempts are made. Each attempt
/// first waits for the [`RateLimiter`], then adds fresh [`RequestAuth`] headers. Outcomes:
///
/// | outcome | action |
/// | --- | --- |
/// | 2xx | returned |
/// | 429 | wait as `Retry-After` / `X-RateLimit-Reset` say (else backoff) and retry; a demanded wait over `max_server_wait`, or no attempts left, is [`ConnectorError::RateLimited`] |
/// | 5xx except 501 | backoff (or a short `Retry-After`) and retry; then [`ConnectorError::Http`] |
/// | timeout | retry; then [`ConnectorError::Timeout`] |
/// | connection failure | retry; then [`ConnectorError::Network`] |
/// | 401 with OAuth 2.0 | drop the cached token, retry once |
/// | 401 / 403 | [`ConnectorError::Auth`] ([`HttpClient::send_unchecked`]: returned as is) |
/// | other 4xx, 501 | [`ConnectorError::Http`] ([`HttpClient::send_unchecked`]: returned as is) |
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    config: HttpConfig,
    limiter: Option<RateLimiter>,
    requests: AtomicU64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Non-2xx final responses become errors.
    Checked,
    /// Non-retryable non-2xx responses are returned to the caller.
    Unchecked,
}

/// What to do after one attempt.
enum Step {
    Done(Result<HttpResponse, ConnectorError>),
    Retry {
        wait: Duration,
        error: ConnectorError,
    },
    RetryNow {
        error: ConnectorError,
    },
}

/// Largest response body read from a remote host (64 MiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

impl HttpClient {
    /// Builds a client (rustls TLS with the bundled web PKI roots).
    pub fn new(config: HttpConfig) -> Result<Self, ConnectorError> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            // Redirects stay on the origin asked for: a SIS (or whoever controls a configured
            // URL) cannot bounce a request carrying credentials to another host.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_origin = attempt
                    .previous()
                    .first()
                    .is_some_and(|first| first.origin() == attempt.url().origin());
                if attempt.previous().len() > 5 || !same_origin {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
            .connect_timeout(config.connect_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| ConnectorError::Config(format!("cannot build the HTTP client: {e}")))?;
        let limiter = config.rate_limit.map(RateLimiter::new);
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                config,
                limiter,
                requests: AtomicU64::new(0),
            }),
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &HttpConfig {
        &self.inner.config
    }

    /// Attempts sent so far by this client and its clones, retries included.
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// `GET url`; non-2xx is an error.
    pub async fn get(&self, url: Url, auth: &RequestAuth) -> Result<HttpResponse, ConnectorError> {
        self.send(&HttpRequest::get(url), auth).await
    }

    /// `GET url` and parse the JSON body as `T`; a body that does not fit is
    /// [`ConnectorError::Malformed`] naming `what`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        auth: &RequestAuth,
        what: &str,
    ) -> Result<T, ConnectorError> {
        self.get(url, auth).await?.json(what)
    }

    /// Sends `request` with retries; a final non-2xx is an error (see the type docs).
    pub async fn send(
        &self,
        request: &HttpRequest,
        auth: &RequestAuth,
    ) -> Result<HttpResponse, ConnectorError> {
        self.execute(request, auth, Mode::Checked).await
    }

    /// Sends `request` with the same retries as [`HttpClient::send`], but returns a final 4xx
    /// (other than 429) or 501 response to the caller instead of an error — for callers that
    /// interpret them (a Clever 404 for a deleted object, an OAuth error body).
    pub async fn send_unchecked(
        &self,
        request: &HttpRequest,
        auth: &RequestAuth,
    ) -> Result<HttpResponse, ConnectorError> {
        self.execute(request, auth, Mode::Unchecked).await
    }

    /// The retry loop. Returns a named boxed future (not an `async fn`) because fetching an
    /// OAuth 2.0 token for [`RequestAuth::OAuth2`] sends a request through this same loop; the
    /// explicit `Send` box breaks that type-level cycle.
    fn execute<'a>(
        &'a self,
        request: &'a HttpRequest,
        auth: &'a RequestAuth,
        mode: Mode,
    ) -> BoxFuture<'a, Result<HttpResponse, ConnectorError>> {
        Box::pin(self.execute_loop(request, auth, mode))
    }

    async fn execute_loop(
        &self,
        request: &HttpRequest,
        auth: &RequestAuth,
        mode: Mode,
    ) -> Result<HttpResponse, ConnectorError> {
        let max_attempts = self.inner.config.retry.attempts();
        let mut token_refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.inner.limiter {
                limiter.acquire().await;
            }
            let auth_headers = auth.headers(&request.method, &request.url, self).await?;
            let outcome = self.attempt_once(request, auth_headers).await;
            let step = match outcome {
                Ok(response) => {
                    let unauthorized_retry = response.status == StatusCode::UNAUTHORIZED
                        && !token_refreshed
                        && auth.refresh_after_unauthorized().await;
                    if unauthorized_retry {
                        token_refreshed = true;
                        Step::RetryNow {
                            error: self.status_error(&request.url, &response),
                        }
                    } else {
                        self.judge_response(request, response, mode, attempt)
                    }
                }
                Err(e) => self.judge_transport_error(&request.url, &e, attempt),
            };
            match step {
                Step::Done(result) => return result,
                Step::Retry { error, .. } | Step::RetryNow { error } if attempt >= max_attempts => {
                    return Err(error);
                }
                Step::Retry { wait, error } => {
                    tracing::warn!(
                        url = %request.url,
                        attempt,
                        max_attempts,
                        wait_ms = wait.as_millis() as u64,
                        error = %error,
                        "retrying SIS request"
                    );
                    tokio::time::sleep(wait).await;
                }
                Step::RetryNow { error } => {
                    tracing::info!(url = %request.url, error = %error, "retrying with a fresh token");
                }
            }
        }
    }

    /// Sends one attempt and reads the whole body.
    async fn attempt_once(
        &self,
        request: &HttpRequest,
        auth_headers: Vec<(reqwest::header::HeaderName, HeaderValue)>,
    ) -> Result<HttpResponse, reqwest::Error> {
        let mut headers = request.headers.clone();
        if !headers.contains_key(ACCEPT) {
            headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        for (name, value) in auth_headers {
            headers.insert(name, value);
        }
        let mut builder = self
            .inner
            .client
            .request(request.method.clone(), request.url.clone())
            .timeout(self.inner.config.timeout)
            .headers(headers);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let response = builder.send().await?;
        let status = response.status();
        let url = response.url().clone();
        let headers = response.headers().clone();
        // Bodies are read up to a cap: a host cannot exhaust memory with an endless answer
        // (the cut body then fails to parse, as a malformed response).
        let mut response = response;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            let room = MAX_BODY_BYTES.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() >= MAX_BODY_BYTES {
                break;
            }
        }
        let body = bytes::Bytes::from(body);
        Ok(HttpResponse {
            status,
            url,
            headers,
            body,
        })
    }

    fn judge_response(
        &self,
        request: &HttpRequest,
        response: HttpResponse,
        mode: Mode,
        attempt: u32,
    ) -> Step {
        let retry = &self.inner.config.retry;
        let status = response.status;
        if status.is_success() {
            return Step::Done(Ok(response));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            let asked = server_requested_wait(&response.headers, SystemTime::now());
            let error = ConnectorError::RateLimited {
                url: request.url.to_string(),
                retry_after: asked,
            };
            return match asked {
                Some(wait) if wait > retry.max_server_wait => Step::Done(Err(error)),
                Some(wait) => Step::Retry { wait, error },
                None => Step::Retry {
                    wait: retry.backoff_delay(attempt),
                    error,
                },
            };
        }
        if status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED {
            let wait = server_requested_wait(&response.headers, SystemTime::now())
                .filter(|w| *w <= retry.max_server_wait)
                .unwrap_or_else(|| retry.backoff_delay(attempt));
            return Step::Retry {
                wait,
                error: self.status_error(&request.url, &response),
            };
        }
        match mode {
            Mode::Unchecked => Step::Done(Ok(response)),
            Mode::Checked => Step::Done(Err(self.status_error(&request.url, &response))),
        }
    }

    fn judge_transport_error(&self, url: &Url, error: &reqwest::Error, attempt: u32) -> Step {
        let config = &self.inner.config;
        if error.is_timeout() {
            return Step::Retry {
                wait: config.retry.backoff_delay(attempt),
                error: ConnectorError::Timeout {
                    url: url.to_string(),
                    after: config.timeout,
                },
            };
        }
        if error.is_builder() {
            return Step::Done(Err(ConnectorError::Config(format!(
                "cannot build a request to {url}: {}",
                error_chain(error)
            ))));
        }
        let network = ConnectorError::Network {
            url: url.to_string(),
            detail: error_chain(error),
        };
        if error.is_redirect() {
            return Step::Done(Err(network));
        }
        Step::Retry {
            wait: config.retry.backoff_delay(attempt),
            error: network,
        }
    }

    /// The error for a final non-2xx response.
    fn status_error(&self, url: &Url, response: &HttpResponse) -> ConnectorError {
        let body = excerpt(&response.body, self.inner.config.body_excerpt_chars);
        let detail = if body.is_empty() {
            String::new()
        } else {
            format!(": {body}")
        };
        match response.status {
            StatusCode::UNAUTHORIZED => ConnectorError::Auth(format!(
                "{url} rejected the credentials (HTTP 401); check the client id, secret or token{detail}"
            )),
            StatusCode::FORBIDDEN => ConnectorError::Auth(format!(
                "{url} refused access (HTTP 403); the credentials lack permission for this data{detail}"
            )),
            status => ConnectorError::Http {
                status: status.as_u16(),
                url: url.to_string(),
                body_excerpt: body,
            },
        }
    }
}

/// The error and its sources, joined with `: ` (reqwest's own message is terse).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.inner.config)
            .field("request_count", &self.request_count())
            .finish_non_exhaustive()
    }
}
