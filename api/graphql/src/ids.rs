//! Relay global ids and opaque keyset cursors, as the GraphQL API shows them (the encoding is
//! [`homeroom_core::ids`], shared with webhook payloads and the CLI).

use async_graphql::connection::CursorType;

pub use homeroom_core::ids::NodeKind;
use homeroom_service::ServiceError;

/// The global id of a row.
pub fn encode(kind: NodeKind, id: &str) -> async_graphql::ID {
    async_graphql::ID(homeroom_core::ids::encode(kind, id))
}

/// Splits a global id into kind and row id.
pub fn decode(id: &str) -> Result<(NodeKind, String), ServiceError> {
    Ok(homeroom_core::ids::decode(id)?)
}

/// Decodes a global id that must be of `kind`.
pub fn decode_as(kind: NodeKind, id: &str) -> Result<String, ServiceError> {
    Ok(homeroom_core::ids::decode_as(kind, id)?)
}

/// Opaque keyset cursor: the last row id seen, base64-encoded so clients do not parse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

impl CursorType for Cursor {
    type Error = ServiceError;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        Ok(Cursor(homeroom_core::ids::decode_cursor(s)?))
    }

    fn encode_cursor(&self) -> String {
        homeroom_core::ids::encode_cursor(&self.0)
    }
}

/// Decodes an optional `after` argument.
pub fn after(after: Option<&str>) -> Result<Option<String>, ServiceError> {
    after
        .map(|a| Cursor::decode_cursor(a).map(|c| c.0))
        .transpose()
}
