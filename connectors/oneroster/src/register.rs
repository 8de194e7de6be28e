//! Registering the OneRoster connectors with the core registry.

use homeroom_connector_core::{Connector, ConnectorError, ConnectorKind, Registry};

use crate::csv_export::OneRosterCsv;
use crate::rest::OneRosterRest;

/// Registers [`ConnectorKind::OneRosterCsv`] ([`OneRosterCsv`]) and
/// [`ConnectorKind::OneRosterRest`] ([`OneRosterRest`]).
///
/// # Panics
///
/// If either kind is already registered: that is a start-up wiring mistake (the crate
/// registered twice, or two crates claiming one kind). Use [`try_register`] to get the error
/// instead.
pub fn register(registry: &mut Registry) {
    if let Err(error) = try_register(registry) {
        panic!("cannot register the OneRoster connectors: {error}");
    }
}

/// Like [`register`], returning [`ConnectorError::Config`] when a kind is already
/// registered (nothing is registered then).
pub fn try_register(registry: &mut Registry) -> Result<(), ConnectorError> {
    for kind in [ConnectorKind::OneRosterCsv, ConnectorKind::OneRosterRest] {
        if registry.contains(kind) {
            return Err(ConnectorError::Config(format!(
                "a connector for `{kind}` is already registered"
            )));
        }
    }
    registry.register(ConnectorKind::OneRosterCsv, |config| {
        Ok(Box::new(OneRosterCsv::from_json(config)?) as Box<dyn Connector>)
    })?;
    registry.register(ConnectorKind::OneRosterRest, |config| {
        Ok(Box::new(OneRosterRest::from_json(config)?) as Box<dyn Connector>)
    })
}

#[cfg(test)]
mod tests {
    use homeroom_connector_core::{ConnectorKind, Registry};
    use serde_json::json;

    use super::{register, try_register};

    #[test]
    fn registers_both_kinds_once() {
        let mut registry = Registry::new();
        register(&mut registry);
        assert!(registry.contains(ConnectorKind::OneRosterCsv));
        assert!(registry.contains(ConnectorKind::OneRosterRest));
        let csv = registry
            .build_by_name("oneroster-csv", json!({"path": "/tmp/export.zip"}))
            .unwrap();
        assert_eq!(csv.kind(), ConnectorKind::OneRosterCsv);
        let rest = registry
            .build(
                ConnectorKind::OneRosterRest,
                json!({"base_url": "https://h/", "version": "1.1", "client_id": "k", "client_secret": "s"}),
            )
            .unwrap();
        assert_eq!(rest.kind(), ConnectorKind::OneRosterRest);
        let err = registry
            .build(ConnectorKind::OneRosterRest, json!({"version": "1.1"}))
            .err()
            .unwrap();
        assert!(
            err.to_string().contains("missing field `base_url`"),
            "{err}"
        );
        assert!(try_register(&mut registry).is_err());
    }
}
