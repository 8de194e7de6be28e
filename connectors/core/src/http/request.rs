//! A request description that can be sent (and re-sent on retry).

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::connector::ConnectorError;

/// A request to send through [`super::HttpClient`]. Cheap to clone; authentication is added
/// per attempt by [`super::RequestAuth`], not stored here.
#[derive(Clone, Debug)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The full URL, query included.
    pub url: Url,
    /// Extra headers (the client adds `Accept: application/json` unless one is set here).
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Bytes>,
}

impl HttpRequest {
    /// A request with no headers or body.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
        }
    }

    /// A `GET`.
    pub fn get(url: Url) -> Self {
        Self::new(Method::GET, url)
    }

    /// A `POST` of `application/x-www-form-urlencoded` pairs.
    pub fn post_form(url: Url, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let mut request = Self::new(Method::POST, url);
        request.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        request.body = Some(Bytes::from(body));
        request
    }

    /// Adds a header (replacing one of the same name).
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Converts an `http` crate request (what the `oauth2` crate produces).
    pub fn from_http(request: http::Request<Vec<u8>>) -> Result<Self, ConnectorError> {
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string()).map_err(|e| {
            ConnectorError::Config(format!("invalid request URL `{}`: {e}", parts.uri))
        })?;
        Ok(Self {
            method: parts.method,
            url,
            headers: parts.headers,
            body: (!body.is_empty()).then(|| Bytes::from(body)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::HttpRequest;

    #[test]
    fn form_posts_are_encoded() {
        let r = HttpRequest::post_form(
            "http://127.0.0.1/token".parse().unwrap(),
            &[("grant_type", "client_credentials"), ("scope", "a b")],
        );
        assert_eq!(
            r.body.as_deref(),
            Some(&b"grant_type=client_credentials&scope=a+b"[..])
        );
        assert_eq!(
            r.headers["content-type"],
            "application/x-www-form-urlencoded"
        );
    }

    #[test]
    fn converts_http_requests() {
        let req = http::Request::post("http://127.0.0.1:9/t?x=1")
            .header("authorization", "Basic abc")
            .body(b"grant_type=client_credentials".to_vec())
            .unwrap();
        let r = HttpRequest::from_http(req).unwrap();
        assert_eq!(r.method, reqwest::Method::POST);
        assert_eq!(r.url.as_str(), "http://127.0.0.1:9/t?x=1");
        assert_eq!(r.headers["authorization"], "Basic abc");
        assert!(r.body.is_some());
    }
}
