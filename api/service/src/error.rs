//! The typed errors of the use cases. The GraphQL layer maps them once to `extensions.code`
//! (`homeroom_graphql::errors`); the CLI prints them.

use homeroom_schema::StoreError;

/// Everything a use case can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    /// No token, or a token that is unknown, revoked or expired.
    #[error("authentication required: send `Authorization: Bearer <token>`")]
    Unauthenticated(&'static str),
    /// Authenticated, but outside the caller's scope.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The object does not exist (or is not visible to the caller).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed (bad id, bad cursor, bad argument).
    #[error("{0}")]
    BadUserInput(String),
    /// A refusal with its own stable code, for payloads that carry `userErrors`
    /// (e.g. `SECRETS_REQUIRED`, `PATH_NOT_ALLOWED`); elsewhere a `BAD_USER_INPUT`.
    #[error("{message}")]
    Refused {
        /// The stable code.
        code: &'static str,
        /// The input field at fault.
        field: &'static str,
        /// What to do about it.
        message: String,
    },
    /// The database is unavailable.
    #[error("service unavailable, try again")]
    Unavailable,
    /// The database's disk is full; nothing of the failed write was kept.
    #[error("the database's disk is full: free space, then run again")]
    StorageFull,
    /// Anything unexpected; the detail is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated(_) => "UNAUTHENTICATED",
            ServiceError::Forbidden(_) => "FORBIDDEN",
            ServiceError::NotFound(_) => "NOT_FOUND",
            ServiceError::BadUserInput(_) | ServiceError::Refused { .. } => "BAD_USER_INPUT",
            ServiceError::Unavailable | ServiceError::StorageFull => "UNAVAILABLE",
            ServiceError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ServiceError::NotFound("no such record".into()),
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                ServiceError::Unavailable
            }
            StoreError::DiskFull => {
                tracing::error!("the database's disk is full");
                ServiceError::StorageFull
            }
            other => {
                tracing::error!(error = %other, "store error");
                ServiceError::Internal(other.to_string())
            }
        }
    }
}

impl From<homeroom_core::ids::IdError> for ServiceError {
    fn from(err: homeroom_core::ids::IdError) -> Self {
        ServiceError::BadUserInput(err.to_string())
    }
}

/// Result of the use cases.
pub type ServiceResult<T> = Result<T, ServiceError>;
