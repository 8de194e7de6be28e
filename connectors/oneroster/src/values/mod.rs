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

/// `Some(text)` when `raw` holds something other than whitespace, trimmed.
pub(crate) fn non_blank(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|s| !s.is_empty())
}
