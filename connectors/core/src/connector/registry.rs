//! Building connectors from configuration.

use std::collections::BTreeMap;
use std::fmt;

use super::{Connector, ConnectorError, ConnectorKind};

/// Builds a connector from its JSON configuration (already decrypted by the caller).
pub type ConnectorFactory =
    Box<dyn Fn(serde_json::Value) -> Result<Box<dyn Connector>, ConnectorError> + Send + Sync>;

/// Maps each [`ConnectorKind`] to the factory that builds it. The API binary registers every
/// connector crate at start-up; the sync engine only ever asks the registry.
#[derive(Default)]
pub struct Registry {
    factories: BTreeMap<ConnectorKind, ConnectorFactory>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the factory for `kind`. Registering a kind twice is a
    /// [`ConnectorError::Config`] error (it would silently replace a connector).
    pub fn register<F>(&mut self, kind: ConnectorKind, factory: F) -> Result<(), ConnectorError>
    where
        F: Fn(serde_json::Value) -> Result<Box<dyn Connector>, ConnectorError>
            + Send
            + Sync
            + 'static,
    {
        if self.factories.contains_key(&kind) {
            return Err(ConnectorError::Config(format!(
                "a connector for `{kind}` is already registered"
            )));
        }
        self.factories.insert(kind, Box::new(factory));
        Ok(())
    }

    /// Whether `kind` has a factory.
    pub fn contains(&self, kind: ConnectorKind) -> bool {
        self.factories.contains_key(&kind)
    }

    /// The registered kinds, in declaration order.
    pub fn kinds(&self) -> Vec<ConnectorKind> {
        self.factories.keys().copied().collect()
    }

    /// Builds a connector of `kind` from `config`.
    ///
    /// Fails with [`ConnectorError::Config`] when no factory is registered for `kind` (naming the
    /// kinds that are), with whatever the factory returns, or when the factory built a connector
    /// of another kind.
    pub fn build(
        &self,
        kind: ConnectorKind,
        config: serde_json::Value,
    ) -> Result<Box<dyn Connector>, ConnectorError> {
        let factory = self.factories.get(&kind).ok_or_else(|| {
            let known: Vec<&str> = self.factories.keys().map(|k| k.cli_name()).collect();
            ConnectorError::Config(format!(
                "no connector is registered for kind `{kind}` (registered: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })?;
        let connector = factory(config)?;
        if connector.kind() != kind {
            return Err(ConnectorError::Config(format!(
                "the factory registered for `{kind}` built a `{}` connector",
                connector.kind()
            )));
        }
        Ok(connector)
    }

    /// Builds a connector from a kind *name* (CLI or storage spelling); an unknown name is a
    /// [`ConnectorError::Config`] error listing the valid names.
    pub fn build_by_name(
        &self,
        kind: &str,
        config: serde_json::Value,
    ) -> Result<Box<dyn Connector>, ConnectorError> {
        let kind: ConnectorKind = kind
            .parse()
            .map_err(|e: super::UnknownConnectorKind| ConnectorError::Config(e.to_string()))?;
        self.build(kind, config)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("kinds", &self.kinds())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use async_trait::async_trait;
    use serde::Deserialize;

    use super::Registry;
    use crate::connector::{Connector, ConnectorError, ConnectorKind, SyncStream};

    struct Dummy {
        kind: ConnectorKind,
        token: String,
    }

    #[async_trait]
    impl Connector for Dummy {
        fn kind(&self) -> ConnectorKind {
            self.kind
        }
        async fn test_credentials(&self) -> Result<(), ConnectorError> {
            if self.token == "good" {
                Ok(())
            } else {
                Err(ConnectorError::Auth("bad token".into()))
            }
        }
        fn full_snapshot(&self) -> SyncStream<'_> {
            SyncStream::without_cursor(futures::stream::empty())
        }
    }

    #[derive(Deserialize)]
    struct DummyConfig {
        token: String,
    }

    fn registry() -> Registry {
        let mut r = Registry::new();
        r.register(ConnectorKind::Clever, |config| {
            let c: DummyConfig = serde_json::from_value(config)
                .map_err(|e| ConnectorError::Config(format!("clever config: {e}")))?;
            Ok(Box::new(Dummy {
                kind: ConnectorKind::Clever,
                token: c.token,
            }) as Box<dyn Connector>)
        })
        .unwrap();
        r
    }

    #[tokio::test]
    async fn builds_registered_kinds_from_json() {
        let r = registry();
        let c = r
            .build(ConnectorKind::Clever, serde_json::json!({"token": "good"}))
            .unwrap();
        assert_eq!(c.kind(), ConnectorKind::Clever);
        c.test_credentials().await.unwrap();
        let c = r
            .build_by_name("clever", serde_json::json!({"token": "bad"}))
            .unwrap();
        assert!(matches!(
            c.test_credentials().await,
            Err(ConnectorError::Auth(_))
        ));
        assert_eq!(r.kinds(), [ConnectorKind::Clever]);
        assert!(r.contains(ConnectorKind::Clever));
    }

    #[test]
    fn unknown_and_unregistered_kinds_are_clear_errors() {
        let r = registry();
        let err = r
            .build(ConnectorKind::Aeries, serde_json::json!({}))
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "configuration error: no connector is registered for kind `aeries` (registered: clever)"
        );
        let err = r
            .build_by_name("powerschool", serde_json::json!({}))
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("unknown connector kind `powerschool`"),
            "{err}"
        );
        let err = r
            .build(ConnectorKind::Clever, serde_json::json!({}))
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .contains("clever config: missing field `token`"),
            "{err}"
        );
    }

    #[test]
    fn rejects_double_registration_and_kind_mismatch() {
        let mut r = registry();
        assert!(
            r.register(ConnectorKind::Clever, |_| Err(ConnectorError::Other(
                "x".into()
            )))
            .is_err()
        );
        r.register(ConnectorKind::Aeries, |_| {
            Ok(Box::new(Dummy {
                kind: ConnectorKind::Clever,
                token: String::new(),
            }) as Box<dyn Connector>)
        })
        .unwrap();
        let err = r
            .build(ConnectorKind::Aeries, serde_json::Value::Null)
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("built a `clever` connector"),
            "{err}"
        );
    }
}
