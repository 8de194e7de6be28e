//! Parsing OneRoster scalar values, shared by the CSV and REST readers.
//!
//! Each parser takes the raw text (already trimmed; `None` or empty means blank) and returns
//! the value or a sentence saying what is wrong with it.

mod boolean;
mod dates;
mod multi_value;
mod status;
mod timestamp;
mod user_ids;

pub(crate) use boolean::parse_bool;
pub(crate) use dates::parse_date;
pub(crate) use multi_value::split_multi;
pub(crate) use status::parse_status;
pub(crate) use timestamp::{format_timestamp, parse_timestamp};
pub(crate) use user_ids::{UserId, parse_user_ids};

/// A value from the source as messages quote it: at most 100 characters, with `…` when cut
/// (a rejected cell or property can be megabytes long).
pub(crate) fn quote(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `Some(text)` when `raw` holds something other than whitespace, trimmed.
pub(crate) fn non_blank(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoted_values_are_cut() {
        assert_eq!(quote("teacher"), "teacher");
        let long = quote(&"é".repeat(5_000));
        assert_eq!(long.chars().count(), 101);
        assert!(long.ends_with('…'));
    }
}
