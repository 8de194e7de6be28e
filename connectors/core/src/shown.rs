//! How a value read from outside (a SIS record, a spreadsheet cell, a header) appears inside an
//! error message: cut after [`SHOWN_CHARS`] characters, so a hostile or broken value cannot make
//! a message, a stored sync issue or a report unbounded.

/// At most this many characters of a value are echoed in a message.
pub const SHOWN_CHARS: usize = 40;

/// `value`, cut after [`SHOWN_CHARS`] characters with `…` when cut.
pub fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// [`shown`] in double quotes with Rust's escapes, so quotes, line breaks and control characters
/// in the value cannot forge the rest of the message.
pub fn quoted(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{:?}…", &value[..end]),
        None => format!("{value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_and_short_ones_kept() {
        assert_eq!(shown("abc"), "abc");
        let long = "é".repeat(100);
        assert_eq!(shown(&long), format!("{}…", "é".repeat(SHOWN_CHARS)));
        assert_eq!(quoted("a\"b\nc"), r#""a\"b\nc""#);
        assert_eq!(quoted(&long), format!("\"{}\"…", "é".repeat(SHOWN_CHARS)));
    }
}
