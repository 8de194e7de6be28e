//! The API's typed errors, mapped once to GraphQL `extensions.code`.

use async_graphql::ErrorExtensions;
use homeroom_schema::StoreError;

/// Everything a resolver or service can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
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
    /// The database is unavailable.
    #[error("service unavailable, try again")]
    Unavailable,
    /// Anything unexpected; the detail is logged, never sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The stable code clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput(_) => "BAD_USER_INPUT",
            ApiError::Unavailable => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound("no such record".into()),
            StoreError::Unavailable(detail) => {
                tracing::error!(%detail, "database unavailable");
                ApiError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::Internal(other.to_string())
            }
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let code = self.code();
        async_graphql::Error::new(self.to_string()).extend_with(|_, e| e.set("code", code))
    }
}

/// Sets `extensions.code` on every error of a response, in one place: errors raised as
/// [`ApiError`] keep their code; internal errors lose their detail; errors from parsing,
/// validation and argument coercion (no source) are `BAD_USER_INPUT`.
pub fn finish_response(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
        let api = err
            .source::<ApiError>()
            .map(|api| (api.code(), matches!(api, ApiError::Internal(_))));
        let code = match api {
            Some((code, internal)) => {
                if internal {
                    err.message = "internal error".into();
                }
                code
            }
            None if err.source.is_some() => {
                tracing::error!(message = %err.message, "unexpected resolver error");
                err.message = "internal error".into();
                "INTERNAL"
            }
            None => match err.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(_) => continue,
                None => "BAD_USER_INPUT",
            },
        };
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// Result of API services.
pub type ApiResult<T> = Result<T, ApiError>;
