//! API tokens and sessions: district admins list and revoke them; anyone signs out.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use homeroom_schema::models;

use crate::UserError;
use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::enums::ViewerRole;
use crate::types::person::Person;

/// An API token or session (never its secret).
pub struct ApiToken(pub models::ApiToken);

#[Object]
impl ApiToken {
    /// Opaque id (for `revokeApiToken` and `homeroom token revoke`).
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The role it acts with.
    async fn role(&self) -> ViewerRole {
        self.0.role.into()
    }
    /// The person it stands for, if visible to the caller.
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        let Some(id) = &self.0.person_id else {
            return Ok(None);
        };
        Ok(req(ctx).visible_person(id).await?.map(Person))
    }
    /// The person's global id, if any.
    async fn person_id(&self) -> Option<ID> {
        self.0
            .person_id
            .as_deref()
            .map(|p| encode(NodeKind::Person, p))
    }
    /// Partner name (partners).
    async fn partner_name(&self) -> Option<&str> {
        self.0.partner_name.as_deref()
    }
    /// Partner scopes.
    async fn scopes(&self) -> Vec<String> {
        self.0.scope_list()
    }
    /// Free-text label.
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }
    /// When it was created (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
    /// When it was last used (RFC 3339, to the minute).
    async fn last_used_at(&self) -> Option<String> {
        self.0.last_used_at.map(crate::time::rfc3339)
    }
    /// Whether it was revoked.
    async fn revoked(&self) -> bool {
        self.0.revoked_at.is_some()
    }
}

/// Result of `revokeApiToken`.
#[derive(SimpleObject)]
pub struct RevokeApiTokenPayload {
    /// The revoked token.
    pub token: Option<ApiToken>,
    /// Why nothing was revoked, if nothing was.
    pub user_errors: Vec<UserError>,
}

/// Token queries.
#[derive(Default)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// The district's API tokens and sessions, newest first (district admins).
    async fn api_tokens(&self, ctx: &Context<'_>) -> Result<Vec<ApiToken>> {
        let r = req(ctx);
        let rows = homeroom_service::tokens::list(&r.store, r.principal()?).await?;
        Ok(rows.into_iter().map(ApiToken).collect())
    }
}

/// Token mutations.
#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Revokes an API token or session at once (district admins; anyone their own).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> Result<RevokeApiTokenPayload> {
        let r = req(ctx);
        let p = r.principal()?;
        Ok(
            match homeroom_service::tokens::revoke(&r.store, p, id.as_str()).await? {
                Some(row) => RevokeApiTokenPayload {
                    token: Some(ApiToken(row)),
                    user_errors: Vec::new(),
                },
                None => RevokeApiTokenPayload {
                    token: None,
                    user_errors: vec![UserError::new(
                        Some("id"),
                        "NOT_FOUND",
                        "no live token has this id",
                    )],
                },
            },
        )
    }

    /// Signs out: revokes the token this request was made with. True when it was live.
    async fn logout(&self, ctx: &Context<'_>) -> Result<bool> {
        let r = req(ctx);
        let p = r.principal()?;
        Ok(homeroom_service::tokens::revoke(&r.store, p, &p.token_id)
            .await?
            .is_some())
    }
}
