//! Creating and checking API tokens.

use homeroom_schema::Store;
use homeroom_schema::enums::{ActorKind, PrincipalKind, TokenRole};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::ApiToken;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{districts, people, tokens};

use crate::auth::{Principal, token};
use crate::error::{ServiceError, ServiceResult};

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// District (default district when `None`).
    pub district_id: Option<String>,
    /// Role the token acts with.
    pub role: TokenRole,
    /// Person it stands for (required for every role but `district_admin` and `partner`).
    pub person_id: Option<String>,
    /// Partner name (partners).
    pub partner_name: Option<String>,
    /// Partner scopes.
    pub scopes: Vec<String>,
    /// Free-text label.
    pub label: Option<String>,
}

/// Creates a token; returns its row and the secret, which is shown once and never stored.
pub async fn create(store: &Store, input: NewToken) -> ServiceResult<(ApiToken, String)> {
    let mut conn = store.conn().await?;
    let district = match &input.district_id {
        Some(id) => districts::get(&mut conn, id)
            .await?
            .ok_or_else(|| ServiceError::BadUserInput(format!("no district {id}")))?,
        None => districts::ensure_default(&mut conn, "Default District").await?,
    };
    let principal_kind = match (input.role, &input.person_id) {
        (TokenRole::Partner, Some(_)) => {
            return Err(ServiceError::BadUserInput(
                "a partner token is not bound to a person".into(),
            ));
        }
        (TokenRole::Partner, None) => PrincipalKind::Partner,
        (_, Some(person_id)) => {
            let person = people::get(&mut conn, &district.id, person_id)
                .await?
                .ok_or_else(|| ServiceError::BadUserInput(format!("no person {person_id}")))?;
            let roles = people::roles_of(&mut conn, std::slice::from_ref(&person.id)).await?;
            let holds = roles.iter().any(|r| r.role.as_str() == input.role.as_str());
            if !holds {
                return Err(ServiceError::BadUserInput(format!(
                    "person {person_id} does not hold the role {}",
                    input.role
                )));
            }
            PrincipalKind::Person
        }
        (TokenRole::DistrictAdmin, None) => PrincipalKind::System,
        (role, None) => {
            return Err(ServiceError::BadUserInput(format!(
                "a {role} token must be bound to a person (--person ID)"
            )));
        }
    };
    let secret = token::generate();
    let row = ApiToken {
        id: new_id(),
        district_id: district.id,
        principal_kind,
        person_id: input.person_id,
        partner_name: input.partner_name,
        role: input.role,
        scopes: serde_json::to_string(&input.scopes).unwrap_or_else(|_| "[]".into()),
        token_hash: token::hash(&secret),
        label: input.label,
        expires_at: None,
        last_used_at: None,
        revoked_at: None,
        created_at: now_micros(),
    };
    drop(conn);
    let scopes = input.scopes;
    store
        .transaction(async |conn| {
            tokens::insert(conn, &row).await?;
            audit::record(
                conn,
                NewEvent {
                    district_id: &row.district_id,
                    actor_kind: ActorKind::System,
                    actor_id: None,
                    action: "token.create",
                    target_kind: "api_token",
                    target_id: &row.id,
                    before: None,
                    after: Some(serde_json::json!({
                        "role": row.role, "person_id": row.person_id,
                        "partner_name": row.partner_name, "scopes": scopes,
                        "label": row.label,
                    })),
                },
            )
            .await?;
            Ok::<_, ServiceError>(())
        })
        .await?;
    Ok((row, secret))
}

/// Resolves an `Authorization` header to a principal.
pub async fn authenticate(store: &Store, header: Option<&str>) -> ServiceResult<Principal> {
    let Some(value) = header else {
        return Err(ServiceError::Unauthenticated("missing"));
    };
    let secret =
        token::from_header(value).ok_or(ServiceError::Unauthenticated("not a bearer token"))?;
    let mut conn = store.conn().await?;
    // One statement: the token is live, and its person (if any) is still active and still
    // holds the role. Archiving a person, or taking the role away, ends their sessions at once.
    let row = tokens::find_usable(&mut conn, &token::hash(secret))
        .await?
        .ok_or(ServiceError::Unauthenticated(
            "unknown, revoked or expired token",
        ))?;
    if tokens::use_is_stale(row.last_used_at)
        && let Err(e) = tokens::touch(&mut conn, &row.id).await
    {
        tracing::warn!(error = %e, "could not record token use");
    }
    Ok(Principal::from(&row))
}

/// The district's tokens (never their secrets): district admins only.
pub async fn list(store: &Store, principal: &Principal) -> ServiceResult<Vec<ApiToken>> {
    crate::auth::policy::require_token_admin(principal)?;
    let mut conn = store.conn().await?;
    Ok(tokens::list(&mut conn, &principal.district_id).await?)
}

/// Revokes a token of the district: a district admin any; anyone their own. `None` when no
/// such token is live (revoking twice is not an error to hide).
pub async fn revoke(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Option<ApiToken>> {
    if id != principal.token_id {
        crate::auth::policy::require_token_admin(principal)?;
    }
    store
        .transaction(async |conn| {
            let Some(row) = tokens::get(conn, &principal.district_id, id).await? else {
                return Ok(None);
            };
            if !tokens::revoke(conn, &principal.district_id, id).await? {
                return Ok(None);
            }
            crate::audit_log::record(
                conn,
                principal,
                "token.revoke",
                ("api_token", id),
                None,
                Some(serde_json::json!({ "role": row.role, "person_id": row.person_id })),
            )
            .await?;
            Ok::<_, ServiceError>(tokens::get(conn, &principal.district_id, id).await?)
        })
        .await
}

/// Revokes a token by id from the command line (an operator); `false` when none was live.
pub async fn revoke_by_operator(store: &Store, id: &str) -> ServiceResult<bool> {
    let mut conn = store.conn().await?;
    let Some(district) = homeroom_schema::store::tokens::district_of(&mut conn, id).await? else {
        return Ok(false);
    };
    Ok(tokens::revoke(&mut conn, &district, id).await?)
}

/// Every token of every district, for `homeroom token list`.
pub async fn list_all(store: &Store) -> ServiceResult<Vec<ApiToken>> {
    let mut conn = store.conn().await?;
    let mut out = Vec::new();
    for id in homeroom_schema::store::tokens::districts(&mut conn).await? {
        out.extend(tokens::list(&mut conn, &id).await?);
    }
    Ok(out)
}
