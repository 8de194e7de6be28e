//! Accounts: guardians claiming theirs from an invitation, operators setting a staff member's
//! password, and signing in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use homeroom_schema::enums::{
    ContactKind, ContactSource, InvitationPurpose, InvitationStatus, PrincipalKind, Reachability,
    RecordSource, RelationshipStatus, Role, TokenRole,
};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{ApiToken, ContactPoint, Invitation, Person};
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{
    contacts, districts, families, invitations, people, relationships, tokens,
};
use homeroom_schema::{Conn, Store};
use serde_json::json;

use crate::UserError;
use crate::auth::token;
use crate::error::{ServiceError, ServiceResult};
use crate::invitations::state;
use crate::webhooks::{self, WebhookEvent};
use homeroom_core::ids::{NodeKind, encode};

/// How long a session from accepting or signing in lasts.
pub const SESSION_DAYS: i64 = 30;
/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted (hashing cost stays bounded).
pub const MAX_PASSWORD_LEN: usize = 256;
/// Lowest zxcvbn score accepted: 2, "more than 10^8 guesses" (anything on its lists of common
/// and breached passwords, or a simple variation of one, scores lower).
pub const MIN_PASSWORD_SCORE: u8 = 2;

/// What an invitation link shows before it is accepted: nothing secret.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The invitation.
    pub invitation: Invitation,
    /// District name.
    pub district: String,
    /// The invited guardian's given name.
    pub guardian_given_name: String,
    /// Given names of their students.
    pub students: Vec<String>,
    /// Who invited them.
    pub inviter: Option<String>,
    /// Whether it can still be accepted.
    pub open: bool,
}

/// The invitation behind a link token, if any.
async fn by_token(conn: &mut Conn, raw: &str) -> ServiceResult<Option<Invitation>> {
    Ok(invitations::by_token(conn, &token::hash(raw.trim())).await?)
}

/// Previews an invitation link (unauthenticated). `None` for an unknown token.
pub async fn preview(store: &Store, public_url: &str, raw: &str) -> ServiceResult<Option<Preview>> {
    let mut conn = store.conn().await?;
    let Some(invitation) = by_token(&mut conn, raw).await? else {
        return Ok(None);
    };
    let (ctx, guardian, students) =
        crate::invitations::fallback::context_for(&mut conn, &invitation, public_url).await?;
    Ok(Some(Preview {
        open: state::is_open(&invitation, now_micros()),
        invitation,
        district: ctx.district,
        guardian_given_name: guardian,
        students,
        // Only staff are named (a guardian's chosen name never speaks for the school).
        inviter: match ctx.inviter {
            crate::invitations::compose::InvitedBy::Staff(name) => Some(name),
            _ => None,
        },
    }))
}

/// The profile a guardian completes when accepting.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// A phone number to add.
    pub phone: Option<String>,
    /// Whether the student of the invitation lives with them.
    pub lives_with_student: Option<bool>,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token (shown once).
    pub token: String,
    /// The person.
    pub person: Person,
}

pub(crate) fn hash_password(password: &str) -> ServiceResult<String> {
    let mut salt = [0u8; 16];
    rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut salt)
        .map_err(|e| ServiceError::Internal(format!("random source: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
}

/// A hash no password matches, checked for addresses without an account (equal timing).
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Checks a new password as NIST SP 800-63B asks: long enough, not absurdly long, and not a
/// common or easily guessed one (zxcvbn's frequency lists of breached passwords, words and
/// names, shipped in the binary, with its pattern matching of keyboard walks, repeats and
/// dates). No composition rules.
pub(crate) fn password_problem(password: &str) -> Option<UserError> {
    let weak = |message: String| Some(UserError::new(Some("password"), "WEAK_PASSWORD", message));
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return weak(format!("use at least {MIN_PASSWORD_LEN} characters"));
    }
    if length > MAX_PASSWORD_LEN {
        return weak(format!("use at most {MAX_PASSWORD_LEN} characters"));
    }
    let estimate = zxcvbn::zxcvbn(password, &["homeroom"]);
    if u8::from(estimate.score()) < MIN_PASSWORD_SCORE {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return weak(format!(
            "this password is too common or too easy to guess{why}; a few unrelated words make a good one"
        ));
    }
    None
}

/// A session token row for a person.
pub(crate) fn session_row(
    district_id: &str,
    person_id: &str,
    role: TokenRole,
) -> (ApiToken, String) {
    let secret = token::generate();
    let now = now_micros();
    let row = ApiToken {
        id: new_id(),
        district_id: district_id.to_owned(),
        principal_kind: PrincipalKind::Person,
        person_id: Some(person_id.to_owned()),
        partner_name: None,
        role,
        scopes: "[]".into(),
        token_hash: token::hash(&secret),
        label: Some("session".into()),
        expires_at: Some(now + SESSION_DAYS * 86_400_000_000),
        last_used_at: None,
        revoked_at: None,
        created_at: now,
    };
    (row, secret)
}

fn refused(code: &str, field: Option<&str>, message: &str) -> Result<Session, Vec<UserError>> {
    Err(vec![UserError::new(field, code, message)])
}

/// Accepts an invitation (unauthenticated, gated by the link's token, single use): the guardian
/// completes their profile and sets a password, the contact point the invitation reached is
/// verified, and a session starts.
pub async fn accept(
    store: &Store,
    raw_token: &str,
    profile: Profile,
    password: &str,
) -> ServiceResult<Result<Session, Vec<UserError>>> {
    if let Some(problem) = password_problem(password) {
        return Ok(Err(vec![problem]));
    }
    // The token is checked before any hashing: a guessed link costs one indexed lookup, not
    // an argon2 run (it is checked again inside the transaction).
    {
        let mut conn = store.conn().await?;
        let Some(inv) = by_token(&mut conn, raw_token).await? else {
            return Ok(refused(
                "INVALID_TOKEN",
                Some("token"),
                "this invitation link is not valid",
            ));
        };
        // A guardian gives their names; staff keep the names on the school's records.
        if inv.purpose == InvitationPurpose::Guardian
            && (profile.given_name.trim().is_empty() || profile.family_name.trim().is_empty())
        {
            return Ok(refused(
                "NAME_REQUIRED",
                Some("profile"),
                "give your given and family names",
            ));
        }
    }
    // Hash outside the transaction: argon2 is slow on purpose.
    let password_hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??
    };
    store
        .transaction(async |conn| {
            let Some(mut inv) = by_token(conn, raw_token).await? else {
                return Ok(refused(
                    "INVALID_TOKEN",
                    Some("token"),
                    "this invitation link is not valid",
                ));
            };
            let now = now_micros();
            match inv.status {
                InvitationStatus::Accepted => {
                    return Ok(refused(
                        "ALREADY_USED",
                        Some("token"),
                        "this invitation was already accepted; sign in instead",
                    ));
                }
                InvitationStatus::Revoked => {
                    return Ok(refused(
                        "REVOKED",
                        Some("token"),
                        "this invitation was withdrawn; ask the school for a new one",
                    ));
                }
                _ if !state::is_open(&inv, now) => {
                    return Ok(refused(
                        "EXPIRED",
                        Some("token"),
                        "this invitation expired; ask the school to send it again",
                    ));
                }
                _ => {}
            }
            let district = districts::get(conn, &inv.district_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("district".into()))?;
            let person = people::get(conn, &district.id, &inv.person_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("guardian".into()))?;
            // The phone, if given, must be valid and not another adult's.
            let mut new_phone = None;
            if let Some(raw) = profile
                .phone
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let region = district
                    .settings()
                    .default_country
                    .parse::<homeroom_connector_core::PhoneRegion>()
                    .unwrap_or_default();
                let value = match homeroom_connector_core::normalize_phone(raw, region) {
                    Ok(v) => v,
                    Err(e) => {
                        return Ok(refused(
                            "INVALID_PHONE",
                            Some("profile.phone"),
                            &e.to_string(),
                        ));
                    }
                };
                match contacts::adult_holder(conn, &district.id, ContactKind::Phone, &value).await?
                {
                    Some(cp) if cp.person_id != person.id => {
                        return Ok(refused(
                            "PHONE_TAKEN",
                            Some("profile.phone"),
                            "that phone number belongs to another account",
                        ));
                    }
                    Some(_) => {}
                    None => new_phone = Some((value, raw.to_owned())),
                }
            }
            // The role the session acts with: a guardian's, or the staff role the person holds
            // now (an invitation of someone who lost every staff role opens nothing).
            let session_as = match inv.purpose {
                InvitationPurpose::Guardian => TokenRole::Guardian,
                InvitationPurpose::Staff => {
                    let roles: Vec<Role> = people::roles_of(conn, std::slice::from_ref(&person.id))
                        .await?
                        .into_iter()
                        .map(|r| r.role)
                        .filter(|r| crate::auth::policy::STAFF_ROLES.contains(r))
                        .collect();
                    match session_role(&roles, None) {
                        Some(role) => role,
                        None => {
                            return Ok(refused(
                                "INVALID_TOKEN",
                                Some("token"),
                                "this invitation link is not valid",
                            ));
                        }
                    }
                }
            };
            // Take the invitation (after every check that may refuse) in one statement: a
            // concurrent acceptance of the same link waits on the row, then finds it taken.
            if !invitations::take_for_acceptance(conn, &inv.id, now).await? {
                return Ok(refused(
                    "ALREADY_USED",
                    Some("token"),
                    "this invitation was already accepted; sign in instead",
                ));
            }
            let (given, family) = match inv.purpose {
                InvitationPurpose::Guardian => (
                    profile.given_name.trim().to_owned(),
                    profile.family_name.trim().to_owned(),
                ),
                InvitationPurpose::Staff => (person.given_name.clone(), person.family_name.clone()),
            };
            families::claim_account(conn, &person.id, &given, &family, &password_hash).await?;
            if let Some((value, display)) = new_phone {
                let cp = ContactPoint {
                    id: new_id(),
                    district_id: district.id.clone(),
                    person_id: person.id.clone(),
                    kind: ContactKind::Phone,
                    value,
                    display_value: display,
                    is_adult: true,
                    source: ContactSource::SelfReported,
                    verified_at: None,
                    reachability: Reachability::Ok,
                    unreachable_reason: None,
                    unreachable_at: None,
                    created_at: now,
                    updated_at: now,
                };
                contacts::insert(conn, std::slice::from_ref(&cp)).await?;
            }
            if let Some(cp) = &inv.contact_point_id {
                families::verify_contact_point(conn, cp).await?;
            }
            // A link that waited for this adult's own acceptance becomes active now.
            if let Some(rel) = &inv.relationship_id
                && let Some(link) = relationships::get(conn, &district.id, rel).await?
                && link.status == RelationshipStatus::Removed
                && link.removed_by.as_deref()
                    == Some(crate::invitations::invite::PENDING_ACCEPTANCE)
            {
                relationships::restore(conn, rel).await?;
            }
            if let (Some(rel), Some(lives)) = (&inv.relationship_id, profile.lives_with_student) {
                families::set_lives_with(conn, rel, lives).await?;
            }
            if inv.purpose == InvitationPurpose::Guardian {
                people::add_role(conn, &person, Role::Guardian, None, RecordSource::Manual).await?;
            }
            inv.status = InvitationStatus::Accepted;
            inv.accepted_at = Some(now);
            invitations::save(conn, &inv).await?;
            invitations::close_others(conn, &person.id, &inv.id).await?;
            let (row, secret) = session_row(&district.id, &person.id, session_as);
            tokens::insert(conn, &row).await?;
            audit::record(
                conn,
                NewEvent {
                    district_id: &district.id,
                    actor_kind: homeroom_schema::enums::ActorKind::Person,
                    actor_id: Some(&person.id),
                    action: "invitation.accept",
                    target_kind: "invitation",
                    target_id: &inv.id,
                    before: None,
                    after: Some(json!({"person_id": person.id, "account_state": "claimed"})),
                },
            )
            .await?;
            webhooks::emit(
                conn,
                &district.id,
                WebhookEvent::InvitationAccepted,
                json!({
                    "invitationId": encode(NodeKind::Invitation, &inv.id),
                    "personId": encode(NodeKind::Person, &person.id),
                }),
            )
            .await?;
            let person = people::get(conn, &district.id, &person.id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("guardian".into()))?;
            Ok(Ok(Session {
                token: secret,
                person,
            }))
        })
        .await
}

/// The role a session acts with: `wanted` if the person holds it, else their broadest role.
pub(crate) fn session_role(roles: &[Role], wanted: Option<TokenRole>) -> Option<TokenRole> {
    let as_token = |r: Role| -> TokenRole {
        match r {
            Role::Student => TokenRole::Student,
            Role::Teacher => TokenRole::Teacher,
            Role::Aide => TokenRole::Aide,
            Role::Staff => TokenRole::Staff,
            Role::SchoolAdmin => TokenRole::SchoolAdmin,
            Role::DistrictAdmin => TokenRole::DistrictAdmin,
            Role::Guardian => TokenRole::Guardian,
        }
    };
    let held: Vec<TokenRole> = roles.iter().map(|r| as_token(*r)).collect();
    if let Some(w) = wanted {
        return held.contains(&w).then_some(w);
    }
    [
        TokenRole::DistrictAdmin,
        TokenRole::SchoolAdmin,
        TokenRole::Teacher,
        TokenRole::Aide,
        TokenRole::Staff,
        TokenRole::Guardian,
        TokenRole::Student,
    ]
    .into_iter()
    .find(|r| held.contains(r))
}

/// Sets a person's password on an operator's word (`homeroom account set-password`, run by
/// whoever holds the database): how the first staff accounts get a password before staff
/// invitations reach them. The account is claimed (names kept), every sign-in session of the
/// person ends, and the change is audited. Refused for a student, an archived person and a
/// person with no email address to sign in with.
/// `district_id` `None` means the database's default district.
pub async fn set_password(
    store: &Store,
    district_id: Option<&str>,
    person_id: &str,
    password: &str,
) -> ServiceResult<Result<Person, Vec<UserError>>> {
    if let Some(problem) = password_problem(password) {
        return Ok(Err(vec![problem]));
    }
    let password_hash = {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??
    };
    store
        .transaction(async |conn| {
            let district = match district_id {
                Some(id) => districts::get(conn, id).await?,
                None => districts::get_default(conn).await?,
            }
            .ok_or_else(|| ServiceError::NotFound("district".into()))?;
            let district_id = district.id.as_str();
            let person = people::get(conn, district_id, person_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("person".into()))?;
            let refuse = |code: &str, message: &str| {
                Ok(Err(vec![UserError::new(Some("person"), code, message)]))
            };
            if person.is_student {
                return refuse(
                    "STUDENT_ACCOUNT",
                    "students do not sign in with a password here",
                );
            }
            if person.status != homeroom_schema::enums::Status::Active {
                return refuse("ARCHIVED", "this person is archived; restore them first");
            }
            let contacts = contacts::of_people(conn, std::slice::from_ref(&person.id)).await?;
            if !contacts
                .iter()
                .any(|c| c.kind == ContactKind::Email && c.is_adult)
            {
                return refuse(
                    "NO_EMAIL",
                    "this person has no email address to sign in with",
                );
            }
            families::claim_account(
                conn,
                &person.id,
                &person.given_name,
                &person.family_name,
                &password_hash,
            )
            .await?;
            let ended = tokens::revoke_sessions_of(conn, &person.id).await?;
            homeroom_schema::store::password_resets::expire_all_of(conn, &person.id, now_micros())
                .await?;
            audit::record(
                conn,
                NewEvent {
                    district_id,
                    actor_kind: homeroom_schema::enums::ActorKind::System,
                    actor_id: None,
                    action: "account.password_set",
                    target_kind: "person",
                    target_id: &person.id,
                    before: None,
                    after: Some(json!({"account_state": "claimed", "sessions_ended": ended})),
                },
            )
            .await?;
            let person = people::get(conn, district_id, &person.id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("person".into()))?;
            Ok(Ok(person))
        })
        .await
}

/// Signs in with an email address and password, from `client` (the caller's network address;
/// rate-limited per address and client across replicas, see `login_limits`).
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
    role: Option<TokenRole>,
    client: &str,
) -> ServiceResult<Result<Session, Vec<UserError>>> {
    let bad = || {
        refused(
            "INVALID_CREDENTIALS",
            None,
            "wrong email address or password",
        )
    };
    let Ok(email) = homeroom_connector_core::normalize_email(email) else {
        return Ok(bad());
    };
    let mut conn = store.conn().await?;
    // Counted per address and client before any password is checked (see `login_limits`).
    match crate::login_limits::admit(&mut conn, &email, client).await? {
        None => {}
        Some(crate::login_limits::Refusal::Wait(wait)) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            return Ok(refused(
                "RATE_LIMITED",
                None,
                &format!(
                    "too many failed sign-ins for this address from here; try again in \
                     {minutes} minute{}",
                    if minutes == 1 { "" } else { "s" }
                ),
            ));
        }
        Some(crate::login_limits::Refusal::Busy) => {
            return Ok(refused(
                "RATE_LIMITED",
                None,
                "too many failed sign-ins; try again within the hour",
            ));
        }
    }
    // The address may be held in several districts; take the claimed account whose password
    // matches. An address without one is checked against a dummy hash, so that unknown and
    // claimed addresses take the same time.
    let holders = contacts::claimed_adults_with_email(&mut conn, &email).await?;
    let mut found = None;
    let mut checked = false;
    for person in holders {
        let Some(hash) = person.password_hash.clone() else {
            continue;
        };
        checked = true;
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        if ok {
            found = Some(person);
            break;
        }
    }
    if !checked {
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || verify_password(&password, dummy_hash()))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    let Some(person) = found else {
        return Ok(bad());
    };
    let roles: Vec<Role> = people::roles_of(&mut conn, std::slice::from_ref(&person.id))
        .await?
        .into_iter()
        .map(|r| r.role)
        .collect();
    let Some(role) = session_role(&roles, role) else {
        return Ok(refused(
            "ROLE_NOT_HELD",
            Some("role"),
            "you do not hold that role",
        ));
    };
    crate::login_limits::succeeded(&mut conn, &email, client).await?;
    let (row, secret) = session_row(&person.district_id, &person.id, role);
    tokens::insert(&mut conn, &row).await?;
    Ok(Ok(Session {
        token: secret,
        person,
    }))
}
