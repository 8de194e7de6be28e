//! A run's report: counts per entity and action, and issues (errors reject a record; alerts flag
//! an accepted record that looks wrong).

use std::collections::{BTreeMap, HashSet};

use homeroom_connector_core::EntityKind;
use homeroom_schema::enums::Severity;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{SyncIssue, SyncIssueCount};

/// Most issues of one code a run stores as examples; every issue is counted exactly in the run's
/// summary whatever the cap, so a frequent code never hides a rare one. (What a held run would
/// remove is listed in full: an admin confirms exactly that list.)
pub const MAX_ISSUES_PER_CODE: usize = 5_000;

pub use homeroom_schema::counts::{Counts, EntityCounts};

/// Issue codes the engine raises.
pub mod codes {
    /// A required reference (an enrollment's class or user, a link's people) is unknown.
    pub const UNKNOWN_REFERENCE: &str = "unknown_reference";
    /// An optional reference (a class's course or term, an org's parent) is unknown.
    pub const UNRESOLVED_OPTIONAL_REFERENCE: &str = "unresolved_optional_reference";
    /// A required field is missing or a value is invalid.
    pub const INVALID_VALUE: &str = "invalid_value";
    /// An email or phone could not be normalized.
    pub const INVALID_CONTACT_POINT: &str = "invalid_contact_point";
    /// A contact point is already held by another person.
    pub const CONTACT_POINT_TAKEN: &str = "contact_point_taken";
    /// An email is shared by a student and an adult.
    pub const STUDENT_ADULT_SHARED_EMAIL: &str = "student_adult_shared_email";
    /// A phone shared by adults with different names (families share home phones).
    pub const SHARED_PHONE: &str = "shared_phone";
    /// Email and phone matched two different people.
    pub const CONTACT_CONFLICT: &str = "contact_conflict";
    /// A record matches a claimed account by an unverified contact point: a merge suggestion.
    pub const MERGE_SUGGESTION: &str = "merge_suggestion";
    /// A student number already held by another student.
    pub const DUPLICATE_STUDENT_NUMBER: &str = "duplicate_student_number";
    /// A student with six or more guardians.
    pub const MANY_GUARDIANS: &str = "many_guardians";
    /// A guardian link (agent) that points at someone who is not a guardian (e.g. a teacher).
    pub const AGENT_NOT_GUARDIAN: &str = "agent_not_guardian";
    /// A guardian link whose student side is not a student.
    pub const AGENT_NOT_STUDENT: &str = "agent_not_student";
    /// The SIS still sends a link a person removed by hand.
    pub const TOMBSTONED_RELATIONSHIP: &str = "tombstoned_relationship";
    /// A dropped link kept because the family was invited or claimed an account.
    pub const RELATIONSHIP_KEPT: &str = "relationship_kept";
    /// What a held run would remove.
    pub const WOULD_REMOVE: &str = "would_remove";
    /// Why a run was held.
    pub const HELD: &str = "held";
    /// A connector that has not synced successfully for 90 days.
    pub const CONNECTOR_STALE: &str = "connector_stale";
    /// A delta whose cursor the connector could no longer use ran as a full snapshot.
    pub const DELTA_FELL_BACK_TO_FULL: &str = "delta_fell_back_to_full";
}

/// The report being built during a run.
#[derive(Debug, Default)]
pub struct Report {
    counts: BTreeMap<&'static str, Counts>,
    pending: Vec<SyncIssue>,
    /// Issues raised per (code, severity): exact.
    per_code: BTreeMap<(String, Severity), u64>,
    /// What `per_code` gained since the last [`Report::take_counts`].
    unflushed: BTreeMap<(String, Severity), u64>,
    /// Issues stored per code (up to the cap).
    stored: BTreeMap<String, usize>,
    errors: u64,
    alerts: u64,
    seen_alert_keys: HashSet<(String, String)>,
}

impl Report {
    /// Counts of `kind`, to update.
    pub fn counts(&mut self, kind: EntityKind) -> &mut Counts {
        self.counts.entry(kind.as_str()).or_default()
    }

    /// Records an issue about `(kind, external_id)`.
    pub fn issue(
        &mut self,
        run_id: &str,
        severity: Severity,
        code: &str,
        kind: Option<EntityKind>,
        external_id: Option<&str>,
        message: impl Into<String>,
    ) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Alert => self.alerts += 1,
        }
        *self
            .per_code
            .entry((code.to_owned(), severity))
            .or_default() += 1;
        *self
            .unflushed
            .entry((code.to_owned(), severity))
            .or_default() += 1;
        let stored = self.stored.entry(code.to_owned()).or_default();
        if *stored >= MAX_ISSUES_PER_CODE && code != codes::WOULD_REMOVE {
            return;
        }
        *stored += 1;
        self.pending.push(SyncIssue {
            id: new_id(),
            run_id: run_id.to_owned(),
            severity,
            code: code.to_owned(),
            entity_kind: kind.map(|k| k.as_str().to_owned()),
            external_id: external_id.map(str::to_owned),
            message: message.into(),
            created_at: now_micros(),
            related_id: None,
            contact_value: None,
        });
    }

    /// An alert about `(kind, external_id)` that names another local record (`related_id`),
    /// e.g. the person a merge suggestion would join; raised at most once per (code, key).
    pub fn alert_related(
        &mut self,
        run_id: &str,
        code: &str,
        kind: EntityKind,
        external_id: &str,
        related_id: &str,
        message: impl Into<String>,
    ) {
        let before = self.pending.len();
        self.alert_once(run_id, code, kind, external_id, message);
        if self.pending.len() > before
            && let Some(issue) = self.pending.last_mut()
        {
            issue.related_id = Some(related_id.to_owned());
        }
    }

    /// Like [`Self::alert_related`], also naming the normalized contact point the alert is about
    /// (what a guardian confirming a merge suggestion must verify).
    #[allow(clippy::too_many_arguments)]
    pub fn alert_contact(
        &mut self,
        run_id: &str,
        code: &str,
        kind: EntityKind,
        external_id: &str,
        related_id: &str,
        contact_value: &str,
        message: impl Into<String>,
    ) {
        let before = self.pending.len();
        self.alert_related(run_id, code, kind, external_id, related_id, message);
        if self.pending.len() > before
            && let Some(issue) = self.pending.last_mut()
        {
            issue.contact_value = Some(contact_value.to_owned());
        }
    }

    /// An alert, raised at most once per (code, key) in a run.
    pub fn alert_once(
        &mut self,
        run_id: &str,
        code: &str,
        kind: EntityKind,
        external_id: &str,
        message: impl Into<String>,
    ) {
        if self
            .seen_alert_keys
            .insert((code.to_owned(), external_id.to_owned()))
        {
            self.issue(
                run_id,
                Severity::Alert,
                code,
                Some(kind),
                Some(external_id),
                message,
            );
        }
    }

    /// A rejected record.
    pub fn reject(
        &mut self,
        run_id: &str,
        code: &str,
        kind: EntityKind,
        external_id: &str,
        message: impl Into<String>,
    ) {
        self.counts(kind).rejected += 1;
        self.issue(
            run_id,
            Severity::Error,
            code,
            Some(kind),
            Some(external_id),
            message,
        );
    }

    /// Records what a connector found wrong in the source: rejected rows are errors (and count
    /// as rejected records), kept rows with warnings are alerts. An issue that stands for
    /// `more` unlisted ones of its code counts them all.
    pub fn source_issue(&mut self, run_id: &str, issue: &homeroom_connector_core::SourceIssue) {
        use homeroom_connector_core::IssueSeverity;
        let severity = match issue.severity {
            IssueSeverity::Error => {
                if let Some(kind) = issue.entity_kind {
                    self.counts(kind).rejected += 1 + issue.more;
                }
                Severity::Error
            }
            IssueSeverity::Warning => Severity::Alert,
        };
        self.issue(
            run_id,
            severity,
            &issue.code,
            issue.entity_kind,
            issue.external_id.as_deref(),
            issue.message.clone(),
        );
        if issue.more > 0 {
            self.count_unlisted(&issue.code, severity, issue.more);
        }
    }

    /// Counts `n` issues of a code that are not listed one by one.
    fn count_unlisted(&mut self, code: &str, severity: Severity, n: u64) {
        match severity {
            Severity::Error => self.errors += n,
            Severity::Alert => self.alerts += n,
        }
        *self
            .per_code
            .entry((code.to_owned(), severity))
            .or_default() += n;
        *self
            .unflushed
            .entry((code.to_owned(), severity))
            .or_default() += n;
    }

    /// Takes the issues recorded since the last call (to write them).
    pub fn take_pending(&mut self) -> Vec<SyncIssue> {
        std::mem::take(&mut self.pending)
    }

    /// Writes the issues and counts gained since the last flush to the run's report (on the
    /// caller's connection, so inside its transaction when it has one).
    pub async fn flush(
        &mut self,
        conn: &mut homeroom_schema::Conn,
        run_id: &str,
    ) -> homeroom_schema::StoreResult<()> {
        use homeroom_schema::store::sync_runs;
        sync_runs::add_issues(conn, &self.take_pending()).await?;
        sync_runs::add_issue_counts(conn, &self.take_counts(run_id)).await
    }

    /// The issue counts gained since the last call, as increments to add to the run's summary.
    pub fn take_counts(&mut self, run_id: &str) -> Vec<SyncIssueCount> {
        std::mem::take(&mut self.unflushed)
            .into_iter()
            .map(|((code, severity), n)| SyncIssueCount {
                run_id: run_id.to_owned(),
                code,
                severity,
                count: i64::try_from(n).unwrap_or(i64::MAX),
            })
            .collect()
    }

    /// Issues raised so far per (code, severity), exact.
    pub fn summary(&self) -> &BTreeMap<(String, Severity), u64> {
        &self.per_code
    }

    /// Errors so far.
    pub fn error_count(&self) -> u64 {
        self.errors
    }

    /// Alerts so far.
    pub fn alert_count(&self) -> u64 {
        self.alerts
    }

    /// Counts as stored on the run.
    pub fn entity_counts(&self) -> Vec<EntityCounts> {
        self.counts
            .iter()
            .map(|(entity, counts)| EntityCounts {
                entity: (*entity).to_owned(),
                counts: *counts,
            })
            .collect()
    }

    /// Records this run wrote so far (created, updated or merged, of every kind).
    pub fn written(&self) -> u64 {
        self.counts
            .values()
            .map(|c| c.created + c.updated + c.merged)
            .sum()
    }

    /// Counts per entity.
    pub fn all_counts(&self) -> &BTreeMap<&'static str, Counts> {
        &self.counts
    }
}
