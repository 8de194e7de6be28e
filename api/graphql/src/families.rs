//! Families over GraphQL: the invite manager, invitations, accepting and signing in.
//! Resolvers are thin: they decode ids and call [`homeroom_service::invitations`] and
//! [`homeroom_service::accounts`].

use async_graphql::connection::{Connection, EmptyFields};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use homeroom_schema::enums::TokenRole;
use homeroom_schema::page::Page;
use homeroom_schema::store::invitations as store_invitations;
use homeroom_service::auth::policy::InvitationReach;

use crate::connection::{build, page_request};
use crate::context::req;
use crate::ids::{Cursor, NodeKind, decode_as};
use crate::types::enums::{RelationshipKind, ViewerRole};
use crate::types::invitation::{
    Channel, FamilyInviteFilter, FamilyInviteRow, Invitation, InvitationFilter, InvitationPreview,
};
use crate::types::person::Person;
use homeroom_service::accounts;
use homeroom_service::error::ServiceError;
use homeroom_service::invitations::invite::{GuardianInput, InviteOutcome, Selection};
use homeroom_service::invitations::{invite, manage, manager};

use crate::UserError;

/// `totalCount` of a family invite manager.
pub struct RowsCount(pub i64);

#[Object]
impl RowsCount {
    /// Rows over all pages.
    async fn total_count(&self) -> i64 {
        self.0
    }
}

/// `totalCount` of an invitation list.
pub struct InvitationsCount(store_invitations::InvitationFilter);

#[Object]
impl InvitationsCount {
    /// Invitations over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let r = req(ctx);
        let p = r.principal()?;
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        Ok(store_invitations::count(&mut conn, &p.district_id, &self.0)
            .await
            .map_err(ServiceError::from)?)
    }
}

/// A class's family invite manager (called by `Class.familyInviteManager`).
pub async fn invite_manager(
    ctx: &Context<'_>,
    class_id: &str,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<FamilyInviteFilter>,
) -> Result<Connection<Cursor, FamilyInviteRow, RowsCount, EmptyFields>> {
    let r = req(ctx);
    let p = r.principal()?;
    let page = page_request(first, after.as_deref())?;
    let rows = manager::list(
        &r.store,
        p,
        class_id,
        filter.and_then(|f| f.state).map(Into::into),
    )
    .await?;
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let limit = usize::try_from(page.limit()).unwrap_or(usize::MAX);
    let rest: Vec<_> = rows
        .into_iter()
        .filter(|row| {
            page.after
                .as_deref()
                .is_none_or(|a| row.family.relationship.id.as_str() > a)
        })
        .take(limit + 1)
        .collect();
    let page_rows = Page::from_overfetch(rest, page.limit());
    let full = p.sees_full_contacts();
    Ok(build(
        page_rows,
        page.after.is_some(),
        RowsCount(total),
        |row| row.family.relationship.id.clone(),
        |row| FamilyInviteRow { row, full },
    ))
}

/// Result of inviting.
#[derive(SimpleObject)]
pub struct InviteFamiliesPayload {
    /// Invitations created (queued for delivery).
    pub invitations: Vec<Invitation>,
    /// Rows that were not invited, and why.
    pub user_errors: Vec<UserError>,
}

impl From<InviteOutcome> for InviteFamiliesPayload {
    fn from(o: InviteOutcome) -> Self {
        InviteFamiliesPayload {
            invitations: o.invitations.into_iter().map(Invitation).collect(),
            user_errors: o.user_errors.into_iter().map(Into::into).collect(),
        }
    }
}

/// Result of resending or revoking.
#[derive(SimpleObject)]
pub struct InvitationPayload {
    /// The invitation after the change (null when refused).
    pub invitation: Option<Invitation>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
}

impl From<Result<homeroom_schema::models::Invitation, homeroom_service::UserError>>
    for InvitationPayload
{
    fn from(o: Result<homeroom_schema::models::Invitation, homeroom_service::UserError>) -> Self {
        match o {
            Ok(i) => InvitationPayload {
                invitation: Some(Invitation(i)),
                user_errors: Vec::new(),
            },
            Err(e) => InvitationPayload {
                invitation: None,
                user_errors: vec![e.into()],
            },
        }
    }
}

/// Result of accepting an invitation or signing in.
#[derive(SimpleObject)]
pub struct SessionPayload {
    /// A bearer token for the new session (null when refused). Shown once.
    pub token: Option<String>,
    /// The signed-in person.
    pub person: Option<Person>,
    /// Why it was refused.
    pub user_errors: Vec<UserError>,
}

impl From<Result<accounts::Session, Vec<homeroom_service::UserError>>> for SessionPayload {
    fn from(o: Result<accounts::Session, Vec<homeroom_service::UserError>>) -> Self {
        match o {
            Ok(s) => SessionPayload {
                token: Some(s.token),
                person: Some(Person(s.person)),
                user_errors: Vec::new(),
            },
            Err(errors) => SessionPayload {
                token: None,
                person: None,
                user_errors: errors.into_iter().map(Into::into).collect(),
            },
        }
    }
}

/// A guardian to invite from a student's page.
#[derive(InputObject, Debug)]
pub struct GuardianInviteInput {
    /// Email address (this or `phone`).
    pub email: Option<String>,
    /// Phone number (this or `email`).
    pub phone: Option<String>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// How they are related (default `PARENT`).
    pub kind: Option<RelationshipKind>,
}

impl From<GuardianInviteInput> for GuardianInput {
    fn from(i: GuardianInviteInput) -> Self {
        GuardianInput {
            email: i.email,
            phone: i.phone,
            given_name: i.given_name,
            family_name: i.family_name,
            kind: i.kind.map(Into::into),
        }
    }
}

/// The profile a guardian completes when accepting.
#[derive(InputObject, Debug)]
pub struct ProfileInput {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// A phone number to add.
    pub phone: Option<String>,
    /// Whether the student lives with them.
    pub lives_with_student: Option<bool>,
}

/// Families queries.
#[derive(Default)]
pub struct FamilyQuery;

#[Object]
impl FamilyQuery {
    /// Invitations the caller may see: admins all of the district's, teachers those they sent
    /// and those of their classes.
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        filter: Option<InvitationFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Cursor, Invitation, InvitationsCount, EmptyFields>> {
        let r = req(ctx);
        let p = r.principal()?;
        let page = page_request(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let mut f = store_invitations::InvitationFilter {
            status: filter.status.map(Into::into),
            class_id: filter
                .class_id
                .map(|c| decode_as(NodeKind::Class, &c))
                .transpose()?,
            ..Default::default()
        };
        match homeroom_service::auth::policy::invitation_reach(p)? {
            InvitationReach::District => {}
            InvitationReach::PeopleInView => f.seen_by = Some(r.scope()?),
            InvitationReach::Own(me) => f.people = Some([me].into_iter().collect()),
        }
        let mut conn = r.store.conn().await.map_err(ServiceError::from)?;
        let rows = store_invitations::list(&mut conn, &p.district_id, &f, &page)
            .await
            .map_err(ServiceError::from)?;
        Ok(build(
            rows,
            page.after.is_some(),
            InvitationsCount(f),
            |i| i.id.clone(),
            Invitation,
        ))
    }

    /// What an invitation link shows before it is accepted (no authentication; the token is
    /// the one from the link). Null for an unknown link.
    async fn invitation_preview(
        &self,
        ctx: &Context<'_>,
        token: String,
    ) -> Result<Option<InvitationPreview>> {
        let r = req(ctx);
        let Some(p) = accounts::preview(&r.store, &r.families.public_url, &token).await? else {
            return Ok(None);
        };
        let status = Invitation(p.invitation.clone());
        let expired =
            !p.open && homeroom_schema::store::invitations::OPEN.contains(&p.invitation.status);
        Ok(Some(InvitationPreview {
            district_name: p.district,
            guardian_given_name: p.guardian_given_name,
            student_given_names: p.students,
            invited_by_name: p.inviter,
            status: if expired {
                crate::types::invitation::InvitationStatus::Expired
            } else {
                status.0.status.into()
            },
            can_accept: p.open,
            expires_at: crate::time::rfc3339(p.invitation.expires_at),
            purpose: p.invitation.purpose.into(),
        }))
    }
}

/// Families mutations.
#[derive(Default)]
pub struct FamilyMutation;

#[Object]
impl FamilyMutation {
    /// Invites families of a class: the listed relationships, or with `all: true` every row
    /// not yet invited. Nothing is sent twice: rows already invited are refused (resend them).
    /// `channel` is tried first for each family (default: the district's preferred channel);
    /// a family with no reachable contact point of that kind is invited on the other one.
    async fn invite_families(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        relationship_ids: Option<Vec<ID>>,
        all: Option<bool>,
        channel: Option<Channel>,
    ) -> Result<InviteFamiliesPayload> {
        let r = req(ctx);
        let class_id = decode_as(NodeKind::Class, &class_id)?;
        let selection = match (relationship_ids, all.unwrap_or(false)) {
            (Some(_), true) => {
                return Err(ServiceError::BadUserInput(
                    "give relationshipIds or all: true, not both".into(),
                )
                .into());
            }
            (Some(ids), false) => Selection::Relationships(
                ids.iter()
                    .map(|id| decode_as(NodeKind::Relationship, id))
                    .collect::<Result<_, _>>()?,
            ),
            (None, true) => Selection::All,
            (None, false) => {
                return Err(ServiceError::BadUserInput(
                    "say which families: relationshipIds or all: true".into(),
                )
                .into());
            }
        };
        let outcome = invite::invite_families(
            &r.store,
            &r.families,
            r.principal()?,
            &class_id,
            selection,
            channel.map(Into::into),
        )
        .await?;
        Ok(outcome.into())
    }

    /// Invites a guardian of a student (creating the guardian and the link when new).
    async fn invite_guardian(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        input: GuardianInviteInput,
    ) -> Result<InviteFamiliesPayload> {
        let r = req(ctx);
        let student = decode_as(NodeKind::Person, &student_id)?;
        let outcome = invite::invite_guardian(
            &r.store,
            &r.families,
            r.principal()?,
            &student,
            input.into(),
        )
        .await?;
        Ok(outcome.into())
    }

    /// A claimed guardian invites a co-guardian for their student.
    async fn invite_co_guardian(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        input: GuardianInviteInput,
    ) -> Result<InviteFamiliesPayload> {
        let r = req(ctx);
        let student = decode_as(NodeKind::Person, &student_id)?;
        let outcome = invite::invite_co_guardian(
            &r.store,
            &r.families,
            r.principal()?,
            &student,
            input.into(),
        )
        .await?;
        Ok(outcome.into())
    }

    /// Sends an invitation again (links already sent keep working) and extends its expiry.
    async fn resend_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<InvitationPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Invitation, &id)?;
        Ok(manage::resend(&r.store, &r.families, r.principal()?, &id)
            .await?
            .into())
    }

    /// Revokes an invitation: its links stop working.
    async fn revoke_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<InvitationPayload> {
        let r = req(ctx);
        let id = decode_as(NodeKind::Invitation, &id)?;
        Ok(manage::revoke(&r.store, r.principal()?, &id).await?.into())
    }

    /// Marks an unreachable contact point reachable again.
    async fn set_contact_point_reachable(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::types::contact::ContactPoint> {
        let r = req(ctx);
        let p = r.principal()?;
        let cp = manage::set_reachable(&r.store, p, id.as_str()).await?;
        let access = if p.sees_full_contacts() {
            crate::types::contact::Access::Full
        } else {
            crate::types::contact::Access::Masked
        };
        Ok(crate::types::contact::ContactPoint::view(cp, access))
    }

    /// Accepts an invitation (no authentication: the link's token is the credential). Returns a
    /// session token, or userErrors and a null token.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        token: String,
        profile: ProfileInput,
        password: String,
    ) -> Result<SessionPayload> {
        let r = req(ctx);
        let profile = accounts::Profile {
            given_name: profile.given_name,
            family_name: profile.family_name,
            phone: profile.phone,
            lives_with_student: profile.lives_with_student,
        };
        Ok(accounts::accept(&r.store, &token, profile, &password)
            .await?
            .into())
    }

    /// Signs in with an email address and password (rate-limited). `role` picks the role the
    /// session acts with when the person holds several.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        role: Option<ViewerRole>,
    ) -> Result<SessionPayload> {
        let r = req(ctx);
        let role = role.map(TokenRole::from);
        Ok(
            accounts::login(&r.store, &email, &password, role, &r.client)
                .await?
                .into(),
        )
    }
}
