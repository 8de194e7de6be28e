//! GraphQL object types: thin wrappers over row models, with nested lists through DataLoaders.

pub mod audit;
pub mod class;
pub mod contact;
pub mod enums;
pub mod import_job;
pub mod invitation;
pub mod merge;
pub mod node;
pub mod org;
pub mod person;
pub mod relationship;
pub mod sync;
pub mod viewer;
pub mod webhook;
