//! Homeroom's integration tests: one binary, one module per area.

mod binary;
mod claiming;
mod connector_aeries;
mod graphql_authz;
mod pagination;
mod store_basics;
mod sync_api;
mod sync_csv;
mod sync_identity;
mod sync_rest;
