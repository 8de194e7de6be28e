//! The Homeroom console: the single-page app under `api/console/` (React, built by
//! `npm ci && npm run build` into `api/console/dist/`), embedded in the binary and served at `/`.
//!
//! Release builds embed the files; debug builds read them from `api/console/dist/` at run time
//! (rust-embed's default), so a rebuilt console shows without recompiling the server.
//!
//! Files of the build are served as they are: hashed assets (`/assets/…`) cached for a year,
//! everything else revalidated. Any other GET path is a client route and gets `index.html`,
//! except the server's own paths (the API, health, metrics, invitation pages, webhooks, sign-in
//! callbacks), which never fall back to the app.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "console/dist/"]
struct Assets;

/// Path prefixes the console never answers for, even when no route matched.
const RESERVED: &[&str] = &[
    "graphql",
    "healthz",
    "readyz",
    "metrics",
    "invitations",
    "webhooks",
    "auth",
];

/// The policy for pages of the console: same-origin scripts and API calls only (Mantine sets
/// inline style attributes, hence `'unsafe-inline'` for styles alone).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/// Fallback handler of the router: a file of the console build, or `index.html` for a client
/// route.
pub async fn handler(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let path = uri.path().trim_start_matches('/');
    let first = path.split('/').next().unwrap_or_default();
    if RESERVED.contains(&first) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !path.is_empty() {
        if let Some(file) = Assets::get(path) {
            return file_response(path, &file, &headers, method == Method::HEAD);
        }
        // A missing asset or file is a 404, not the app (a stale tab asking for an old chunk
        // must not get HTML back as JavaScript).
        let last = path.rsplit('/').next().unwrap_or_default();
        if first == "assets" || last.contains('.') {
            return StatusCode::NOT_FOUND.into_response();
        }
    }
    match Assets::get("index.html") {
        Some(file) => file_response("index.html", &file, &headers, method == Method::HEAD),
        None => (
            StatusCode::NOT_FOUND,
            "the console is not built: run `npm ci && npm run build` in api/console",
        )
            .into_response(),
    }
}

fn file_response(
    path: &str,
    file: &rust_embed::EmbeddedFile,
    request: &HeaderMap,
    head: bool,
) -> Response {
    let hash: String = file.metadata.sha256_hash()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!("\"{hash}\"");
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    if not_modified {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let mime = file.metadata.mimetype();
    let content_type = if mime.starts_with("text/") || mime == "application/javascript" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    };
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if path == "index.html" {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    let body = if head {
        Body::empty()
    } else {
        Body::from(file.data.clone().into_owned())
    };
    (StatusCode::OK, headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(path: &str) -> Response {
        handler(Method::GET, path.parse().unwrap(), HeaderMap::new()).await
    }

    #[tokio::test]
    async fn client_routes_get_the_app_and_server_paths_do_not() {
        for route in ["/", "/classes", "/sync/runs/abc"] {
            let r = get(route).await;
            assert_eq!(r.status(), StatusCode::OK, "{route}");
            assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
            assert!(
                r.headers()[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
        }
        for reserved in [
            "/graphql/x",
            "/invitations",
            "/webhooks/x",
            "/metrics/x",
            "/assets/gone.js",
            "/missing.png",
        ] {
            assert_eq!(
                get(reserved).await.status(),
                StatusCode::NOT_FOUND,
                "{reserved}"
            );
        }
        let r = handler(Method::POST, "/classes".parse().unwrap(), HeaderMap::new()).await;
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn hashed_assets_are_immutable_and_revalidate_by_etag() {
        let asset = Assets::iter()
            .find(|p| p.starts_with("assets/") && p.ends_with(".js"))
            .expect("a built script");
        let r = get(&format!("/{asset}")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
                || r.headers()[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/javascript")
        );
        let etag = r.headers()[header::ETAG].clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, etag);
        let again = handler(Method::GET, format!("/{asset}").parse().unwrap(), h).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
}
