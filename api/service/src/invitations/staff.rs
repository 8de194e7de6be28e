//! Staff invitations: an admin invites teachers, aides, staff and admins the SIS delivered to set
//! a password. The invitation travels through the same outbox, templates and fallback as a
//! guardian's; accepting it sets the password and claims the account, and adds nothing else (no
//! link, no role).

use homeroom_schema::enums::{AccountState, Channel, InvitationPurpose};
use homeroom_schema::ids::now_micros;
use homeroom_schema::models::Person;
use homeroom_schema::store::{contacts, invitations, people};
use homeroom_schema::{Conn, Store};

use super::Families;
use super::compose::Context;
use super::invite::{InviteOutcome, district_of, draft, inviter_of, persist};
use crate::UserError;
use crate::auth::Principal;
use crate::auth::policy::{self, STAFF_ROLES};
use crate::error::{ServiceError, ServiceResult};

/// Whom to invite.
#[derive(Debug, Clone)]
pub enum StaffSelection {
    /// These people (ids).
    People(Vec<String>),
    /// Every staff member holding a role at this school (org id) who has no account yet and no
    /// open invitation.
    School(String),
}

/// Invites staff members to set a password, each on `channel` when they have a reachable contact
/// point of that kind and on the other one otherwise (`None`: the district's preferred one).
/// People named one by one who may not be invited read as unknown; people already holding an
/// account, already invited or unreachable are reported, and the others are invited.
pub async fn invite_staff(
    store: &Store,
    families_svc: &Families,
    principal: &Principal,
    selection: StaffSelection,
    channel: Option<Channel>,
) -> ServiceResult<InviteOutcome> {
    let outcome = store
        .transaction(async |conn| {
            let district = district_of(conn, principal).await?;
            let preferred = channel.unwrap_or(district.settings().preferred_channel);
            let mut user_errors = Vec::new();
            let (chosen, one_by_one) = match &selection {
                StaffSelection::People(ids) => {
                    let mut out = Vec::new();
                    for id in ids {
                        match people::get(conn, &principal.district_id, id).await? {
                            Some(p) if policy::may_invite_staff(conn, principal, &p).await? => {
                                out.push(p);
                            }
                            _ => user_errors.push(UserError::new(
                                Some("personIds"),
                                "NOT_FOUND",
                                format!("no staff member {id} you may invite"),
                            )),
                        }
                    }
                    (out, true)
                }
                StaffSelection::School(org) => {
                    if !policy::may_invite_school_staff(conn, principal, org).await? {
                        return Err(ServiceError::NotFound("school".into()));
                    }
                    let ids =
                        people::holding_roles_at(conn, &principal.district_id, org, &STAFF_ROLES)
                            .await?;
                    let mut out = Vec::new();
                    for p in people::get_many(conn, &ids).await? {
                        if policy::may_invite_staff(conn, principal, &p).await? {
                            out.push(p);
                        }
                    }
                    (out, false)
                }
            };
            let ctx = Context {
                public_url: families_svc.public_url.clone(),
                district: district.name.clone(),
                inviter: inviter_of(conn, principal).await?,
                class_title: None,
            };
            let now = now_micros();
            let mut created = Vec::new();
            for person in &chosen {
                if let Some(problem) = not_invitable(conn, person, now, one_by_one).await? {
                    user_errors.extend(problem);
                    continue;
                }
                let reachable = contacts::of_people(conn, std::slice::from_ref(&person.id)).await?;
                match draft(
                    &ctx,
                    &district,
                    preferred,
                    principal.person_id.as_deref(),
                    (InvitationPurpose::Staff, person),
                    None,
                    None,
                    &[],
                    &reachable,
                    now,
                ) {
                    Some(pair) => created.push(pair),
                    None => user_errors.push(UserError::new(
                        Some("personIds"),
                        "NO_REACHABLE_CONTACT_POINT",
                        format!(
                            "{} has no reachable email or phone; add one or reset it first",
                            person.display_name()
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

/// Why `person` gets no new staff invitation, if they do not: they hold an account, or an
/// invitation is still open (resend it instead). A whole school's invitation skips them without a
/// word (`report` false); people named one by one are told.
async fn not_invitable(
    conn: &mut Conn,
    person: &Person,
    now: i64,
    report: bool,
) -> ServiceResult<Option<Vec<UserError>>> {
    let why = if person.account_state == AccountState::Claimed {
        Some((
            "ALREADY_CLAIMED",
            format!(
                "{} already has an account; they can reset their password",
                person.display_name()
            ),
        ))
    } else if invitations::of_people(conn, std::slice::from_ref(&person.id))
        .await?
        .iter()
        .any(|i| i.purpose == InvitationPurpose::Staff && super::state::is_open(i, now))
    {
        Some((
            "ALREADY_INVITED",
            format!(
                "{} has an open invitation; use resendInvitation to send it again",
                person.display_name()
            ),
        ))
    } else {
        None
    };
    Ok(why.map(|(code, message)| {
        if report {
            vec![UserError::new(Some("personIds"), code, message)]
        } else {
            Vec::new()
        }
    }))
}
