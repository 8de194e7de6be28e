//! The fake's HTTP server.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use homeroom_connector_core::fake::{Faults, Outcome};
use homeroom_connector_core::percent;
use homeroom_district_gen::District;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::dataset::{CleverDataset, Collection, FakeObject, role_bits};
use super::feed::{FakeEvent, append_changes};
use super::limit::WindowLimit;

/// `limit` when a request gives none.
const DEFAULT_LIMIT: usize = 100;
/// The largest `limit` Clever accepts.
const MAX_LIMIT: usize = 10_000;
/// How long [`FakeHandle::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// One request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The path (`/v3.0/users`).
    pub path: String,
    /// The decoded query parameters, in order.
    pub query: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The first value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct ServerState {
    token: String,
    data: RwLock<Arc<CleverDataset>>,
    events: RwLock<Vec<FakeEvent>>,
    event_seq: Mutex<u64>,
    events_enabled: AtomicBool,
    faults: Faults,
    limit: Mutex<Option<WindowLimit>>,
    requests: AtomicU64,
    throttled: AtomicU64,
    log: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts fake Clever servers.
#[derive(Debug)]
pub struct FakeClever;

impl FakeClever {
    /// Serves `dataset` on `127.0.0.1:<ephemeral port>` under `/v3.0/` and `/v3.1/`, accepting
    /// `Authorization: Bearer <token>`. Events are on and the feed starts empty.
    pub async fn start(dataset: CleverDataset, token: &str) -> std::io::Result<FakeHandle> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let state = Arc::new(ServerState {
            token: token.to_owned(),
            data: RwLock::new(Arc::new(dataset)),
            events: RwLock::new(Vec::new()),
            event_seq: Mutex::new(0),
            events_enabled: AtomicBool::new(true),
            faults: Faults::default(),
            limit: Mutex::new(None),
            requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
        });
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "the fake Clever server failed");
            }
        });
        Ok(FakeHandle {
            base_url: format!("http://{address}"),
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running fake. Dropping it stops the server too (without waiting).
pub struct FakeHandle {
    base_url: String,
    state: Arc<ServerState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHandle")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl FakeHandle {
    /// `http://127.0.0.1:<port>` (no version path).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The token it accepts.
    pub fn token(&self) -> &str {
        &self.state.token
    }

    /// A connector configuration for this fake: `{"base_url", "token"}`.
    pub fn connector_config(&self) -> Value {
        json!({"base_url": self.base_url, "token": self.state.token})
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Enforces Clever's rate limit (`Some((1200, 60 s))`), or stops enforcing it (`None`, the
    /// default): a fixed window of `per`, the requests over `requests` answered 429 with
    /// `X-RateLimit-Reset` (Unix seconds), `X-RateLimit-Limit` and `X-RateLimit-Remaining`.
    pub fn set_rate_limit(&self, limit: Option<(u32, Duration)>) {
        *lock(&self.state.limit) = limit.map(|(n, per)| WindowLimit::new(n, per));
    }

    /// Requests refused by the rate limit so far.
    pub fn throttled_count(&self) -> u64 {
        self.state.throttled.load(Ordering::SeqCst)
    }

    /// The most requests one rate-limit window received (0 when not enforcing).
    pub fn peak_window_requests(&self) -> u32 {
        lock(&self.state.limit).as_ref().map_or(0, |l| l.peak)
    }

    /// Switches the Events API on (default) or off (`/events` then answers 403).
    pub fn set_events_enabled(&self, on: bool) {
        self.state.events_enabled.store(on, Ordering::SeqCst);
    }

    /// Requests received, answered or refused.
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.log).clone()
    }

    /// The dataset being served.
    pub fn dataset(&self) -> Arc<CleverDataset> {
        self.state
            .data
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Events in the feed.
    pub fn event_count(&self) -> usize {
        self.state
            .events
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    /// Serves `next` from now on and appends the changes from the current data to the event
    /// feed (as if Clever had synced the district's SIS); returns how many events were added.
    pub fn advance_to(&self, next: &District) -> usize {
        let new = Arc::new(CleverDataset::from_district(next));
        let old = self.dataset();
        let mut events = self.state.events.write().unwrap_or_else(|e| e.into_inner());
        let before = events.len();
        let mut seq = lock(&self.state.event_seq);
        append_changes(&old, &new, SystemTime::now(), &mut seq, &mut events);
        *self.state.data.write().unwrap_or_else(|e| e.into_inner()) = new;
        events.len() - before
    }

    /// Stops accepting connections and waits (a few seconds at most) for open ones to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for FakeHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn json_response(status: u16, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn message(status: u16, text: &str) -> Response {
    json_response(status, json!({ "message": text }).to_string())
}

fn rate_limited(limit: u32, remaining: u32, reset: u64) -> Response {
    let mut response = message(429, "Too Many Requests: rate limit exceeded");
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", reset.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    state.requests.fetch_add(1, Ordering::SeqCst);
    let path = parts.uri.path().to_owned();
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (
                        percent::decode(k).unwrap_or_default(),
                        percent::decode(v).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    lock(&state.log).push(RecordedRequest {
        path: path.clone(),
        query: query.clone(),
    });
    let verdict = lock(&state.limit).as_mut().map(WindowLimit::admit);
    if let Some(v) = verdict
        && v.refused
    {
        state.throttled.fetch_add(1, Ordering::SeqCst);
        return rate_limited(v.limit, v.remaining, v.reset_epoch_secs);
    }
    let (delay, outcome) = state.faults.next_outcome();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match outcome {
        Outcome::RateLimited(secs) => {
            let reset = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                + secs;
            return rate_limited(1200, 0, reset);
        }
        Outcome::ServerError => return message(500, "Internal Server Error (simulated)"),
        Outcome::Normal | Outcome::Truncated | Outcome::Malformed => {}
    }
    let authorized = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t == state.token);
    if !authorized {
        return message(401, "Unauthorized: invalid or missing bearer token");
    }
    if parts.method != Method::GET {
        return message(405, "only GET is supported");
    }
    let params = Params(query);
    let body = match route(&state, &path, &params) {
        Ok(body) => body,
        Err((status, text)) => return message(status, &text),
    };
    let mut response = match outcome {
        Outcome::Truncated => {
            let cut = body.len() / 2;
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
                Ok(body.as_bytes()[..cut].to_vec()),
                Err(std::io::Error::other("connection cut by the fake")),
            ];
            json_response(200, String::new())
                .map(|_| Body::from_stream(futures::stream::iter(chunks)))
        }
        Outcome::Malformed => json_response(
            200,
            format!("{}, \"data\": oops", &body[..body.len().saturating_sub(2)]),
        ),
        _ => json_response(200, body),
    };
    if let Some(v) = verdict {
        let headers = response.headers_mut();
        for (name, value) in [
            ("x-ratelimit-limit", v.limit.to_string()),
            ("x-ratelimit-remaining", v.remaining.to_string()),
            ("x-ratelimit-reset", v.reset_epoch_secs.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
    response
}

type Routed = Result<String, (u16, String)>;

/// Decoded query parameters.
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn route(state: &ServerState, path: &str, params: &Params) -> Routed {
    let param = |name: &str| params.get(name);
    let mut segments = path.trim_matches('/').split('/');
    let version = segments.next().unwrap_or_default();
    if version != "v3.0" && version != "v3.1" {
        return Err((404, format!("no API at {path}")));
    }
    let collection = segments.next().unwrap_or_default();
    let id = segments.next();
    if segments.next().is_some() {
        return Err((404, format!("no resource at {path}")));
    }
    if state.faults.is_missing(collection) {
        return Err((404, format!("no /{collection} here")));
    }
    let limit = match param("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(0) | Err(_) => return Err((400, "limit must be a positive number".into())),
            Ok(n) if n > MAX_LIMIT => {
                return Err((413, format!("limit must be at most {MAX_LIMIT}")));
            }
            Ok(n) => n,
        },
    };
    let limit = state
        .faults
        .max_limit()
        .map_or(limit, |max| limit.min(max as usize));
    if collection == "events" {
        if !state.events_enabled.load(Ordering::SeqCst) {
            return Err((403, "Events are not enabled for this application".into()));
        }
        let events = state.events.read().unwrap_or_else(|e| e.into_inner());
        let items: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.id.as_str(), e.json.as_str()))
            .collect();
        return list(version, "events", &items, limit, params, &[]);
    }
    let Some(c) = Collection::from_path(collection) else {
        return Err((404, format!("unknown resource {collection}")));
    };
    let data = state.data.read().unwrap_or_else(|e| e.into_inner()).clone();
    let objects = data.collection(c);
    if let Some(id) = id {
        return objects
            .binary_search_by(|o| o.id.as_str().cmp(id))
            .map(|i| {
                format!(
                    "{{\"data\":{},\"links\":[{{\"rel\":\"self\",\"uri\":\"/{version}/{collection}/{id}\"}}]}}",
                    objects[i].json
                )
            })
            .map_err(|_| (404, format!("no {collection} {id}")));
    }
    let role = param("role");
    let bits = match role {
        None => None,
        Some("student") => Some(role_bits::STUDENT),
        Some("teacher") => Some(role_bits::TEACHER),
        Some("staff") => Some(role_bits::STAFF),
        Some("district_admin") => Some(role_bits::DISTRICT_ADMIN),
        Some("contact") => Some(role_bits::CONTACT),
        Some(other) => return Err((400, format!("unknown role {other}"))),
    };
    if state.faults.empty_roster() {
        return list(version, collection, &[], limit, params, &[]);
    }
    let selected: Vec<(&str, &str)> = objects
        .iter()
        .filter(|o: &&FakeObject| bits.is_none_or(|b| o.roles & b != 0))
        .map(|o| (o.id.as_str(), o.json.as_str()))
        .collect();
    let extra: Vec<(&str, &str)> = role.map(|r| ("role", r)).into_iter().collect();
    list(version, collection, &selected, limit, params, &extra)
}

/// A list page of `items` (id-sorted): after `starting_after`, or (events) before
/// `ending_before` (`last` = the end), with `self` and `next` links.
fn list(
    version: &str,
    collection: &str,
    items: &[(&str, &str)],
    limit: usize,
    params: &Params,
    extra: &[(&str, &str)],
) -> Routed {
    let param = |name: &str| params.get(name);
    let (start, end) = match (param("starting_after"), param("ending_before")) {
        (Some(after), _) => {
            let start = items.partition_point(|(id, _)| *id <= after);
            (start, (start + limit).min(items.len()))
        }
        (None, Some(before)) => {
            let end = if before == "last" {
                items.len()
            } else {
                items.partition_point(|(id, _)| *id < before)
            };
            (end.saturating_sub(limit), end)
        }
        (None, None) => (0, limit.min(items.len())),
    };
    let page = &items[start..end];
    let mut body =
        String::with_capacity(page.iter().map(|(_, j)| j.len() + 64).sum::<usize>() + 256);
    body.push_str("{\"data\":[");
    for (i, (id, json)) in page.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            "{{\"data\":{json},\"uri\":\"/{version}/{collection}/{id}\"}}"
        );
    }
    let query = |after: Option<&str>| {
        let mut q = format!("limit={limit}");
        for (k, v) in extra {
            let _ = write!(q, "&{k}={}", percent::encode(v));
        }
        if let Some(after) = after {
            let _ = write!(q, "&starting_after={after}");
        }
        q
    };
    let _ = write!(
        body,
        "],\"links\":[{{\"rel\":\"self\",\"uri\":\"/{version}/{collection}?{}\"}}",
        query(param("starting_after"))
    );
    if end < items.len()
        && let Some((last, _)) = page.last()
    {
        let _ = write!(
            body,
            ",{{\"rel\":\"next\",\"uri\":\"/{version}/{collection}?{}\"}}",
            query(Some(last))
        );
    }
    body.push_str("]}");
    Ok(body)
}
