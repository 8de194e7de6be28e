//! The HTTP server: GraphQL, GraphiQL and health endpoints.

use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use homeroom_schema::Store;
use std::net::SocketAddr;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use std::sync::Arc;

use crate::config::Settings;
use homeroom_delivery::{Delivery, WorkerOptions};
use homeroom_graphql::Api;
use homeroom_graphql::context::RequestCtx;
use homeroom_service::invitations::Families;
use homeroom_service::sync::SyncService;
use homeroom_service::tokens;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The GraphQL API (the schema, executed in its own crate).
    pub api: Api,
    /// Sync runs.
    pub sync: SyncService,
    /// Families services (links, waking the delivery worker).
    pub families: Families,
    /// Secret that delivery-status webhooks must present (`None`: webhooks off).
    pub webhook_secret: Option<String>,
    /// Whether GraphiQL is served (introspection follows the schema's build).
    pub introspection: bool,
    /// Bearer token `/metrics` requires, when set.
    pub metrics_token: Option<String>,
    /// Per-request budgets of GraphQL answers.
    pub budget: Budget,
    /// Single sign-on with the district's identity providers.
    pub sign_in: homeroom_service::sso::SignIn,
    /// Take the client's address from the last `X-Forwarded-For` entry (behind a reverse proxy
    /// that sets it); otherwise the TCP peer's address, and the header is ignored.
    pub trust_forwarded_for: bool,
}

/// The caller's network address: the TCP peer, or (behind a trusted proxy) the address the proxy
/// appended last to `X-Forwarded-For`. A client cannot choose it unless the operator trusts the
/// header.
fn client_address(
    peer: Option<&ConnectInfo<SocketAddr>>,
    headers: &HeaderMap,
    trust_forwarded_for: bool,
) -> String {
    if trust_forwarded_for
        && let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
        && let Ok(ip) = last.parse::<std::net::IpAddr>()
    {
        return ip.to_string();
    }
    peer.map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

/// What one GraphQL request may cost beyond its complexity: the size of its answer, and the
/// time a query may run.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Largest response body, in bytes.
    pub max_response_bytes: usize,
    /// Longest a query (not a mutation) may run.
    pub query_timeout: Duration,
}

/// A GraphQL answer that carries only one error with `code`.
fn refusal(code: &str, message: String) -> axum::response::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    GraphQLResponse::from(async_graphql::Response::from_errors(vec![error])).into_response()
}

/// Builds the router.
pub fn router(state: AppState) -> Router {
    // Request bodies are read only by POST routes, each with its own cap: GraphQL's covers a
    // roster upload (multipart) and its envelope; delivery receipts are small.
    let graphql_cap = homeroom_service::roster_upload::MAX_UPLOAD_BYTES + 1024 * 1024;
    Router::new()
        .route(
            "/graphql",
            get(graphiql)
                .post(graphql)
                .layer(RequestBodyLimitLayer::new(graphql_cap)),
        )
        .route(
            "/webhooks/delivery/{provider}",
            axum::routing::post(crate::receipts_http::receive)
                .layer(RequestBodyLimitLayer::new(1024 * 1024)),
        )
        .route(
            "/invitations/{token}",
            get(crate::server_pages::invitation_page),
        )
        .route(
            "/password-reset/{token}",
            get(crate::server_pages::reset_page),
        )
        .route("/auth/{provider}/start", get(crate::sso_http::start))
        .route("/auth/{provider}/callback", get(crate::sso_http::callback))
        .route("/graphql/ws", get(graphql_ws))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        // The console at `/` and its client routes; never the paths above.
        .fallback(crate::console::handler)
        .layer(axum::middleware::from_fn(observe))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphql(
    State(app): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> axum::response::Response {
    // Only JSON (or multipart, for uploads): a cross-site form can send `text/plain`, and such
    // a request is never executed.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !matches!(essence, "application/json" | "multipart/form-data") {
        return (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "POST /graphql takes application/json (or multipart/form-data for uploads)",
        )
            .into_response();
    }
    // A malformed request gets a fixed answer, never the parser's Debug text.
    let request = match request {
        Ok(r) => r,
        Err(rejection) => {
            let status = rejection.into_response().status();
            let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "the request is too large"
            } else {
                "not a valid GraphQL request"
            };
            return (status, text).into_response();
        }
    };
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let principal = tokens::authenticate(&app.store, auth).await;
    let client = client_address(
        peer.as_ref().map(|p| &p.0),
        &headers,
        app.trust_forwarded_for,
    );
    let ctx = RequestCtx::new(app.store.clone(), principal)
        .with_sync(app.sync.clone())
        .with_families(app.families.clone())
        .with_client(client);
    let mut request = request.into_inner();
    let budget = app.budget;
    let mut response = if homeroom_graphql::Api::read_only(&mut request) {
        // A query is cut short at its time budget (it wrote nothing); a mutation runs to its
        // commit or rollback, bounded only by the HTTP timeout.
        match tokio::time::timeout(budget.query_timeout, app.api.run(request.data(ctx))).await {
            Ok(response) => response,
            Err(_) => {
                return refusal(
                    "QUERY_TOO_SLOW",
                    format!(
                        "the query ran longer than {} ms; ask for fewer or smaller pages",
                        budget.query_timeout.as_millis()
                    ),
                );
            }
        }
    } else {
        app.api.run(request.data(ctx)).await
    };
    homeroom_graphql::errors::finish_response(&mut response);
    // Serialized once, as it is sent: above the size budget, nothing of it is.
    let body = match serde_json::to_vec(&response) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(error = %e, "a GraphQL answer did not serialize");
            return refusal("INTERNAL", "internal error".into());
        }
    };
    if body.len() > budget.max_response_bytes {
        return refusal(
            "RESPONSE_TOO_LARGE",
            format!(
                "the answer would be {} bytes, more than the {} allowed; ask for fewer or smaller pages",
                body.len(),
                budget.max_response_bytes
            ),
        );
    }
    let mut answer = axum::response::Response::new(axum::body::Body::from(body));
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/graphql-response+json"),
    );
    answer.headers_mut().extend(response.http_headers);
    answer
}

async fn graphiql(State(app): State<AppState>) -> axum::response::Response {
    if !app.introspection {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .finish(),
    )
    .into_response()
}

/// GraphQL over WebSocket (subscriptions). The token comes in the init payload.
async fn graphql_ws(
    State(app): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::WebSocketUpgrade,
) -> axum::response::Response {
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let store = app.store.clone();
            let sync = app.sync.clone();
            async_graphql_axum::GraphQLWebSocket::new(socket, app.api.clone(), protocol)
                .on_connection_init(move |payload| async move {
                    let header = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                        .or_else(|| {
                            payload
                                .get("token")
                                .and_then(|v| v.as_str())
                                .map(|t| format!("Bearer {t}"))
                        });
                    let principal = tokens::authenticate(&store, header.as_deref()).await;
                    let mut data = async_graphql::Data::default();
                    data.insert(RequestCtx::new(store.clone(), principal).with_sync(sync));
                    Ok(data)
                })
                .serve()
        })
}

async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> axum::response::Response {
    if let Some(expected) = &app.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(homeroom_service::auth::token::from_header);
        let same = given.is_some_and(|g| {
            use sha2::Digest as _;
            // Compare digests: equal length, no early exit on the secret itself.
            sha2::Sha256::digest(g.as_bytes()) == sha2::Sha256::digest(expected.as_bytes())
        });
        if !same {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    if let Ok(mut conn) = app.store.conn().await
        && let Ok(depth) = homeroom_schema::store::outbox::depth(&mut conn).await
    {
        homeroom_core::metrics::set_outbox_depth(depth);
    }
    homeroom_core::metrics::set_db_statements(app.store.statements_run());
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        homeroom_core::metrics::render(),
    )
        .into_response()
}

/// Records each request's latency by route.
async fn observe(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path: &'static str = match request.uri().path() {
        "/graphql" => "/graphql",
        "/healthz" => "/healthz",
        "/readyz" => "/readyz",
        "/metrics" => "/metrics",
        _ => "other",
    };
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    homeroom_core::metrics::http_request(path, response.status().as_u16(), started.elapsed());
    response
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// The delivery worker's pacing: the defaults, with the `HOMEROOM_OUTBOX_*` settings applied.
fn worker_options(settings: &Settings) -> WorkerOptions {
    let mut options = WorkerOptions::default();
    if let Some(ms) = settings.outbox_backoff_ms {
        options.backoff = Duration::from_millis(ms);
    }
    if let Some(ms) = settings.outbox_lease_ms {
        options.lease = Duration::from_millis(ms);
    }
    if let Some(ms) = settings.outbox_poll_ms {
        options.poll = Duration::from_millis(ms);
    }
    if let Some(n) = settings.outbox_concurrency {
        options.concurrency = n;
    }
    options
}

/// Serves (and runs the sync scheduler and the delivery worker) until ctrl-c or SIGTERM.
pub async fn serve(
    store: Store,
    sync: SyncService,
    settings: &Settings,
    demo: bool,
) -> anyhow::Result<()> {
    let listen = settings.listen.as_str();
    let introspection = settings.introspection.unwrap_or(demo);
    let delivery = Arc::new(Delivery {
        webhooks: homeroom_delivery::outgoing::WebhookSender::new(sync.key.clone())
            .allow_private(settings.webhook_allow_private),
        ..crate::delivery_setup::channels(settings)?
    });
    let families = Families::new(settings.public_url.clone());
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    tracing::info!(address = %listener.local_addr()?, "homeroom listening");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(homeroom_service::scheduler::run(
        sync.clone(),
        stopped.clone(),
    ));
    let importer = homeroom_service::imports::ImportRunner::new(
        store.clone(),
        homeroom_service::imports::default_hooks(families.clone()),
    );
    let imports = tokio::spawn(importer.run(stopped.clone()));
    let worker = tokio::spawn(homeroom_delivery::worker::run(
        store.clone(),
        Arc::new(families.clone()),
        delivery,
        worker_options(settings),
        stopped,
    ));
    let sign_in =
        homeroom_service::sso::SignIn::new(store.clone(), sync.key.clone(), &settings.public_url)
            .map_err(|e| anyhow::anyhow!("single sign-on client: {e}"))?;
    let state = AppState {
        sign_in,
        store,
        api: Api::new(introspection),
        sync,
        families,
        webhook_secret: settings.delivery_webhook_secret.clone(),
        introspection,
        metrics_token: settings.metrics_token.clone(),
        budget: Budget {
            max_response_bytes: settings.max_response_bytes,
            query_timeout: Duration::from_millis(settings.query_timeout_ms),
        },
        trust_forwarded_for: settings.trust_forwarded_for,
    };
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop.send(true);
    let _ = scheduler.await;
    let _ = worker.await;
    let _ = imports.await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
