//! OneRoster connector (CSV and REST): being built; registers nothing yet.

/// Registers the OneRoster connector kinds (none until the crate lands).
pub fn register(_registry: &mut homeroom_connector_core::Registry) {}
