//! Merging two people into one, and undoing a merge exactly from its before-image.
//!
//! [`snapshot`] reads every row a merge of `duplicate` into `survivor` may touch (a
//! [`MergeImage`], stored in the merge's audit event); [`merge`] moves roles, contact points,
//! enrollments, relationships, invitations, source links, claims and tokens to the survivor and
//! archives the duplicate; [`restore`] writes the image back. Where both people hold the same
//! thing (the same role, contact point, class enrollment or student link) the duplicate's row is
//! deleted and whatever pointed at it (invitations, source links) is re-pointed to the
//! survivor's; the image keeps the deleted row so the undo inserts it again.
//!
//! Secrets (password and token hashes) are never copied into the image: a merge does not change
//! them, and the undo leaves those columns alone.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};

use crate::db::{Conn, with_conn};
use crate::enums::{AccountState, Status};
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

/// Swaps the duplicate's id for the survivor's.
fn swap(id: &str, image: &MergeImage) -> String {
    if id == image.duplicate.id {
        image.survivor.id.clone()
    } else {
        id.to_owned()
    }
}

/// What a merge did, for its audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSummary {
    /// Rows moved to the survivor, per table.
    pub moved: std::collections::BTreeMap<String, usize>,
    /// Rows of the duplicate dropped because the survivor already held the same thing.
    pub collapsed: std::collections::BTreeMap<String, usize>,
}

impl MergeSummary {
    fn moved(&mut self, table: &str) {
        *self.moved.entry(table.to_owned()).or_default() += 1;
    }
    fn collapsed(&mut self, table: &str) {
        *self.collapsed.entry(table.to_owned()).or_default() += 1;
    }
}

/// Merges `image.duplicate` into `image.survivor` (call inside a transaction, with the image
/// just read by [`snapshot`]). The caller checks the rules (student↔adult, student numbers).
pub async fn merge(conn: &mut Conn, image: &MergeImage, now: i64) -> StoreResult<MergeSummary> {
    let s = image.survivor.id.as_str();
    let d = image.duplicate.id.as_str();
    let mut summary = MergeSummary::default();
    // Old row id → the survivor's row that replaces it (for re-pointing references).
    let mut replaced: HashMap<String, String> = HashMap::new();

    for role in image.roles.iter().filter(|r| r.person_id == d) {
        let twin = image
            .roles
            .iter()
            .find(|r| r.person_id == s && r.role == role.role && r.org_id == role.org_id);
        if let Some(twin) = twin {
            replaced.insert(role.id.clone(), twin.id.clone());
            with_conn!(conn, |c| {
                diesel::delete(person_roles::table.find(&role.id))
                    .execute(c)
                    .await?
            });
            summary.collapsed("person_roles");
        } else {
            with_conn!(conn, |c| {
                diesel::update(person_roles::table.find(&role.id))
                    .set(person_roles::person_id.eq(s))
                    .execute(c)
                    .await?
            });
            summary.moved("person_roles");
        }
    }

    for cp in image.contact_points.iter().filter(|c| c.person_id == d) {
        let twin = image
            .contact_points
            .iter()
            .find(|c| c.person_id == s && c.kind == cp.kind && c.value == cp.value);
        if let Some(twin) = twin {
            replaced.insert(cp.id.clone(), twin.id.clone());
            if cp.verified_at.is_some() && twin.verified_at.is_none() {
                // The duplicate had proved this contact point: the survivor keeps the proof.
                with_conn!(conn, |c| {
                    diesel::update(contact_points::table.find(&twin.id))
                        .set((
                            contact_points::verified_at.eq(cp.verified_at),
                            contact_points::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?
                });
            }
            with_conn!(conn, |c| {
                diesel::delete(contact_points::table.find(&cp.id))
                    .execute(c)
                    .await?
            });
            summary.collapsed("contact_points");
        } else {
            with_conn!(conn, |c| {
                diesel::update(contact_points::table.find(&cp.id))
                    .set((
                        contact_points::person_id.eq(s),
                        contact_points::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            });
            summary.moved("contact_points");
        }
    }

    for e in image.enrollments.iter().filter(|e| e.person_id == d) {
        let twin = image
            .enrollments
            .iter()
            .find(|x| x.person_id == s && x.class_id == e.class_id && x.role == e.role);
        if let Some(twin) = twin {
            replaced.insert(e.id.clone(), twin.id.clone());
            if e.status == Status::Active && twin.status != Status::Active {
                with_conn!(conn, |c| {
                    diesel::update(enrollments::table.find(&twin.id))
                        .set((
                            enrollments::status.eq(Status::Active),
                            enrollments::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?
                });
            }
            with_conn!(conn, |c| {
                diesel::delete(enrollments::table.find(&e.id))
                    .execute(c)
                    .await?
            });
            summary.collapsed("enrollments");
        } else {
            with_conn!(conn, |c| {
                diesel::update(enrollments::table.find(&e.id))
                    .set((
                        enrollments::person_id.eq(s),
                        enrollments::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            });
            summary.moved("enrollments");
        }
    }

    for rel in image
        .relationships
        .iter()
        .filter(|r| r.guardian_id == d || r.student_id == d)
    {
        let guardian = swap(&rel.guardian_id, image);
        let student = swap(&rel.student_id, image);
        if guardian == student {
            return Err(StoreError::Conflict(
                "the two people are linked to each other as guardian and student".into(),
            ));
        }
        let twin = image.relationships.iter().find(|x| {
            x.id != rel.id
                && x.guardian_id != d
                && x.student_id != d
                && x.guardian_id == guardian
                && x.student_id == student
        });
        if let Some(twin) = twin {
            replaced.insert(rel.id.clone(), twin.id.clone());
            if rel.status == crate::enums::RelationshipStatus::Active
                && twin.status != crate::enums::RelationshipStatus::Active
            {
                with_conn!(conn, |c| {
                    diesel::update(relationships::table.find(&twin.id))
                        .set((
                            relationships::status.eq(crate::enums::RelationshipStatus::Active),
                            relationships::removed_by.eq(None::<String>),
                            relationships::removed_at.eq(None::<i64>),
                            relationships::updated_at.eq(now),
                        ))
                        .execute(c)
                        .await?
                });
            }
            with_conn!(conn, |c| {
                diesel::delete(relationships::table.find(&rel.id))
                    .execute(c)
                    .await?
            });
            summary.collapsed("relationships");
        } else {
            with_conn!(conn, |c| {
                diesel::update(relationships::table.find(&rel.id))
                    .set((
                        relationships::guardian_id.eq(&guardian),
                        relationships::student_id.eq(&student),
                        relationships::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            });
            summary.moved("relationships");
        }
    }

    let remap = |id: &Option<String>| -> Option<String> {
        id.as_ref()
            .map(|x| replaced.get(x).cloned().unwrap_or_else(|| x.clone()))
    };
    for inv in &image.invitations {
        let person = swap(&inv.person_id, image);
        let invited_by = inv.invited_by.as_deref().map(|x| swap(x, image));
        let relationship = remap(&inv.relationship_id);
        let contact = remap(&inv.contact_point_id);
        if person == inv.person_id
            && invited_by == inv.invited_by
            && relationship == inv.relationship_id
            && contact == inv.contact_point_id
        {
            continue;
        }
        with_conn!(conn, |c| {
            diesel::update(invitations::table.find(&inv.id))
                .set((
                    invitations::person_id.eq(&person),
                    invitations::invited_by.eq(&invited_by),
                    invitations::relationship_id.eq(&relationship),
                    invitations::contact_point_id.eq(&contact),
                ))
                .execute(c)
                .await?
        });
        summary.moved("invitations");
    }

    for link in &image.source_links {
        let local = if link.local_id == d {
            s.to_owned()
        } else {
            replaced
                .get(&link.local_id)
                .cloned()
                .unwrap_or_else(|| link.local_id.clone())
        };
        if local != link.local_id {
            with_conn!(conn, |c| {
                diesel::update(source_links::table.find(&link.id))
                    .set((
                        source_links::local_id.eq(&local),
                        source_links::updated_at.eq(now),
                    ))
                    .execute(c)
                    .await?
            });
            summary.moved("source_links");
        }
    }

    for class in image
        .classes
        .iter()
        .filter(|c| c.claimed_by.as_deref() == Some(d))
    {
        with_conn!(conn, |c| {
            diesel::update(classes::table.find(&class.id))
                .set(classes::claimed_by.eq(s))
                .execute(c)
                .await?
        });
        summary.moved("classes");
    }

    for token in image
        .api_tokens
        .iter()
        .filter(|t| t.person_id.as_deref() == Some(d))
    {
        with_conn!(conn, |c| {
            diesel::update(api_tokens::table.find(&token.id))
                .set(api_tokens::person_id.eq(s))
                .execute(c)
                .await?
        });
        summary.moved("api_tokens");
    }

    // The duplicate is archived (never deleted: its row keeps what an undo needs); the survivor
    // takes what it lacks.
    let sur = &image.survivor;
    let dup = &image.duplicate;
    let takes_number = sur.student_number.is_none() && dup.student_number.is_some();
    with_conn!(conn, |c| {
        diesel::update(people::table.find(d))
            .set((
                people::status.eq(Status::Archived),
                people::archived_at.eq(Some(now)),
                people::student_number.eq(dup.student_number.clone().filter(|_| !takes_number)),
                people::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    let middle = sur.middle_name.clone().or_else(|| dup.middle_name.clone());
    let preferred = sur
        .preferred_name
        .clone()
        .or_else(|| dup.preferred_name.clone());
    let rank = |a: AccountState| match a {
        AccountState::None => 0,
        AccountState::Invited => 1,
        AccountState::Claimed => 2,
    };
    let account = if rank(dup.account_state) > rank(sur.account_state) {
        dup.account_state
    } else {
        sur.account_state
    };
    with_conn!(conn, |c| {
        diesel::update(people::table.find(s))
            .set((
                people::middle_name.eq(&middle),
                people::preferred_name.eq(&preferred),
                people::account_state.eq(account),
                people::grade.eq(sur.grade.clone().or_else(|| dup.grade.clone())),
                people::student_number.eq(sur
                    .student_number
                    .clone()
                    .or_else(|| dup.student_number.clone())),
                people::state_id.eq(sur.state_id.clone().or_else(|| dup.state_id.clone())),
                people::sis_id.eq(sur.sis_id.clone().or_else(|| dup.sis_id.clone())),
                people::search_text.eq(Person::search_text_for(
                    &sur.given_name,
                    &sur.family_name,
                    middle.as_deref(),
                    preferred.as_deref(),
                )),
                people::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(summary)
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
