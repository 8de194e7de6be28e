//! The closed vocabularies of the data model, stored as text.

use crate::text_enum::text_enum;

text_enum!(
    /// Lifecycle of people, orgs, classes, courses, terms and enrollments: archived, never deleted.
    Status { Active = "active", Archived = "archived" }
);

text_enum!(
    /// Whether a person has an account they can sign in with.
    AccountState { None = "none", Invited = "invited", Claimed = "claimed" }
);

text_enum!(
    /// A person's role, at an org or district-wide.
    Role {
        Student = "student",
        Teacher = "teacher",
        Aide = "aide",
        Staff = "staff",
        SchoolAdmin = "school_admin",
        DistrictAdmin = "district_admin",
        Guardian = "guardian",
    }
);

impl Role {
    /// Adults merge by contact point; students never do.
    pub fn is_adult(self) -> bool {
        !matches!(self, Role::Student)
    }
}

text_enum!(
    /// The role an API token acts with: a person's role, or an integration partner.
    TokenRole {
        Student = "student",
        Teacher = "teacher",
        Aide = "aide",
        Staff = "staff",
        SchoolAdmin = "school_admin",
        DistrictAdmin = "district_admin",
        Guardian = "guardian",
        Partner = "partner",
    }
);

text_enum!(
    /// Who a token stands for.
    PrincipalKind { Person = "person", Partner = "partner", System = "system" }
);

text_enum!(
    /// Kind of organisation.
    OrgType { District = "district", School = "school", Other = "other" }
);

text_enum!(
    /// Where a role or enrollment came from: the SIS (sync owns it) or a person (sync leaves it).
    RecordSource { Sis = "sis", Manual = "manual" }
);

text_enum!(
    /// Kind of contact point.
    ContactKind { Email = "email", Phone = "phone" }
);

text_enum!(
    /// Who supplied a contact point.
    ContactSource { Sis = "sis", Manual = "manual", SelfReported = "self" }
);

text_enum!(
    /// Whether messages reach a contact point.
    Reachability { Ok = "ok", Unreachable = "unreachable" }
);

text_enum!(
    /// Role within a class.
    EnrollmentRole { Student = "student", Teacher = "teacher", Aide = "aide" }
);

text_enum!(
    /// Kind of guardian–student relationship.
    RelationshipKind {
        Parent = "parent",
        Guardian = "guardian",
        Relative = "relative",
        Aide = "aide",
        Other = "other",
    }
);

text_enum!(
    /// Where a relationship came from.
    RelationshipSource { Sis = "sis", Import = "import", Manual = "manual" }
);

text_enum!(
    /// A relationship is active, or removed (a tombstone that sync respects).
    RelationshipStatus { Active = "active", Removed = "removed" }
);

text_enum!(
    /// Where an admin's review of a teacher-made guardian link stands: waiting (no access yet),
    /// counted at once (the district does not ask for approval), approved, or revoked.
    LinkReviewState {
        Pending = "pending",
        Automatic = "automatic",
        Approved = "approved",
        Revoked = "revoked",
    }
);

text_enum!(
    /// Kind of SIS connector.
    ConnectorKind {
        Clever = "clever",
        ClassLink = "classlink",
        OneRosterRest = "oneroster_rest",
        OneRosterCsv = "oneroster_csv",
        Aeries = "aeries",
    }
);

text_enum!(
    /// Full snapshot or delta.
    SyncMode { Full = "full", Delta = "delta" }
);

text_enum!(
    /// State of a sync run.
    SyncStatus {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
        Held = "held",
        Aborted = "aborted",
    }
);

text_enum!(
    /// Error (record rejected) or alert (accepted but suspect).
    Severity { Error = "error", Alert = "alert" }
);

text_enum!(
    /// Delivery channel of an invitation.
    Channel { Email = "email", Sms = "sms" }
);

text_enum!(
    /// State of an invitation.
    InvitationStatus {
        Pending = "pending",
        Sent = "sent",
        Delivered = "delivered",
        Failed = "failed",
        Accepted = "accepted",
        Expired = "expired",
        Revoked = "revoked",
    }
);

text_enum!(
    /// What an invitation is for.
    InvitationPurpose {
        /// A guardian claims their account for a student (the link waits for them).
        Guardian = "guardian",
        /// A staff member sets a password (nothing else changes on acceptance).
        Staff = "staff",
    }
);

text_enum!(
    /// State of an outbox message.
    OutboxStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
        Dead = "dead",
    }
);

text_enum!(
    /// Who did something recorded in the audit log.
    ActorKind { Person = "person", Partner = "partner", System = "system" }
);

text_enum!(
    /// Kind of spreadsheet import.
    ImportKind { Relationships = "relationships" }
);

text_enum!(
    /// State of an import job: `validated` (a dry run, nothing imported), `rejected` (the file
    /// or some rows were invalid, nothing imported), or queued → running → succeeded/failed.
    ImportState {
        Validated = "validated",
        Rejected = "rejected",
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
    }
);

text_enum!(
    /// Kind of OpenID Connect identity provider (single sign-on).
    IdentityProviderKind {
        Google = "google",
        Microsoft = "microsoft",
        Clever = "clever",
        ClassLink = "classlink",
        GenericOidc = "generic_oidc",
    }
);

impl IdentityProviderKind {
    /// The connector kind whose people's source links hold this provider's subject ids (Clever
    /// and ClassLink sign people in with the ids their rosters carry).
    pub fn subject_connector(self) -> Option<ConnectorKind> {
        match self {
            IdentityProviderKind::Clever => Some(ConnectorKind::Clever),
            IdentityProviderKind::ClassLink => Some(ConnectorKind::ClassLink),
            _ => None,
        }
    }
}

text_enum!(
    /// How a single sign-on found its person.
    SignInMatch {
        /// A verified email in an allowed domain.
        Email = "email",
        /// The provider's subject id, as a source link of the matching connector kind.
        SisId = "sis_id",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        assert_eq!(Role::SchoolAdmin.as_str(), "school_admin");
        assert_eq!(
            serde_json::to_string(&ContactSource::SelfReported).unwrap(),
            "\"self\""
        );
        assert!("teacher ".parse::<Role>().is_err());
    }
}
