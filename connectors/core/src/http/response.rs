//! A fully read response.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::connector::ConnectorError;

/// A response whose body has been read completely (a page is bounded, so this is fine).
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The status.
    pub status: StatusCode,
    /// The final URL (after redirects).
    pub url: Url,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl HttpResponse {
    /// A header as a string, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first `max_chars` characters of the body, for error messages.
    pub fn body_excerpt(&self, max_chars: usize) -> String {
        excerpt(&self.body, max_chars)
    }

    /// Parses the body as JSON. A body that does not fit `T` is
    /// [`ConnectorError::Malformed`] naming `what` (e.g. `"Clever users page"`), the URL, the
    /// parser's complaint and the start of the body.
    pub fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T, ConnectorError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            // The parser's complaint quotes the value it rejected, which may be huge: keep its
            // start and where it was.
            let full = e.to_string();
            let complaint = if full.chars().count() > 300 {
                format!(
                    "{} at line {} column {}",
                    excerpt(full.as_bytes(), 240),
                    e.line(),
                    e.column()
                )
            } else {
                full
            };
            ConnectorError::malformed(
                what,
                format!(
                    "{complaint} (from {}; body starts: {})",
                    self.url,
                    self.body_excerpt(200)
                ),
            )
        })
    }

    /// Converts into an `http` crate response (what the `oauth2` crate consumes).
    pub fn into_http(self) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(self.body.to_vec());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }
}

/// At most `max_chars` characters of `body` (lossy UTF-8), with `…` when cut.
pub(crate) fn excerpt(body: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let trimmed = text.trim();
    match trimmed.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;
    use serde::Deserialize;

    use super::{HttpResponse, excerpt};
    use crate::connector::ConnectorError;

    fn response(body: &str) -> HttpResponse {
        HttpResponse {
            status: StatusCode::OK,
            url: "http://127.0.0.1/users".parse().unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
        }
    }

    #[derive(Deserialize, Debug)]
    struct Users {
        users: Vec<String>,
    }

    #[test]
    fn parses_json_or_reports_malformed() {
        let ok: Users = response(r#"{"users":["a"]}"#).json("users page").unwrap();
        assert_eq!(ok.users, ["a"]);
        match response("<html>oops</html>").json::<Users>("users page") {
            Err(ConnectorError::Malformed { what, detail }) => {
                assert_eq!(what, "users page");
                assert!(detail.contains("http://127.0.0.1/users"), "{detail}");
                assert!(detail.contains("<html>oops</html>"), "{detail}");
            }
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    #[test]
    fn a_huge_rejected_value_is_not_quoted_whole() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Page {
            data: Vec<String>,
        }
        let body = format!(r#"{{"data": "{}"}}"#, "a".repeat(50_000));
        let response = HttpResponse {
            status: StatusCode::OK,
            url: "http://x/users".parse().unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body),
        };
        let message = response.json::<Page>("users page").unwrap_err().to_string();
        assert!(message.chars().count() < 700, "{}", message.len());
        assert!(message.contains("at line 1 column"), "{message}");
    }

    #[test]
    fn excerpts_cut_on_char_boundaries() {
        assert_eq!(excerpt("ééééé".as_bytes(), 3), "ééé…");
        assert_eq!(excerpt(b"  short  ", 10), "short");
    }
}
