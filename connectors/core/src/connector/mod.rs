//! The connector contract: the [`Connector`] trait, what it yields ([`SyncStream`]), how it fails
//! ([`ConnectorError`]), which kinds exist ([`ConnectorKind`]) and how instances are built from
//! configuration ([`Registry`]).

mod connector_trait;
mod error;
mod kind;
mod registry;
mod sync_stream;

pub use connector_trait::Connector;
pub use error::ConnectorError;
pub use kind::{ConnectorKind, UnknownConnectorKind};
pub use registry::{ConnectorFactory, Registry};
pub use sync_stream::{CursorSlot, CursorUnavailable, PageStream, SyncStream};
