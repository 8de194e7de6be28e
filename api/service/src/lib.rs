//! Homeroom's use cases, called by thin GraphQL resolvers and the CLI. Each checks who is asking,
//! then talks to the store, the sync engine or the outbox. Plain Rust types in and out: the API
//! framework lives a layer above.

pub mod accounts;
pub mod announce;
pub mod archive;
pub mod audit_log;
pub mod auth;
pub mod classes;
pub mod connectors;
pub mod error;
pub mod imports;
pub mod invitations;
pub mod link_reviews;
pub mod login_limits;
pub mod merge_confirm;
pub mod merges;
pub mod notifications;
pub mod participants;
pub mod password_reset;
pub mod relationships;
pub mod roster_upload;
pub mod scheduler;
pub mod settings;
pub mod sso;
pub mod sync;
pub mod tokens;
pub mod webhooks;

pub use error::{ServiceError, ServiceResult};

/// An expected failure the client should show to the user (not a GraphQL error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Path of the input field at fault, if any.
    pub field: Option<Vec<String>>,
    /// Human-readable message.
    pub message: String,
    /// Stable machine-readable code.
    pub code: String,
}

impl UserError {
    /// A user error about `field`.
    pub fn new(field: Option<&str>, code: &str, message: impl Into<String>) -> Self {
        UserError {
            field: field.map(|f| vec![f.to_owned()]),
            message: message.into(),
            code: code.to_owned(),
        }
    }
}
