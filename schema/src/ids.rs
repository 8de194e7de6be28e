//! Ids and clocks shared by every table.

use std::time::{SystemTime, UNIX_EPOCH};

/// A new row id: a UUIDv7 in text form, which sorts by creation time on both backends and so
/// doubles as the keyset-pagination key.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time as Unix epoch microseconds, the unit of every timestamp column.
pub fn now_micros() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
}
