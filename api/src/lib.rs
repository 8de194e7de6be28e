//! Homeroom: keeps a school district's rosters and family links in sync and serves them over
//! GraphQL. This crate is the binary's library: CLI, HTTP server, GraphQL API, services, demo data.

pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod console;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod graphql;
pub mod import_cmd;
pub mod metrics;
pub mod secrets;
pub mod server;
pub mod server_pages;
pub mod service;
pub mod sync;
pub mod telemetry;
pub mod time;
