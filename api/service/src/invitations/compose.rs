//! Turning an invitation into an outbox message: a fresh link (token) and the rendered text.

use homeroom_schema::enums::Channel;
use homeroom_schema::models::{ContactPoint, Invitation, OutboxMessage};

use crate::auth::token;
use homeroom_delivery::message::KIND_INVITATION;
use homeroom_delivery::templates::InvitationText;

/// Everything about an invitation's context that its message names.
#[derive(Debug, Clone)]
pub struct Context {
    /// Base of links (`HOMEROOM_PUBLIC_URL`).
    pub public_url: String,
    /// District name.
    pub district: String,
    /// Full name of the inviter, if a person.
    pub inviter: Option<String>,
    /// Class title, if the invitation came from a class.
    pub class_title: Option<String>,
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

/// Renders the message for `invitation` over `channel` to `contact` with the link `token`.
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
    let text = InvitationText {
        district: &ctx.district,
        guardian: guardian_given_name,
        inviter: ctx.inviter.as_deref(),
        students,
        class_title: ctx.class_title.as_deref(),
        link: &link,
        expires_on: &expires_on,
    };
    let payload = match channel {
        Channel::Email => text.email(),
        Channel::Sms => text.sms(),
    };
    let mut message =
        payload.into_message(&invitation.district_id, KIND_INVITATION, &contact.value);
    message.invitation_id = Some(invitation.id.clone());
    message
}
