//! The fake's HTTP server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use homeroom_connector_core::Url;
use homeroom_connector_core::http::set_query_pairs;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::auth::{FakeAuth, TokenStore, check_request, token_response};
use super::dataset::FakeDataset;
use super::filter::ModifiedFilter;
use super::render::{FakeObject, Rendered};
use crate::rest::imsx_body;
use crate::version::OneRosterVersion;
use homeroom_connector_core::fake::{Faults, Outcome};

/// `limit` when the request gives none (the OneRoster default).
const DEFAULT_LIMIT: usize = 100;

/// How long [`FakeHandle::shutdown`] waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// One data request the fake received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The path (`/ims/oneroster/v1p1/users`).
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
    base: Url,
    api_path: String,
    version: OneRosterVersion,
    auth: FakeAuth,
    tokens: TokenStore,
    faults: Faults,
    data: Rendered,
    requests: AtomicU64,
    token_requests: AtomicU64,
    log: Mutex<Vec<RecordedRequest>>,
}

/// Starts fake OneRoster providers.
#[derive(Debug)]
pub struct FakeOneRoster;

/// How a provider built on the fake differs from a plain OneRoster one.
#[derive(Debug, Default)]
pub struct FakeOptions {
    /// A path put before the version's base path (`/APP-1` serves
    /// `/APP-1/ims/oneroster/v1p1/`), as proxies do.
    pub path_prefix: Option<String>,
    /// Routes answered before the OneRoster ones (they must not set a fallback). Their
    /// requests are neither counted nor logged, and faults do not apply to them.
    pub extra_routes: Option<Router>,
}

impl FakeOneRoster {
    /// Serves `dataset` on `127.0.0.1:<ephemeral port>` under the base path of its version
    /// (`/ims/oneroster/v1p1/` or `/ims/oneroster/rostering/v1p2/`), with `POST /token` when
    /// `auth` is [`FakeAuth::OAuth2`].
    pub async fn start(dataset: FakeDataset, auth: FakeAuth) -> std::io::Result<FakeHandle> {
        Self::start_with(dataset, auth, FakeOptions::default()).await
    }

    /// [`FakeOneRoster::start`] with [`FakeOptions`].
    pub async fn start_with(
        dataset: FakeDataset,
        auth: FakeAuth,
        options: FakeOptions,
    ) -> std::io::Result<FakeHandle> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let base = Url::parse(&format!("http://{address}/")).map_err(std::io::Error::other)?;
        let version = dataset.version();
        let version_path = match version {
            OneRosterVersion::V1p1 => "ims/oneroster/v1p1/",
            OneRosterVersion::V1p2 => "ims/oneroster/rostering/v1p2/",
        };
        let prefix = options
            .path_prefix
            .as_deref()
            .map(|p| p.trim_matches('/'))
            .filter(|p| !p.is_empty())
            .map_or_else(String::new, |p| format!("/{p}"));
        let api_path = format!("{prefix}/{version_path}");
        let api_base = base.join(&api_path).map_err(std::io::Error::other)?;
        let state = Arc::new(ServerState {
            data: Rendered::new(&dataset, &api_base),
            base: base.clone(),
            api_path,
            version,
            auth,
            tokens: TokenStore::default(),
            faults: Faults::default(),
            requests: AtomicU64::new(0),
            token_requests: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
        });
        let mut router = Router::new().fallback(handle).with_state(state.clone());
        if let Some(extra) = options.extra_routes {
            router = router.merge(extra);
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "the fake OneRoster server failed");
            }
        });
        Ok(FakeHandle {
            base,
            api_base,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running fake. Dropping it stops the server too (without waiting).
pub struct FakeHandle {
    base: Url,
    api_base: Url,
    state: Arc<ServerState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeHandle")
            .field("base_url", &self.base.as_str())
            .field("version", &self.state.version)
            .finish_non_exhaustive()
    }
}

impl FakeHandle {
    /// `http://127.0.0.1:<port>/` (the connector adds the version's base path).
    pub fn base_url(&self) -> Url {
        self.base.clone()
    }

    /// The full API base (`http://127.0.0.1:<port>/ims/oneroster/v1p1/`).
    pub fn api_base(&self) -> Url {
        self.api_base.clone()
    }

    /// `http://127.0.0.1:<port>/token`.
    pub fn token_url(&self) -> Url {
        self.base
            .join("token")
            .unwrap_or_else(|_| self.base.clone())
    }

    /// The version served.
    pub fn version(&self) -> OneRosterVersion {
        self.state.version
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Data requests received (every request but `/token`), answered or refused.
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// `POST /token` requests received.
    pub fn token_requests(&self) -> u64 {
        self.state.token_requests.load(Ordering::SeqCst)
    }

    /// The data requests received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A [`crate::OneRosterRest`] JSON configuration for this fake with its own credentials
    /// (or placeholder ones for [`FakeAuth::None`]).
    pub fn connector_config(&self) -> Value {
        let (id, secret) = self.state.auth.credentials().unwrap_or(("none", "none"));
        let mut config = json!({
            "base_url": self.base.as_str(),
            "version": self.state.version.as_str(),
            "client_id": id,
            "client_secret": secret,
        });
        if self.state.version == OneRosterVersion::V1p2 {
            config["token_url"] = json!(self.token_url().as_str());
        }
        config
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

async fn handle(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if parts.uri.path() == "/token" {
        state.token_requests.fetch_add(1, Ordering::SeqCst);
        if parts.method != Method::POST {
            return json_response(405, &json!({"error": "invalid_request"}));
        }
        let bytes = axum::body::to_bytes(body, 64 * 1024)
            .await
            .unwrap_or_default();
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).into_owned().collect();
        let (status, body) =
            token_response(&state.auth, &state.tokens, authorization.as_deref(), &form);
        return json_response(status, &body);
    }
    // The address the client used (its Host header), as a real server builds its links: behind a
    // proxy that is the proxy's address.
    let base = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|host| Url::parse(&format!("http://{host}/")).ok())
        .unwrap_or_else(|| state.base.clone());
    let url = match base.join(&parts.uri.to_string()) {
        Ok(url) => url,
        Err(_) => return imsx(400, "invaliddata", "unreadable request URL"),
    };
    state.requests.fetch_add(1, Ordering::SeqCst);
    state
        .log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(RecordedRequest {
            path: url.path().to_owned(),
            query: url.query_pairs().into_owned().collect(),
        });
    if parts.method != Method::GET {
        return imsx(405, "invaliddata", "only GET is supported");
    }
    let (delay, outcome) = state.faults.next_outcome();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match outcome {
        Outcome::RateLimited(secs) => {
            let mut response = imsx(429, "server_busy", "too many requests");
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
        Outcome::ServerError => return imsx(500, "internal_server_error", "simulated failure"),
        Outcome::Normal | Outcome::Truncated | Outcome::Malformed => {}
    }
    if let Err(reason) = check_request(&state.auth, &state.tokens, &url, authorization.as_deref()) {
        return imsx(401, "unauthorisedrequest", &reason);
    }
    let response = match url.path().strip_prefix(&state.api_path) {
        Some(rest) => route(&state, &url, rest),
        None => Err(Refusal::new(404, "unknownobject", "not a OneRoster path")),
    };
    let (text, headers) = match response {
        Ok(ok) => ok,
        Err(refusal) => return refusal.into_response(),
    };
    let mut response = match outcome {
        Outcome::Truncated => {
            let cut = text.len() / 2;
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
                Ok(text.as_bytes()[..cut].to_vec()),
                Err(std::io::Error::other("connection cut by the fake")),
            ];
            Response::new(Body::from_stream(futures::stream::iter(chunks)))
        }
        Outcome::Malformed => {
            let broken = format!(
                "{}, \"sourcedId\": oops",
                &text[..text.len().saturating_sub(2)]
            );
            Response::new(Body::from(broken))
        }
        _ => Response::new(Body::from(text)),
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// An imsx error answer, built into a response at the end.
struct Refusal {
    status: u16,
    code_minor: &'static str,
    description: String,
}

impl Refusal {
    fn new(status: u16, code_minor: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code_minor,
            description: description.into(),
        }
    }

    fn into_response(self) -> Response {
        imsx(self.status, self.code_minor, &self.description)
    }
}

/// A JSON body (put together from the objects' serialized texts) and extra headers.
type Routed = Result<(String, Vec<(&'static str, String)>), Refusal>;

/// A collection page or a single object.
fn route(state: &ServerState, url: &Url, rest: &str) -> Routed {
    let mut segments = rest.trim_end_matches('/').splitn(2, '/');
    let collection = segments.next().unwrap_or_default();
    let id = segments.next();
    if state.faults.is_missing(collection) {
        return Err(Refusal::new(
            404,
            "unknownobject",
            format!("no /{collection} here"),
        ));
    }
    let (envelope, singular, objects, select) =
        select(&state.data, collection).ok_or_else(|| {
            Refusal::new(
                404,
                "unknownobject",
                format!("unknown collection {collection}"),
            )
        })?;
    if let Some(id) = id {
        return objects
            .iter()
            .find(|o| o.id == id && select.accepts(o))
            .map(|o| (format!("{{\"{singular}\":{}}}", o.json), Vec::new()))
            .ok_or_else(|| Refusal::new(404, "unknownobject", format!("no {singular} {id}")));
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let number = |name: &str, default: usize| -> Result<usize, Refusal> {
        match param(name) {
            None => Ok(default),
            Some(text) => text.parse::<usize>().map_err(|_| {
                Refusal::new(400, "invaliddata", format!("`{name}` must be a number"))
            }),
        }
    };
    let mut limit = number("limit", DEFAULT_LIMIT)?;
    if limit == 0 {
        return Err(Refusal::new(
            400,
            "invaliddata",
            "`limit` must be at least 1",
        ));
    }
    if let Some(max) = state.faults.max_limit() {
        limit = limit.min(max as usize);
    }
    let offset = number("offset", 0)?;
    let filter = match param("filter") {
        Some(text) => Some(
            ModifiedFilter::parse(&text)
                .map_err(|m| Refusal::new(400, "invalid_filter_field", m))?,
        ),
        None => None,
    };
    // The page and the total in one pass (no filter, every object: a plain slice).
    let mut page: Vec<&FakeObject> = Vec::new();
    let total = if state.faults.empty_roster() {
        0
    } else if filter.is_none() && matches!(select, Selection::All) {
        page.extend(objects.iter().skip(offset).take(limit));
        objects.len()
    } else {
        let mut total = 0;
        for o in objects
            .iter()
            .filter(|o| select.accepts(o) && filter.as_ref().is_none_or(|f| f.matches(o.modified)))
        {
            if total >= offset && page.len() < limit {
                page.push(o);
            }
            total += 1;
        }
        total
    };
    let mut body = String::with_capacity(
        envelope.len() + 8 + page.iter().map(|o| o.json.len() + 1).sum::<usize>(),
    );
    body.push_str("{\"");
    body.push_str(envelope);
    body.push_str("\":[");
    for (i, o) in page.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&o.json);
    }
    body.push_str("]}");
    let mut headers = Vec::new();
    if state.faults.total_count() {
        headers.push(("x-total-count", total.to_string()));
    }
    if state.faults.link_headers() {
        let origin = state.faults.link_origin();
        let link = |offset: usize, rel: &str| {
            let mut target = url.clone();
            if let Some(origin) = &origin {
                let _ = target.set_scheme(origin.scheme());
                let _ = target.set_host(origin.host_str());
                let _ = target.set_port(origin.port());
            }
            let (limit, offset, filter) = (limit.to_string(), offset.to_string(), param("filter"));
            let mut pairs = vec![("limit", limit.as_str()), ("offset", offset.as_str())];
            if let Some(filter) = &filter {
                pairs.push(("filter", filter.as_str()));
            }
            set_query_pairs(&mut target, &pairs);
            format!("<{target}>; rel=\"{rel}\"")
        };
        let mut links = Vec::new();
        if offset + page.len() < total {
            links.push(link(offset + page.len(), "next"));
        }
        if total > 0 {
            links.push(link((total - 1) / limit * limit, "last"));
        }
        if !links.is_empty() {
            headers.push(("link", links.join(", ")));
        }
    }
    Ok((body, headers))
}

type Selector = fn(&FakeObject) -> bool;

/// Which objects of a collection a path selects.
#[derive(Clone, Copy)]
enum Selection {
    /// Every object.
    All,
    /// Those `.0` accepts.
    Some(Selector),
}

impl Selection {
    fn accepts(self, o: &FakeObject) -> bool {
        match self {
            Selection::All => true,
            Selection::Some(select) => select(o),
        }
    }
}

/// The envelope key, singular key, objects and selection of a collection path.
fn select<'d>(
    data: &'d Rendered,
    collection: &str,
) -> Option<(&'static str, &'static str, &'d [FakeObject], Selection)> {
    fn subtype(o: &FakeObject, wanted: &str) -> bool {
        o.subtype.as_deref() == Some(wanted)
    }
    fn has_role(o: &FakeObject, wanted: &str) -> bool {
        o.roles.iter().any(|r| r == wanted)
    }
    let sessions = |wanted: Selector| {
        (
            "academicSessions",
            "academicSession",
            &data.sessions[..],
            Selection::Some(wanted),
        )
    };
    Some(match collection {
        "orgs" => ("orgs", "org", &data.orgs, Selection::All),
        "schools" => (
            "orgs",
            "org",
            &data.orgs,
            Selection::Some(|o| subtype(o, "school")),
        ),
        "academicSessions" => (
            "academicSessions",
            "academicSession",
            &data.sessions,
            Selection::All,
        ),
        "terms" => sessions(|o| subtype(o, "term")),
        "gradingPeriods" => sessions(|o| subtype(o, "gradingperiod")),
        "courses" => ("courses", "course", &data.courses, Selection::All),
        "classes" => ("classes", "class", &data.classes, Selection::All),
        "users" => ("users", "user", &data.users, Selection::All),
        "students" => (
            "users",
            "user",
            &data.users,
            Selection::Some(|o| has_role(o, "student")),
        ),
        "teachers" => (
            "users",
            "user",
            &data.users,
            Selection::Some(|o| has_role(o, "teacher")),
        ),
        "enrollments" => (
            "enrollments",
            "enrollment",
            &data.enrollments,
            Selection::All,
        ),
        _ => return None,
    })
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn imsx(status: u16, code_minor: &str, description: &str) -> Response {
    json_response(status, &imsx_body(code_minor, description))
}
