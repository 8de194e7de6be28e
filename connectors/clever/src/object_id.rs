//! Clever ids: 24-hex-digit Mongo-style ObjectIDs whose first 8 digits are the creation time
//! in Unix seconds. Clever sorts lists by id, so id order is creation order; the Events API's
//! `starting_after` cursor is an event id, and its embedded time tells how old the cursor is.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A 24-hex-digit ObjectID (lower case).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(String);

impl ObjectId {
    /// Reads an id; `None` unless it is exactly 24 hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        (text.len() == 24 && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    /// The id whose time part is `at` and whose remaining 16 digits are `rest`.
    pub fn from_parts(at: SystemTime, rest: u64) -> Self {
        let secs = at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
            .min(u64::from(u32::MAX));
        Self(format!("{secs:08x}{rest:016x}"))
    }

    /// When the object was created, from the id's first 8 digits.
    pub fn created_at(&self) -> SystemTime {
        let secs = u64::from_str_radix(&self.0[..8], 16).unwrap_or(0);
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::ObjectId;

    #[test]
    fn parses_and_reads_the_time() {
        let id = ObjectId::parse("58DA8C63d7dc0ca0680003ed").unwrap();
        assert_eq!(id.as_str(), "58da8c63d7dc0ca0680003ed");
        assert_eq!(
            id.created_at(),
            UNIX_EPOCH + Duration::from_secs(0x58da_8c63)
        );
        assert!(ObjectId::parse("58da8c63").is_none());
        assert!(ObjectId::parse("zzda8c63d7dc0ca0680003ed").is_none());
        let made = ObjectId::from_parts(UNIX_EPOCH + Duration::from_secs(0x6000_0000), 7);
        assert_eq!(made.as_str(), "600000000000000000000007");
        assert!(made < ObjectId::from_parts(UNIX_EPOCH + Duration::from_secs(0x6000_0001), 0));
    }
}
