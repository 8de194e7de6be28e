//! Classes, their enrollments, and claiming.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text};

use crate::db::{Conn, execute_rows, with_conn};
use crate::enums::{EnrollmentRole, RecordSource, Status};
use crate::error::{StoreError, StoreResult};
use crate::ids::now_micros;
use crate::models::{Class, Enrollment};
use crate::page::{Page, PageRequest};
use crate::scope::{self, Scope};
use crate::store::unnest::{insert_chunk, pg_unnest_insert};
use crate::tables::{classes, enrollments};

/// Filters of the class list. Without a status, only active classes are listed.
#[derive(Debug, Clone, Default)]
pub struct ClassFilter {
    /// Claimed (true) or unclaimed (false) classes only.
    pub claimed: Option<bool>,
    /// Classes of this school.
    pub school_id: Option<String>,
    /// Classes of this term.
    pub term_id: Option<String>,
    /// Classes this person teaches (active teacher or aide enrollment).
    pub teacher_id: Option<String>,
    /// Status (default: active).
    pub status: Option<Status>,
}

macro_rules! filtered_classes {
    ($district:expr, $scope:expr, $filter:expr) => {{
        let mut q = classes::table
            .filter(classes::district_id.eq($district))
            .filter(classes::status.eq($filter.status.unwrap_or(Status::Active)))
            .into_boxed();
        if let Some(rule) = scope::class_ids($scope, "classes.id") {
            q = q.filter(rule);
        }
        match $filter.claimed {
            Some(true) => q = q.filter(classes::claimed_by.is_not_null()),
            Some(false) => q = q.filter(classes::claimed_by.is_null()),
            None => {}
        }
        if let Some(school) = &$filter.school_id {
            q = q.filter(classes::school_id.eq(school.clone()));
        }
        if let Some(term) = &$filter.term_id {
            q = q.filter(classes::term_id.eq(term.clone()));
        }
        if let Some(teacher) = &$filter.teacher_id {
            q = q.filter(
                classes::id.eq_any(
                    enrollments::table
                        .filter(enrollments::person_id.eq(teacher.clone()))
                        .filter(
                            enrollments::role
                                .eq_any([EnrollmentRole::Teacher, EnrollmentRole::Aide]),
                        )
                        .filter(enrollments::status.eq(Status::Active))
                        .select(enrollments::class_id),
                ),
            );
        }
        q
    }};
}

/// One page of classes, in id order.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    scope: &Scope,
    filter: &ClassFilter,
    page: &PageRequest,
) -> StoreResult<Page<Class>> {
    let limit = page.limit();
    let rows: Vec<Class> = with_conn!(conn, |c| {
        let mut q = filtered_classes!(district_id, scope, filter);
        if let Some(after) = &page.after {
            q = q.filter(classes::id.gt(after));
        }
        q.order(classes::id.asc())
            .limit(limit + 1)
            .select(Class::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// How many classes match.
pub async fn count(
    conn: &mut Conn,
    district_id: &str,
    scope: &Scope,
    filter: &ClassFilter,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        filtered_classes!(district_id, scope, filter)
            .count()
            .get_result(c)
            .await?
    }))
}

/// One class of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<Class>> {
    Ok(with_conn!(conn, |c| {
        classes::table
            .filter(classes::district_id.eq(district_id))
            .filter(classes::id.eq(id))
            .select(Class::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Classes by id.
pub async fn get_many(conn: &mut Conn, ids: &[String]) -> StoreResult<Vec<Class>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        classes::table
            .filter(classes::id.eq_any(ids))
            .select(Class::as_select())
            .load(c)
            .await?
    }))
}

/// Inserts classes.
pub async fn insert(conn: &mut Conn, rows: &[Class]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(classes::table).values(values)
        });
    }
    Ok(())
}

/// Inserts enrollments.
pub async fn insert_enrollments(conn: &mut Conn, rows: &[Enrollment]) -> StoreResult<()> {
    let chunk = insert_chunk(conn.backend(), PgInsertEnrollments::COLUMNS.len());
    for rows in rows.chunks(chunk) {
        execute_rows!(
            conn,
            rows,
            sqlite: |values| diesel::insert_into(enrollments::table).values(values),
            postgres: |batch| PgInsertEnrollments::new(batch),
        );
    }
    Ok(())
}

pg_unnest_insert!(
    /// New enrollments on PostgreSQL.
    PgInsertEnrollments for Enrollment => "enrollments" {
        id: &'a str as Text = "text" => |e| e.id.as_str(),
        district_id: &'a str as Text = "text" => |e| e.district_id.as_str(),
        class_id: &'a str as Text = "text" => |e| e.class_id.as_str(),
        person_id: &'a str as Text = "text" => |e| e.person_id.as_str(),
        role: &'static str as Text = "text" => |e| e.role.as_str(),
        is_primary: bool as Bool = "bool" => |e| e.is_primary,
        begin_date: Option<&'a str> as Nullable<Text> = "text" => |e| e.begin_date.as_deref(),
        end_date: Option<&'a str> as Nullable<Text> = "text" => |e| e.end_date.as_deref(),
        source: &'static str as Text = "text" => |e| e.source.as_str(),
        status: &'static str as Text = "text" => |e| e.status.as_str(),
        created_at: i64 as BigInt = "int8" => |e| e.created_at,
        updated_at: i64 as BigInt = "int8" => |e| e.updated_at,
    }
);

/// Active enrollments in the given classes (any role), ordered by id.
pub async fn enrollments_of_classes(
    conn: &mut Conn,
    class_ids: &[String],
) -> StoreResult<Vec<Enrollment>> {
    if class_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::class_id.eq_any(class_ids))
            .filter(enrollments::status.eq(Status::Active))
            .order(enrollments::id.asc())
            .select(Enrollment::as_select())
            .load(c)
            .await?
    }))
}

/// Active enrollments of the given people, ordered by id.
pub async fn enrollments_of_people(
    conn: &mut Conn,
    person_ids: &[String],
) -> StoreResult<Vec<Enrollment>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::person_id.eq_any(person_ids))
            .filter(enrollments::status.eq(Status::Active))
            .order(enrollments::id.asc())
            .select(Enrollment::as_select())
            .load(c)
            .await?
    }))
}

/// Whether a person teaches a class (active teacher or aide enrollment).
pub async fn teaches(conn: &mut Conn, class_id: &str, person_id: &str) -> StoreResult<bool> {
    let n: i64 = with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::class_id.eq(class_id))
            .filter(enrollments::person_id.eq(person_id))
            .filter(enrollments::role.eq_any([EnrollmentRole::Teacher, EnrollmentRole::Aide]))
            .filter(enrollments::status.eq(Status::Active))
            .count()
            .get_result(c)
            .await?
    });
    Ok(n > 0)
}

/// Outcome of a claim.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // returned once per call, never collected
pub enum ClaimOutcome {
    /// The class is now claimed by the caller.
    Claimed(Class),
    /// Someone else holds the claim (their person id).
    HeldBy(String),
}

/// Claims a class for `person_id` unless someone else holds it. Idempotent for the holder.
pub async fn claim(
    conn: &mut Conn,
    district_id: &str,
    class_id: &str,
    person_id: &str,
) -> StoreResult<ClaimOutcome> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(
            classes::table
                .filter(classes::district_id.eq(district_id))
                .filter(classes::id.eq(class_id))
                .filter(classes::claimed_by.is_null()),
        )
        .set((
            classes::claimed_by.eq(person_id),
            classes::claimed_at.eq(now),
            classes::updated_at.eq(now),
        ))
        .execute(c)
        .await?
    });
    let class = get(conn, district_id, class_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    match class.claimed_by.as_deref() {
        Some(holder) if holder == person_id => Ok(ClaimOutcome::Claimed(class)),
        Some(holder) => Ok(ClaimOutcome::HeldBy(holder.to_owned())),
        None => Err(StoreError::Conflict("class claim did not stick".into())),
    }
}

/// Clears a class's claim.
pub async fn release(conn: &mut Conn, district_id: &str, class_id: &str) -> StoreResult<Class> {
    with_conn!(conn, |c| {
        diesel::update(
            classes::table
                .filter(classes::district_id.eq(district_id))
                .filter(classes::id.eq(class_id)),
        )
        .set((
            classes::claimed_by.eq(None::<String>),
            classes::claimed_at.eq(None::<i64>),
            classes::updated_at.eq(now_micros()),
        ))
        .execute(c)
        .await?
    });
    get(conn, district_id, class_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Rewrites the SIS-owned fields of a class; local title, join code and claim stay.
pub async fn update_sis(conn: &mut Conn, row: &Class) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(classes::table.find(&row.id))
            .set((
                classes::school_id.eq(&row.school_id),
                classes::course_id.eq(&row.course_id),
                classes::term_id.eq(&row.term_id),
                classes::sis_title.eq(&row.sis_title),
                classes::class_code.eq(&row.class_code),
                classes::status.eq(row.status),
                classes::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Enrollments (any status) of exactly the given (class, person) pairs, each row once, for
/// matching SIS enrollments.
///
/// PostgreSQL joins the pairs as two parallel arrays, one index probe per pair; two separate
/// `= ANY` lists would make it probe every class against every person (thousands × thousands
/// per batch when a file lists enrollments by student). SQLite's planner takes the two `IN`
/// lists as the index's leading columns and filters each class's few rows; the lists select every
/// class × person of the chunk, so the rows of pairs not asked for are dropped after loading.
pub async fn enrollments_between(
    conn: &mut Conn,
    pairs: &[(String, String)],
) -> StoreResult<Vec<Enrollment>> {
    // Each pair once: the PostgreSQL join would repeat rows for a repeated pair.
    let mut unique: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(c, p)| (c.as_str(), p.as_str()))
        .collect();
    unique.sort_unstable();
    unique.dedup();
    let mut out = Vec::with_capacity(unique.len());
    for chunk in unique.chunks(5_000) {
        let rows: Vec<Enrollment> = match &mut *conn {
            Conn::Pg(c) => {
                let (classes, people): (Vec<&str>, Vec<&str>) = chunk.iter().copied().unzip();
                diesel::sql_query(
                    "SELECT e.* FROM enrollments e \
                     JOIN unnest($1::text[], $2::text[]) AS p (class_id, person_id) \
                     ON e.class_id = p.class_id AND e.person_id = p.person_id",
                )
                .bind::<Array<Text>, _>(classes)
                .bind::<Array<Text>, _>(people)
                .load(&mut **c)
                .await?
            }
            Conn::Sqlite(c) => {
                let mut classes: Vec<&str> = chunk.iter().map(|(c, _)| *c).collect();
                let mut people: Vec<&str> = chunk.iter().map(|(_, p)| *p).collect();
                classes.sort_unstable();
                classes.dedup();
                people.sort_unstable();
                people.dedup();
                // Every class × every person of the chunk: a superset, narrowed below.
                let rows: Vec<Enrollment> = enrollments::table
                    .filter(enrollments::class_id.eq_any(classes))
                    .filter(enrollments::person_id.eq_any(people))
                    .select(Enrollment::as_select())
                    .load(&mut **c)
                    .await?;
                let asked: std::collections::HashSet<(&str, &str)> =
                    chunk.iter().copied().collect();
                rows.into_iter()
                    .filter(|e| asked.contains(&(e.class_id.as_str(), e.person_id.as_str())))
                    .collect()
            }
        };
        out.extend(rows);
    }
    Ok(out)
}

/// Rewrites the SIS-owned fields of an enrollment (primary flag, dates, status).
pub async fn update_enrollment_sis(conn: &mut Conn, row: &Enrollment) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(enrollments::table.find(&row.id))
            .set((
                enrollments::is_primary.eq(row.is_primary),
                enrollments::begin_date.eq(&row.begin_date),
                enrollments::end_date.eq(&row.end_date),
                enrollments::status.eq(row.status),
                enrollments::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Ends (archives) the SIS enrollments among `ids`; manual enrollments stay.
pub async fn end_sis_enrollments(conn: &mut Conn, ids: &[String]) -> StoreResult<usize> {
    let now = now_micros();
    let mut n = 0;
    for chunk in ids.chunks(5_000) {
        n += with_conn!(conn, |c| {
            diesel::update(enrollments::table.filter(enrollments::id.eq_any(chunk)))
                .filter(enrollments::source.eq(RecordSource::Sis))
                .filter(enrollments::status.eq(Status::Active))
                .set((
                    enrollments::status.eq(Status::Archived),
                    enrollments::updated_at.eq(now),
                ))
                .execute(c)
                .await?
        });
    }
    Ok(n)
}

/// Enrollments of a district in `status`.
pub async fn count_enrollments(
    conn: &mut Conn,
    district_id: &str,
    status: Status,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::district_id.eq(district_id))
            .filter(enrollments::status.eq(status))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Sets (or clears) a class's local title, which sync never overwrites.
pub async fn set_local_title(conn: &mut Conn, id: &str, title: Option<&str>) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(classes::table.find(id))
            .set((
                classes::local_title.eq(title),
                classes::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Sets (or clears) a class's join code, which sync never overwrites. A code another class of
/// the district already uses fails with `Conflict`.
pub async fn set_join_code(conn: &mut Conn, id: &str, code: Option<&str>) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(classes::table.find(id))
            .set((
                classes::join_code.eq(code),
                classes::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// The class of a district with this join code, if any.
pub async fn by_join_code(
    conn: &mut Conn,
    district_id: &str,
    code: &str,
) -> StoreResult<Option<Class>> {
    Ok(with_conn!(conn, |c| {
        classes::table
            .filter(classes::district_id.eq(district_id))
            .filter(classes::join_code.eq(code))
            .select(Class::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// A person's enrollment (any status) in a class with a role.
pub async fn enrollment_of(
    conn: &mut Conn,
    class_id: &str,
    person_id: &str,
    role: EnrollmentRole,
) -> StoreResult<Option<Enrollment>> {
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::class_id.eq(class_id))
            .filter(enrollments::person_id.eq(person_id))
            .filter(enrollments::role.eq(role))
            .select(Enrollment::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Active enrollments (any role) of one person in one class.
pub async fn active_enrollments_in(
    conn: &mut Conn,
    class_id: &str,
    person_id: &str,
) -> StoreResult<Vec<Enrollment>> {
    Ok(with_conn!(conn, |c| {
        enrollments::table
            .filter(enrollments::class_id.eq(class_id))
            .filter(enrollments::person_id.eq(person_id))
            .filter(enrollments::status.eq(Status::Active))
            .order(enrollments::id.asc())
            .select(Enrollment::as_select())
            .load(c)
            .await?
    }))
}

/// Makes an existing enrollment an active manual one (a person added by hand), which sync then
/// leaves alone.
pub async fn reactivate_manually(conn: &mut Conn, id: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(enrollments::table.find(id))
            .set((
                enrollments::status.eq(Status::Active),
                enrollments::source.eq(RecordSource::Manual),
                enrollments::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Ends (archives) enrollments by id, whatever their source.
pub async fn end_enrollments(conn: &mut Conn, ids: &[String]) -> StoreResult<usize> {
    let now = now_micros();
    Ok(with_conn!(conn, |c| {
        diesel::update(enrollments::table.filter(enrollments::id.eq_any(ids)))
            .filter(enrollments::status.eq(Status::Active))
            .set((
                enrollments::status.eq(Status::Archived),
                enrollments::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    }))
}
