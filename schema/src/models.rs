//! Row models: one struct per table, read and written with the same shape on both backends.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::counts::{EntityCounts, JobCounts};
use crate::enums::*;
use crate::json::Json;
use crate::tables::*;

/// Marks a row model as usable on both backends.
macro_rules! row {
    ($(#[$meta:meta])* $table:ident => $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable, Insertable, Identifiable, AsChangeset, Serialize, Deserialize)]
        #[diesel(table_name = $table, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
        #[diesel(treat_none_as_default_value = false, treat_none_as_null = true)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty),+
        }
    };
}

row!(
    /// The tenant.
    districts => District {
        id: String,
        name: String,
        /// The district's settings (JSON text).
        settings: Json<DistrictSettings>,
        is_default: bool,
        created_at: i64,
        updated_at: i64,
    }
);

impl District {
    /// The district's settings, with defaults for anything not set.
    pub fn settings(&self) -> DistrictSettings {
        self.settings.0.clone()
    }
}

/// Per-district settings stored as JSON on the district row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DistrictSettings {
    /// Channel invitations try first.
    pub preferred_channel: Channel,
    /// A full sync archiving more than this share (percent) of any entity is held.
    pub removal_threshold_pct: f64,
    /// Days an invitation link stays valid.
    pub invitation_expiry_days: u32,
    /// Default country (ISO 3166 alpha-2) for phone numbers without a country code.
    pub default_country: String,
    /// Least minutes between two sends of one invitation (resend rate limit).
    pub resend_interval_minutes: u32,
    /// Rostering enforcement: SIS-linked people cannot leave classes or the district themselves;
    /// only sync or an admin removes them.
    pub rostering_enforced: bool,
    /// Which notifications the district sends.
    pub notifications: NotificationSettings,
    /// Guardian links a teacher makes (not from the SIS, an admin or an import by an admin)
    /// wait for an admin's approval before they give access (true), or count at once (false).
    pub teacher_links_need_approval: bool,
}

/// Per-district switches for the notifications Homeroom sends on its own (all on by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationSettings {
    /// After a maintenance sync, teachers are told of classes new to them.
    pub teacher_new_classes: bool,
    /// When a teacher claims a class, its invited or claimed families are told.
    pub families_class_claimed: bool,
    /// District admins get a summary when a sync run fails or is held.
    pub admin_sync_summary: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            teacher_new_classes: true,
            families_class_claimed: true,
            admin_sync_summary: true,
        }
    }
}

impl Default for DistrictSettings {
    fn default() -> Self {
        Self {
            preferred_channel: Channel::Email,
            removal_threshold_pct: 10.0,
            invitation_expiry_days: 14,
            default_country: "US".into(),
            resend_interval_minutes: 10,
            rostering_enforced: false,
            notifications: NotificationSettings::default(),
            teacher_links_need_approval: true,
        }
    }
}

row!(
    /// A school or district organisation from the SIS.
    orgs => Org {
        id: String,
        district_id: String,
        name: String,
        identifier: Option<String>,
        org_type: OrgType,
        parent_id: Option<String>,
        status: Status,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// A person: student, staff, guardian or admin (roles are separate rows).
    people => Person {
        id: String,
        district_id: String,
        given_name: String,
        family_name: String,
        middle_name: Option<String>,
        preferred_name: Option<String>,
        status: Status,
        account_state: AccountState,
        /// Denormalized from roles: students merge only on student number.
        is_student: bool,
        grade: Option<String>,
        student_number: Option<String>,
        state_id: Option<String>,
        sis_id: Option<String>,
        #[serde(skip)]
        password_hash: Option<String>,
        /// Lower-cased names for case-insensitive search on both backends.
        search_text: String,
        /// Hash of the SIS-owned fields last written, so unchanged upserts skip the write.
        sis_hash: Option<String>,
        created_at: i64,
        updated_at: i64,
        archived_at: Option<i64>,
    }
);

impl Person {
    /// The text searched by `search`: names, lower-cased.
    pub fn search_text_for(
        given: &str,
        family: &str,
        middle: Option<&str>,
        preferred: Option<&str>,
    ) -> String {
        let mut s = format!("{given} {family}");
        for extra in [middle, preferred].into_iter().flatten() {
            s.push(' ');
            s.push_str(extra);
        }
        s.to_lowercase()
    }

    /// Display name: preferred given name if set.
    pub fn display_name(&self) -> String {
        let given = self.preferred_name.as_deref().unwrap_or(&self.given_name);
        format!("{given} {}", self.family_name)
    }
}

row!(
    /// A role a person holds, at an org or district-wide.
    person_roles => PersonRole {
        id: String,
        district_id: String,
        person_id: String,
        role: Role,
        org_id: Option<String>,
        source: RecordSource,
        created_at: i64,
    }
);

row!(
    /// An email address or phone number of a person.
    contact_points => ContactPoint {
        id: String,
        district_id: String,
        person_id: String,
        kind: ContactKind,
        /// Normalized: lower-cased email, E.164 phone.
        value: String,
        display_value: String,
        /// Adults hold a contact point exclusively within a district; students may share.
        is_adult: bool,
        source: ContactSource,
        verified_at: Option<i64>,
        reachability: Reachability,
        unreachable_reason: Option<String>,
        unreachable_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// A configured SIS connector.
    connectors => Connector {
        id: String,
        district_id: String,
        kind: ConnectorKind,
        name: String,
        /// Non-secret configuration (JSON).
        config_public: String,
        /// Secret configuration, encrypted at rest; never returned by the API.
        #[serde(skip)]
        config_secret: Option<String>,
        schedule: Option<String>,
        enabled: bool,
        last_success_at: Option<i64>,
        delta_cursor: Option<String>,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// One sync of one connector.
    sync_runs => SyncRun {
        id: String,
        district_id: String,
        connector_id: String,
        mode: SyncMode,
        dry_run: bool,
        status: SyncStatus,
        lease_owner: Option<String>,
        lease_expires_at: Option<i64>,
        /// Counts per entity kind (JSON text).
        counts: Json<Vec<EntityCounts>>,
        delta_cursor: Option<String>,
        error: Option<String>,
        requested_by: Option<String>,
        created_at: i64,
        started_at: Option<i64>,
        finished_at: Option<i64>,
    }
);

row!(
    /// An error or alert in a sync run's report.
    sync_issues => SyncIssue {
        id: String,
        run_id: String,
        severity: Severity,
        code: String,
        entity_kind: Option<String>,
        external_id: Option<String>,
        message: String,
        created_at: i64,
        /// The other local record the issue is about (e.g. the person a merge suggestion names).
        related_id: Option<String>,
        /// The normalized contact point a person alert is about, if any.
        contact_value: Option<String>,
    }
);

/// How many issues of one code and severity a run raised (exact, never capped).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
#[diesel(table_name = sync_issue_counts, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SyncIssueCount {
    /// The run.
    pub run_id: String,
    /// The issue code.
    pub code: String,
    /// Error or alert.
    pub severity: Severity,
    /// How many.
    pub count: i64,
}

row!(
    /// Maps a SIS record (connector, kind, external id) to a local row.
    source_links => SourceLink {
        id: String,
        district_id: String,
        connector_id: String,
        entity_kind: String,
        external_id: String,
        local_id: String,
        last_run_id: Option<String>,
        content_hash: Option<String>,
        removed_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// A course (the catalogue entry a class is a section of).
    courses => Course {
        id: String,
        district_id: String,
        org_id: Option<String>,
        title: String,
        code: Option<String>,
        status: Status,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// An academic session: school year, semester, term, grading period.
    terms => Term {
        id: String,
        district_id: String,
        title: String,
        term_type: Option<String>,
        start_date: Option<String>,
        end_date: Option<String>,
        parent_id: Option<String>,
        status: Status,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// A class (section).
    classes => Class {
        id: String,
        district_id: String,
        school_id: Option<String>,
        course_id: Option<String>,
        term_id: Option<String>,
        /// Title from the SIS (sync owns it).
        sis_title: String,
        /// Local title override (sync never touches it).
        local_title: Option<String>,
        class_code: Option<String>,
        join_code: Option<String>,
        status: Status,
        claimed_by: Option<String>,
        claimed_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
);

impl Class {
    /// The title people see: the local override if set, else the SIS title.
    pub fn title(&self) -> &str {
        self.local_title.as_deref().unwrap_or(&self.sis_title)
    }
}

row!(
    /// A person's place in a class.
    enrollments => Enrollment {
        id: String,
        district_id: String,
        class_id: String,
        person_id: String,
        role: EnrollmentRole,
        is_primary: bool,
        begin_date: Option<String>,
        end_date: Option<String>,
        source: RecordSource,
        status: Status,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// A guardian–student link.
    relationships => Relationship {
        id: String,
        district_id: String,
        guardian_id: String,
        student_id: String,
        kind: RelationshipKind,
        source: RelationshipSource,
        source_connector_id: Option<String>,
        lives_with_student: Option<bool>,
        status: RelationshipStatus,
        removed_by: Option<String>,
        removed_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// An invitation to claim an account: a guardian's for a student, or a staff member's.
    invitations => Invitation {
        id: String,
        district_id: String,
        person_id: String,
        relationship_id: Option<String>,
        class_id: Option<String>,
        invited_by: Option<String>,
        channel: Channel,
        contact_point_id: Option<String>,
        #[serde(skip)]
        token_hash: String,
        status: InvitationStatus,
        attempts: i32,
        last_error: Option<String>,
        expires_at: i64,
        sent_at: Option<i64>,
        delivered_at: Option<i64>,
        accepted_at: Option<i64>,
        revoked_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
        /// How many times the invitation was sent again.
        resend_count: i32,
        /// When it was last sent again.
        last_resent_at: Option<i64>,
        /// What accepting it does.
        purpose: InvitationPurpose,
    }
);

row!(
    /// A password reset link (only its hash is stored).
    password_resets => PasswordReset {
        id: String,
        district_id: String,
        person_id: String,
        contact_point_id: String,
        #[serde(skip)]
        token_hash: String,
        /// False for a request over the rate limit (counted, not sent).
        sent: bool,
        expires_at: i64,
        used_at: Option<i64>,
        created_at: i64,
    }
);

/// An admin's review of a guardian link a teacher made (see `store::link_reviews`).
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Identifiable, Serialize, Deserialize,
)]
#[diesel(table_name = link_reviews, primary_key(relationship_id), check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct LinkReview {
    /// The link reviewed.
    pub relationship_id: String,
    /// Its district.
    pub district_id: String,
    /// Where the review stands.
    pub state: LinkReviewState,
    /// The teacher who made the link.
    pub requested_by: Option<String>,
    /// The admin who approved or revoked it.
    pub decided_by: Option<String>,
    /// When they did.
    pub decided_at: Option<i64>,
    /// When the link was made (or restored) by the teacher.
    pub created_at: i64,
}

row!(
    /// An OpenID Connect identity provider of a district. The client secret is encrypted and
    /// never returned.
    identity_providers => IdentityProvider {
        id: String,
        district_id: String,
        kind: IdentityProviderKind,
        display_name: String,
        issuer: String,
        client_id: String,
        /// The client secret, encrypted.
        #[serde(skip)]
        client_secret: String,
        /// Email domains the provider may vouch for (lower case).
        allowed_domains: Json<Vec<String>>,
        created_at: i64,
        updated_at: i64,
        archived_at: Option<i64>,
    }
);

/// A sign-in under way (only the state's hash is stored).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sign_in_states, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SignInState {
    pub state_hash: String,
    pub provider_id: String,
    pub nonce: String,
    /// The PKCE verifier, encrypted.
    pub pkce_verifier: String,
    /// Hash of the binding cookie the browser that started the sign-in holds.
    pub browser_hash: String,
    pub expires_at: i64,
    pub created_at: i64,
}

/// A one-time sign-in code (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sign_in_codes, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SignInCode {
    pub code_hash: String,
    pub district_id: String,
    pub provider_id: String,
    pub person_id: String,
    pub matched_by: SignInMatch,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub created_at: i64,
}

/// One link of an invitation (stored only as a hash). Resending mints a new one; every link
/// stays valid while the invitation is open.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Identifiable, Serialize, Deserialize,
)]
#[diesel(table_name = invitation_tokens, primary_key(token_hash), check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct InvitationToken {
    /// SHA-256 of the link's token.
    pub token_hash: String,
    /// The invitation.
    pub invitation_id: String,
    /// When the link was made.
    pub created_at: i64,
}

row!(
    /// A failed login for an address (rate limiting).
    login_failures => LoginFailure {
        id: String,
        email: String,
        at: i64,
        /// The caller's network address ('' when not tracked per client).
        client: String,
    }
);

row!(
    /// A message waiting for (or done with) delivery.
    outbox_messages => OutboxMessage {
        id: String,
        district_id: String,
        invitation_id: Option<String>,
        kind: String,
        channel: String,
        recipient: String,
        payload: String,
        status: OutboxStatus,
        attempts: i32,
        next_attempt_at: i64,
        lease_owner: Option<String>,
        lease_expires_at: Option<i64>,
        last_error: Option<String>,
        created_at: i64,
        updated_at: i64,
        sent_at: Option<i64>,
        /// The id the email/SMS provider gave the message (matches delivery receipts).
        provider_message_id: Option<String>,
        /// The webhook a `webhook`-channel message is delivered to.
        webhook_id: Option<String>,
    }
);

row!(
    /// A partner's endpoint for outgoing webhooks.
    webhooks => Webhook {
        id: String,
        district_id: String,
        url: String,
        /// Event names (a JSON array).
        events: Json<Vec<String>>,
        /// The signing secret, encrypted.
        #[serde(skip)]
        secret: String,
        enabled: bool,
        created_by: Option<String>,
        created_at: i64,
        updated_at: i64,
    }
);

impl Webhook {
    /// The events the webhook receives.
    pub fn event_names(&self) -> Vec<String> {
        self.events.0.clone()
    }
}

row!(
    /// A one-time code sent to prove a person holds a contact point.
    verification_codes => VerificationCode {
        id: String,
        district_id: String,
        person_id: String,
        contact_point_id: String,
        purpose: String,
        subject_id: String,
        #[serde(skip)]
        code_hash: String,
        attempts: i32,
        expires_at: i64,
        used_at: Option<i64>,
        created_at: i64,
    }
);

row!(
    /// Who did what to which record, with before and after.
    audit_events => AuditEvent {
        id: String,
        district_id: String,
        actor_kind: ActorKind,
        actor_id: Option<String>,
        action: String,
        target_kind: String,
        target_id: String,
        before: Option<String>,
        after: Option<String>,
        created_at: i64,
    }
);

row!(
    /// An API bearer token (only its hash is stored).
    api_tokens => ApiToken {
        id: String,
        district_id: String,
        principal_kind: PrincipalKind,
        person_id: Option<String>,
        partner_name: Option<String>,
        role: TokenRole,
        /// JSON list of scope strings (partners).
        scopes: String,
        #[serde(skip)]
        token_hash: String,
        label: Option<String>,
        expires_at: Option<i64>,
        last_used_at: Option<i64>,
        revoked_at: Option<i64>,
        created_at: i64,
    }
);

impl ApiToken {
    /// The token's scopes.
    pub fn scope_list(&self) -> Vec<String> {
        serde_json::from_str(&self.scopes).unwrap_or_default()
    }
}

row!(
    /// A spreadsheet import: what validation found and planned, and how far the job got.
    import_jobs => ImportJob {
        id: String,
        district_id: String,
        kind: ImportKind,
        state: ImportState,
        dry_run: bool,
        only_valid_rows: bool,
        invite: bool,
        file_name: Option<String>,
        /// Who started it (person id, token id, or `cli`).
        created_by: Option<String>,
        /// JSON: the changes to apply, in file order.
        plan: String,
        total_rows: i64,
        valid_rows: i64,
        invalid_rows: i64,
        /// Plan entries applied so far.
        processed: i64,
        /// Planned and applied changes (JSON text).
        counts: Json<JobCounts>,
        /// JSON: the invalid rows with reasons.
        errors: String,
        message: Option<String>,
        attempts: i64,
        lease_owner: Option<String>,
        lease_expires_at: Option<i64>,
        created_at: i64,
        updated_at: i64,
        started_at: Option<i64>,
        finished_at: Option<i64>,
    }
);
