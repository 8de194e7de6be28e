//! Registering the ClassLink connector with the core registry.

use homeroom_connector_core::{Connector, ConnectorError, ConnectorKind, Registry};

use crate::connector::ClassLink;

/// Registers [`ConnectorKind::ClassLink`] ([`ClassLink`]).
///
/// # Panics
///
/// If the kind is already registered: that is a start-up wiring mistake. Use
/// [`try_register`] to get the error instead.
pub fn register(registry: &mut Registry) {
    if let Err(error) = try_register(registry) {
        panic!("cannot register the ClassLink connector: {error}");
    }
}

/// Like [`register`], returning [`ConnectorError::Config`] when the kind is already
/// registered.
pub fn try_register(registry: &mut Registry) -> Result<(), ConnectorError> {
    registry.register(ConnectorKind::ClassLink, |config| {
        Ok(Box::new(ClassLink::from_json(config)?) as Box<dyn Connector>)
    })
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{ConnectorKind, Registry};
    use serde_json::json;

    use super::{register, try_register};

    #[test]
    fn registers_once_and_builds_both_shapes() {
        let mut registry = Registry::new();
        register(&mut registry);
        let direct = registry
            .build_by_name(
                "classlink",
                json!({"base_url": "https://d-ca-v2.oneroster.com", "client_id": "k", "client_secret": "s"}),
            )
            .unwrap();
        assert_eq!(direct.kind(), ConnectorKind::ClassLink);
        assert!(direct.supports_delta());
        let proxy = registry
            .build(
                ConnectorKind::ClassLink,
                json!({"proxy_url": "https://oneroster-proxy.classlink.io/APP", "bearer_token": "t"}),
            )
            .unwrap();
        assert_eq!(proxy.kind(), ConnectorKind::ClassLink);
        let err = registry
            .build(ConnectorKind::ClassLink, json!({"client_id": "k"}))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("missing field `base_url`"),
            "{err}"
        );
        assert!(try_register(&mut registry).is_err());
    }
}
