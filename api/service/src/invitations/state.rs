//! The invitation state a family invite manager row shows.

use homeroom_schema::enums::{AccountState, InvitationStatus};
use homeroom_schema::models::{Invitation, Person};

/// Where a guardian stands with their invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InviteState {
    /// Never invited, or the last invitation was revoked or expired.
    NotInvited,
    /// An invitation is queued or sent.
    Invited,
    /// The provider confirmed delivery.
    Delivered,
    /// Every channel failed.
    Failed,
    /// The guardian claimed their account.
    Accepted,
}

/// Whether an invitation can still be accepted at `now`.
pub fn is_open(invitation: &Invitation, now: i64) -> bool {
    homeroom_schema::store::invitations::OPEN.contains(&invitation.status)
        && invitation.expires_at > now
}

/// The state of a guardian given their invitations (any order).
pub fn of_guardian(guardian: &Person, invitations: &[&Invitation], now: i64) -> InviteState {
    if guardian.account_state == AccountState::Claimed {
        return InviteState::Accepted;
    }
    let Some(latest) = invitations.iter().max_by(|a, b| a.id.cmp(&b.id)) else {
        return InviteState::NotInvited;
    };
    match latest.status {
        InvitationStatus::Accepted => InviteState::Accepted,
        InvitationStatus::Revoked | InvitationStatus::Expired => InviteState::NotInvited,
        _ if latest.expires_at <= now => InviteState::NotInvited,
        InvitationStatus::Pending | InvitationStatus::Sent => InviteState::Invited,
        InvitationStatus::Delivered => InviteState::Delivered,
        InvitationStatus::Failed => InviteState::Failed,
    }
}

/// The latest invitation of a guardian, if any.
pub fn latest<'a>(invitations: &[&'a Invitation]) -> Option<&'a Invitation> {
    invitations.iter().max_by(|a, b| a.id.cmp(&b.id)).copied()
}
