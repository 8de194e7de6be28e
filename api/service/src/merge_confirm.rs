//! A claimed guardian confirming a merge suggestion about themselves: a sync alert says an SIS
//! record matches their account by a contact point they have not verified. They ask for a
//! one-time code, which goes through the outbox to exactly that contact point; entering it
//! verifies the contact point and merges the SIS record into their account (audited with them
//! as the actor; an admin can undo it like any merge).

use homeroom_schema::enums::{AccountState, ContactKind};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{AuditEvent, ContactPoint, Person, VerificationCode};
use homeroom_schema::store::{contacts, districts, families, outbox, verification};
use homeroom_schema::{Conn, Store};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::UserError;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use crate::merges::{self, Stop, Suggestion, settle};
use homeroom_delivery::notice_text::NoticeText;

/// Purpose of the codes this module sends.
pub const PURPOSE: &str = "merge";
/// Outbox kind of a code message.
pub const KIND_CODE: &str = "verify.merge_code";
/// How long a code works.
pub const CODE_TTL_MICROS: i64 = 15 * 60 * 1_000_000;
/// Wrong guesses before a code stops working.
pub const MAX_ATTEMPTS: i32 = 5;
/// Codes one person may ask for per hour.
pub const MAX_CODES_PER_HOUR: i64 = 5;

/// A suggestion about the caller, seen from their side.
#[derive(Debug, Clone)]
pub struct MySuggestion {
    /// The suggestion.
    pub suggestion: Suggestion,
    /// The other record (the one that would merge into the caller).
    pub other: Person,
    /// The caller's contact points the suggestion matched on.
    pub contacts: Vec<ContactPoint>,
}

fn me(principal: &Principal) -> ServiceResult<&str> {
    principal
        .person_id
        .as_deref()
        .ok_or_else(|| ServiceError::Forbidden("this token is not bound to a person".into()))
}

/// Suggestions a claimed account holder may confirm: they are the survivor, the other record
/// has no account of its own, and the alerts matched one of their contact points.
pub async fn mine(conn: &mut Conn, principal: &Principal) -> ServiceResult<Vec<MySuggestion>> {
    let me = me(principal)?;
    let all = merges::district_suggestions(conn, &principal.district_id).await?;
    let mut out = Vec::new();
    for s in all {
        if s.survivor.id != me
            || s.survivor.account_state != AccountState::Claimed
            || s.duplicate.account_state == AccountState::Claimed
        {
            continue;
        }
        let matched: Vec<ContactPoint> =
            contacts::of_people(conn, std::slice::from_ref(&s.survivor.id))
                .await?
                .into_iter()
                .filter(|cp| s.contact_values.contains(&cp.value))
                .collect();
        if matched.is_empty() {
            continue;
        }
        out.push(MySuggestion {
            other: s.duplicate.clone(),
            suggestion: s,
            contacts: matched,
        });
    }
    Ok(out)
}

async fn find(
    conn: &mut Conn,
    principal: &Principal,
    suggestion_id: &str,
) -> ServiceResult<Result<MySuggestion, UserError>> {
    Ok(mine(conn, principal)
        .await?
        .into_iter()
        .find(|s| s.suggestion.id == suggestion_id)
        .ok_or_else(|| {
            UserError::new(
                Some("suggestionId"),
                "NOT_FOUND",
                "no open suggestion about you with this id",
            )
        }))
}

fn code_hash(code_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{code_id}:{code}").as_bytes()))
}

fn code_text(district: &str, code: &str) -> NoticeText {
    NoticeText {
        subject: format!("Your Homeroom code: {code}"),
        greeting: None,
        paragraphs: vec![
            format!(
                "Your code is {code}. Enter it in Homeroom to confirm that the {district} \
                 record that matches this contact point is you. It works for 15 minutes."
            ),
            "If you did not ask for it, ignore this message.".into(),
        ],
        sms: format!("Your Homeroom code is {code}. It works for 15 minutes."),
    }
}

/// Sends a one-time code to the caller's contact point the suggestion matched on (the
/// verified-or-not one named by `contact_point_id`, or the first). Returns that contact point.
pub async fn request_code(
    store: &Store,
    principal: &Principal,
    suggestion_id: &str,
    contact_point_id: Option<&str>,
) -> ServiceResult<Result<ContactPoint, UserError>> {
    store
        .transaction(async |conn| {
            let mine = match find(conn, principal, suggestion_id).await? {
                Ok(m) => m,
                Err(e) => return Ok(Err(e)),
            };
            let contact = match contact_point_id {
                Some(id) => mine.contacts.iter().find(|cp| cp.id == id),
                None => mine.contacts.first(),
            };
            let Some(contact) = contact.cloned() else {
                return Ok(Err(UserError::new(
                    Some("contactPointId"),
                    "NOT_MATCHED",
                    "the suggestion did not match this contact point",
                )));
            };
            let now = now_micros();
            let me = mine.suggestion.survivor.id.clone();
            let recent = verification::sent_since(conn, &me, PURPOSE, now - 3_600_000_000).await?;
            if recent >= MAX_CODES_PER_HOUR {
                return Ok(Err(UserError::new(
                    None,
                    "RATE_LIMITED",
                    "too many codes asked for in the last hour; try again later",
                )));
            }
            let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
            let id = new_id();
            let row = VerificationCode {
                id: id.clone(),
                district_id: principal.district_id.clone(),
                person_id: me,
                contact_point_id: contact.id.clone(),
                purpose: PURPOSE.into(),
                subject_id: mine.other.id.clone(),
                code_hash: code_hash(&id, &code),
                attempts: 0,
                expires_at: now + CODE_TTL_MICROS,
                used_at: None,
                created_at: now,
            };
            verification::replace(conn, &row).await?;
            let district = districts::get(conn, &principal.district_id)
                .await?
                .map(|d| d.name)
                .unwrap_or_default();
            let text = code_text(&district, &code);
            let payload = match contact.kind {
                ContactKind::Email => text.email(),
                ContactKind::Phone => text.sms(),
            };
            let message = payload.into_message(&principal.district_id, KIND_CODE, &contact.value);
            outbox::enqueue(conn, std::slice::from_ref(&message)).await?;
            Ok(Ok(contact))
        })
        .await
}

/// What checking a code found.
enum Check {
    Good(VerificationCode),
    Bad(UserError),
}

async fn check(conn: &mut Conn, me: &str, other: &str, code: &str) -> ServiceResult<Check> {
    let refused = |code: &str, msg: &str| UserError::new(Some("code"), code, msg);
    let Some(row) = verification::open(conn, me, PURPOSE, other).await? else {
        return Ok(Check::Bad(refused("NO_CODE", "ask for a code first")));
    };
    if row.expires_at < now_micros() {
        return Ok(Check::Bad(refused(
            "CODE_EXPIRED",
            "the code has expired; ask for a new one",
        )));
    }
    // Increment-then-check in one statement: every attempt counts before the code is compared.
    if row.attempts >= MAX_ATTEMPTS
        || !verification::take_attempt(conn, &row.id, MAX_ATTEMPTS).await?
    {
        return Ok(Check::Bad(refused(
            "TOO_MANY_ATTEMPTS",
            "too many wrong codes; ask for a new one",
        )));
    }
    let given = code_hash(&row.id, code.trim());
    let matches = given.len() == row.code_hash.len()
        && given
            .bytes()
            .zip(row.code_hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if matches {
        Ok(Check::Good(row))
    } else {
        Ok(Check::Bad(refused("WRONG_CODE", "the code is not right")))
    }
}

/// Checks the code and, when it is right, verifies the contact point and merges the other
/// record into the caller's account. Returns the caller after the merge and the merge's
/// audit event.
pub async fn confirm(
    store: &Store,
    principal: &Principal,
    suggestion_id: &str,
    code: &str,
) -> ServiceResult<Result<(Person, AuditEvent), UserError>> {
    let (mine, checked) = {
        let mut conn = store.conn().await?;
        let mine = match find(&mut conn, principal, suggestion_id).await? {
            Ok(m) => m,
            Err(e) => return Ok(Err(e)),
        };
        let checked = check(
            &mut conn,
            &mine.suggestion.survivor.id,
            &mine.other.id,
            code,
        )
        .await?;
        (mine, checked)
    };
    let row = match checked {
        Check::Good(row) => row,
        // The attempt was already counted (outside any transaction a refusal would roll back).
        Check::Bad(e) => return Ok(Err(e)),
    };
    let outcome = store
        .transaction(async |conn| -> Result<_, Stop> {
            verification::mark_used(conn, &row.id, now_micros()).await?;
            families::verify_contact_point(conn, &row.contact_point_id).await?;
            merges::merge_in(
                conn,
                principal,
                &mine.suggestion.survivor.id,
                &mine.other.id,
            )
            .await
        })
        .await;
    settle(outcome)
}
