//! Homeroom: keeps a school district's rosters and family links in sync and serves them over
//! GraphQL. This crate is the binary's library, the top layer: command line, settings, the HTTP
//! server and its pages, demo data. The layers below are crates of their own, each naming only
//! those beneath it: `homeroom-graphql` → `homeroom-service` → `homeroom-sync` and
//! `homeroom-delivery` → `homeroom-schema` (the store), with `homeroom-core` under all of them.

pub mod cli;
pub mod cli_ids;
pub mod commands;
pub mod config;
pub mod console;
pub mod delivery_setup;
pub mod demo;
pub mod import_cmd;
pub mod receipts_http;
pub mod secret_key;
pub mod server;
pub mod server_pages;
pub mod sso_http;
pub mod telemetry;
