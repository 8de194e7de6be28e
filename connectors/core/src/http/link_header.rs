//! RFC 8288 `Link` headers (OneRoster paging).

use reqwest::header::{HeaderMap, LINK};

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
