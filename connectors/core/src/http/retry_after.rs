//! Reading how long a server wants us to wait.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Values of `X-RateLimit-Reset` below this are read as a number of seconds to wait rather than
/// an epoch timestamp (some APIs send the delta; 10⁹ s after the epoch is September 2001).
const EPOCH_THRESHOLD: f64 = 1_000_000_000.0;

/// How long the response headers ask the client to wait before retrying, measured from `now`.
///
/// * `Retry-After: <seconds>` or `Retry-After: <HTTP-date>` (RFC 9110 §10.2.3) wins;
/// * otherwise `X-RateLimit-Reset: <epoch seconds>` (Clever), or a small number of seconds;
/// * a moment already past gives `Duration::ZERO`; unreadable or absent headers give `None`.
pub fn server_requested_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(value) = header_str(headers, RETRY_AFTER.as_str()) {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            return Some(when.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let reset = header_str(headers, "x-ratelimit-reset")?
        .parse::<f64>()
        .ok()?;
    if !reset.is_finite() || reset < 0.0 {
        return None;
    }
    if reset < EPOCH_THRESHOLD {
        return Some(Duration::from_secs_f64(reset));
    }
    let now_secs = now.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    Some(Duration::from_secs_f64((reset - now_secs).max(0.0)))
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use reqwest::header::{HeaderMap, HeaderValue};

    use super::server_requested_wait;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn retry_after_seconds() {
        let h = headers(&[("retry-after", " 7 ")]);
        assert_eq!(
            server_requested_wait(&h, at(0)),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_http_date() {
        // 1994-11-06T08:49:37Z = 784111777.
        let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(
            server_requested_wait(&h, at(784_111_767)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            server_requested_wait(&h, at(784_111_800)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn ratelimit_reset_epoch_and_delta() {
        let h = headers(&[("x-ratelimit-reset", "1700000030")]);
        assert_eq!(
            server_requested_wait(&h, at(1_700_000_000)),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            server_requested_wait(&h, at(1_700_000_100)),
            Some(Duration::ZERO)
        );
        let h = headers(&[("x-ratelimit-reset", "12")]);
        assert_eq!(
            server_requested_wait(&h, at(1_700_000_000)),
            Some(Duration::from_secs(12))
        );
    }

    #[test]
    fn retry_after_wins_over_ratelimit_reset() {
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset", "1700000030")]);
        assert_eq!(
            server_requested_wait(&h, at(1_700_000_000)),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn garbage_or_absent_is_none() {
        assert_eq!(server_requested_wait(&HeaderMap::new(), at(0)), None);
        assert_eq!(
            server_requested_wait(&headers(&[("retry-after", "soon")]), at(0)),
            None
        );
        assert_eq!(
            server_requested_wait(&headers(&[("x-ratelimit-reset", "-5")]), at(0)),
            None
        );
        assert_eq!(
            server_requested_wait(&headers(&[("x-ratelimit-reset", "NaN")]), at(0)),
            None
        );
    }
}
