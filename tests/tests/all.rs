//! Homeroom's integration tests: one binary, one module per area.

mod admin_archive;
mod admin_audit;
mod admin_classes;
mod admin_merge;
mod admin_support;
mod binary;
mod claiming;
mod connector_aeries;
mod connector_classlink;
mod connector_clever;
mod console_e2e;
mod delivery_worker;
mod families;
mod family_links;
mod graphql_authz;
mod merge_confirm;
mod notifications;
mod pagination;
mod relationship_import;
mod store_basics;
mod sync_api;
mod sync_crash;
mod sync_csv;
mod sync_identity;
mod sync_rest;
mod webhooks;
