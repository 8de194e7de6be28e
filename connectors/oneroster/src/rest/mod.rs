//! The OneRoster REST connector (1.1 with OAuth 1.0a, 1.2 with OAuth 2.0).
//!
//! [`run`] walks the collections in the order of the record order contract, paging each with
//! `limit`/`offset` ([`pager`]); relationships found on users are written to a temporary file
//! ([`spool`]) and replayed after the last user, so neither the users nor their relationships
//! are ever held in memory whole.

mod api;
mod config;
mod connector;
mod custom;
mod endpoints;
mod imsx;
mod lenient;
mod pager;
mod run;
mod spool;
mod wire;

pub use config::{
    DEFAULT_DELTA_OVERLAP, DEFAULT_REQUEST_LIMIT, DEFAULT_SCOPE_V1P2, OneRosterRestConfig,
};
pub use connector::OneRosterRest;
pub use custom::RestCustomization;

#[cfg(any(test, feature = "fuzz"))]
pub(crate) use endpoints::Collection;
#[cfg(feature = "fake")]
pub(crate) use imsx::imsx_body;
#[cfg(any(test, feature = "fuzz"))]
pub(crate) use run::RestFuzz;
