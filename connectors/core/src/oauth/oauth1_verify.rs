//! Verifying OAuth 1.0a HMAC-SHA256 requests (for fake SIS servers in tests).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac;
use url::Url;

use super::OAuth1Error;
use super::oauth1_base::{SIGNATURE_METHOD, mac, signature_base_string};
use crate::percent;

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedOAuth1 {
    /// Who signed it.
    pub consumer_key: String,
    /// Its `oauth_timestamp`.
    pub timestamp: u64,
    /// Its `oauth_nonce` (a server may reject repeats).
    pub nonce: String,
}

impl VerifiedOAuth1 {
    /// Fails unless the timestamp is within `max_skew_secs` of `now` (Unix seconds).
    pub fn check_freshness(&self, now: u64, max_skew_secs: u64) -> Result<(), OAuth1Error> {
        if self.timestamp.abs_diff(now) > max_skew_secs {
            return Err(OAuth1Error::StaleTimestamp {
                timestamp: self.timestamp,
                now,
                max_skew_secs,
            });
        }
        Ok(())
    }
}

/// Parses `OAuth k="v", k2="v2"` into decoded parameters (`realm` dropped).
pub fn parse_authorization_header(header: &str) -> Result<BTreeMap<String, String>, OAuth1Error> {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return Err(OAuth1Error::NotOAuth);
    }
    let mut params = BTreeMap::new();
    for item in rest.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (key, quoted) = item.split_once('=').ok_or_else(|| {
            OAuth1Error::MalformedHeader(format!("`{item}` is not key=\"value\""))
        })?;
        let key = key.trim();
        let raw = quoted
            .trim()
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| {
                OAuth1Error::MalformedHeader(format!("the value of `{key}` is not quoted"))
            })?;
        let value = percent::decode(raw).ok_or_else(|| {
            OAuth1Error::MalformedHeader(format!("the value of `{key}` is not UTF-8"))
        })?;
        if key.eq_ignore_ascii_case("realm") {
            continue;
        }
        let key = percent::decode(key)
            .ok_or_else(|| OAuth1Error::MalformedHeader(format!("the key `{key}` is not UTF-8")))?;
        if params.insert(key.clone(), value).is_some() {
            return Err(OAuth1Error::DuplicateParameter(key));
        }
    }
    Ok(params)
}

/// Verifies an OAuth 1.0a HMAC-SHA256 `Authorization` header for `method url` (the full URL the
/// client requested, query included), looking the consumer secret up by consumer key.
///
/// Every `oauth_*` parameter in the header except `oauth_signature` takes part in the base
/// string, so signatures from clients that also send `oauth_version="1.0"` verify too. The
/// comparison is constant-time. Timestamp freshness and nonce replay are left to the caller
/// ([`VerifiedOAuth1::check_freshness`]).
pub fn verify_oauth1<F, S>(
    method: &str,
    url: &Url,
    authorization: &str,
    secret_lookup: F,
) -> Result<VerifiedOAuth1, OAuth1Error>
where
    F: FnOnce(&str) -> Option<S>,
    S: AsRef<str>,
{
    let params = parse_authorization_header(authorization)?;
    let get = |name: &'static str| {
        params
            .get(name)
            .map(String::as_str)
            .ok_or(OAuth1Error::MissingParameter(name))
    };
    let consumer_key = get("oauth_consumer_key")?;
    let method_name = get("oauth_signature_method")?;
    if method_name != SIGNATURE_METHOD {
        return Err(OAuth1Error::UnsupportedSignatureMethod(
            method_name.to_owned(),
        ));
    }
    let timestamp_text = get("oauth_timestamp")?;
    let timestamp = timestamp_text
        .parse::<u64>()
        .map_err(|_| OAuth1Error::InvalidTimestamp(timestamp_text.to_owned()))?;
    let nonce = get("oauth_nonce")?;
    let signature = get("oauth_signature")?;

    let secret = secret_lookup(consumer_key)
        .ok_or_else(|| OAuth1Error::UnknownConsumer(consumer_key.to_owned()))?;
    let signed: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k.starts_with("oauth_") && k.as_str() != "oauth_signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let base_string = signature_base_string(method, url, &signed);
    let provided = STANDARD
        .decode(signature)
        .map_err(|_| OAuth1Error::BadSignature)?;
    mac(&base_string, secret.as_ref())
        .verify_slice(&provided)
        .map_err(|_| OAuth1Error::BadSignature)?;
    Ok(VerifiedOAuth1 {
        consumer_key: consumer_key.to_owned(),
        timestamp,
        nonce: nonce.to_owned(),
    })
}
