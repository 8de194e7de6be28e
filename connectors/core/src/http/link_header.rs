//! RFC 8288 `Link` headers (OneRoster paging).

use reqwest::header::{HeaderMap, LINK};
use url::Url;

use crate::ConnectorError;
use crate::shown::shown;

/// One link of a `Link` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The target, as written between `<` and `>`.
    pub uri: String,
    /// The `rel` parameter (lower-cased), if any; space-separated values are kept together.
    pub rel: Option<String>,
}

/// Parses a `Link` header value such as
/// `<https://h/users?limit=100&offset=100>; rel="next", <https://h/users?offset=900>; rel="last"`.
/// Malformed entries are skipped.
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|i| open + i) else {
            break;
        };
        let uri = rest[open + 1..close].trim().to_owned();
        let params_end = rest[close..].find('<').map_or(rest.len(), |i| close + i);
        let rel = rest[close + 1..params_end]
            .split(';')
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("rel"))
            .map(|(_, v)| {
                v.trim()
                    .trim_end_matches(',')
                    .trim()
                    .trim_matches('"')
                    .to_ascii_lowercase()
            });
        links.push(Link { uri, rel });
        rest = &rest[params_end..];
    }
    links
}

/// The target of the first `rel="next"` link across all `Link` headers, if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(parse_link_header)
        .find(|l| {
            l.rel
                .as_deref()
                .is_some_and(|r| r.split_ascii_whitespace().any(|r| r == "next"))
        })
        .map(|l| l.uri)
}

/// Resolves a paging link a server sent (absolute, or relative to `from`, the URL it answered)
/// and refuses it unless it stays on `from`'s origin (scheme, host and port).
///
/// Requests to the next page carry the district's credentials (a bearer token, an OAuth 1.0a
/// signature), so a link to another server -- a SIS misconfigured behind a proxy, or one that
/// was tampered with -- must not be followed: it would hand the credentials to whoever answers
/// there. Redirects follow the same rule in [`crate::HttpClient`].
pub fn link_on_origin(from: &Url, link: &str, what: &str) -> Result<Url, ConnectorError> {
    let target = from.join(link).map_err(|e| {
        ConnectorError::malformed(what, format!("`{}` is not a URL: {e}", shown(link)))
    })?;
    if target.origin() != from.origin() {
        return Err(ConnectorError::malformed(
            what,
            format!(
                "the link to the next page points at another server ({}) than the one configured \
                 ({}); Homeroom sends the district's credentials only to the configured server. \
                 Check the server's public URL setting, or configure the address it links to",
                target.origin().ascii_serialization(),
                from.origin().ascii_serialization()
            ),
        ));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderValue, LINK};

    use super::{Link, next_link, parse_link_header};

    #[test]
    fn parses_several_links() {
        let links = parse_link_header(
            r#"<https://h/users?limit=2&offset=2>; rel="next", <https://h/users?limit=2&offset=8>; rel=last,<https://h/x>"#,
        );
        assert_eq!(
            links,
            [
                Link {
                    uri: "https://h/users?limit=2&offset=2".into(),
                    rel: Some("next".into())
                },
                Link {
                    uri: "https://h/users?limit=2&offset=8".into(),
                    rel: Some("last".into())
                },
                Link {
                    uri: "https://h/x".into(),
                    rel: None
                },
            ]
        );
    }

    #[test]
    fn finds_next_across_headers() {
        let mut h = HeaderMap::new();
        h.append(
            LINK,
            HeaderValue::from_static(r#"<https://h/a?offset=0>; rel="first""#),
        );
        h.append(
            LINK,
            HeaderValue::from_static(r#"<https://h/a?offset=100>; title="x"; REL="prev next""#),
        );
        assert_eq!(next_link(&h).as_deref(), Some("https://h/a?offset=100"));
        assert_eq!(next_link(&HeaderMap::new()), None);
    }
}
