//! Inviting families: from a class's invite manager (one, selected, or all not yet invited), a
//! guardian from a student's page, and a co-guardian by a claimed guardian.

use std::collections::{BTreeMap, HashSet};

use homeroom_schema::enums::{
    AccountState, ActorKind, Channel, ContactKind, ContactSource, InvitationPurpose,
    InvitationStatus, RecordSource, RelationshipKind, RelationshipSource, RelationshipStatus, Role,
    Status, TokenRole,
};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{
    ContactPoint, District, Invitation, OutboxMessage, Person, Relationship,
};
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{
    contacts, districts, families, invitations, outbox, people, relationships,
};
use homeroom_schema::{Conn, Store};
use serde_json::json;

use super::Families;
use super::compose::{self, Context, InvitedBy};
use super::manager::{self, ManagerRow};
use super::permissions::managed_class;
use super::state::InviteState;
use crate::UserError;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};
use homeroom_delivery::channels;

/// Which rows of the manager to invite.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Every row not yet invited.
    All,
    /// These relationships (ids).
    Relationships(Vec<String>),
}

/// Invitations created and rows refused.
#[derive(Debug, Clone, Default)]
pub struct InviteOutcome {
    /// New invitations (queued for delivery).
    pub invitations: Vec<Invitation>,
    /// Why some rows were not invited.
    pub user_errors: Vec<UserError>,
}

const DAY_MICROS: i64 = 86_400_000_000;

pub(super) fn expiry(district: &District, now: i64) -> i64 {
    now + i64::from(district.settings().invitation_expiry_days.max(1)) * DAY_MICROS
}

pub(super) async fn inviter_of(conn: &mut Conn, principal: &Principal) -> ServiceResult<InvitedBy> {
    Ok(InvitedBy::of(conn, &principal.district_id, principal.person_id.as_deref()).await?)
}

pub(super) async fn district_of(conn: &mut Conn, principal: &Principal) -> ServiceResult<District> {
    districts::get(conn, &principal.district_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("district".into()))
}

/// A new invitation row and its first message, or why none can be made.
#[allow(clippy::too_many_arguments)]
fn build(
    ctx: &Context,
    district: &District,
    preferred: Channel,
    invited_by: Option<&str>,
    guardian: &Person,
    relationship_id: &str,
    class_id: Option<&str>,
    students: &[String],
    contacts: &[ContactPoint],
    now: i64,
) -> Option<(Invitation, OutboxMessage)> {
    draft(
        ctx,
        district,
        preferred,
        invited_by,
        (InvitationPurpose::Guardian, guardian),
        Some(relationship_id),
        class_id,
        students,
        contacts,
        now,
    )
}

/// A new invitation of `purpose` for `person`, and its first message; `None` when the person
/// has no reachable contact point.
#[allow(clippy::too_many_arguments)]
pub(super) fn draft(
    ctx: &Context,
    district: &District,
    preferred: Channel,
    invited_by: Option<&str>,
    (purpose, guardian): (InvitationPurpose, &Person),
    relationship_id: Option<&str>,
    class_id: Option<&str>,
    students: &[String],
    contacts: &[ContactPoint],
    now: i64,
) -> Option<(Invitation, OutboxMessage)> {
    let (channel, contact) = channels::choose(preferred, contacts, &[])?;
    let (token, token_hash) = compose::new_link();
    let invitation = Invitation {
        id: new_id(),
        district_id: district.id.clone(),
        person_id: guardian.id.clone(),
        relationship_id: relationship_id.map(str::to_owned),
        class_id: class_id.map(str::to_owned),
        invited_by: invited_by.map(str::to_owned),
        channel,
        contact_point_id: Some(contact.id.clone()),
        token_hash,
        status: InvitationStatus::Pending,
        attempts: 0,
        last_error: None,
        expires_at: expiry(district, now),
        sent_at: None,
        delivered_at: None,
        accepted_at: None,
        revoked_at: None,
        created_at: now,
        updated_at: now,
        resend_count: 0,
        last_resent_at: None,
        purpose,
    };
    let message = compose::message(
        ctx,
        &invitation,
        &guardian.given_name,
        students,
        channel,
        contact,
        &token,
    );
    Some((invitation, message))
}

/// Writes invitations, their links and messages, marks the guardians invited, and audits each.
pub(super) async fn persist(
    conn: &mut Conn,
    district_id: &str,
    (actor_kind, actor): (ActorKind, String),
    created: &[(Invitation, OutboxMessage)],
) -> ServiceResult<()> {
    let (rows, messages): (Vec<Invitation>, Vec<OutboxMessage>) = created.iter().cloned().unzip();
    invitations::insert_many(conn, &rows).await?;
    outbox::enqueue(conn, &messages).await?;
    let guardians: Vec<String> = rows.iter().map(|i| i.person_id.clone()).collect();
    families::mark_invited(conn, &guardians).await?;
    for inv in &rows {
        audit::record(
            conn,
            NewEvent {
                district_id,
                actor_kind,
                actor_id: Some(&actor),
                action: "invitation.create",
                target_kind: "invitation",
                target_id: &inv.id,
                before: None,
                after: Some(json!({
                    "person_id": inv.person_id,
                    "relationship_id": inv.relationship_id,
                    "class_id": inv.class_id,
                    "channel": inv.channel,
                })),
            },
        )
        .await?;
    }
    Ok(())
}

fn pick<'a>(
    rows: &'a [ManagerRow],
    selection: &Selection,
    errors: &mut Vec<UserError>,
) -> Vec<&'a ManagerRow> {
    match selection {
        Selection::All => rows
            .iter()
            .filter(|r| r.state == InviteState::NotInvited)
            .collect(),
        Selection::Relationships(ids) => {
            let mut out = Vec::new();
            for id in ids {
                match rows.iter().find(|r| &r.family.relationship.id == id) {
                    None => errors.push(UserError::new(
                        Some("relationshipIds"),
                        "NOT_IN_CLASS",
                        format!(
                            "relationship {id} is not a family of an active student in this class"
                        ),
                    )),
                    Some(r) if r.state != InviteState::NotInvited => errors.push(UserError::new(
                        Some("relationshipIds"),
                        "ALREADY_INVITED",
                        format!(
                            "{} was already invited ({:?}); use resendInvitation to send it again",
                            r.family.guardian.display_name(),
                            r.state
                        ),
                    )),
                    Some(r) => out.push(r),
                }
            }
            out
        }
    }
}

/// Invites the selected families of a class, each on `channel` when they have a reachable contact
/// point of that kind and on the other channel otherwise (`None`: the district's preferred one).
pub async fn invite_families(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    class_id: &str,
    selection: Selection,
    channel: Option<Channel>,
) -> ServiceResult<InviteOutcome> {
    let outcome = store
        .transaction(async |conn| {
            let class = managed_class(conn, principal, class_id).await?;
            let district = district_of(conn, principal).await?;
            let rows = manager::rows(conn, &class).await?;
            let mut user_errors = Vec::new();
            let chosen = pick(&rows, &selection, &mut user_errors);
            let ctx = Context {
                public_url: families_svc.public_url.clone(),
                district: district.name.clone(),
                inviter: inviter_of(conn, principal).await?,
                class_title: Some(class.title().to_owned()),
            };
            // Students of each guardian in this class, named in the message.
            let mut students_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for r in &rows {
                let names = students_of
                    .entry(r.family.guardian.id.as_str())
                    .or_default();
                if !names.contains(&r.family.student.given_name) {
                    names.push(r.family.student.given_name.clone());
                }
            }
            let now = now_micros();
            let mut seen = HashSet::new();
            let mut created = Vec::new();
            for row in chosen {
                let guardian = &row.family.guardian;
                if !seen.insert(guardian.id.as_str()) {
                    continue; // one invitation per guardian, even for siblings in one class
                }
                let students = students_of
                    .get(guardian.id.as_str())
                    .cloned()
                    .unwrap_or_default();
                match build(
                    &ctx,
                    &district,
                    channel.unwrap_or(district.settings().preferred_channel),
                    principal.person_id.as_deref(),
                    guardian,
                    &row.family.relationship.id,
                    Some(&class.id),
                    &students,
                    &row.contacts,
                    now,
                ) {
                    Some(pair) => created.push(pair),
                    None => user_errors.push(UserError::new(
                        Some("relationshipIds"),
                        "NO_REACHABLE_CONTACT_POINT",
                        format!(
                            "{} has no reachable email or phone; add one or reset it first",
                            guardian.display_name()
                        ),
                    )),
                }
            }
            persist(conn, &principal.district_id, principal.actor(), &created).await?;
            Ok::<_, ServiceError>(InviteOutcome {
                invitations: created.into_iter().map(|(i, _)| i).collect(),
                user_errors,
            })
        })
        .await?;
    if !outcome.invitations.is_empty() {
        families_svc.queued();
    }
    Ok(outcome)
}

/// `removed_by` of a link that waits for the invited adult to accept (they were already in
/// the district, and someone else invited them): accepting makes it active.
pub const PENDING_ACCEPTANCE: &str = "invitation:pending";

/// Who a new guardian is and how to reach them.
#[derive(Debug, Clone, Default)]
pub struct GuardianInput {
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Relationship kind (default parent).
    pub kind: Option<RelationshipKind>,
}

/// Finds or creates the guardian `input` describes and links them to `student`.
/// `Err(UserError)` when the input is unusable or the link exists.
async fn guardian_for(
    conn: &mut Conn,
    district: &District,
    student: &Person,
    input: &GuardianInput,
    source: RelationshipSource,
    trusted: bool,
) -> ServiceResult<Result<(Person, Relationship, Vec<ContactPoint>), UserError>> {
    let region = district
        .settings()
        .default_country
        .parse::<homeroom_connector_core::PhoneRegion>()
        .unwrap_or_default();
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(raw) => match homeroom_connector_core::normalize_email(raw) {
            Ok(v) => Some((v, raw.to_owned())),
            Err(e) => {
                return Ok(Err(UserError::new(
                    Some("email"),
                    "INVALID_EMAIL",
                    e.to_string(),
                )));
            }
        },
        None => None,
    };
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(raw) => match homeroom_connector_core::normalize_phone(raw, region) {
            Ok(v) => Some((v, raw.to_owned())),
            Err(e) => {
                return Ok(Err(UserError::new(
                    Some("phone"),
                    "INVALID_PHONE",
                    e.to_string(),
                )));
            }
        },
        None => None,
    };
    if email.is_none() && phone.is_none() {
        return Ok(Err(UserError::new(
            Some("email"),
            "CONTACT_REQUIRED",
            "give an email address or a phone number",
        )));
    }
    if input.given_name.trim().is_empty() || input.family_name.trim().is_empty() {
        return Ok(Err(UserError::new(
            Some("givenName"),
            "NAME_REQUIRED",
            "give the guardian's given and family names",
        )));
    }
    // The same adult: by email, or by phone together with the same names.
    let mut existing: Option<String> = None;
    if let Some((value, _)) = &email
        && let Some(cp) =
            contacts::adult_holder(conn, &district.id, ContactKind::Email, value).await?
    {
        existing = Some(cp.person_id);
    }
    if existing.is_none()
        && let Some((value, _)) = &phone
        && let Some(cp) =
            contacts::adult_holder(conn, &district.id, ContactKind::Phone, value).await?
        && let Some(holder) = people::get(conn, &district.id, &cp.person_id).await?
        && holder
            .given_name
            .eq_ignore_ascii_case(input.given_name.trim())
        && holder
            .family_name
            .eq_ignore_ascii_case(input.family_name.trim())
    {
        existing = Some(holder.id);
    }
    let now = now_micros();
    // An adult already in the district is never linked or given a role by someone else's
    // action (only an admin is trusted to): the link waits, removed, until they accept.
    let pending = existing.is_some() && !trusted;
    let guardian = match existing {
        Some(id) => people::get(conn, &district.id, &id)
            .await?
            .ok_or_else(|| ServiceError::Internal("contact point without a person".into()))?,
        None => {
            let person = people::new_person(
                &district.id,
                input.given_name.trim(),
                input.family_name.trim(),
            );
            people::insert(conn, &person).await?;
            let mut new_contacts = Vec::new();
            for (kind, pair) in [(ContactKind::Email, &email), (ContactKind::Phone, &phone)] {
                if let Some((value, display)) = pair {
                    if kind == ContactKind::Phone
                        && contacts::adult_holder(conn, &district.id, kind, value)
                            .await?
                            .is_some()
                    {
                        continue; // a shared home phone stays with its holder
                    }
                    new_contacts.push(ContactPoint {
                        id: new_id(),
                        district_id: district.id.clone(),
                        person_id: person.id.clone(),
                        kind,
                        value: value.clone(),
                        display_value: display.clone(),
                        is_adult: true,
                        source: ContactSource::Manual,
                        verified_at: None,
                        reachability: homeroom_schema::enums::Reachability::Ok,
                        unreachable_reason: None,
                        unreachable_at: None,
                        created_at: now,
                        updated_at: now,
                    });
                }
            }
            contacts::insert(conn, &new_contacts).await?;
            person
        }
    };
    if guardian.id == student.id || guardian.is_student {
        return Ok(Err(UserError::new(
            Some("email"),
            "NOT_AN_ADULT",
            "that contact point belongs to a student, not a guardian",
        )));
    }
    if !pending {
        people::add_role(conn, &guardian, Role::Guardian, None, RecordSource::Manual).await?;
    }
    let existing_link = relationships::between(
        conn,
        std::slice::from_ref(&guardian.id),
        std::slice::from_ref(&student.id),
    )
    .await?;
    if let Some(link) = existing_link.first() {
        let message = if link.status == RelationshipStatus::Active {
            format!(
                "{} is already a guardian of {}",
                guardian.display_name(),
                student.display_name()
            )
        } else {
            format!(
                "{} was removed as a guardian of {}; restore the link instead",
                guardian.display_name(),
                student.display_name()
            )
        };
        return Ok(Err(UserError::new(
            Some("email"),
            "ALREADY_GUARDIAN",
            message,
        )));
    }
    let link = Relationship {
        id: new_id(),
        district_id: district.id.clone(),
        guardian_id: guardian.id.clone(),
        student_id: student.id.clone(),
        kind: input.kind.unwrap_or(RelationshipKind::Parent),
        source,
        source_connector_id: None,
        lives_with_student: None,
        status: if pending {
            RelationshipStatus::Removed
        } else {
            RelationshipStatus::Active
        },
        removed_by: pending.then(|| PENDING_ACCEPTANCE.to_owned()),
        removed_at: pending.then_some(now),
        created_at: now,
        updated_at: now,
    };
    relationships::insert(conn, std::slice::from_ref(&link)).await?;
    let guardian_contacts = contacts::of_people(conn, std::slice::from_ref(&guardian.id)).await?;
    Ok(Ok((guardian, link, guardian_contacts)))
}

/// Why a transaction ended without committing: a use-case error, or a user error (which rolls
/// back what the call wrote, then is answered as a `userErrors` entry).
enum Abort {
    Service(ServiceError),
    User(UserError),
}

impl From<ServiceError> for Abort {
    fn from(e: ServiceError) -> Self {
        Abort::Service(e)
    }
}

impl From<homeroom_schema::StoreError> for Abort {
    fn from(e: homeroom_schema::StoreError) -> Self {
        Abort::Service(e.into())
    }
}

async fn invite_new_guardian(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    student_id: &str,
    input: GuardianInput,
    as_co_guardian: bool,
) -> ServiceResult<InviteOutcome> {
    let outcome = store
        .transaction(async |conn| {
            let student = people::get(conn, &principal.district_id, student_id)
                .await?
                .filter(|p| p.is_student)
                .ok_or_else(|| ServiceError::NotFound("student".into()))?;
            if as_co_guardian {
                let me = principal
                    .person_id
                    .clone()
                    .filter(|_| principal.role == TokenRole::Guardian)
                    .ok_or_else(|| ServiceError::Forbidden("only a guardian invites a co-guardian".into()))?;
                let links = relationships::between(conn, std::slice::from_ref(&me), std::slice::from_ref(&student.id)).await?;
                let mine = people::get(conn, &principal.district_id, &me).await?;
                let linked = links.iter().any(|l| l.status == RelationshipStatus::Active);
                if !linked || mine.map(|p| p.account_state) != Some(AccountState::Claimed) {
                    return Err(ServiceError::Forbidden(
                        "only a claimed guardian of this student invites a co-guardian".into(),
                    )
                    .into());
                }
            } else {
                if !crate::auth::policy::may_invite_guardians_for(conn, principal, &student).await? {
                    return Err(ServiceError::Forbidden(
                        "only admins, and teachers of students they teach through the SIS \
                         roster or created themselves, invite guardians"
                            .into(),
                    )
                    .into());
                }
            }
            let district = district_of(conn, principal).await?;
            let (guardian, link, guardian_contacts) =
                match guardian_for(
                    conn,
                    &district,
                    &student,
                    &input,
                    RelationshipSource::Manual,
                    principal.role == TokenRole::DistrictAdmin,
                )
                .await?
                {
                    Ok(found) => found,
                    // A user error rolls back what this call wrote (the guardian, the link).
                    Err(user_error) => return Err(Abort::User(user_error)),
                };
            // A link a teacher made is reviewed by an admin (held until approved by default).
            if !as_co_guardian
                && let Some(review) =
                    crate::auth::policy::link_review_for(principal, &district.settings())
            {
                crate::link_reviews::begin(conn, principal.person_id.as_deref(), &link, review)
                    .await?;
            }
            let ctx = Context {
                public_url: families_svc.public_url.clone(),
                district: district.name.clone(),
                inviter: inviter_of(conn, principal).await?,
                class_title: None,
            };
            let now = now_micros();
            let Some(pair) = build(
                &ctx,
                &district,
                district.settings().preferred_channel,
                principal.person_id.as_deref(),
                &guardian,
                &link.id,
                None,
                std::slice::from_ref(&student.given_name),
                &guardian_contacts,
                now,
            ) else {
                return Err(Abort::User(UserError::new(
                    Some("email"),
                    "NO_REACHABLE_CONTACT_POINT",
                    "the guardian has no reachable email or phone",
                )));
            };
            let (actor_kind, actor) = principal.actor();
            audit::record(
                conn,
                NewEvent {
                    district_id: &principal.district_id,
                    actor_kind,
                    actor_id: Some(&actor),
                    action: "relationship.add",
                    target_kind: "relationship",
                    target_id: &link.id,
                    before: None,
                    after: Some(json!({"guardian_id": link.guardian_id, "student_id": link.student_id, "kind": link.kind})),
                },
            )
            .await?;
            persist(conn, &principal.district_id, principal.actor(), std::slice::from_ref(&pair)).await?;
            Ok::<_, Abort>(InviteOutcome {
                invitations: vec![pair.0],
                user_errors: Vec::new(),
            })
        })
        .await;
    let outcome = match outcome {
        Ok(o) => o,
        Err(Abort::User(e)) => InviteOutcome {
            invitations: Vec::new(),
            user_errors: vec![e],
        },
        Err(Abort::Service(e)) => return Err(e),
    };
    if !outcome.invitations.is_empty() {
        families_svc.queued();
    }
    Ok(outcome)
}

/// Invites a guardian from a student's page (creating the guardian and the link when new).
pub async fn invite_guardian(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    student_id: &str,
    input: GuardianInput,
) -> ServiceResult<InviteOutcome> {
    invite_new_guardian(store, families_svc, principal, student_id, input, false).await
}

/// A claimed guardian invites a co-guardian for their student.
pub async fn invite_co_guardian(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    student_id: &str,
    input: GuardianInput,
) -> ServiceResult<InviteOutcome> {
    invite_new_guardian(store, families_svc, principal, student_id, input, true).await
}

/// Invites the guardians of imported links (a spreadsheet import with `invite: true`): one
/// invitation per guardian not yet invited, on the district's preferred reachable channel.
/// `invited_by` is recorded when it names a person of the district.
pub async fn invite_relationships(
    store: &Store,
    families_svc: &Families,
    district_id: &str,
    invited_by: Option<&str>,
    relationship_ids: &[String],
) -> ServiceResult<InviteOutcome> {
    let outcome = store
        .transaction(async |conn| {
            let district = districts::get(conn, district_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("district".into()))?;
            let inviter = match invited_by {
                Some(id) => people::get(conn, district_id, id).await?,
                None => None,
            };
            let ctx = Context {
                public_url: families_svc.public_url.clone(),
                district: district.name.clone(),
                inviter: InvitedBy::of(conn, district_id, invited_by).await?,
                class_title: None,
            };
            let mut links = Vec::new();
            for id in relationship_ids {
                if let Some(l) = relationships::get(conn, district_id, id).await?
                    && l.status == RelationshipStatus::Active
                {
                    links.push(l);
                }
            }
            let ids: Vec<String> = links
                .iter()
                .flat_map(|l| [l.guardian_id.clone(), l.student_id.clone()])
                .collect();
            let everyone: BTreeMap<String, Person> = people::get_many(conn, &ids)
                .await?
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect();
            let guardian_ids: Vec<String> = links.iter().map(|l| l.guardian_id.clone()).collect();
            let mut contacts_of: BTreeMap<String, Vec<ContactPoint>> = BTreeMap::new();
            for cp in contacts::of_people(conn, &guardian_ids).await? {
                contacts_of
                    .entry(cp.person_id.clone())
                    .or_default()
                    .push(cp);
            }
            let all_invitations = invitations::of_people(conn, &guardian_ids).await?;
            let now = now_micros();
            let mut seen = HashSet::new();
            let mut created = Vec::new();
            let mut user_errors = Vec::new();
            for link in &links {
                let (Some(guardian), Some(student)) = (
                    everyone.get(&link.guardian_id),
                    everyone.get(&link.student_id),
                ) else {
                    continue;
                };
                if guardian.status != Status::Active || !seen.insert(guardian.id.clone()) {
                    continue;
                }
                let theirs: Vec<&Invitation> = all_invitations
                    .iter()
                    .filter(|i| i.person_id == guardian.id)
                    .collect();
                if super::state::of_guardian(guardian, &theirs, now) != InviteState::NotInvited {
                    continue;
                }
                let students: Vec<String> = links
                    .iter()
                    .filter(|l| l.guardian_id == guardian.id)
                    .filter_map(|l| everyone.get(&l.student_id).map(|s| s.given_name.clone()))
                    .collect();
                let contacts = contacts_of.get(&guardian.id).cloned().unwrap_or_default();
                match build(
                    &ctx,
                    &district,
                    district.settings().preferred_channel,
                    inviter.as_ref().map(|p| p.id.as_str()),
                    guardian,
                    &link.id,
                    None,
                    &students,
                    &contacts,
                    now,
                ) {
                    Some(pair) => created.push(pair),
                    None => user_errors.push(UserError::new(
                        None,
                        "NO_REACHABLE_CONTACT_POINT",
                        format!(
                            "{} (guardian of {}) has no reachable email or phone",
                            guardian.display_name(),
                            student.display_name()
                        ),
                    )),
                }
            }
            let actor = match &inviter {
                Some(p) => (ActorKind::Person, p.id.clone()),
                None => (ActorKind::System, "import".to_owned()),
            };
            persist(conn, district_id, actor, &created).await?;
            Ok::<_, ServiceError>(InviteOutcome {
                invitations: created.into_iter().map(|(i, _)| i).collect(),
                user_errors,
            })
        })
        .await?;
    if !outcome.invitations.is_empty() {
        families_svc.queued();
    }
    Ok(outcome)
}
