//! Turning an invitation into an outbox message: a fresh link (token) and the rendered text.

use homeroom_schema::enums::{Channel, InvitationPurpose, Role};
use homeroom_schema::models::{ContactPoint, Invitation, OutboxMessage};
use homeroom_schema::store::people;
use homeroom_schema::{Conn, StoreResult};

use crate::auth::token;
use homeroom_delivery::message::KIND_INVITATION;
use homeroom_delivery::templates::{InvitationText, Inviter, StaffInvitationText};

/// Everything about an invitation's context that its message names.
#[derive(Debug, Clone)]
pub struct Context {
    /// Base of links (`HOMEROOM_PUBLIC_URL`).
    pub public_url: String,
    /// District name.
    pub district: String,
    /// Who invited them.
    pub inviter: InvitedBy,
    /// Class title, if the invitation came from a class.
    pub class_title: Option<String>,
}

/// Who an invitation's message says invited the guardian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitedBy {
    /// The district (an import, an operator's token, an unknown person).
    District,
    /// A staff member, by their name.
    Staff(String),
    /// Another guardian, never by the name they chose themselves.
    Guardian,
}

impl InvitedBy {
    /// How the message names the person `person_id` (of `district_id`) who invited: staff by
    /// name, a guardian (who is not also staff) as "another guardian".
    pub async fn of(
        conn: &mut Conn,
        district_id: &str,
        person_id: Option<&str>,
    ) -> StoreResult<InvitedBy> {
        let Some(id) = person_id else {
            return Ok(InvitedBy::District);
        };
        let Some(person) = people::get(conn, district_id, id).await? else {
            return Ok(InvitedBy::District);
        };
        let roles = people::roles_of(conn, std::slice::from_ref(&person.id)).await?;
        let staff = roles.iter().any(|r| {
            matches!(
                r.role,
                Role::Teacher | Role::Aide | Role::Staff | Role::SchoolAdmin | Role::DistrictAdmin
            )
        });
        Ok(if staff {
            InvitedBy::Staff(person.display_name())
        } else if roles.iter().any(|r| r.role == Role::Guardian) {
            InvitedBy::Guardian
        } else {
            InvitedBy::District
        })
    }

    fn as_inviter(&self) -> Inviter<'_> {
        match self {
            InvitedBy::District => Inviter::District,
            InvitedBy::Staff(name) => Inviter::Staff(name),
            InvitedBy::Guardian => Inviter::Guardian,
        }
    }
}

/// A new link: the token (sent once, never stored) and its hash (stored).
pub fn new_link() -> (String, String) {
    let secret = token::generate();
    let hash = token::hash(&secret);
    (secret, hash)
}

/// The acceptance link for a token.
pub fn link(public_url: &str, token: &str) -> String {
    format!("{}/invitations/{token}", public_url.trim_end_matches('/'))
}

/// Renders the message for `invitation` (a guardian's or a staff member's, by its purpose;
/// `guardian_given_name` is the invited person's given name) over `channel` to `contact` with the link `token`.
pub fn message(
    ctx: &Context,
    invitation: &Invitation,
    guardian_given_name: &str,
    students: &[String],
    channel: Channel,
    contact: &ContactPoint,
    token: &str,
) -> OutboxMessage {
    let link = link(&ctx.public_url, token);
    let expires_on = chrono::DateTime::from_timestamp_micros(invitation.expires_at)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let payload = match invitation.purpose {
        InvitationPurpose::Guardian => {
            let text = InvitationText {
                district: &ctx.district,
                guardian: guardian_given_name,
                inviter: ctx.inviter.as_inviter(),
                students,
                class_title: ctx.class_title.as_deref(),
                link: &link,
                expires_on: &expires_on,
            };
            match channel {
                Channel::Email => text.email(),
                Channel::Sms => text.sms(),
            }
        }
        InvitationPurpose::Staff => {
            let text = StaffInvitationText {
                district: &ctx.district,
                given_name: guardian_given_name,
                inviter: ctx.inviter.as_inviter(),
                link: &link,
                expires_on: &expires_on,
            };
            match channel {
                Channel::Email => text.email(),
                Channel::Sms => text.sms(),
            }
        }
    };
    let mut message =
        payload.into_message(&invitation.district_id, KIND_INVITATION, &contact.value);
    message.invitation_id = Some(invitation.id.clone());
    message
}
