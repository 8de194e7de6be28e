//! Homeroom's integration tests: one binary, one module per area.

mod binary;
mod claiming;
mod family_links;
mod graphql_authz;
mod pagination;
mod relationship_import;
mod store_basics;
mod sync_api;
mod sync_csv;
mod sync_identity;
mod sync_rest;
