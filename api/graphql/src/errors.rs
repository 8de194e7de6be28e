//! Errors at the edge: every error of a GraphQL response gets its `extensions.code` here, once.

use homeroom_service::ServiceError;

/// Sets `extensions.code` on every error of a response, in one place: errors raised as
/// [`ServiceError`] keep their code; internal errors lose their detail; errors from parsing,
/// validation and argument coercion (no source) are `BAD_USER_INPUT`.
pub fn finish_response(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
        let api = err
            .source::<ServiceError>()
            .map(|api| (api.code(), matches!(api, ServiceError::Internal(_))));
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
