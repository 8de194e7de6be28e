//! Registering the Clever connector with the core registry.

use homeroom_connector_core::{Connector, ConnectorError, ConnectorKind, Registry};

use crate::connector::Clever;

/// Registers [`ConnectorKind::Clever`] ([`Clever`], built with the production HTTP settings
/// and its 1,200 requests/minute limit).
///
/// # Panics
///
/// If the kind is already registered: a start-up wiring mistake. Use [`try_register`] to get
/// the error instead.
pub fn register(registry: &mut Registry) {
    if let Err(error) = try_register(registry) {
        panic!("cannot register the Clever connector: {error}");
    }
}

/// Like [`register`], returning [`ConnectorError::Config`] when the kind is already
/// registered.
pub fn try_register(registry: &mut Registry) -> Result<(), ConnectorError> {
    registry.register(ConnectorKind::Clever, |config| {
        Ok(Box::new(Clever::from_json(config)?) as Box<dyn Connector>)
    })
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{ConnectorKind, Registry};
    use serde_json::json;

    use super::{register, try_register};

    #[test]
    fn registers_once_and_checks_config() {
        let mut registry = Registry::new();
        register(&mut registry);
        let c = registry
            .build_by_name("clever", json!({"token": "TEST_TOKEN"}))
            .unwrap();
        assert_eq!(c.kind(), ConnectorKind::Clever);
        assert!(c.supports_delta());
        let err = registry
            .build(
                ConnectorKind::Clever,
                json!({"base_url": "https://api.clever.com"}),
            )
            .err()
            .unwrap();
        assert!(err.to_string().contains("missing field `token`"), "{err}");
        assert!(try_register(&mut registry).is_err());
    }
}
