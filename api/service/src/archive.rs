//! Archiving and restoring people, and removing students' guardians in bulk (district admins).
//!
//! People the SIS manages (a live source link) are archived by the SIS, not by hand, unless the
//! admin overrides. Each call is all or nothing: any refused id leaves everything unchanged.

use homeroom_schema::enums::Status;
use homeroom_schema::models::Person;
use homeroom_schema::store::status::{self, Archivable};
use homeroom_schema::store::{links, people, relationships};
use homeroom_schema::{Conn, Store};
use serde_json::json;

use crate::UserError;
use crate::audit_log;
use crate::auth::Principal;
use crate::error::{ServiceError, ServiceResult};

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    if principal.is_district_admin() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "only district admins archive people or remove guardians in bulk".into(),
        ))
    }
}

fn id_error(index: usize, code: &str, message: &str) -> UserError {
    UserError {
        field: Some(vec!["ids".into(), index.to_string()]),
        message: message.into(),
        code: code.into(),
    }
}

/// Loads the people of `ids` in order; unknown ids become user errors.
async fn load_all(
    conn: &mut Conn,
    district_id: &str,
    ids: &[String],
) -> ServiceResult<(Vec<Person>, Vec<UserError>)> {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        match people::get(conn, district_id, id).await? {
            Some(p) => found.push(p),
            None => errors.push(id_error(i, "NOT_FOUND", "no such person")),
        }
    }
    Ok((found, errors))
}

/// Archives people: they leave default lists (and their families stop getting class notices).
/// SIS-managed people need `override_sis`. One audit event per person archived.
pub async fn archive(
    store: &Store,
    principal: &Principal,
    ids: &[String],
    override_sis: bool,
) -> ServiceResult<Result<Vec<Person>, Vec<UserError>>> {
    require_admin(principal)?;
    store
        .transaction(async |conn| {
            let (found, mut errors) = load_all(conn, &principal.district_id, ids).await?;
            let linked = links::still_linked(conn, ids, &[]).await?;
            if !override_sis {
                for (i, id) in ids.iter().enumerate() {
                    if linked.contains(id) {
                        errors.push(id_error(
                            i,
                            "SIS_MANAGED",
                            "the SIS manages this person; it archives them (or set override)",
                        ));
                    }
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let changing: Vec<String> = found
                .iter()
                .filter(|p| p.status != Status::Archived)
                .map(|p| p.id.clone())
                .collect();
            status::set(conn, Archivable::Person, &changing, Status::Archived).await?;
            for id in &changing {
                audit_log::record(
                    conn,
                    principal,
                    "person.archive",
                    ("person", id),
                    Some(json!({ "status": Status::Active })),
                    Some(json!({
                        "status": Status::Archived,
                        "sis_override": linked.contains(id),
                    })),
                )
                .await?;
            }
            Ok(Ok(people::get_many(conn, ids).await?))
        })
        .await
}

/// Restores archived people. One audit event per person restored.
pub async fn restore(
    store: &Store,
    principal: &Principal,
    ids: &[String],
) -> ServiceResult<Result<Vec<Person>, Vec<UserError>>> {
    require_admin(principal)?;
    store
        .transaction(async |conn| {
            let (found, errors) = load_all(conn, &principal.district_id, ids).await?;
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            let changing: Vec<String> = found
                .iter()
                .filter(|p| p.status == Status::Archived)
                .map(|p| p.id.clone())
                .collect();
            status::set(conn, Archivable::Person, &changing, Status::Active).await?;
            for id in &changing {
                audit_log::record(
                    conn,
                    principal,
                    "person.restore",
                    ("person", id),
                    Some(json!({ "status": Status::Archived })),
                    Some(json!({ "status": Status::Active })),
                )
                .await?;
            }
            Ok(Ok(people::get_many(conn, ids).await?))
        })
        .await
}

/// Removes every active guardian link of the given students (tombstones sync respects). One
/// audit event per student whose links were removed.
pub async fn remove_guardians(
    store: &Store,
    principal: &Principal,
    student_ids: &[String],
) -> ServiceResult<Result<Vec<Person>, Vec<UserError>>> {
    require_admin(principal)?;
    let (_, remover) = principal.actor();
    store
        .transaction(async |conn| {
            let (found, mut errors) = load_all(conn, &principal.district_id, student_ids).await?;
            for (i, id) in student_ids.iter().enumerate() {
                if found.iter().any(|p| &p.id == id && !p.is_student) {
                    errors.push(id_error(i, "NOT_A_STUDENT", "the person is not a student"));
                }
            }
            if !errors.is_empty() {
                return Ok(Err(errors));
            }
            for student in &found {
                let removed = relationships::remove_all_of_students(
                    conn,
                    std::slice::from_ref(&student.id),
                    &remover,
                )
                .await?;
                if removed.is_empty() {
                    continue;
                }
                audit_log::record(
                    conn,
                    principal,
                    "relationship.remove_guardians",
                    ("person", &student.id),
                    Some(json!({ "relationships": removed })),
                    Some(json!({ "status": "removed" })),
                )
                .await?;
            }
            Ok(Ok(found))
        })
        .await
}
