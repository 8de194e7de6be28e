//! Reads and writes behind the family invite manager and account claiming.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{AccountState, EnrollmentRole, Reachability, RelationshipStatus, Status};
use crate::error::StoreResult;
use crate::ids::{new_id, now_micros};
use crate::models::{ContactPoint, LoginFailure, Person, Relationship};
use crate::tables::{contact_points, enrollments, login_failures, people, relationships};

/// One row of a class's family invite manager: an active link between a guardian and an active
/// student enrolled in the class.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyRow {
    /// The link.
    pub relationship: Relationship,
    /// The student.
    pub student: Person,
    /// The guardian.
    pub guardian: Person,
}

/// Rows of a class's family invite manager, in relationship id order. Only active guardians of
/// active students with an active student enrollment in the class.
pub async fn rows_for_class(conn: &mut Conn, class_id: &str) -> StoreResult<Vec<FamilyRow>> {
    let students: Vec<Person> = with_conn!(conn, |c| {
        people::table
            .filter(
                people::id.eq_any(
                    enrollments::table
                        .filter(enrollments::class_id.eq(class_id))
                        .filter(enrollments::role.eq(EnrollmentRole::Student))
                        .filter(enrollments::status.eq(Status::Active))
                        .select(enrollments::person_id),
                ),
            )
            .filter(people::status.eq(Status::Active))
            .select(Person::as_select())
            .load(c)
            .await?
    });
    if students.is_empty() {
        return Ok(Vec::new());
    }
    let student_ids: Vec<String> = students.iter().map(|s| s.id.clone()).collect();
    let mut links: Vec<Relationship> = Vec::new();
    for chunk in student_ids.chunks(500) {
        links.extend(with_conn!(conn, |c| {
            relationships::table
                .filter(relationships::student_id.eq_any(chunk))
                .filter(relationships::status.eq(RelationshipStatus::Active))
                .select(Relationship::as_select())
                .load(c)
                .await?
        }));
    }
    let mut guardian_ids: Vec<String> = links.iter().map(|l| l.guardian_id.clone()).collect();
    guardian_ids.sort();
    guardian_ids.dedup();
    let mut guardians: Vec<Person> = Vec::new();
    for chunk in guardian_ids.chunks(500) {
        guardians.extend(with_conn!(conn, |c| {
            people::table
                .filter(people::id.eq_any(chunk))
                .filter(people::status.eq(Status::Active))
                .select(Person::as_select())
                .load(c)
                .await?
        }));
    }
    let students: std::collections::HashMap<String, Person> =
        students.into_iter().map(|p| (p.id.clone(), p)).collect();
    let guardians: std::collections::HashMap<String, Person> =
        guardians.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut rows: Vec<FamilyRow> = links
        .into_iter()
        .filter_map(|relationship| {
            let student = students.get(&relationship.student_id)?.clone();
            let guardian = guardians.get(&relationship.guardian_id)?.clone();
            Some(FamilyRow {
                relationship,
                student,
                guardian,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.relationship.id.cmp(&b.relationship.id));
    Ok(rows)
}

/// Sets a person's account state.
pub async fn set_account_state(
    conn: &mut Conn,
    person_id: &str,
    state: AccountState,
) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(people::table.filter(people::id.eq(person_id)))
            .set((people::account_state.eq(state), people::updated_at.eq(now)))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Marks people `invited` unless they already hold an account.
pub async fn mark_invited(conn: &mut Conn, person_ids: &[String]) -> StoreResult<()> {
    let now = now_micros();
    for chunk in person_ids.chunks(500) {
        with_conn!(conn, |c| {
            diesel::update(
                people::table
                    .filter(people::id.eq_any(chunk))
                    .filter(people::account_state.eq(AccountState::None)),
            )
            .set((
                people::account_state.eq(AccountState::Invited),
                people::updated_at.eq(now),
            ))
            .execute(c)
            .await?
        });
    }
    Ok(())
}

/// Claims an account: names from the profile, the password hash, state `claimed`.
pub async fn claim_account(
    conn: &mut Conn,
    person_id: &str,
    given_name: &str,
    family_name: &str,
    password_hash: &str,
) -> StoreResult<()> {
    let now = now_micros();
    let search = Person::search_text_for(given_name, family_name, None, None);
    with_conn!(conn, |c| {
        diesel::update(people::table.filter(people::id.eq(person_id)))
            .set((
                people::given_name.eq(given_name),
                people::family_name.eq(family_name),
                people::password_hash.eq(password_hash),
                people::account_state.eq(AccountState::Claimed),
                people::search_text.eq(search),
                people::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Sets a claimed person's password hash (a reset, or an operator's `set-password`).
pub async fn set_password_hash(conn: &mut Conn, person_id: &str, hash: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(people::table.filter(people::id.eq(person_id)))
            .set((
                people::password_hash.eq(hash),
                people::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// One contact point by id, within a district.
pub async fn contact_point(
    conn: &mut Conn,
    district_id: &str,
    id: &str,
) -> StoreResult<Option<ContactPoint>> {
    Ok(with_conn!(conn, |c| {
        contact_points::table
            .filter(contact_points::district_id.eq(district_id))
            .filter(contact_points::id.eq(id))
            .select(ContactPoint::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Marks a contact point verified (its holder proved they receive it).
pub async fn verify_contact_point(conn: &mut Conn, id: &str) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(contact_points::table.filter(contact_points::id.eq(id)))
            .set((
                contact_points::verified_at.eq(now),
                contact_points::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Sets a contact point's reachability; `reason` is kept when it becomes unreachable.
pub async fn set_reachability(
    conn: &mut Conn,
    id: &str,
    reachability: Reachability,
    reason: Option<&str>,
) -> StoreResult<()> {
    let now = now_micros();
    let unreachable_at = (reachability == Reachability::Unreachable).then_some(now);
    with_conn!(conn, |c| {
        diesel::update(contact_points::table.filter(contact_points::id.eq(id)))
            .set((
                contact_points::reachability.eq(reachability),
                contact_points::unreachable_reason.eq(reason),
                contact_points::unreachable_at.eq(unreachable_at),
                contact_points::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Sets whether the student lives with the guardian on a link.
pub async fn set_lives_with(
    conn: &mut Conn,
    relationship_id: &str,
    lives: bool,
) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(relationships::table.filter(relationships::id.eq(relationship_id)))
            .set((
                relationships::lives_with_student.eq(lives),
                relationships::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Records a failed attempt under a key (an address, or a limiter's own key), for no client.
pub async fn record_login_failure(conn: &mut Conn, email: &str) -> StoreResult<()> {
    record_login_attempt(conn, email, "").await
}

/// Records a sign-in attempt for an address from a client (counted as failed until a success
/// clears it).
pub async fn record_login_attempt(conn: &mut Conn, email: &str, client: &str) -> StoreResult<()> {
    let row = LoginFailure {
        id: new_id(),
        email: email.to_owned(),
        at: now_micros(),
        client: client.to_owned(),
    };
    with_conn!(conn, |c| {
        diesel::insert_into(login_failures::table)
            .values(&row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// Failed logins for an address since `since` (µs).
pub async fn login_failures_since(conn: &mut Conn, email: &str, since: i64) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        login_failures::table
            .filter(login_failures::email.eq(email))
            .filter(login_failures::at.ge(since))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Times (µs, newest first, at most `limit`) of the failed attempts for an address from one
/// client since `since`.
pub async fn client_attempt_times(
    conn: &mut Conn,
    email: &str,
    client: &str,
    since: i64,
    limit: i64,
) -> StoreResult<Vec<i64>> {
    Ok(with_conn!(conn, |c| {
        login_failures::table
            .filter(login_failures::email.eq(email))
            .filter(login_failures::client.eq(client))
            .filter(login_failures::at.ge(since))
            .order(login_failures::at.desc())
            .limit(limit)
            .select(login_failures::at)
            .load(c)
            .await?
    }))
}

/// Failed attempts from one client, for any address, since `since` (µs).
pub async fn client_failures_since(conn: &mut Conn, client: &str, since: i64) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        login_failures::table
            .filter(login_failures::client.eq(client))
            .filter(login_failures::at.ge(since))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Forgets the failed attempts for an address from one client (after a successful sign-in from
/// it); other clients' attempts still count against them.
pub async fn clear_client_login_failures(
    conn: &mut Conn,
    email: &str,
    client: &str,
) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(
            login_failures::table
                .filter(login_failures::email.eq(email))
                .filter(login_failures::client.eq(client)),
        )
        .execute(c)
        .await?
    });
    Ok(())
}

/// Forgets an address's failed logins (after a successful one).
pub async fn clear_login_failures(conn: &mut Conn, email: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(login_failures::table.filter(login_failures::email.eq(email)))
            .execute(c)
            .await?
    });
    Ok(())
}
