//! `userErrors`: expected failures a client shows next to what caused them.

/// An expected failure the client should show to the user (not a GraphQL error).
#[derive(Debug, Clone, PartialEq, Eq, async_graphql::SimpleObject)]
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
        homeroom_service::UserError::new(field, code, message).into()
    }
}

impl From<homeroom_service::UserError> for UserError {
    fn from(e: homeroom_service::UserError) -> Self {
        UserError {
            field: e.field,
            message: e.message,
            code: e.code,
        }
    }
}
