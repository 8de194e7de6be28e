//! The SIS a connector talks to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// Which SIS (and which protocol) a connector speaks.
///
/// Two spellings exist: the **CLI name** (`oneroster-rest`, used on the command line and in
/// [`fmt::Display`]) and the **storage name** (`oneroster_rest`, stored in the database and
/// used by serde). [`FromStr`] accepts either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectorKind {
    /// Clever Data API v3 (+ Events).
    Clever,
    /// ClassLink Roster Server (OneRoster 1.1, OAuth 1.0a).
    ClassLink,
    /// Any OneRoster 1.1/1.2 REST provider.
    OneRosterRest,
    /// OneRoster CSV bulk/delta zip files.
    OneRosterCsv,
    /// Aeries SIS API v5.
    Aeries,
}

/// A string named no connector kind.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown connector kind `{0}` (expected one of: clever, classlink, oneroster-rest, oneroster-csv, aeries)"
)]
pub struct UnknownConnectorKind(pub String);

impl ConnectorKind {
    /// Every kind.
    pub const ALL: [ConnectorKind; 5] = [
        ConnectorKind::Clever,
        ConnectorKind::ClassLink,
        ConnectorKind::OneRosterRest,
        ConnectorKind::OneRosterCsv,
        ConnectorKind::Aeries,
    ];

    /// The command-line spelling: `clever`, `classlink`, `oneroster-rest`, `oneroster-csv`,
    /// `aeries`.
    pub const fn cli_name(self) -> &'static str {
        match self {
            ConnectorKind::Clever => "clever",
            ConnectorKind::ClassLink => "classlink",
            ConnectorKind::OneRosterRest => "oneroster-rest",
            ConnectorKind::OneRosterCsv => "oneroster-csv",
            ConnectorKind::Aeries => "aeries",
        }
    }

    /// The database spelling: `clever`, `classlink`, `oneroster_rest`, `oneroster_csv`, `aeries`.
    pub const fn storage_name(self) -> &'static str {
        match self {
            ConnectorKind::Clever => "clever",
            ConnectorKind::ClassLink => "classlink",
            ConnectorKind::OneRosterRest => "oneroster_rest",
            ConnectorKind::OneRosterCsv => "oneroster_csv",
            ConnectorKind::Aeries => "aeries",
        }
    }

    /// Parses the CLI spelling only.
    pub fn from_cli_name(name: &str) -> Result<Self, UnknownConnectorKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.cli_name() == name)
            .ok_or_else(|| UnknownConnectorKind(name.to_owned()))
    }

    /// Parses the storage spelling only.
    pub fn from_storage_name(name: &str) -> Result<Self, UnknownConnectorKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.storage_name() == name)
            .ok_or_else(|| UnknownConnectorKind(name.to_owned()))
    }
}

impl FromStr for ConnectorKind {
    type Err = UnknownConnectorKind;

    /// Accepts the CLI or the storage spelling (exact, lower case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_cli_name(s).or_else(|_| Self::from_storage_name(s))
    }
}

impl fmt::Display for ConnectorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

impl Serialize for ConnectorKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.storage_name())
    }
}

impl<'de> Deserialize<'de> for ConnectorKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::ConnectorKind;

    #[test]
    fn names() {
        let cli: Vec<&str> = ConnectorKind::ALL.iter().map(|k| k.cli_name()).collect();
        assert_eq!(
            cli,
            [
                "clever",
                "classlink",
                "oneroster-rest",
                "oneroster-csv",
                "aeries"
            ]
        );
        let storage: Vec<&str> = ConnectorKind::ALL
            .iter()
            .map(|k| k.storage_name())
            .collect();
        assert_eq!(
            storage,
            [
                "clever",
                "classlink",
                "oneroster_rest",
                "oneroster_csv",
                "aeries"
            ]
        );
    }

    #[test]
    fn parses_both_spellings() {
        for k in ConnectorKind::ALL {
            assert_eq!(k.cli_name().parse::<ConnectorKind>().unwrap(), k);
            assert_eq!(k.storage_name().parse::<ConnectorKind>().unwrap(), k);
        }
        assert!(ConnectorKind::from_cli_name("oneroster_rest").is_err());
        assert!(ConnectorKind::from_storage_name("oneroster-rest").is_err());
        let err = "powerschool".parse::<ConnectorKind>().unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown connector kind `powerschool`")
        );
    }

    #[test]
    fn serde_uses_storage_names_and_display_cli_names() {
        assert_eq!(
            serde_json::to_string(&ConnectorKind::OneRosterCsv).unwrap(),
            "\"oneroster_csv\""
        );
        assert_eq!(
            serde_json::from_str::<ConnectorKind>("\"oneroster_csv\"").unwrap(),
            ConnectorKind::OneRosterCsv
        );
        assert_eq!(ConnectorKind::OneRosterCsv.to_string(), "oneroster-csv");
    }
}
