//! Configuration of the CSV connector.

use std::path::PathBuf;

use homeroom_connector_core::ConnectorError;
use serde::{Deserialize, Serialize};

use crate::DEFAULT_PAGE_SIZE;

/// `{"path": "<folder or .zip>", "page_size": 5000}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvConfig {
    /// A folder of OneRoster CSV files or a `.zip` of them.
    pub path: PathBuf,
    /// Records per page (default [`DEFAULT_PAGE_SIZE`]).
    #[serde(default = "default_page_size")]
    pub page_size: usize,
}

fn default_page_size() -> usize {
    DEFAULT_PAGE_SIZE
}

impl CsvConfig {
    /// A configuration reading `path` with the default page size.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            page_size: DEFAULT_PAGE_SIZE,
        }
    }

    /// Parses and checks the JSON configuration.
    pub fn from_json(value: serde_json::Value) -> Result<Self, ConnectorError> {
        let config: Self = serde_json::from_value(value)
            .map_err(|e| ConnectorError::Config(format!("OneRoster CSV configuration: {e}")))?;
        if config.path.as_os_str().is_empty() {
            return Err(ConnectorError::Config(
                "OneRoster CSV configuration: `path` is empty".to_owned(),
            ));
        }
        if config.page_size == 0 {
            return Err(ConnectorError::Config(
                "OneRoster CSV configuration: `page_size` must be at least 1".to_owned(),
            ));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::CsvConfig;

    #[test]
    fn parses_with_defaults_and_clear_errors() {
        let c = CsvConfig::from_json(json!({"path": "/data/export.zip"})).unwrap();
        assert_eq!(c.page_size, 5_000);
        let err = CsvConfig::from_json(json!({"pth": "/x"})).unwrap_err();
        assert!(err.to_string().contains("unknown field `pth`"), "{err}");
        let err = CsvConfig::from_json(json!({})).unwrap_err();
        assert!(err.to_string().contains("missing field `path`"), "{err}");
        let err = CsvConfig::from_json(json!({"path": "/x", "page_size": 0})).unwrap_err();
        assert!(err.to_string().contains("page_size"), "{err}");
    }
}
