//! Homeroom's storage layer: diesel tables and row models, one store for SQLite and
//! PostgreSQL, the embedded migrations, and the exported GraphQL SDL (`homeroom.graphql`).
//!
//! This crate is the only place that speaks SQL. Every function takes a [`Conn`] and works the
//! same on both backends; the backend is chosen at run time from the database URL.

pub mod counts;
pub mod db;
pub mod enums;
pub mod error;
pub mod ids;
pub mod json;
pub mod migrate;
pub mod models;
pub mod page;
pub mod scope;
pub mod store;
pub mod tables;
mod text_enum;

pub use db::{Backend, Conn, Pool, PoolOptions};
pub use error::{StoreError, StoreResult};
pub use store::Store;

/// The GraphQL schema as exported by `homeroom schema print`; a test keeps it in step.
pub const GRAPHQL_SDL: &str = include_str!("../homeroom.graphql");
