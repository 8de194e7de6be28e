//! Registering the Aeries connector with the core registry.

use homeroom_connector_core::{Connector, ConnectorError, ConnectorKind, Registry};

use crate::Aeries;

/// Registers [`ConnectorKind::Aeries`] ([`Aeries`]).
///
/// # Panics
///
/// If the kind is already registered (a start-up wiring mistake); [`try_register`] returns
/// the error instead.
pub fn register(registry: &mut Registry) {
    if let Err(error) = try_register(registry) {
        panic!("cannot register the Aeries connector: {error}");
    }
}

/// Like [`register`], returning [`ConnectorError::Config`] when the kind is taken.
pub fn try_register(registry: &mut Registry) -> Result<(), ConnectorError> {
    registry.register(ConnectorKind::Aeries, |config| {
        Ok(Box::new(Aeries::from_json(config)?) as Box<dyn Connector>)
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
            .build_by_name(
                "aeries",
                json!({"base_url": "https://demo.aeries.net/aeries", "cert": "477abe9e7d27439681d62f4e0de1f5e1", "database_year": 2025}),
            )
            .unwrap();
        assert_eq!(c.kind(), ConnectorKind::Aeries);
        assert!(c.supports_delta());
        let err = registry
            .build(ConnectorKind::Aeries, json!({"base_url": "https://h"}))
            .err()
            .unwrap();
        assert!(err.to_string().contains("missing field `cert`"), "{err}");
        assert!(try_register(&mut registry).is_err());
    }
}
