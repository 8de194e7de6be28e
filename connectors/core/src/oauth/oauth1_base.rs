//! The OAuth 1.0a signature base string and HMAC-SHA256 signature.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use url::Url;

use crate::percent;

/// The only signature method used: `HMAC-SHA256`.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA256";

/// Builds the signature base string (RFC 5849 §3.4.1) as ClassLink's libraries do:
///
/// ```text
/// METHOD & pct(base URL) & pct( join("&", sorted( pct(k) "=" pct(v) )) )
/// ```
///
/// * `METHOD` is upper-cased;
/// * the base URL is `scheme://host[:port]/path` — lower-case scheme and host, no default port,
///   no query or fragment;
/// * the parameters are the URL's query parameters (decoded, so `filter=role%3D%27x%27` takes
///   part as `role='x'`, whose own `=` and quotes are then re-encoded) plus `oauth_params`
///   (without `oauth_signature`), sorted by encoded key, then encoded value;
/// * `pct` is RFC 3986 percent-encoding ([`crate::percent::encode`]), so the parameter string
///   is encoded twice (a `'` in a filter ends up as `%2527`).
pub fn signature_base_string(method: &str, url: &Url, oauth_params: &[(&str, &str)]) -> String {
    let mut base_url = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        base_url.push_str(&format!(":{port}"));
    }
    base_url.push_str(url.path());

    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (percent::encode(&k), percent::encode(&v)))
        .chain(
            oauth_params
                .iter()
                .map(|(k, v)| (percent::encode(k), percent::encode(v))),
        )
        .collect();
    pairs.sort();
    let parameters = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");

    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent::encode(&base_url),
        percent::encode(&parameters)
    )
}

/// `base64( HMAC-SHA256( key = pct(consumer_secret) + "&", base_string ) )` — two-legged, so the
/// token secret after the `&` is empty.
pub fn sign_base_string(base_string: &str, consumer_secret: &str) -> String {
    STANDARD.encode(mac(base_string, consumer_secret).finalize().into_bytes())
}

/// The keyed MAC over `base_string`, for signing and constant-time verification.
pub(super) fn mac(base_string: &str, consumer_secret: &str) -> Hmac<Sha256> {
    let key = format!("{}&", percent::encode(consumer_secret));
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(base_string.as_bytes());
    mac
}
