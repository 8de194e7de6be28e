//! RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 §3.6) requires.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `input` per RFC 3986: unreserved characters stay, every other byte of the
/// UTF-8 encoding becomes `%XX` with upper-case hex. A space is `%20` (never `+`), `'` is `%27`.
pub fn encode(input: &str) -> String {
    utf8_percent_encode(input, RFC3986).to_string()
}

/// Decodes `%XX` sequences (a `+` stays a `+`). Returns `None` if the result is not UTF-8.
pub fn decode(input: &str) -> Option<String> {
    percent_decode_str(input)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn keeps_only_unreserved_characters() {
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode("a b+c/d'e=f&g*h!i(j)"),
            "a%20b%2Bc%2Fd%27e%3Df%26g%2Ah%21i%28j%29"
        );
        assert_eq!(
            encode("dateLastModified>'2024-01-01T00:00:00Z'"),
            "dateLastModified%3E%272024-01-01T00%3A00%3A00Z%27"
        );
    }

    #[test]
    fn encodes_utf8_bytes_uppercase() {
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("☃"), "%E2%98%83");
    }

    #[test]
    fn decodes_what_it_encodes() {
        let raw = "role='student' AND grades~'09' ☃";
        assert_eq!(decode(&encode(raw)).unwrap(), raw);
        assert_eq!(decode("a+b").unwrap(), "a+b");
        assert!(decode("%FF").is_none());
    }
}
