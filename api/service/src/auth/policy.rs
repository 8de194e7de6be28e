//! The one authorization policy: "may principal P do operation O to object X". Every use case
//! and every resolver asks here; nothing else decides on roles. Deny by default: each question
//! lists who may, and everyone else may not.
//!
//! **Who teaches a class** (one definition, used for join codes, participants, the family
//! invite manager, invitations and the class type's `manages`): a caller acting with the
//! teacher or aide role whose person holds an active teacher or aide enrollment in the class
//! (from the SIS, or placed there by an admin), or who holds the class's claim (which only the
//! class's teachers take for themselves, or an admin gives to a teacher or aide of the
//! district).
//!
//! The table in `SECURITY.md` states this policy in words.

use homeroom_schema::Conn;
use homeroom_schema::enums::{EnrollmentRole, RecordSource, Role, Status, TokenRole};
use homeroom_schema::models::{Class, Person};
use homeroom_schema::scope;
use homeroom_schema::store::audit;
use homeroom_schema::store::classes as store_classes;
use homeroom_schema::store::people;

use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

/// Whether `principal` administers `class`: a district admin, or a school admin of its school.
pub async fn administers(
    conn: &mut Conn,
    principal: &Principal,
    class: &Class,
) -> ServiceResult<bool> {
    Ok(match principal.role {
        TokenRole::DistrictAdmin => principal.district_id == class.district_id,
        TokenRole::SchoolAdmin => match (&principal.person_id, &class.school_id) {
            (Some(me), Some(school)) => scope::admin_schools(conn, me).await?.contains(school),
            _ => false,
        },
        _ => false,
    })
}

/// Whether `principal` teaches `class` (the one definition, see the module docs).
pub async fn teaches(conn: &mut Conn, principal: &Principal, class: &Class) -> ServiceResult<bool> {
    let Some(me) = principal.person_id.as_deref() else {
        return Ok(false);
    };
    if !matches!(principal.role, TokenRole::Teacher | TokenRole::Aide)
        || principal.district_id != class.district_id
    {
        return Ok(false);
    }
    Ok(class.claimed_by.as_deref() == Some(me)
        || store_classes::teaches(conn, &class.id, me).await?)
}

/// Whether `principal` manages `class`: administers it or teaches it. Managers see and set its
/// join code, add and remove its students, and run its family invite manager.
pub async fn manages(conn: &mut Conn, principal: &Principal, class: &Class) -> ServiceResult<bool> {
    Ok(administers(conn, principal, class).await? || teaches(conn, principal, class).await?)
}

/// `Ok` when `principal` manages `class`, else `FORBIDDEN` with `why`.
pub async fn require_manages(
    conn: &mut Conn,
    principal: &Principal,
    class: &Class,
    why: &str,
) -> ServiceResult<()> {
    if manages(conn, principal, class).await? {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(why.to_owned()))
    }
}

/// Whether `principal` may name `person` when placing people into `class` by hand (the person
/// argument of `addParticipant`): a district admin anyone of the district; others people of
/// the class's school or people they already see. Callers answer a refusal exactly like an
/// unknown person (what may be placed, students only for teachers, is checked after).
pub async fn may_place(
    conn: &mut Conn,
    principal: &Principal,
    class: &Class,
    person: &Person,
) -> ServiceResult<bool> {
    if person.district_id != principal.district_id {
        return Ok(false);
    }
    if principal.role == TokenRole::DistrictAdmin {
        return Ok(true);
    }
    let at_school = match class.school_id.as_deref() {
        Some(school) => people::roles_of(conn, std::slice::from_ref(&person.id))
            .await?
            .iter()
            .any(|r| r.org_id.as_deref() == Some(school)),
        None => false,
    };
    Ok(at_school || scope::sees_person(conn, &principal.scope()?, &person.id).await?)
}

/// Whether `principal` may invite guardians for `student` (`inviteGuardian`; the student is
/// the argument checked). Admins of the district or of one of the student's classes' schools;
/// a teacher only for students they teach through the SIS roster (an SIS enrollment in a class
/// they teach) or students they created themselves in a class they teach — never for an
/// existing student pulled into their class by hand.
pub async fn may_invite_guardians_for(
    conn: &mut Conn,
    principal: &Principal,
    student: &Person,
) -> ServiceResult<bool> {
    if student.district_id != principal.district_id || !student.is_student {
        return Ok(false);
    }
    if principal.role == TokenRole::DistrictAdmin {
        return Ok(true);
    }
    let enrollments =
        store_classes::enrollments_of_people(conn, std::slice::from_ref(&student.id)).await?;
    let active: Vec<_> = enrollments
        .into_iter()
        .filter(|e| e.status == Status::Active && e.role == EnrollmentRole::Student)
        .collect();
    let class_ids: Vec<String> = active.iter().map(|e| e.class_id.clone()).collect();
    for class in store_classes::get_many(conn, &class_ids).await? {
        if administers(conn, principal, &class).await? {
            return Ok(true);
        }
        if !teaches(conn, principal, &class).await? {
            continue;
        }
        let rostered = active
            .iter()
            .any(|e| e.class_id == class.id && e.source == RecordSource::Sis);
        if rostered || created_here_by(conn, principal, &class, &student.id).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the caller created `student` while adding them to `class` (the `enrollment.add`
/// audit event with `new_student`, by this caller's person).
async fn created_here_by(
    conn: &mut Conn,
    principal: &Principal,
    class: &Class,
    student_id: &str,
) -> ServiceResult<bool> {
    let Some(me) = principal.person_id.as_deref() else {
        return Ok(false);
    };
    Ok(audit::for_target(conn, &class.id).await?.iter().any(|e| {
        e.action == "enrollment.add"
            && e.actor_id.as_deref() == Some(me)
            && e.after
                .as_deref()
                .and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
                .is_some_and(|a| {
                    a["person_id"].as_str() == Some(student_id) && a["new_student"] == true
                })
    }))
}

/// Whether `person` may hold a class's claim: an active teacher or aide of the district.
pub async fn may_hold_claim(conn: &mut Conn, person: &Person) -> ServiceResult<bool> {
    if person.status != Status::Active || person.is_student {
        return Ok(false);
    }
    Ok(people::roles_of(conn, std::slice::from_ref(&person.id))
        .await?
        .iter()
        .any(|r| matches!(r.role, Role::Teacher | Role::Aide)))
}

/// Whether the caller sees contact values (emails, phones and what derives from them, such as
/// bounce reasons) unmasked, and so may search by them.
pub fn sees_full_contacts(principal: &Principal) -> bool {
    principal.sees_full_contacts()
}

/// `Ok` when `principal` may list and revoke the district's API tokens: district admins.
pub fn require_token_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.role == TokenRole::DistrictAdmin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins list and revoke API tokens".into(),
        ))
    }
}

/// Whether `principal` may create, list, change and archive the district's single sign-on
/// identity providers: district admins only (operators at the command line are district
/// admins). Everyone else, partners included, may not.
pub fn may_manage_identity_providers(principal: &Principal) -> bool {
    matches!(principal.role, TokenRole::DistrictAdmin)
}

/// Whether `principal` may link `guardian` to `student` by hand (`addRelationship`; both
/// arguments are checked). A district admin: any adult of the district. A school admin: an
/// adult they see, for a student they see. A teacher: an adult they already see (a guardian
/// of one of their students), for a student whose guardians they may invite
/// ([`may_invite_guardians_for`]). Refusals of the guardian argument are answered like an
/// unknown id by the caller.
pub async fn may_link_guardian(
    conn: &mut Conn,
    principal: &Principal,
    guardian: &Person,
) -> ServiceResult<bool> {
    if guardian.district_id != principal.district_id || guardian.is_student {
        return Ok(false);
    }
    Ok(match principal.role {
        TokenRole::DistrictAdmin => true,
        TokenRole::SchoolAdmin | TokenRole::Teacher => {
            let me = principal.person_id.as_deref();
            let is_guardian = people::roles_of(conn, std::slice::from_ref(&guardian.id))
                .await?
                .iter()
                .any(|r| r.role == Role::Guardian);
            me != Some(guardian.id.as_str())
                && (is_guardian || principal.role == TokenRole::SchoolAdmin)
                && scope::sees_person(conn, &principal.scope()?, &guardian.id).await?
        }
        _ => false,
    })
}

/// Whom `principal`'s relationship import may name (the import-side twin of
/// [`may_link_guardian`]): a district admin, any student and adult of the district; a school
/// admin, the people they see; a teacher, the students they see and adults they see who are
/// already guardians. Nobody names themselves as a guardian. Other roles do not import.
pub async fn import_scope(
    conn: &mut Conn,
    principal: &Principal,
) -> ServiceResult<crate::imports::validate::ImportScope> {
    use crate::imports::validate::ImportScope;
    match principal.role {
        TokenRole::DistrictAdmin => Ok(ImportScope::district()),
        TokenRole::SchoolAdmin | TokenRole::Teacher => {
            let settings = homeroom_schema::store::districts::get(conn, &principal.district_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("district".into()))?
                .settings();
            Ok(ImportScope {
                visible: scope::visible_people(conn, &principal.scope()?).await?,
                me: principal.person_id.clone(),
                guardians_only: principal.role == TokenRole::Teacher,
                review: link_review_for(principal, &settings),
            })
        }
        _ => Err(ServiceError::Forbidden(
            "only admins and teachers may import family links".into(),
        )),
    }
}

/// Roles that make a person staff (invited with `inviteStaff`, named in messages by name).
pub const STAFF_ROLES: [Role; 5] = [
    Role::Teacher,
    Role::Aide,
    Role::Staff,
    Role::SchoolAdmin,
    Role::DistrictAdmin,
];

/// Whether `principal` may invite `person` to set a staff password: a district admin, any active
/// staff member of the district; a school admin, staff holding a role at one of their schools.
/// Nobody else, and never a student. Refusals are answered like an unknown id.
pub async fn may_invite_staff(
    conn: &mut Conn,
    principal: &Principal,
    person: &Person,
) -> ServiceResult<bool> {
    if person.district_id != principal.district_id
        || person.is_student
        || person.status != Status::Active
    {
        return Ok(false);
    }
    let roles = people::roles_of(conn, std::slice::from_ref(&person.id)).await?;
    let staff = roles.iter().filter(|r| STAFF_ROLES.contains(&r.role));
    Ok(match principal.role {
        TokenRole::DistrictAdmin => staff.count() > 0,
        TokenRole::SchoolAdmin => match &principal.person_id {
            Some(me) => {
                let schools = scope::admin_schools(conn, me).await?;
                staff
                    .filter_map(|r| r.org_id.as_ref())
                    .any(|org| schools.contains(org))
            }
            None => false,
        },
        _ => false,
    })
}

/// Whether `principal` may invite every staff member of school `org_id` at once: a district
/// admin, or a school admin of that school.
pub async fn may_invite_school_staff(
    conn: &mut Conn,
    principal: &Principal,
    org_id: &str,
) -> ServiceResult<bool> {
    Ok(match principal.role {
        TokenRole::DistrictAdmin => true,
        TokenRole::SchoolAdmin => match &principal.person_id {
            Some(me) => scope::admin_schools(conn, me)
                .await?
                .iter()
                .any(|s| s == org_id),
            None => false,
        },
        _ => false,
    })
}

/// Whether `principal` may read roster data at all (schools, courses, terms, and people within
/// its scope): every person's role, and partners with `roster:read`.
pub fn may_read_roster(principal: &Principal) -> bool {
    principal.scope().is_ok()
}

/// Whether a guardian link `principal` makes by hand (invitation, `addRelationship`,
/// `restoreRelationship`, a spreadsheet import) is reviewed by an admin, and how. Admins are
/// trusted to grant family access: no review. A teacher or aide is not: the link waits for an
/// admin's approval when the district asks for it (`Pending`, the default), or counts at once
/// and is listed for admins to revoke (`Automatic`). Other callers do not make links.
pub fn link_review_for(
    principal: &Principal,
    settings: &homeroom_schema::models::DistrictSettings,
) -> Option<homeroom_schema::enums::LinkReviewState> {
    use homeroom_schema::enums::LinkReviewState;
    match principal.role {
        TokenRole::Teacher | TokenRole::Aide => Some(if settings.teacher_links_need_approval {
            LinkReviewState::Pending
        } else {
            LinkReviewState::Automatic
        }),
        _ => None,
    }
}

/// `Ok` when `principal` may list, approve and revoke the guardian links teachers made: district
/// admins.
pub fn require_link_reviewer(principal: &Principal) -> ServiceResult<()> {
    if principal.role == TokenRole::DistrictAdmin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins review the guardian links teachers make".into(),
        ))
    }
}

/// `Ok` when `principal` may manage connectors and read sync runs: district admins, and partners
/// with `connectors:write`.
pub fn require_connector_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.role == TokenRole::DistrictAdmin
        || (principal.role == TokenRole::Partner
            && principal.has_scope(crate::auth::principal::SCOPE_CONNECTORS_WRITE))
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "connectors are for district admins and partners with connectors:write".into(),
        ))
    }
}

/// `Ok` when `principal` may register webhooks and read their deliveries: district admins, and
/// partners with `webhooks:write`.
pub fn require_webhook_writer(principal: &Principal) -> ServiceResult<()> {
    if principal.role == TokenRole::DistrictAdmin
        || (principal.role == TokenRole::Partner
            && principal.has_scope(crate::auth::principal::SCOPE_WEBHOOKS_WRITE))
    {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "webhooks are for district admins and partners with webhooks:write".into(),
        ))
    }
}

/// Whose invitations a caller reads (the `invitations` list and `node(id)` alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationReach {
    /// Every invitation of the district (district admins).
    District,
    /// Invitations of the people the caller sees (school admins, teachers, aides).
    PeopleInView,
    /// The caller's own (a guardian).
    Own(String),
}

/// Whose invitations `principal` may read; students, staff and partners read none.
pub fn invitation_reach(principal: &Principal) -> ServiceResult<InvitationReach> {
    match (principal.role, &principal.person_id) {
        (TokenRole::DistrictAdmin, _) => Ok(InvitationReach::District),
        (TokenRole::SchoolAdmin | TokenRole::Teacher | TokenRole::Aide, Some(_)) => {
            Ok(InvitationReach::PeopleInView)
        }
        (TokenRole::Guardian, Some(me)) => Ok(InvitationReach::Own(me.clone())),
        _ => Err(ServiceError::Forbidden(
            "invitations are read by admins, teachers and the guardians invited".into(),
        )),
    }
}

/// How much of a person a caller sees (names, contact values masked, or all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonAccess {
    /// Everything, contact values unmasked.
    Full,
    /// Contact values masked.
    Masked,
    /// Names only: no contact points, no links.
    NamesOnly,
    /// Masked when the person is one of the caller's own children (a guardian), else names only.
    MaskedIfOwnChild,
}

/// How much of `person_id` `principal` sees (of the people they see at all): admins and
/// `roster:read` partners all, anyone themselves all; teachers and aides masked; a guardian
/// their own children masked and everyone else (their children's teachers) by name only; others
/// names only.
pub fn person_access(principal: &Principal, person_id: &str) -> PersonAccess {
    if principal.sees_full_contacts() || principal.person_id.as_deref() == Some(person_id) {
        return PersonAccess::Full;
    }
    match principal.role {
        TokenRole::Teacher | TokenRole::Aide => PersonAccess::Masked,
        TokenRole::Guardian => PersonAccess::MaskedIfOwnChild,
        _ => PersonAccess::NamesOnly,
    }
}
