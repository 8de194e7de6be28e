//! Merging two people into one, and undoing a merge exactly from its before-image.
//!
//! [`snapshot`] reads every row a merge of `duplicate` into `survivor` may touch (a
//! [`MergeImage`], stored in the merge's audit event); [`execute`] applies the writes the service
//! layer planned from that image (which rows move to the survivor, which collapse into the
//! survivor's twin and are deleted, what the survivor keeps: the rules live there, not here);
//! [`restore`] writes the image back. The image keeps every deleted row so the undo inserts it
//! again.
//!
//! Secrets (password and token hashes) are never copied into the image: a merge does not change
//! them, and the undo leaves those columns alone.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};

use crate::db::{Conn, with_conn};
use crate::enums::{AccountState, RelationshipStatus, Status};
use crate::error::{StoreError, StoreResult};
use crate::models::{
    ApiToken, Class, ContactPoint, Enrollment, Invitation, Person, PersonRole, Relationship,
    SourceLink,
};
use crate::tables::{
    api_tokens, classes, contact_points, enrollments, invitations, people, person_roles,
    relationships, source_links,
};

/// Every row a merge of two people touches, as it was before the merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeImage {
    /// The person who remains.
    pub survivor: Person,
    /// The person merged into the survivor (archived by the merge).
    pub duplicate: Person,
    /// Roles of both.
    pub roles: Vec<PersonRole>,
    /// Contact points of both.
    pub contact_points: Vec<ContactPoint>,
    /// Enrollments (any status) of both.
    pub enrollments: Vec<Enrollment>,
    /// Relationships (any status) where either is the guardian or the student.
    pub relationships: Vec<Relationship>,
    /// Invitations for either, or sent by either.
    pub invitations: Vec<Invitation>,
    /// Source links to either person or to any of the rows above.
    pub source_links: Vec<SourceLink>,
    /// Classes either has claimed.
    pub classes: Vec<Class>,
    /// API tokens bound to either.
    pub api_tokens: Vec<ApiToken>,
}

/// Reads the before-image of merging `duplicate_id` into `survivor_id` (both of `district_id`).
/// `NotFound` when either person is missing.
pub async fn snapshot(
    conn: &mut Conn,
    district_id: &str,
    survivor_id: &str,
    duplicate_id: &str,
) -> StoreResult<MergeImage> {
    let ids = vec![survivor_id.to_owned(), duplicate_id.to_owned()];
    let found: Vec<Person> = with_conn!(conn, |c| {
        people::table
            .filter(people::district_id.eq(district_id))
            .filter(people::id.eq_any(&ids))
            .select(Person::as_select())
            .load(c)
            .await?
    });
    let pick = |id: &str| {
        found
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or(StoreError::NotFound)
    };
    let survivor = pick(survivor_id)?;
    let duplicate = pick(duplicate_id)?;
    let roles: Vec<PersonRole> = with_conn!(conn, |c| {
        person_roles::table
            .filter(person_roles::person_id.eq_any(&ids))
            .order(person_roles::id.asc())
            .select(PersonRole::as_select())
            .load(c)
            .await?
    });
    let contact_points: Vec<ContactPoint> = with_conn!(conn, |c| {
        contact_points::table
            .filter(contact_points::person_id.eq_any(&ids))
            .order(contact_points::id.asc())
            .select(ContactPoint::as_select())
            .load(c)
            .await?
    });
    let enrollments: Vec<Enrollment> = with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::person_id.eq_any(&ids))
            .order(enrollments::id.asc())
            .select(Enrollment::as_select())
            .load(c)
            .await?
    });
    let relationships: Vec<Relationship> = with_conn!(conn, |c| {
        relationships::table
            .filter(
                relationships::guardian_id
                    .eq_any(&ids)
                    .or(relationships::student_id.eq_any(&ids)),
            )
            .order(relationships::id.asc())
            .select(Relationship::as_select())
            .load(c)
            .await?
    });
    let invitations: Vec<Invitation> = with_conn!(conn, |c| {
        invitations::table
            .filter(
                invitations::person_id
                    .eq_any(&ids)
                    .or(invitations::invited_by.eq_any(&ids)),
            )
            .order(invitations::id.asc())
            .select(Invitation::as_select())
            .load(c)
            .await?
    });
    let mut local_ids = ids.clone();
    local_ids.extend(roles.iter().map(|r| r.id.clone()));
    local_ids.extend(contact_points.iter().map(|r| r.id.clone()));
    local_ids.extend(enrollments.iter().map(|r| r.id.clone()));
    local_ids.extend(relationships.iter().map(|r| r.id.clone()));
    let mut source_links = Vec::new();
    for chunk in local_ids.chunks(5_000) {
        let rows: Vec<SourceLink> = with_conn!(conn, |c| {
            source_links::table
                .filter(source_links::local_id.eq_any(chunk))
                .select(SourceLink::as_select())
                .load(c)
                .await?
        });
        source_links.extend(rows);
    }
    source_links.sort_by(|a, b| a.id.cmp(&b.id));
    let classes: Vec<Class> = with_conn!(conn, |c| {
        classes::table
            .filter(classes::claimed_by.eq_any(&ids))
            .order(classes::id.asc())
            .select(Class::as_select())
            .load(c)
            .await?
    });
    let api_tokens: Vec<ApiToken> = with_conn!(conn, |c| {
        api_tokens::table
            .filter(api_tokens::person_id.eq_any(&ids))
            .order(api_tokens::id.asc())
            .select(ApiToken::as_select())
            .load(c)
            .await?
    });
    Ok(MergeImage {
        survivor,
        duplicate,
        roles,
        contact_points,
        enrollments,
        relationships,
        invitations,
        source_links,
        classes,
        api_tokens,
    })
}

/// The survivor's own columns after a merge (the service decides each one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurvivorColumns {
    /// The survivor.
    pub id: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Account state.
    pub account_state: AccountState,
    /// Grade.
    pub grade: Option<String>,
    /// Student number.
    pub student_number: Option<String>,
    /// State id.
    pub state_id: Option<String>,
    /// SIS id.
    pub sis_id: Option<String>,
    /// The search text for the names above.
    pub search_text: String,
}

/// One write of a merge. The service layer decides them from a [`MergeImage`] (which rows
/// collapse into the survivor's twin, what the survivor keeps); [`execute`] only applies them,
/// in order, stamping `updated_at` where the table has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeWrite {
    /// A role moves to `to`.
    MoveRole {
        /// The role row.
        id: String,
        /// The person who now holds it.
        to: String,
    },
    /// A role row is deleted (the survivor holds the same role).
    DeleteRole {
        /// The role row.
        id: String,
    },
    /// A contact point takes a verification time.
    VerifyContactPoint {
        /// The contact point.
        id: String,
        /// When it was verified.
        verified_at: Option<i64>,
    },
    /// A contact point moves to `to`.
    MoveContactPoint {
        /// The contact point.
        id: String,
        /// Its new owner.
        to: String,
    },
    /// A contact point is deleted.
    DeleteContactPoint {
        /// The contact point.
        id: String,
    },
    /// An enrollment becomes active.
    ActivateEnrollment {
        /// The enrollment.
        id: String,
    },
    /// An enrollment moves to `to`.
    MoveEnrollment {
        /// The enrollment.
        id: String,
        /// The person now enrolled.
        to: String,
    },
    /// An enrollment is deleted.
    DeleteEnrollment {
        /// The enrollment.
        id: String,
    },
    /// A relationship becomes active again (no longer removed).
    ActivateRelationship {
        /// The relationship.
        id: String,
    },
    /// A relationship takes new ends.
    MoveRelationship {
        /// The relationship.
        id: String,
        /// Its guardian.
        guardian_id: String,
        /// Its student.
        student_id: String,
    },
    /// A relationship is deleted.
    DeleteRelationship {
        /// The relationship.
        id: String,
    },
    /// An invitation points at other rows.
    RepointInvitation {
        /// The invitation.
        id: String,
        /// Who is invited.
        person_id: String,
        /// Who invited.
        invited_by: Option<String>,
        /// The relationship it is about.
        relationship_id: Option<String>,
        /// Where it was sent.
        contact_point_id: Option<String>,
    },
    /// A source link points at another local row.
    RepointSourceLink {
        /// The source link.
        id: String,
        /// The local row.
        local_id: String,
    },
    /// A class's claim moves to `to`.
    MoveClaim {
        /// The class.
        class_id: String,
        /// The claimer.
        to: String,
    },
    /// An API token is bound to `to`.
    MoveToken {
        /// The token.
        id: String,
        /// The person.
        to: String,
    },
    /// A person is archived, keeping `student_number`.
    ArchivePerson {
        /// The person.
        id: String,
        /// The student number it keeps.
        student_number: Option<String>,
    },
    /// The survivor's columns are written.
    UpdateSurvivor(SurvivorColumns),
}

/// Applies `writes` in order (call inside a transaction, with the writes planned from an image
/// just read by [`snapshot`]).
pub async fn execute(conn: &mut Conn, writes: &[MergeWrite], now: i64) -> StoreResult<()> {
    for write in writes {
        match write {
            MergeWrite::MoveRole { id, to } => with_conn!(conn, |c| {
                diesel::update(person_roles::table.find(id))
                    .set(person_roles::person_id.eq(to))
                    .execute(c)
                    .await?
            }),
            MergeWrite::DeleteRole { id } => with_conn!(conn, |c| {
                diesel::delete(person_roles::table.find(id))
                    .execute(c)
                    .await?
            }),
            MergeWrite::VerifyContactPoint { id, verified_at } => with_conn!(conn, |c| {
                diesel::update(contact_points::table.find(id))
                    .set((
                        contact_points::verified_at.eq(verified_at),
                        contact_points::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::MoveContactPoint { id, to } => with_conn!(conn, |c| {
                diesel::update(contact_points::table.find(id))
                    .set((
                        contact_points::person_id.eq(to),
                        contact_points::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::DeleteContactPoint { id } => with_conn!(conn, |c| {
                diesel::delete(contact_points::table.find(id))
                    .execute(c)
                    .await?
            }),
            MergeWrite::ActivateEnrollment { id } => with_conn!(conn, |c| {
                diesel::update(enrollments::table.find(id))
                    .set((
                        enrollments::status.eq(Status::Active),
                        enrollments::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::MoveEnrollment { id, to } => with_conn!(conn, |c| {
                diesel::update(enrollments::table.find(id))
                    .set((
                        enrollments::person_id.eq(to),
                        enrollments::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::DeleteEnrollment { id } => with_conn!(conn, |c| {
                diesel::delete(enrollments::table.find(id))
                    .execute(c)
                    .await?
            }),
            MergeWrite::ActivateRelationship { id } => with_conn!(conn, |c| {
                diesel::update(relationships::table.find(id))
                    .set((
                        relationships::status.eq(RelationshipStatus::Active),
                        relationships::removed_by.eq(None::<String>),
                        relationships::removed_at.eq(None::<i64>),
                        relationships::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::MoveRelationship {
                id,
                guardian_id,
                student_id,
            } => with_conn!(conn, |c| {
                diesel::update(relationships::table.find(id))
                    .set((
                        relationships::guardian_id.eq(guardian_id),
                        relationships::student_id.eq(student_id),
                        relationships::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::DeleteRelationship { id } => with_conn!(conn, |c| {
                diesel::delete(relationships::table.find(id))
                    .execute(c)
                    .await?
            }),
            MergeWrite::RepointInvitation {
                id,
                person_id,
                invited_by,
                relationship_id,
                contact_point_id,
            } => with_conn!(conn, |c| {
                diesel::update(invitations::table.find(id))
                    .set((
                        invitations::person_id.eq(person_id),
                        invitations::invited_by.eq(invited_by),
                        invitations::relationship_id.eq(relationship_id),
                        invitations::contact_point_id.eq(contact_point_id),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::RepointSourceLink { id, local_id } => with_conn!(conn, |c| {
                diesel::update(source_links::table.find(id))
                    .set((
                        source_links::local_id.eq(local_id),
                        source_links::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::MoveClaim { class_id, to } => with_conn!(conn, |c| {
                diesel::update(classes::table.find(class_id))
                    .set(classes::claimed_by.eq(to))
                    .execute(c)
                    .await?
            }),
            MergeWrite::MoveToken { id, to } => with_conn!(conn, |c| {
                diesel::update(api_tokens::table.find(id))
                    .set(api_tokens::person_id.eq(to))
                    .execute(c)
                    .await?
            }),
            MergeWrite::ArchivePerson { id, student_number } => with_conn!(conn, |c| {
                diesel::update(people::table.find(id))
                    .set((
                        people::status.eq(Status::Archived),
                        people::archived_at.eq(Some(now)),
                        people::student_number.eq(student_number),
                        people::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
            MergeWrite::UpdateSurvivor(sur) => with_conn!(conn, |c| {
                diesel::update(people::table.find(&sur.id))
                    .set((
                        people::middle_name.eq(&sur.middle_name),
                        people::preferred_name.eq(&sur.preferred_name),
                        people::account_state.eq(sur.account_state),
                        people::grade.eq(&sur.grade),
                        people::student_number.eq(&sur.student_number),
                        people::state_id.eq(&sur.state_id),
                        people::sis_id.eq(&sur.sis_id),
                        people::search_text.eq(&sur.search_text),
                        people::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            }),
        };
    }
    Ok(())
}

/// Writes each row of `$rows` back: updated in place when it still exists, inserted otherwise.
macro_rules! put_rows {
    ($conn:expr, $table:ident, $rows:expr) => {
        for row in $rows {
            let n = with_conn!($conn, |c| {
                diesel::update($table::table.find(&row.id))
                    .set(row)
                    .execute(c)
                    .await?
            });
            if n == 0 {
                with_conn!($conn, |c| {
                    diesel::insert_into($table::table)
                        .values(row)
                        .execute(c)
                        .await?
                });
            }
        }
    };
}

/// Fails with `Conflict` when an update found no row (it was deleted since the merge).
fn must_exist(n: usize, what: &str, id: &str) -> StoreResult<()> {
    if n == 0 {
        Err(StoreError::Conflict(format!(
            "{what} {id} no longer exists; the merge cannot be undone exactly"
        )))
    } else {
        Ok(())
    }
}

/// Writes a person's columns from the image (all but the password hash).
async fn put_person(conn: &mut Conn, p: &Person) -> StoreResult<()> {
    let n = with_conn!(conn, |c| {
        diesel::update(people::table.find(&p.id))
            .set((
                people::district_id.eq(&p.district_id),
                people::given_name.eq(&p.given_name),
                people::family_name.eq(&p.family_name),
                people::middle_name.eq(&p.middle_name),
                people::preferred_name.eq(&p.preferred_name),
                people::status.eq(p.status),
                people::account_state.eq(p.account_state),
                people::is_student.eq(p.is_student),
                people::grade.eq(&p.grade),
                people::student_number.eq(&p.student_number),
                people::state_id.eq(&p.state_id),
                people::sis_id.eq(&p.sis_id),
                people::search_text.eq(&p.search_text),
                people::sis_hash.eq(&p.sis_hash),
                people::created_at.eq(p.created_at),
                people::updated_at.eq(p.updated_at),
                people::archived_at.eq(p.archived_at),
            ))
            .execute(c)
            .await?
    });
    must_exist(n, "person", &p.id)
}

/// Restores every row of `image` as it was before the merge (call inside a transaction). Rows
/// the merge deleted are inserted again; rows added since the merge stay where they are. A
/// unique collision with a later change fails with `Conflict` (roll back).
pub async fn restore(conn: &mut Conn, image: &MergeImage) -> StoreResult<()> {
    // The survivor first: it may hold the duplicate's student number until restored.
    put_person(conn, &image.survivor).await?;
    put_person(conn, &image.duplicate).await?;
    put_rows!(conn, person_roles, &image.roles);
    put_rows!(conn, contact_points, &image.contact_points);
    put_rows!(conn, enrollments, &image.enrollments);
    put_rows!(conn, relationships, &image.relationships);
    for inv in &image.invitations {
        let n = with_conn!(conn, |c| {
            diesel::update(invitations::table.find(&inv.id))
                .set((
                    invitations::person_id.eq(&inv.person_id),
                    invitations::invited_by.eq(&inv.invited_by),
                    invitations::relationship_id.eq(&inv.relationship_id),
                    invitations::contact_point_id.eq(&inv.contact_point_id),
                ))
                .execute(c)
                .await?
        });
        must_exist(n, "invitation", &inv.id)?;
    }
    put_rows!(conn, source_links, &image.source_links);
    for class in &image.classes {
        let n = with_conn!(conn, |c| {
            diesel::update(classes::table.find(&class.id))
                .set(classes::claimed_by.eq(&class.claimed_by))
                .execute(c)
                .await?
        });
        must_exist(n, "class", &class.id)?;
    }
    for token in &image.api_tokens {
        let n = with_conn!(conn, |c| {
            diesel::update(api_tokens::table.find(&token.id))
                .set(api_tokens::person_id.eq(&token.person_id))
                .execute(c)
                .await?
        });
        must_exist(n, "api token", &token.id)?;
    }
    Ok(())
}
