//! Running GraphQL operations in-process, as a given token, exactly as the HTTP handler does.

use anyhow::Result;
use homeroom_graphql::context::RequestCtx;
use homeroom_schema::Store;
use homeroom_schema::enums::TokenRole;
use homeroom_service::tokens::{self, NewToken};
use serde_json::Value;

/// Creates a token for `role` (bound to `person` when given) and returns the secret.
pub async fn token(store: &Store, role: TokenRole, person: Option<&str>) -> Result<String> {
    token_with_scopes(store, role, person, Vec::new()).await
}

/// Creates a token with partner scopes.
pub async fn token_with_scopes(
    store: &Store,
    role: TokenRole,
    person: Option<&str>,
    scopes: Vec<String>,
) -> Result<String> {
    let (_, secret) = tokens::create(
        store,
        NewToken {
            district_id: None,
            role,
            person_id: person.map(str::to_owned),
            partner_name: None,
            scopes,
            label: None,
        },
    )
    .await?;
    Ok(secret)
}

/// Executes `query` with `variables` as the bearer of `token` (or anonymously) and returns the
/// whole response as JSON (`data` and `errors`).
pub async fn execute(store: &Store, token: Option<&str>, query: &str, variables: Value) -> Value {
    let header = token.map(|t| format!("Bearer {t}"));
    let principal = tokens::authenticate(store, header.as_deref()).await;
    let ctx = RequestCtx::new(store.clone(), principal);
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(ctx);
    let mut response = homeroom_graphql::Api::new(true).run(request).await;
    homeroom_graphql::errors::finish_response(&mut response);
    serde_json::to_value(&response).unwrap_or(Value::Null)
}

/// The error codes of a response, in order.
pub fn error_codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errs| {
            errs.iter()
                .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
