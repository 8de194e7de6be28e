//! Sign-in for everyone: staff invitations and password resets. Resolvers are thin; who may
//! invite whom is the policy's (`homeroom_service::auth::policy`).

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use homeroom_service::error::ServiceError;
use homeroom_service::invitations::invite::InviteOutcome;
use homeroom_service::invitations::staff::{self, StaffSelection};
use homeroom_service::password_reset;

use crate::UserError;
use crate::context::req;
use crate::families::SessionPayload;
use crate::ids::{NodeKind, decode_as};
use crate::types::invitation::{Channel, Invitation};

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
