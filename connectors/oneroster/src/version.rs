//! OneRoster versions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// The OneRoster version a provider or export speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OneRosterVersion {
    /// OneRoster 1.1 (also used for 1.0 exports): one `role` per user, OAuth 1.0a over REST.
    V1p1,
    /// OneRoster 1.2: roles in `roles.csv` / `roles[]`, OAuth 2.0 over REST.
    V1p2,
}

/// A version string other than `1.0`, `1.1` or `1.2`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unsupported OneRoster version `{0}` (expected 1.1 or 1.2)")]
pub struct UnsupportedVersion(pub String);

impl OneRosterVersion {
    /// `"1.1"` or `"1.2"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OneRosterVersion::V1p1 => "1.1",
            OneRosterVersion::V1p2 => "1.2",
        }
    }
}

impl FromStr for OneRosterVersion {
    type Err = UnsupportedVersion;

    /// Accepts `1.1`, `1.2`, `v1p1`, `v1p2`, and `1.0` (read as 1.1), surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "1.0" | "1.1" | "v1p1" | "v1p0" => Ok(OneRosterVersion::V1p1),
            "1.2" | "v1p2" => Ok(OneRosterVersion::V1p2),
            _ => Err(UnsupportedVersion(s.to_owned())),
        }
    }
}

impl fmt::Display for OneRosterVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OneRosterVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OneRosterVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::OneRosterVersion;

    #[test]
    fn parses_the_usual_spellings() {
        assert_eq!("1.1".parse(), Ok(OneRosterVersion::V1p1));
        assert_eq!(" 1.0 ".parse(), Ok(OneRosterVersion::V1p1));
        assert_eq!("v1p2".parse(), Ok(OneRosterVersion::V1p2));
        assert_eq!(
            "2.0".parse::<OneRosterVersion>().unwrap_err().to_string(),
            "unsupported OneRoster version `2.0` (expected 1.1 or 1.2)"
        );
        let v: OneRosterVersion = serde_json::from_str("\"1.2\"").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"1.2\"");
    }
}
