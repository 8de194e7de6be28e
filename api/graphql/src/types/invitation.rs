//! Invitations and the family invite manager's rows.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use homeroom_schema::enums as db;
use homeroom_schema::models;

use crate::context::req;
use crate::ids::{NodeKind, encode};
use crate::types::class::Class;
use crate::types::contact::{Access, ContactPoint};
use crate::types::enums::InviteState;
use crate::types::enums::RelationshipKind;
use crate::types::person::Person;
use homeroom_service::invitations::manager::ManagerRow;

/// Where an invitation stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::InvitationStatus")]
pub enum InvitationStatus {
    /// Queued for delivery.
    Pending,
    /// Handed to the email or SMS provider.
    Sent,
    /// The provider confirmed delivery.
    Delivered,
    /// Every channel failed (see `lastError`).
    Failed,
    /// The guardian claimed their account.
    Accepted,
    /// The link ran out.
    Expired,
    /// Withdrawn; its links no longer work.
    Revoked,
}

/// What accepting an invitation does.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::InvitationPurpose")]
pub enum InvitationPurpose {
    /// A guardian claims their account to follow their students.
    Guardian,
    /// A staff member sets a password.
    Staff,
}

/// How an invitation travels.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::Channel")]
pub enum Channel {
    /// Email.
    Email,
    /// Text message.
    Sms,
}

/// An invitation for a guardian to claim their account.
pub struct Invitation(pub models::Invitation);

#[Object]
impl Invitation {
    /// Global id.
    pub async fn id(&self) -> ID {
        encode(NodeKind::Invitation, &self.0.id)
    }

    /// Status; an open invitation past its expiry reads `EXPIRED`.
    async fn status(&self) -> InvitationStatus {
        let open = homeroom_schema::store::invitations::OPEN.contains(&self.0.status);
        if open && self.0.expires_at <= homeroom_schema::ids::now_micros() {
            InvitationStatus::Expired
        } else {
            self.0.status.into()
        }
    }

    /// The channel of the latest delivery.
    async fn channel(&self) -> Channel {
        self.0.channel.into()
    }

    /// Why the last delivery failed, if it did.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// Delivery attempts so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// Times it was sent again.
    async fn resend_count(&self) -> i32 {
        self.0.resend_count
    }

    /// When the links stop working (RFC 3339).
    async fn expires_at(&self) -> String {
        crate::time::rfc3339(self.0.expires_at)
    }

    /// When it was created.
    async fn created_at(&self) -> String {
        crate::time::rfc3339(self.0.created_at)
    }

    /// When it was handed to a provider.
    async fn sent_at(&self) -> Option<String> {
        self.0.sent_at.map(crate::time::rfc3339)
    }

    /// When delivery was confirmed.
    async fn delivered_at(&self) -> Option<String> {
        self.0.delivered_at.map(crate::time::rfc3339)
    }

    /// When it was accepted.
    async fn accepted_at(&self) -> Option<String> {
        self.0.accepted_at.map(crate::time::rfc3339)
    }

    /// The invited guardian (if visible).
    async fn person(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person(ctx, Some(&self.0.person_id)).await
    }

    /// Who sent it (if visible).
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        person(ctx, self.0.invited_by.as_deref()).await
    }

    /// The class it was sent from.
    async fn class(&self, ctx: &Context<'_>) -> Result<Option<Class>> {
        let Some(id) = &self.0.class_id else {
            return Ok(None);
        };
        let r = req(ctx);
        if !r.sees_class(id).await? {
            return Ok(None);
        }
        Ok(r.loaders.class.load_one(id.clone()).await?.map(Class))
    }
}

async fn person(ctx: &Context<'_>, id: Option<&str>) -> Result<Option<Person>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(req(ctx).visible_person(id).await?.map(Person))
}

/// One row of a class's family invite manager: a guardian of a student in the class.
pub struct FamilyInviteRow {
    /// The row.
    pub row: ManagerRow,
    /// Whether the caller sees contact points in full.
    pub full: bool,
}

#[Object]
impl FamilyInviteRow {
    /// The relationship's global id (what `inviteFamilies(relationshipIds:)` takes).
    async fn id(&self) -> ID {
        encode(NodeKind::Relationship, &self.row.family.relationship.id)
    }

    /// The guardian.
    async fn guardian(&self) -> Person {
        Person(self.row.family.guardian.clone())
    }

    /// The student in the class.
    async fn student(&self) -> Person {
        Person(self.row.family.student.clone())
    }

    /// How they are related.
    async fn kind(&self) -> RelationshipKind {
        self.row.family.relationship.kind.into()
    }

    /// The guardian's contact points, masked unless the caller may see them in full.
    async fn contact_points(&self) -> Vec<ContactPoint> {
        let access = if self.full {
            Access::Full
        } else {
            Access::Masked
        };
        self.row
            .contacts
            .iter()
            .cloned()
            .map(|c| ContactPoint::view(c, access))
            .collect()
    }

    /// Where the guardian stands.
    async fn state(&self) -> InviteState {
        self.row.state.into()
    }

    /// The guardian's latest invitation.
    async fn invitation(&self) -> Option<Invitation> {
        self.row.invitation.clone().map(Invitation)
    }
}

/// Filter of the invite manager.
#[derive(async_graphql::InputObject, Default, Debug)]
pub struct FamilyInviteFilter {
    /// Only rows in this state.
    pub state: Option<InviteState>,
}

/// Filter of the invitation list.
#[derive(async_graphql::InputObject, Default, Debug)]
pub struct InvitationFilter {
    /// Only this status.
    pub status: Option<InvitationStatus>,
    /// Only invitations sent from this class.
    pub class_id: Option<ID>,
}

/// What an invitation link shows before it is accepted (nothing secret).
#[derive(SimpleObject, Debug)]
pub struct InvitationPreview {
    /// District name.
    pub district_name: String,
    /// The invited guardian's given name.
    pub guardian_given_name: String,
    /// Given names of their students.
    pub student_given_names: Vec<String>,
    /// Who invited them.
    pub invited_by_name: Option<String>,
    /// Status (`EXPIRED` once past expiry).
    pub status: InvitationStatus,
    /// Whether it can still be accepted.
    pub can_accept: bool,
    /// When the link stops working.
    pub expires_at: String,
    /// What accepting it does (a staff member gives no names: the school's records keep theirs).
    pub purpose: InvitationPurpose,
}
