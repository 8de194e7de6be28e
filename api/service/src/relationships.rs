//! Manual family links: adding, removing (a tombstone sync respects) and restoring
//! guardian–student relationships by hand.

use homeroom_schema::enums::{RelationshipKind, RelationshipSource, RelationshipStatus, TokenRole};
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::{Person, Relationship};
use homeroom_schema::scope;
use homeroom_schema::store::audit::{self, NewEvent};
use homeroom_schema::store::{people, relationships as store_links};
use homeroom_schema::{Conn, Store};
use serde_json::json;

use crate::UserError;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

/// Whether `principal` may change the family links of `student`: district admins; school admins
/// and teachers when the student is in their scope (enrolled in their schools' or their classes).
pub async fn may_manage_student(
    conn: &mut Conn,
    principal: &Principal,
    student: &Person,
) -> ServiceResult<bool> {
    if !student.is_student || student.district_id != principal.district_id {
        return Ok(false);
    }
    Ok(match principal.role {
        TokenRole::DistrictAdmin => true,
        TokenRole::SchoolAdmin | TokenRole::Teacher => {
            scope::sees_person(conn, &principal.scope()?, &student.id).await?
        }
        _ => false,
    })
}

fn forbidden() -> ServiceError {
    ServiceError::Forbidden(
        "only district admins, school admins of the student's school and the student's teachers \
         may change family links"
            .into(),
    )
}

fn snapshot(link: &Relationship) -> serde_json::Value {
    json!({
        "guardian_id": link.guardian_id,
        "student_id": link.student_id,
        "kind": link.kind,
        "status": link.status,
        "removed_by": link.removed_by,
    })
}

async fn record(
    conn: &mut Conn,
    principal: &Principal,
    action: &str,
    link: &Relationship,
    before: Option<serde_json::Value>,
) -> ServiceResult<()> {
    let (actor_kind, actor) = principal.actor();
    audit::record(
        conn,
        NewEvent {
            district_id: &principal.district_id,
            actor_kind,
            actor_id: Some(&actor),
            action,
            target_kind: "relationship",
            target_id: &link.id,
            before,
            after: Some(snapshot(link)),
        },
    )
    .await?;
    Ok(())
}

/// What `addRelationship` asks for.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// The guardian (an adult).
    pub guardian_id: String,
    /// The student.
    pub student_id: String,
    /// Kind of link.
    pub kind: RelationshipKind,
}

/// Links a guardian to a student by hand.
pub async fn add(
    store: &Store,
    principal: &Principal,
    input: NewLink,
) -> ServiceResult<Result<Relationship, UserError>> {
    store
        .transaction(async |conn| {
            let district = principal.district_id.as_str();
            let Some(student) = people::get(conn, district, &input.student_id).await? else {
                return Ok(Err(UserError::new(
                    Some("studentId"),
                    "NOT_FOUND",
                    "no such student",
                )));
            };
            if !student.is_student {
                return Ok(Err(UserError::new(
                    Some("studentId"),
                    "NOT_A_STUDENT",
                    "this person is not a student",
                )));
            }
            if !may_manage_student(conn, principal, &student).await? {
                return Err(forbidden());
            }
            if principal.role == TokenRole::Teacher
                && !crate::auth::policy::may_invite_guardians_for(conn, principal, &student).await?
            {
                return Err(forbidden());
            }
            // The guardian argument is checked too: an adult the caller may not link is
            // answered exactly like an unknown id.
            let guardian = match people::get(conn, district, &input.guardian_id).await? {
                Some(g)
                    if g.is_student
                        || crate::auth::policy::may_link_guardian(conn, principal, &g).await? =>
                {
                    Some(g)
                }
                _ => None,
            };
            let Some(guardian) = guardian else {
                return Ok(Err(UserError::new(
                    Some("guardianId"),
                    "NOT_FOUND",
                    "no such guardian",
                )));
            };
            if guardian.is_student {
                return Ok(Err(UserError::new(
                    Some("guardianId"),
                    "GUARDIAN_IS_STUDENT",
                    "a student cannot be a guardian",
                )));
            }
            let existing = store_links::between(
                conn,
                std::slice::from_ref(&guardian.id),
                std::slice::from_ref(&student.id),
            )
            .await?;
            if let Some(link) = existing.first() {
                return Ok(Err(match link.status {
                    RelationshipStatus::Active => UserError::new(
                        Some("guardianId"),
                        "ALREADY_LINKED",
                        "this guardian is already linked to the student",
                    ),
                    RelationshipStatus::Removed => UserError::new(
                        Some("guardianId"),
                        "REMOVED_LINK_EXISTS",
                        "this link was removed: restore it with restoreRelationship",
                    ),
                }));
            }
            let now = now_micros();
            let link = Relationship {
                id: new_id(),
                district_id: district.to_owned(),
                guardian_id: guardian.id,
                student_id: student.id,
                kind: input.kind,
                source: RelationshipSource::Manual,
                source_connector_id: None,
                lives_with_student: None,
                status: RelationshipStatus::Active,
                removed_by: None,
                removed_at: None,
                created_at: now,
                updated_at: now,
            };
            store_links::insert(conn, std::slice::from_ref(&link)).await?;
            let link = reviewed(conn, principal, link).await?;
            record(conn, principal, "relationship.add", &link, None).await?;
            Ok(Ok(link))
        })
        .await
}

/// Starts an admin's review of a link the caller just made or restored, when the policy asks
/// for one (a teacher's links), and returns the link as it stands after.
async fn reviewed(
    conn: &mut Conn,
    principal: &Principal,
    link: Relationship,
) -> ServiceResult<Relationship> {
    let district = homeroom_schema::store::districts::get(conn, &principal.district_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("district".into()))?;
    let Some(review) = crate::auth::policy::link_review_for(principal, &district.settings()) else {
        return Ok(link);
    };
    crate::link_reviews::begin(conn, principal.person_id.as_deref(), &link, review).await?;
    store_links::get(conn, &principal.district_id, &link.id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("relationship".into()))
}

/// Loads a link and checks the caller may change it.
async fn load_managed(
    conn: &mut Conn,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Relationship> {
    let district = principal.district_id.as_str();
    let link = store_links::get(conn, district, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("relationship".into()))?;
    let student = people::get(conn, district, &link.student_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("relationship".into()))?;
    if !may_manage_student(conn, principal, &student).await? {
        return Err(forbidden());
    }
    Ok(link)
}

/// Removes a link by hand: it stays removed, whatever the SIS sends, until restored.
pub async fn remove(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Result<Relationship, UserError>> {
    let actor = principal.actor().1;
    store
        .transaction(async |conn| {
            let before = load_managed(conn, principal, id).await?;
            if before.status == RelationshipStatus::Removed
                && before.removed_by.as_deref() != Some(store_links::REMOVED_BY_SYNC)
            {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "ALREADY_REMOVED",
                    "this link is already removed",
                )));
            }
            // A link the SIS dropped becomes a person's tombstone too, so it cannot come back.
            store_links::remove_by_person(conn, &before.id, &actor).await?;
            let after = store_links::get(conn, &principal.district_id, &before.id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("relationship".into()))?;
            record(
                conn,
                principal,
                "relationship.remove",
                &after,
                Some(snapshot(&before)),
            )
            .await?;
            Ok(Ok(after))
        })
        .await
}

/// Restores a removed link.
pub async fn restore(
    store: &Store,
    principal: &Principal,
    id: &str,
) -> ServiceResult<Result<Relationship, UserError>> {
    store
        .transaction(async |conn| {
            let before = load_managed(conn, principal, id).await?;
            if before.status == RelationshipStatus::Active {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "NOT_REMOVED",
                    "this link is active",
                )));
            }
            // A link waiting for its adult's acceptance or an admin's approval is decided by
            // them, never restored by hand.
            if crate::link_reviews::is_waiting(&before) {
                return Ok(Err(UserError::new(
                    Some("id"),
                    "WAITING",
                    "this link waits for the guardian to accept their invitation or for an \
                     admin's approval",
                )));
            }
            store_links::restore(conn, &before.id).await?;
            let restored = store_links::get(conn, &principal.district_id, &before.id)
                .await?
                .ok_or_else(|| ServiceError::NotFound("relationship".into()))?;
            let after = reviewed(conn, principal, restored).await?;
            record(
                conn,
                principal,
                "relationship.restore",
                &after,
                Some(snapshot(&before)),
            )
            .await?;
            Ok(Ok(after))
        })
        .await
}
