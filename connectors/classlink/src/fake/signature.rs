//! How the fake checks OAuth 1.0a signatures: ClassLink's rules, rebuilt from what its
//! reference libraries (`classlinkinc/request-libraries`, Python, Node and the others) send.
//!
//! * The `Authorization` header is `OAuth k="v",…` with exactly `oauth_consumer_key`,
//!   `oauth_signature_method` (`HMAC-SHA256`), `oauth_timestamp`, `oauth_nonce` and
//!   `oauth_signature`; anything else (`oauth_version`, `oauth_token`, …) is refused.
//! * The timestamp is within five minutes of the fake's clock; a nonce is alphanumeric and
//!   used once per timestamp.
//! * The base string is built the libraries' way, independently of the core signer: the raw
//!   query is split on `&`, each piece decoded (`+` is a space), split on `=` into a key and a
//!   value — a piece with more than one `=` is the `filter` parameter, its value everything
//!   after `filter=`; the pieces and the `oauth_*` parameters are sorted by key and joined as
//!   `key=encode(value)`, and the base string is
//!   `GET&encode(scheme://host[:port]/path)&encode(joined)`.
//! * `encode` is tried three ways, as the libraries differ: RFC 3986 (everything but
//!   `A-Za-z0-9-._~` encoded), Python's `quote` (also leaving `/`) and Node's
//!   `encodeURIComponent` with `'` replaced by `%27` (also leaving `!*()`). The signature
//!   must be `base64(HMAC-SHA256(encode(secret) + "&", base string))` under one of them.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use homeroom_connector_core::Url;
use homeroom_connector_core::oauth::{
    SIGNATURE_METHOD, parse_authorization_header, sign_base_string,
};

/// Largest accepted distance between `oauth_timestamp` and the fake's clock.
const MAX_CLOCK_SKEW_SECS: u64 = 300;

/// The `oauth_*` parameters a ClassLink signature carries, and nothing else.
const OAUTH_PARAMS: [&str; 5] = [
    "oauth_consumer_key",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
    "oauth_timestamp",
];

/// One way ClassLink's libraries percent-encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// RFC 3986: only `A-Za-z0-9-._~` stay.
    Rfc3986,
    /// Python `urllib.parse.quote` for values (also `/` stays), `quote_plus` around.
    Python,
    /// Node `encodeURIComponent` (also `!*'()` stay), with `'` → `%27` in values.
    Node,
}

impl Encoding {
    const ALL: [Encoding; 3] = [Encoding::Rfc3986, Encoding::Python, Encoding::Node];

    fn value(self, text: &str) -> String {
        match self {
            Encoding::Rfc3986 => encode(text, b""),
            Encoding::Python => encode(text, b"/"),
            Encoding::Node => encode(text, b"!*()"),
        }
    }

    fn outer(self, text: &str) -> String {
        match self {
            Encoding::Rfc3986 | Encoding::Python => encode(text, b""),
            Encoding::Node => encode(text, b"!*'()"),
        }
    }
}

/// Percent-encodes every byte but `A-Za-z0-9-._~` and `keep`, with upper-case hex.
fn encode(text: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes one query piece: `+` is a space, `%XX` a byte (invalid escapes stay as they are).
fn decode(piece: &str) -> Result<String, String> {
    let bytes = piece.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("the query piece `{piece}` is not UTF-8"))
}

/// The query parameters as ClassLink's libraries read them (the `filter` special case).
pub(crate) fn query_params(query: Option<&str>) -> Result<BTreeMap<String, String>, String> {
    let mut params = BTreeMap::new();
    for piece in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let decoded = decode(piece)?;
        let parts: Vec<&str> = decoded.split('=').collect();
        match parts.as_slice() {
            [key, value] => {
                params.insert((*key).to_owned(), (*value).to_owned());
            }
            _ => match decoded.strip_prefix("filter=") {
                Some(value) => {
                    params.insert("filter".to_owned(), value.to_owned());
                }
                None => {
                    return Err(format!(
                        "the query parameter `{decoded}` cannot be signed (only `filter` may hold `=`)"
                    ));
                }
            },
        }
    }
    Ok(params)
}

/// The signature base string of `GET url` with `oauth` parameters, encoded one way.
pub(crate) fn base_string(
    url: &Url,
    oauth: &BTreeMap<String, String>,
    encoding: Encoding,
) -> Result<String, String> {
    let mut params = query_params(url.query())?;
    for (k, v) in oauth {
        if k != "oauth_signature" {
            params.insert(k.clone(), v.clone());
        }
    }
    let mut base_url = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        base_url.push_str(&format!(":{port}"));
    }
    base_url.push_str(url.path());
    let joined = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encoding.value(v)))
        .collect::<Vec<_>>()
        .join("&");
    Ok(format!(
        "GET&{}&{}",
        encoding.outer(&base_url),
        encoding.outer(&joined)
    ))
}

/// ClassLink's signature checks for one consumer.
#[derive(Debug)]
pub(crate) struct ClassLinkSignatures {
    client_id: String,
    client_secret: String,
    seen: Mutex<HashSet<(u64, String)>>,
}

impl ClassLinkSignatures {
    pub(crate) fn new(client_id: &str, client_secret: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// `Ok` or why the request is refused (a 401).
    pub(crate) fn check(&self, url: &Url, authorization: Option<&str>) -> Result<(), String> {
        let header = authorization.ok_or("missing OAuth 1.0a Authorization header")?;
        let params = parse_authorization_header(header).map_err(|e| e.to_string())?;
        if let Some(extra) = params.keys().find(|k| !OAUTH_PARAMS.contains(&k.as_str())) {
            return Err(format!(
                "unexpected `{extra}`: ClassLink signatures carry only oauth_consumer_key, \
                 oauth_signature_method, oauth_timestamp, oauth_nonce and oauth_signature"
            ));
        }
        let get = |name: &str| {
            params
                .get(name)
                .map(String::as_str)
                .ok_or_else(|| format!("missing `{name}`"))
        };
        if get("oauth_consumer_key")? != self.client_id {
            return Err("unknown consumer key".to_owned());
        }
        let method = get("oauth_signature_method")?;
        if method != SIGNATURE_METHOD {
            return Err(format!("signature method `{method}` is not HMAC-SHA256"));
        }
        let timestamp: u64 = get("oauth_timestamp")?
            .parse()
            .map_err(|_| "oauth_timestamp is not a number".to_owned())?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if timestamp.abs_diff(now) > MAX_CLOCK_SKEW_SECS {
            return Err(format!(
                "oauth_timestamp {timestamp} is more than {MAX_CLOCK_SKEW_SECS}s from now ({now})"
            ));
        }
        let nonce = get("oauth_nonce")?;
        if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("oauth_nonce must be alphanumeric".to_owned());
        }
        let signature = get("oauth_signature")?;
        let mut matched = false;
        for encoding in Encoding::ALL {
            let base = base_string(url, &params, encoding)?;
            if sign_base_string(&base, &self.client_secret) == signature {
                matched = true;
                break;
            }
        }
        if !matched {
            return Err("invalid signature".to_owned());
        }
        let fresh = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((timestamp, nonce.to_owned()));
        if fresh {
            Ok(())
        } else {
            Err("oauth_nonce already used".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::OAuth1Signer;

    use super::*;

    fn url(s: &str) -> Url {
        s.parse().unwrap()
    }

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    #[test]
    fn reads_the_query_like_the_libraries() {
        let p = query_params(Some(
            "limit=100&offset=0&filter=dateLastModified%3E%3D%272024-01-01%27",
        ))
        .unwrap();
        assert_eq!(p["filter"], "dateLastModified>='2024-01-01'");
        assert_eq!(p["limit"], "100");
        let p = query_params(Some(
            "filter=status%3D%27active%27+AND+role%3D%27student%27",
        ))
        .unwrap();
        assert_eq!(p["filter"], "status='active' AND role='student'");
        assert!(query_params(Some("sort=a=b")).is_err());
    }

    #[test]
    fn matches_the_python_library_vector() {
        // Computed with the algorithm of ClassLink's Python library (`quote` leaves `/`, the
        // whole parameter string through `quote_plus`) for this URL, timestamp and nonce.
        let u = url(
            "https://example-ca-v2.oneroster.com/ims/oneroster/v1p1/users?limit=5&filter=familyName%3D%27O%2FBrien%27",
        );
        let mut oauth = BTreeMap::new();
        for (k, v) in [
            ("oauth_consumer_key", "ck"),
            ("oauth_signature_method", "HMAC-SHA256"),
            ("oauth_timestamp", "1700000000"),
            ("oauth_nonce", "AbC123xYz9"),
        ] {
            oauth.insert(k.to_owned(), v.to_owned());
        }
        let python = base_string(&u, &oauth, Encoding::Python).unwrap();
        assert_eq!(
            python,
            "GET&https%3A%2F%2Fexample-ca-v2.oneroster.com%2Fims%2Foneroster%2Fv1p1%2Fusers&\
             filter%3DfamilyName%253D%2527O%2FBrien%2527%26limit%3D5%26oauth_consumer_key%3Dck\
             %26oauth_nonce%3DAbC123xYz9%26oauth_signature_method%3DHMAC-SHA256\
             %26oauth_timestamp%3D1700000000"
        );
        assert_eq!(
            sign_base_string(&python, "cs"),
            "hFvXiRHzMC0auAut6bOIyaQQLR/T7BL66r6HigY/h/Y="
        );
        // RFC 3986 encodes the `/` once more.
        let rfc = base_string(&u, &oauth, Encoding::Rfc3986).unwrap();
        assert!(rfc.contains("O%252FBrien"), "{rfc}");
        // The core signer builds the RFC 3986 base string.
        let core = OAuth1Signer::new("ck", "cs").sign("GET", &u, 1_700_000_000, "AbC123xYz9");
        assert_eq!(core.base_string, rfc);
    }

    #[test]
    fn accepts_the_core_signer_and_refuses_what_classlink_would_not_send() {
        let checks = ClassLinkSignatures::new("ck", "cs");
        let u = url(
            "http://127.0.0.1:9/ims/oneroster/v1p1/users?limit=100&offset=0&filter=dateLastModified%3E%272026-01-01T00%3A00%3A00Z%27",
        );
        let signer = OAuth1Signer::new("ck", "cs");
        let header = signer.authorization_header("GET", &u);
        assert_eq!(checks.check(&u, Some(&header)), Ok(()));
        assert_eq!(
            checks.check(&u, Some(&header)),
            Err("oauth_nonce already used".to_owned()),
            "a replayed request"
        );

        let wrong = OAuth1Signer::new("ck", "other").authorization_header("GET", &u);
        assert_eq!(
            checks.check(&u, Some(&wrong)),
            Err("invalid signature".to_owned())
        );
        let tampered = url(u.as_str().replace("limit=100", "limit=101").as_str());
        let header = signer.authorization_header("GET", &u);
        assert_eq!(
            checks.check(&tampered, Some(&header)),
            Err("invalid signature".to_owned()),
            "query parameters are signed"
        );

        // A signature that is valid by the RFC but carries oauth_version.
        let signed = signer.sign("GET", &u, now(), "Zz9Yy8Xx7W");
        let with_version = signed
            .authorization
            .replace("OAuth ", "OAuth oauth_version=\"1.0\",");
        let err = checks.check(&u, Some(&with_version)).unwrap_err();
        assert!(err.contains("unexpected `oauth_version`"), "{err}");
        let stale = signer
            .sign("GET", &u, now() - 3_600, "Qq1Ww2Ee3R")
            .authorization;
        assert!(
            checks
                .check(&u, Some(&stale))
                .unwrap_err()
                .contains("from now")
        );
        assert!(checks.check(&u, None).is_err());
        assert!(checks.check(&u, Some("Bearer x")).is_err());
    }
}
