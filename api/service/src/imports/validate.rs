//! Validating a relationship spreadsheet against the district, and planning its changes:
//! every row is checked (both people exist, the type is known, the caller may manage the
//! student, no duplicate inside the file) with batched lookups, so large files stay fast.

use std::collections::{HashMap, HashSet};

use homeroom_connector_core as core;
use homeroom_connector_core::shown::quoted;
use homeroom_schema::Conn;
use homeroom_schema::StoreResult;
pub use homeroom_schema::counts::ChangeCounts;
use homeroom_schema::enums::{
    ContactKind, LinkReviewState, RelationshipKind, RelationshipStatus, Role, Status,
};
use homeroom_schema::models::Person;
use homeroom_schema::scope::Visible;
use homeroom_schema::store::{contacts, people, relationships};
use serde::{Deserialize, Serialize};

use crate::imports::csv_file::{
    PARENT_EMAIL, Parsed, RELATIONSHIP_TYPE, RawRow, RowError, STUDENT_EMAIL, STUDENT_ID,
};

/// What importing one valid row changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A new link.
    New,
    /// The link exists with another kind.
    KindChange,
    /// The link exists but was removed; the import restores it.
    Restore,
    /// The link exists as written: nothing changes.
    AlreadyPresent,
}

impl Change {
    /// Counts this change in `counts`.
    pub fn tally(self, counts: &mut ChangeCounts) {
        match self {
            Change::New => counts.created += 1,
            Change::KindChange => counts.kind_changed += 1,
            Change::Restore => counts.restored += 1,
            Change::AlreadyPresent => counts.unchanged += 1,
        }
    }
}

/// One valid row and what importing it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    /// Line in the file.
    pub row: u64,
    /// The parent's email as written.
    pub parent_email: String,
    /// The student's id or email as written.
    pub student: String,
    /// The guardian's person id.
    pub guardian_id: String,
    /// The student's person id.
    pub student_id: String,
    /// The kind the file asks for.
    pub kind: RelationshipKind,
    /// What changes.
    pub change: Change,
    /// The existing link, if any.
    pub relationship_id: Option<String>,
    /// The existing link's kind, if any.
    pub old_kind: Option<RelationshipKind>,
    /// How the link made or restored is reviewed (a teacher's import), if at all.
    #[serde(default)]
    pub review: Option<LinkReviewState>,
}

/// The outcome of validation.
#[derive(Debug, Default)]
pub struct Validation {
    /// Data rows read (valid and invalid).
    pub total_rows: u64,
    /// Rows with at least one error.
    pub invalid_rows: u64,
    /// Why rows are invalid, in file order (a row may have several reasons).
    pub errors: Vec<RowError>,
    /// The valid rows and their changes, in file order.
    pub plan: Vec<PlannedRow>,
    /// Planned changes by kind.
    pub planned: ChangeCounts,
}

/// Parses a relationship type, case-insensitively.
pub fn parse_kind(raw: &str) -> Option<RelationshipKind> {
    raw.trim().to_lowercase().parse().ok()
}

/// How a row names its student.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum StudentRef {
    /// Student number or SIS id.
    Id(String),
    /// Normalized email.
    Email(String),
}

/// A row after local checks.
struct Checked {
    line: u64,
    raw: RawRow,
    parent: Option<String>,
    student: Option<StudentRef>,
    kind: Option<RelationshipKind>,
    errors: Vec<RowError>,
}

fn check_row(raw: RawRow) -> Checked {
    let line = raw.line;
    let mut errors = Vec::new();
    let parent = if raw.parent_email.is_empty() {
        errors.push(RowError::new(
            line,
            Some(PARENT_EMAIL),
            "PARENT_EMAIL_MISSING",
            "parent_email is empty",
        ));
        None
    } else {
        match core::normalize_email(&raw.parent_email) {
            Ok(e) => Some(e),
            Err(e) => {
                errors.push(RowError::new(
                    line,
                    Some(PARENT_EMAIL),
                    "PARENT_EMAIL_INVALID",
                    format!(
                        "parent_email {} is not an email address: {e}",
                        quoted(&raw.parent_email)
                    ),
                ));
                None
            }
        }
    };
    let id = raw.student_id.as_deref().filter(|s| !s.is_empty());
    let email = raw.student_email.as_deref().filter(|s| !s.is_empty());
    let student = match (id, email) {
        (Some(id), _) => Some(StudentRef::Id(id.to_owned())),
        (None, Some(email)) => match core::normalize_email(email) {
            Ok(e) => Some(StudentRef::Email(e)),
            Err(e) => {
                errors.push(RowError::new(
                    line,
                    Some(STUDENT_EMAIL),
                    "STUDENT_EMAIL_INVALID",
                    format!(
                        "student_email {} is not an email address: {e}",
                        quoted(email)
                    ),
                ));
                None
            }
        },
        (None, None) => {
            errors.push(RowError::new(
                line,
                Some(if raw.student_id.is_some() {
                    STUDENT_ID
                } else {
                    STUDENT_EMAIL
                }),
                "STUDENT_MISSING",
                "the row names no student (student_id or student_email)",
            ));
            None
        }
    };
    let kind = parse_kind(&raw.relationship_type);
    if kind.is_none() {
        errors.push(RowError::new(
            line,
            Some(RELATIONSHIP_TYPE),
            "RELATIONSHIP_TYPE_INVALID",
            format!(
                "relationship_type {} is not one of Parent, Aide, Guardian, Relative, Other",
                quoted(&raw.relationship_type)
            ),
        ));
    }
    Checked {
        line,
        raw,
        parent,
        student,
        kind,
        errors,
    }
}

async fn people_by_id(conn: &mut Conn, ids: Vec<String>) -> StoreResult<HashMap<String, Person>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(5_000) {
        for p in people::get_many(conn, chunk).await? {
            out.insert(p.id.clone(), p);
        }
    }
    Ok(out)
}

/// Adults holding each normalized email (active, not students).
async fn parents_by_email(
    conn: &mut Conn,
    district_id: &str,
    emails: &[String],
) -> StoreResult<HashMap<String, String>> {
    let mut holder: HashMap<String, String> = HashMap::new();
    for chunk in emails.chunks(5_000) {
        for cp in contacts::holders(conn, district_id, ContactKind::Email, chunk, true).await? {
            holder.insert(cp.value, cp.person_id);
        }
    }
    let persons = people_by_id(conn, holder.values().cloned().collect()).await?;
    holder.retain(|_, id| {
        persons
            .get(id)
            .is_some_and(|p| p.status == Status::Active && !p.is_student)
    });
    Ok(holder)
}

/// Whom an import may name: the students it links and the adults it links them to. Anything
/// outside it is answered exactly like something that does not exist, so an import (a dry run
/// included) tells a caller nothing about people they may not see. Built by the policy
/// ([`crate::auth::policy::import_scope`]).
#[derive(Debug, Clone)]
pub struct ImportScope {
    /// People the caller sees (`All`: the whole district).
    pub visible: Visible,
    /// The caller's own person, never linked as a guardian by their own import.
    pub me: Option<String>,
    /// Only adults who already hold the guardian role may be named (teachers' imports).
    pub guardians_only: bool,
    /// How the links this import makes are reviewed (a teacher's), if at all.
    pub review: Option<LinkReviewState>,
}

impl ImportScope {
    /// The whole district: district admins and the operator's CLI.
    pub fn district() -> ImportScope {
        ImportScope {
            visible: Visible::All,
            me: None,
            guardians_only: false,
            review: None,
        }
    }
}

/// Keeps the parents `scope` may name; the others read as unknown addresses.
async fn parents_in_scope(
    conn: &mut Conn,
    scope: &ImportScope,
    mut parents: HashMap<String, String>,
) -> StoreResult<HashMap<String, String>> {
    parents.retain(|_, id| scope.visible.contains(id) && scope.me.as_deref() != Some(id.as_str()));
    if scope.guardians_only {
        let ids: Vec<String> = parents.values().cloned().collect();
        let guardians: HashSet<String> = people::roles_of(conn, &ids)
            .await?
            .into_iter()
            .filter(|r| r.role == Role::Guardian)
            .map(|r| r.person_id)
            .collect();
        parents.retain(|_, id| guardians.contains(id));
    }
    Ok(parents)
}

/// Active students named by student number, SIS id or email; a reference naming two
/// different students maps to all of them (ambiguous).
async fn students_by_ref(
    conn: &mut Conn,
    district_id: &str,
    refs: &HashSet<StudentRef>,
) -> StoreResult<HashMap<StudentRef, Vec<String>>> {
    let ids: Vec<String> = refs
        .iter()
        .filter_map(|r| match r {
            StudentRef::Id(v) => Some(v.clone()),
            StudentRef::Email(_) => None,
        })
        .collect();
    let emails: Vec<String> = refs
        .iter()
        .filter_map(|r| match r {
            StudentRef::Email(v) => Some(v.clone()),
            StudentRef::Id(_) => None,
        })
        .collect();
    let mut found: HashMap<StudentRef, Vec<String>> = HashMap::new();
    fn push(found: &mut HashMap<StudentRef, Vec<String>>, r: StudentRef, id: String) {
        let v = found.entry(r).or_default();
        if !v.contains(&id) {
            v.push(id);
        }
    }
    for chunk in ids.chunks(5_000) {
        for p in people::students_by_number(conn, district_id, chunk).await? {
            if p.status == Status::Active
                && let Some(n) = p.student_number
            {
                push(&mut found, StudentRef::Id(n), p.id);
            }
        }
    }
    // SIS ids only for values that are no student number (most files use numbers).
    let by_sis: Vec<String> = ids
        .iter()
        .filter(|v| !found.contains_key(&StudentRef::Id((*v).clone())))
        .cloned()
        .collect();
    for p in people::students_by_sis_id(conn, district_id, &by_sis).await? {
        if p.status == Status::Active
            && let Some(n) = p.sis_id
        {
            push(&mut found, StudentRef::Id(n), p.id);
        }
    }
    let mut by_email: Vec<(String, String)> = Vec::new();
    for chunk in emails.chunks(5_000) {
        for cp in contacts::holders(conn, district_id, ContactKind::Email, chunk, false).await? {
            by_email.push((cp.value, cp.person_id));
        }
    }
    let persons = people_by_id(conn, by_email.iter().map(|(_, id)| id.clone()).collect()).await?;
    for (email, id) in by_email {
        if persons
            .get(&id)
            .is_some_and(|p| p.is_student && p.status == Status::Active)
        {
            push(&mut found, StudentRef::Email(email), id);
        }
    }
    Ok(found)
}

/// Validates parsed rows for a caller who may manage the students in `manageable`, and plans
/// what importing the valid rows changes.
pub async fn validate(
    conn: &mut Conn,
    district_id: &str,
    scope: &ImportScope,
    parsed: Parsed,
) -> StoreResult<Validation> {
    let mut checked: Vec<Checked> = parsed.rows.into_iter().map(check_row).collect();
    let mut emails: Vec<String> = checked.iter().filter_map(|c| c.parent.clone()).collect();
    emails.sort();
    emails.dedup();
    let refs: HashSet<StudentRef> = checked.iter().filter_map(|c| c.student.clone()).collect();
    let parents = parents_by_email(conn, district_id, &emails).await?;
    let parents = parents_in_scope(conn, scope, parents).await?;
    let students = students_by_ref(conn, district_id, &refs).await?;

    // Resolve people, and refuse duplicates of an earlier valid pair.
    let mut resolved: Vec<Option<(String, String, RelationshipKind)>> =
        Vec::with_capacity(checked.len());
    let mut first_row: HashMap<(String, String), u64> = HashMap::new();
    for c in &mut checked {
        let guardian = c.parent.as_ref().and_then(|e| {
            let found = parents.get(e).cloned();
            if found.is_none() {
                c.errors.push(RowError::new(
                    c.line,
                    Some(PARENT_EMAIL),
                    "PARENT_NOT_FOUND",
                    format!("no adult you may link has the email {e}"),
                ));
            }
            found
        });
        let student = c.student.as_ref().and_then(|r| {
            let (field, shown) = match r {
                StudentRef::Id(v) => (STUDENT_ID, v),
                StudentRef::Email(v) => (STUDENT_EMAIL, v),
            };
            // Students the caller may not see are not there at all (no "exists, but not
            // yours" answer, and no ambiguity they could probe).
            let mine: Vec<&String> = students
                .get(r)
                .into_iter()
                .flatten()
                .filter(|id| scope.visible.contains(id))
                .collect();
            match mine.as_slice() {
                [] => {
                    c.errors.push(RowError::new(
                        c.line,
                        Some(field),
                        "STUDENT_NOT_FOUND",
                        format!("no active student you manage has {field} {}", quoted(shown)),
                    ));
                    None
                }
                [one] => Some((*one).clone()),
                _ => {
                    c.errors.push(RowError::new(
                        c.line,
                        Some(field),
                        "STUDENT_AMBIGUOUS",
                        format!("{field} {} names more than one student", quoted(shown)),
                    ));
                    None
                }
            }
        });
        let ok = match (guardian, student, c.kind) {
            (Some(g), Some(s), Some(k)) if c.errors.is_empty() => {
                match first_row.get(&(g.clone(), s.clone())) {
                    Some(first) => {
                        c.errors.push(RowError::new(
                            c.line,
                            None,
                            "DUPLICATE_ROW",
                            format!("the same parent and student as row {first}"),
                        ));
                        None
                    }
                    None => {
                        first_row.insert((g.clone(), s.clone()), c.line);
                        Some((g, s, k))
                    }
                }
            }
            _ => None,
        };
        resolved.push(ok);
    }

    // Classify the valid rows against the links that exist.
    let mut student_ids: Vec<String> = resolved
        .iter()
        .flatten()
        .map(|(_, s, _)| s.clone())
        .collect();
    student_ids.sort();
    student_ids.dedup();
    let existing: HashMap<(String, String), _> =
        relationships::of_students(conn, district_id, &student_ids)
            .await?
            .into_iter()
            .map(|l| ((l.guardian_id.clone(), l.student_id.clone()), l))
            .collect();
    let mut out = Validation {
        total_rows: (checked.len() + parsed.errors.len()) as u64,
        ..Validation::default()
    };
    let mut errors = parsed.errors;
    let mut invalid: HashSet<u64> = errors.iter().filter_map(|e| e.row).collect();
    for (c, ok) in checked.into_iter().zip(resolved) {
        if !c.errors.is_empty() {
            invalid.insert(c.line);
            errors.extend(c.errors);
            continue;
        }
        let Some((guardian_id, student_id, kind)) = ok else {
            continue;
        };
        let link = existing.get(&(guardian_id.clone(), student_id.clone()));
        let change = match link {
            None => Change::New,
            Some(l) if l.status == RelationshipStatus::Removed => Change::Restore,
            Some(l) if l.kind != kind => Change::KindChange,
            Some(_) => Change::AlreadyPresent,
        };
        change.tally(&mut out.planned);
        out.plan.push(PlannedRow {
            row: c.line,
            parent_email: c.raw.parent_email,
            student: c
                .raw
                .student_id
                .filter(|s| !s.is_empty())
                .or(c.raw.student_email)
                .unwrap_or_default(),
            guardian_id,
            student_id,
            kind,
            change,
            relationship_id: link.map(|l| l.id.clone()),
            old_kind: link.map(|l| l.kind),
            review: scope.review,
        });
    }
    errors.sort_by_key(|e| e.row);
    out.invalid_rows = invalid.len() as u64;
    out.errors = errors;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_in_messages() {
        let long = "é\"".repeat(10_000);
        let checked = check_row(RawRow {
            line: 2,
            parent_email: long.clone(),
            student_email: Some(long.clone()),
            student_id: None,
            relationship_type: long,
        });
        assert_eq!(checked.errors.len(), 3);
        for e in &checked.errors {
            assert!(e.message.chars().count() < 300, "{}", e.message);
            assert!(e.message.contains("…"), "{}", e.message);
        }
    }
}
