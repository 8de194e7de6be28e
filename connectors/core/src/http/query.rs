//! Writing query strings that every server decodes the same way.

use url::Url;

use crate::percent;

/// Replaces `url`'s query with `pairs`, each key and value percent-encoded per RFC 3986 (spaces
/// as `%20`, quotes as `%27`, never `+`). Use it for OneRoster `filter` expressions: servers and
/// OAuth 1.0a signers then agree on the decoded values, whichever decoder they use.
///
/// An empty `pairs` removes the query.
pub fn set_query_pairs(url: &mut Url, pairs: &[(&str, &str)]) {
    if pairs.is_empty() {
        url.set_query(None);
        return;
    }
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent::encode(k), percent::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(Some(&query));
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::set_query_pairs;

    #[test]
    fn encodes_filters_unambiguously() {
        let mut url: Url = "https://h/ims/oneroster/v1p1/users?old=1".parse().unwrap();
        set_query_pairs(
            &mut url,
            &[
                ("limit", "100"),
                ("filter", "role='student' AND dateLastModified>'2024-01-01'"),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://h/ims/oneroster/v1p1/users?limit=100&filter=role%3D%27student%27%20AND%20dateLastModified%3E%272024-01-01%27"
        );
        let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            decoded[1].1,
            "role='student' AND dateLastModified>'2024-01-01'"
        );
        set_query_pairs(&mut url, &[]);
        assert_eq!(url.query(), None);
    }
}
