//! The fake's HTTP server.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::NaiveDateTime;
use homeroom_connector_core::Url;
use homeroom_connector_core::fake::{Faults, Outcome};
use homeroom_district_gen::District;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::changes::{ChangeLog, Feed};
use super::data::{DATABASE_YEAR, Departed, SiteData};
use crate::api::CERT_HEADER;

/// The site root path the fake serves under (`http://127.0.0.1:<port>/aeries`).
pub const SITE_PATH: &str = "/aeries";

/// The certificate the fake accepts unless told otherwise.
pub const FAKE_CERT: &str = "477abe9e7d27439681d62f4e0de1f5e1";

const API_PREFIX: &str = "/aeries/api/v5/";

/// How long [`FakeHandle::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// One request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The path after `/aeries/api/v5/`.
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
    cert: String,
    data: RwLock<Arc<SiteData>>,
    log: Mutex<ChangeLog>,
    faults: Faults,
    requests: AtomicU64,
    recording: AtomicBool,
    recorded: Mutex<Vec<RecordedRequest>>,
    /// Path (after `/api/v5/`, without a trailing `/`) → the answer given instead.
    overrides: Mutex<BTreeMap<String, Value>>,
}

/// Starts fake Aeries sites.
#[derive(Debug)]
pub struct FakeAeries;

impl FakeAeries {
    /// Serves `district` on `127.0.0.1:<ephemeral port>` under [`SITE_PATH`], accepting the
    /// certificate `cert`.
    pub async fn start(district: District, cert: &str) -> std::io::Result<FakeHandle> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let base =
            Url::parse(&format!("http://{address}{SITE_PATH}")).map_err(std::io::Error::other)?;
        let state = Arc::new(ServerState {
            cert: cert.to_owned(),
            data: RwLock::new(Arc::new(SiteData::new(district, BTreeMap::new()))),
            log: Mutex::new(ChangeLog::default()),
            faults: Faults::default(),
            requests: AtomicU64::new(0),
            recording: AtomicBool::new(true),
            recorded: Mutex::new(Vec::new()),
            overrides: Mutex::new(BTreeMap::new()),
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
                tracing::error!(%error, "the fake Aeries server failed");
            }
        });
        Ok(FakeHandle {
            base,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running fake. Dropping it stops the server too (without waiting).
pub struct FakeHandle {
    base: Url,
    state: Arc<ServerState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHandle")
            .field("base_url", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

impl FakeHandle {
    /// The site root, `http://127.0.0.1:<port>/aeries`.
    pub fn base_url(&self) -> Url {
        self.base.clone()
    }

    /// A connector configuration for this fake (`database_year` pinned to the year served).
    pub fn connector_config(&self) -> Value {
        json!({
            "base_url": self.base.as_str(),
            "cert": self.state.cert,
            "database_year": DATABASE_YEAR,
        })
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Requests received (answered or refused).
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Whether the details of each request are kept for [`FakeHandle::requests`] (the
    /// default); large benchmarks turn it off. Requests are counted either way.
    pub fn set_recording(&self, on: bool) {
        self.state.recording.store(on, Ordering::SeqCst);
    }

    /// Makes `path` (after `/api/v5/`, e.g. `schools/994/classes`) answer `body` with 200
    /// instead of the district's data (certificate and year are still checked): odd answers
    /// for tests.
    pub fn override_answer(&self, path: &str, body: Value) {
        self.state
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.trim_matches('/').to_owned(), body);
    }

    /// Forgets the requests recorded so far; counting goes on.
    pub fn clear_requests(&self) {
        self.state
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Moves the site to `next` (normally `district.next_day(…)`): students missing from it
    /// stay listed as inactive with their contacts, and every difference is logged in the
    /// change feeds at the server's current time.
    pub fn advance(&self, next: District) {
        let old = self
            .state
            .data
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let leave = format!("{}T00:00:00", District::date_of_day(next.day));
        let kept: std::collections::HashSet<u32> =
            next.students.iter().map(|s| s.student_number).collect();
        let mut departed: BTreeMap<u32, Departed> = old.departed.clone();
        for s in &old.district.students {
            if !kept.contains(&s.student_number)
                && let Some(d) = old.departure(s.student_number, &leave)
            {
                departed.insert(s.student_number, d);
            }
        }
        let new = Arc::new(SiteData::new(next, departed));
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(&old, &new, now());
        *self.state.data.write().unwrap_or_else(|e| e.into_inner()) = new;
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

fn json_response(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// An Aeries error answer: `{"Message": "…"}`.
fn refuse(status: StatusCode, message: &str) -> Response {
    json_response(status, json!({ "Message": message }).to_string())
}

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let uri = request.uri().clone();
    let Some(rest) = uri.path().strip_prefix(API_PREFIX) else {
        return refuse(StatusCode::NOT_FOUND, "not an Aeries API v5 path");
    };
    let query: Vec<(String, String)> = uri.query().map(url_pairs).unwrap_or_default();
    if state.recording.load(Ordering::Relaxed) {
        state
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedRequest {
                path: rest.to_owned(),
                query: query.clone(),
            });
    }
    let cert = request
        .headers()
        .get(CERT_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (delay, outcome) = state.faults.next_outcome();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match outcome {
        Outcome::RateLimited(secs) => {
            let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded");
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return response;
        }
        Outcome::ServerError => {
            return refuse(StatusCode::INTERNAL_SERVER_ERROR, "An error has occurred.");
        }
        Outcome::Normal | Outcome::Truncated | Outcome::Malformed => {}
    }
    if cert != state.cert {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Authorization has been denied for this request: invalid AERIES-CERT",
        );
    }
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if let Some(year) = param("DatabaseYear")
        && year != DATABASE_YEAR.to_string()
    {
        return refuse(
            StatusCode::BAD_REQUEST,
            &format!("Database year {year} is not available"),
        );
    }
    if state.faults.is_missing(rest.trim_end_matches('/')) {
        return refuse(StatusCode::NOT_FOUND, "The resource cannot be found.");
    }
    let overridden = state
        .overrides
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(rest.trim_matches('/'))
        .cloned();
    if let Some(body) = overridden {
        return json_response(StatusCode::OK, body.to_string());
    }
    let data = state.data.read().unwrap_or_else(|e| e.into_inner()).clone();
    let routed = route(&state, &data, rest, &param);
    let text = match routed {
        Ok(Reply::Json(Value::Array(_)) | Reply::List(_)) if state.faults.empty_roster() => {
            "[]".to_owned()
        }
        Ok(Reply::Json(body)) => body.to_string(),
        Ok(Reply::List(text)) => text,
        Err((status, message)) => return refuse(status, &message),
    };
    match outcome {
        Outcome::Truncated => {
            let cut = text.len() / 2;
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
                Ok(text.as_bytes()[..cut].to_vec()),
                Err(std::io::Error::other("connection cut by the fake")),
            ];
            let mut response = Response::new(Body::from_stream(futures::stream::iter(chunks)));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            response
        }
        Outcome::Malformed => json_response(
            StatusCode::OK,
            format!(
                "{}, \"StudentID\": oops",
                &text[..text.len().saturating_sub(1)]
            ),
        ),
        _ => json_response(StatusCode::OK, text),
    }
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    Url::parse(&format!("http://x/?{query}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// What an endpoint answers: a JSON value, or a list already serialized (the large ones).
enum Reply {
    Json(Value),
    List(String),
}

impl From<Value> for Reply {
    fn from(value: Value) -> Self {
        Reply::Json(value)
    }
}

type Routed = Result<Reply, (StatusCode, String)>;

fn not_found(what: impl Into<String>) -> (StatusCode, String) {
    (StatusCode::NOT_FOUND, what.into())
}

fn number(text: &str) -> Result<u32, (StatusCode, String)> {
    text.parse()
        .map_err(|_| (StatusCode::BAD_REQUEST, format!("`{text}` is not a number")))
}

fn found(value: Value, what: &str) -> Routed {
    if value.is_null() {
        Err(not_found(format!("{what} not found")))
    } else {
        Ok(value.into())
    }
}

fn route(
    state: &ServerState,
    data: &SiteData,
    rest: &str,
    param: &dyn Fn(&str) -> Option<String>,
) -> Routed {
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match lower.as_slice() {
        ["systeminfo"] => Ok(Reply::Json(json!({
            "LocalDateTime": now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            "LocalTimeZone": "UTC",
            "CurrentDatabaseYear": DATABASE_YEAR,
            "AeriesVersion": "fake",
        }))),
        ["schools"] => Ok(Value::Array(data.schools()).into()),
        ["courses"] => Ok(Value::Array(data.courses()).into()),
        ["courses", _] => found(data.course(number(segments[1])?), "course"),
        ["enrollment", _] => Ok(Value::Array(data.enrollment(number(segments[1])?)).into()),
        ["staff"] => Ok(Value::Array(data.staff()).into()),
        ["staff", _] => found(data.staff_member(number(segments[1])?), "staff"),
        ["codes", "con", "rl"] => Ok(Reply::Json(json!([
            {"Code": "10", "Description": "Mother"},
            {"Code": "11", "Description": "Father"},
            {"Code": "15", "Description": "Legal Guardian"},
            {"Code": "20", "Description": "Grandparent"},
            {"Code": "21", "Description": "Aunt/Uncle"},
            {"Code": "30", "Description": "Emergency Contact"},
        ]))),
        ["schools", _, tail @ ..] => {
            let school = number(segments[1])?;
            if !data.has_school(school) {
                return Err(not_found(format!("school {school} not found")));
            }
            match tail {
                ["terms"] => Ok(Value::Array(data.terms(school)).into()),
                ["teachers"] => Ok(Value::Array(data.teachers(school)).into()),
                ["sections"] => Ok(Value::Array(data.sections(school)).into()),
                ["sections", _] => found(data.section(school, number(segments[3])?), "section"),
                ["sections", _, "students"] => data
                    .roster_text(school, number(segments[3])?)
                    .map(Reply::List)
                    .ok_or_else(|| not_found("section not found")),
                ["students"] => {
                    let start = param("StartingRecord")
                        .map(|t| number(&t))
                        .transpose()?
                        .unwrap_or(1)
                        .max(1);
                    let end = param("EndingRecord")
                        .map(|t| number(&t))
                        .transpose()?
                        .unwrap_or(u32::MAX);
                    Ok(Reply::List(data.students_text(
                        school,
                        start as usize,
                        end as usize,
                    )))
                }
                ["students", _] => {
                    Ok(Value::Array(data.student(school, number(segments[3])?)).into())
                }
                ["contacts"] => Ok(Reply::List(data.contacts_text(school))),
                ["classes"] => Ok(Reply::List(data.class_schedules_text(school, None))),
                ["classes", _] => Ok(Reply::List(
                    data.class_schedules_text(school, Some(number(segments[3])?)),
                )),
                ["contacts", _] => {
                    let id = number(segments[3])?;
                    Ok(if id == 0 {
                        Reply::List(data.contacts_text(school))
                    } else {
                        Value::Array(data.student_contacts(id)).into()
                    })
                }
                _ => Err(not_found("no such endpoint")),
            }
        }
        _ => feed(state, rest),
    }
}

/// `…DataChanges[/{area}]/{yyyy}/{MM}/{dd}/{HH}/{mm}`.
fn feed(state: &ServerState, rest: &str) -> Routed {
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    if segments.len() < 6 {
        return Err(not_found("no such endpoint"));
    }
    let (name, time) = segments.split_at(segments.len() - 5);
    let feed = Feed::from_path(&name.join("/")).ok_or_else(|| not_found("no such endpoint"))?;
    let since = NaiveDateTime::parse_from_str(&time.join("/"), "%Y/%m/%d/%H/%M").map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("bad date in the path: {e}"),
        )
    })?;
    let items = state
        .log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .since(feed, since);
    Ok(Value::Array(items).into())
}
