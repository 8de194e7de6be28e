//! Sign-in for everyone: staff invitations and password resets. Resolvers are thin; who may
//! invite whom is the policy's (`homeroom_service::auth::policy`).

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use homeroom_schema::enums::TokenRole;
use homeroom_schema::models;
use homeroom_service::error::ServiceError;
use homeroom_service::invitations::invite::InviteOutcome;
use homeroom_service::invitations::staff::{self, StaffSelection};
use homeroom_service::password_reset;
use homeroom_service::sso::{self, providers};

use crate::UserError;
use crate::context::req;
use crate::families::SessionPayload;
use crate::ids::{NodeKind, decode_as, encode};
use crate::types::enums::{IdentityProviderKind, ViewerRole};
use crate::types::invitation::{Channel, Invitation};

/// A single sign-on identity provider (OpenID Connect) of the district. The client secret is
/// never returned.
pub struct IdentityProvider(pub models::IdentityProvider);

#[Object]
impl IdentityProvider {
    /// Global id (the `{providerId}` of `/auth/{providerId}/start`).
    async fn id(&self) -> ID {
        encode(NodeKind::IdentityProvider, &self.0.id)
    }
    /// Kind.
    async fn kind(&self) -> IdentityProviderKind {
        self.0.kind.into()
    }
    /// Name on the sign-in button.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Issuer URL.
    async fn issuer(&self) -> &str {
        &self.0.issuer
    }
    /// OAuth client id.
    async fn client_id(&self) -> &str {
        &self.0.client_id
    }
    /// Email domains whose addresses, when the provider marks them verified, sign people in.
    async fn allowed_domains(&self) -> &[String] {
        &self.0.allowed_domains.0
    }
    /// The redirect URL to register with the provider:
    /// `{HOMEROOM_PUBLIC_URL}/auth/{providerId}/callback`.
    async fn redirect_url(&self, ctx: &Context<'_>) -> String {
        sso::redirect_url(&req(ctx).families.public_url, &self.0.id)
    }
    /// Whether it is archived (signs nobody in).
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
    /// When it was created (RFC 3339).
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }
}

/// A sign-in button: what anyone may know of an identity provider.
#[derive(SimpleObject)]
pub struct SignInProvider {
    /// Global id (`/auth/{id}/start` starts a sign-in).
    pub id: ID,
    /// Name on the button.
    pub display_name: String,
}

/// A new identity provider.
#[derive(InputObject)]
pub struct CreateIdentityProviderInput {
    /// Kind.
    pub kind: IdentityProviderKind,
    /// Issuer URL: https (plain http only to a loopback address, for development).
    pub issuer: String,
    /// OAuth client id registered with the provider.
    pub client_id: String,
    /// OAuth client secret (stored encrypted, never returned).
    pub client_secret: String,
    /// Email domains whose verified addresses may sign people in (e.g. `district.org`).
    pub allowed_domains: Vec<String>,
    /// Name on the sign-in button (default: the kind's name).
    pub display_name: Option<String>,
}

/// Changes to an identity provider; absent fields stay.
#[derive(InputObject)]
pub struct UpdateIdentityProviderInput {
    /// Name on the sign-in button.
    pub display_name: Option<String>,
    /// Issuer URL (the client secret must be restated with a new one).
    pub issuer: Option<String>,
    /// OAuth client id.
    pub client_id: Option<String>,
    /// OAuth client secret.
    pub client_secret: Option<String>,
    /// Email domains (replacing the old list).
    pub allowed_domains: Option<Vec<String>>,
}

/// Result of creating or changing an identity provider.
#[derive(SimpleObject)]
pub struct IdentityProviderPayload {
    /// The provider (null when refused).
    pub identity_provider: Option<IdentityProvider>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
}

impl From<Result<models::IdentityProvider, Vec<homeroom_service::UserError>>>
    for IdentityProviderPayload
{
    fn from(o: Result<models::IdentityProvider, Vec<homeroom_service::UserError>>) -> Self {
        match o {
            Ok(p) => IdentityProviderPayload {
                identity_provider: Some(IdentityProvider(p)),
                user_errors: Vec::new(),
            },
            Err(errors) => IdentityProviderPayload {
                identity_provider: None,
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// Sign-in queries.
#[derive(Default)]
pub struct SignInQuery;

#[Object]
impl SignInQuery {
    /// The district's identity providers (district admins), without secrets.
    async fn identity_providers(
        &self,
        ctx: &Context<'_>,
        include_archived: Option<bool>,
    ) -> Result<Vec<IdentityProvider>> {
        let r = req(ctx);
        Ok(
            providers::list(&r.store, r.principal()?, include_archived.unwrap_or(false))
                .await?
                .into_iter()
                .map(IdentityProvider)
                .collect(),
        )
    }

    /// The sign-in buttons of a district (the default district when `district` is absent):
    /// id and name of each active identity provider. Needs no token.
    async fn sign_in_providers(
        &self,
        ctx: &Context<'_>,
        district: Option<ID>,
    ) -> Result<Vec<SignInProvider>> {
        let r = req(ctx);
        let district = district
            .map(|d| decode_as(NodeKind::District, &d))
            .transpose()?;
        Ok(providers::sign_in_choices(&r.store, district.as_deref())
            .await?
            .into_iter()
            .map(|(id, display_name)| SignInProvider {
                id: encode(NodeKind::IdentityProvider, &id),
                display_name,
            })
            .collect())
    }
}

/// Result of inviting staff.
#[derive(SimpleObject)]
pub struct InviteStaffPayload {
    /// Invitations created (queued for delivery).
    pub invitations: Vec<Invitation>,
    /// People who were not invited, and why.
    pub user_errors: Vec<UserError>,
}

impl From<InviteOutcome> for InviteStaffPayload {
    fn from(o: InviteOutcome) -> Self {
        InviteStaffPayload {
            invitations: o.invitations.into_iter().map(Invitation).collect(),
            user_errors: o.user_errors.into_iter().map(Into::into).collect(),
        }
    }
}

/// Sign-in mutations.
#[derive(Default)]
pub struct SignInMutation;

#[Object]
impl SignInMutation {
    /// Adds a single sign-on identity provider (district admins). Register the provider's
    /// `redirectUrl` with it, scopes `openid email profile`. The client secret is stored
    /// encrypted (`HOMEROOM_SECRET_KEY`) and never returned.
    async fn create_identity_provider(
        &self,
        ctx: &Context<'_>,
        input: CreateIdentityProviderInput,
    ) -> Result<IdentityProviderPayload> {
        let r = req(ctx);
        let key = r.sync.as_ref().and_then(|s| s.key.as_ref());
        Ok(providers::create(
            &r.store,
            r.principal()?,
            key,
            providers::NewIdentityProvider {
                kind: input.kind.into(),
                display_name: input.display_name,
                issuer: input.issuer,
                client_id: input.client_id,
                client_secret: input.client_secret,
                allowed_domains: input.allowed_domains,
            },
        )
        .await?
        .into())
    }

    /// Changes an identity provider (district admins). A new issuer needs the client secret
    /// restated (`SECRETS_REQUIRED`).
    async fn update_identity_provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateIdentityProviderInput,
    ) -> Result<IdentityProviderPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::IdentityProvider, &id)?;
        let key = r.sync.as_ref().and_then(|s| s.key.as_ref());
        Ok(providers::update(
            &r.store,
            r.principal()?,
            key,
            &id,
            providers::IdentityProviderChanges {
                display_name: input.display_name,
                issuer: input.issuer,
                client_id: input.client_id,
                client_secret: input.client_secret,
                allowed_domains: input.allowed_domains,
            },
        )
        .await?
        .into())
    }

    /// Archives an identity provider (district admins): it signs nobody in from now on.
    async fn archive_identity_provider(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<IdentityProvider> {
        let r = req(ctx);
        let id = decode_as(NodeKind::IdentityProvider, &id)?;
        Ok(IdentityProvider(
            providers::archive(&r.store, r.principal()?, &id).await?,
        ))
    }

    /// Finishes a single sign-on: exchanges the one-time code the sign-in callback put in
    /// `?signin=CODE` (60 seconds, once) for a session, like `login`'s. `role` picks the role
    /// the session acts with when the person holds several.
    async fn complete_sign_in(
        &self,
        ctx: &Context<'_>,
        code: String,
        role: Option<ViewerRole>,
    ) -> Result<SessionPayload> {
        let r = req(ctx);
        Ok(sso::complete(&r.store, &code, role.map(TokenRole::from))
            .await?
            .into())
    }

    /// Invites staff members (teachers, aides, staff, school and district admins) to set a
    /// password: the listed people, or with `schoolId` every staff member of that school who
    /// has no account and no open invitation yet. District admins invite anyone of the
    /// district's staff, school admins the staff of their schools. `channel` is tried first
    /// (default: the district's preferred channel). Accepting the invitation
    /// (`acceptInvitation`) sets the password and starts a session; nothing else changes.
    async fn invite_staff(
        &self,
        ctx: &Context<'_>,
        person_ids: Option<Vec<ID>>,
        school_id: Option<ID>,
        channel: Option<Channel>,
    ) -> Result<InviteStaffPayload> {
        let r = req(ctx);
        let selection = match (person_ids, school_id) {
            (Some(ids), None) => StaffSelection::People(
                ids.iter()
                    .map(|id| decode_as(NodeKind::Person, id))
                    .collect::<Result<_, _>>()?,
            ),
            (None, Some(school)) => StaffSelection::School(decode_as(NodeKind::Org, &school)?),
            _ => {
                return Err(ServiceError::BadUserInput(
                    "give personIds or schoolId (one of them)".into(),
                )
                .into());
            }
        };
        Ok(staff::invite_staff(
            &r.store,
            &r.families,
            r.principal()?,
            selection,
            channel.map(Into::into),
        )
        .await?
        .into())
    }

    /// Asks for a password reset link. The answer is `true` whatever the address: only an
    /// address that is a verified (or school-recorded) email of an account gets a message, with
    /// a link that works once, for 30 minutes; at most 3 an hour.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> Result<bool> {
        let r = req(ctx);
        password_reset::request(&r.store, &r.families, &email).await?;
        Ok(true)
    }

    /// Sets a new password from a reset link's token: every other session of the account ends,
    /// and a new one starts (its token is in the answer).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        token: String,
        password: String,
    ) -> Result<SessionPayload> {
        let r = req(ctx);
        Ok(password_reset::reset(&r.store, &token, &password)
            .await?
            .into())
    }
}
