//! GraphQL enums, mirroring the stored vocabularies.

use async_graphql::Enum;
use homeroom_schema::enums as db;

/// A person's role.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::Role")]
pub enum Role {
    /// Enrolled student.
    Student,
    /// Teacher.
    Teacher,
    /// Classroom aide.
    Aide,
    /// Other school staff.
    Staff,
    /// Administrator of one or more schools.
    SchoolAdmin,
    /// Administrator of the whole district.
    DistrictAdmin,
    /// Parent, guardian or other family contact.
    Guardian,
}

/// Lifecycle of people and classes.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::Status")]
pub enum Status {
    /// In use.
    Active,
    /// Archived (removed from the SIS or by an admin); never deleted.
    Archived,
}

/// Whether a person has an account.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::AccountState")]
pub enum AccountState {
    /// No account yet.
    None,
    /// Invited, not yet claimed.
    Invited,
    /// Claimed: the person signs in.
    Claimed,
}

/// Kind of guardian–student relationship.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::RelationshipKind")]
pub enum RelationshipKind {
    /// Parent.
    Parent,
    /// Legal guardian.
    Guardian,
    /// Other relative.
    Relative,
    /// Aide or caregiver.
    Aide,
    /// Anything else.
    Other,
}

/// Whether a relationship is in force.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::RelationshipStatus")]
pub enum RelationshipStatus {
    /// In force.
    Active,
    /// Removed by a person; sync will not bring it back.
    Removed,
}

/// Where a relationship came from.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::RelationshipSource")]
pub enum RelationshipSource {
    /// A SIS connector.
    Sis,
    /// A spreadsheet import.
    Import,
    /// Added by hand.
    Manual,
}

/// Kind of contact point.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::ContactKind")]
pub enum ContactKind {
    /// Email address.
    Email,
    /// Phone number.
    Phone,
}

/// Role within a class.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::EnrollmentRole")]
pub enum EnrollmentRole {
    /// Student.
    Student,
    /// Teacher.
    Teacher,
    /// Aide.
    Aide,
}

/// Kind of org.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::OrgType")]
pub enum OrgType {
    /// The district org.
    District,
    /// A school.
    School,
    /// Anything else.
    Other,
}

/// How the caller is authenticated.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::TokenRole")]
pub enum ViewerRole {
    /// Student.
    Student,
    /// Teacher.
    Teacher,
    /// Aide.
    Aide,
    /// Staff.
    Staff,
    /// School admin.
    SchoolAdmin,
    /// District admin.
    DistrictAdmin,
    /// Guardian.
    Guardian,
    /// Integration partner.
    Partner,
}

/// Where a guardian stands with their invitation.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "homeroom_service::invitations::InviteState")]
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

/// What a webhook can be told about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "homeroom_service::webhooks::WebhookEvent")]
pub enum WebhookEvent {
    /// A sync run ended (succeeded, failed or held); dry runs included, flagged.
    SyncRunFinished,
    /// Two people were merged.
    PersonMerged,
    /// A merge was undone.
    PersonUnmerged,
    /// A guardian accepted an invitation and claimed their account.
    InvitationAccepted,
    /// A teacher claimed a class.
    ClassClaimed,
    /// A class claim was released.
    ClassReleased,
}

/// Kind of single sign-on identity provider (OpenID Connect).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "db::IdentityProviderKind")]
pub enum IdentityProviderKind {
    /// Google Workspace (issuer `https://accounts.google.com`).
    Google,
    /// Microsoft Entra ID (issuer `https://login.microsoftonline.com/{tenant}/v2.0`).
    Microsoft,
    /// Clever (signs people in by the Clever ids the Clever connector stored, or by email).
    Clever,
    /// ClassLink (signs people in by the ids the ClassLink connector stored, or by email).
    #[graphql(name = "CLASSLINK")]
    ClassLink,
    /// Any other OpenID Connect provider.
    GenericOidc,
}
