//! Orgs (schools and the district org), courses and terms.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, execute_rows, with_conn};
use crate::error::StoreResult;
use crate::models::{Course, Org, Term};
use crate::tables::{courses, orgs, terms};

/// Inserts orgs.
pub async fn insert(conn: &mut Conn, rows: &[Org]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(orgs::table).values(values)
        });
    }
    Ok(())
}

/// Orgs by id.
pub async fn get_many(conn: &mut Conn, ids: &[String]) -> StoreResult<Vec<Org>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        orgs::table
            .filter(orgs::id.eq_any(ids))
            .select(Org::as_select())
            .load(c)
            .await?
    }))
}

/// Every org of a district, in id order.
pub async fn list(conn: &mut Conn, district_id: &str) -> StoreResult<Vec<Org>> {
    Ok(with_conn!(conn, |c| {
        orgs::table
            .filter(orgs::district_id.eq(district_id))
            .order(orgs::id.asc())
            .select(Org::as_select())
            .load(c)
            .await?
    }))
}

/// Inserts courses.
pub async fn insert_courses(conn: &mut Conn, rows: &[Course]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(courses::table).values(values)
        });
    }
    Ok(())
}

/// Courses by id.
pub async fn courses_by_id(conn: &mut Conn, ids: &[String]) -> StoreResult<Vec<Course>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        courses::table
            .filter(courses::id.eq_any(ids))
            .select(Course::as_select())
            .load(c)
            .await?
    }))
}

/// Inserts terms.
pub async fn insert_terms(conn: &mut Conn, rows: &[Term]) -> StoreResult<()> {
    for rows in rows.chunks(1_000) {
        execute_rows!(conn, rows, |values| {
            diesel::insert_into(terms::table).values(values)
        });
    }
    Ok(())
}

/// Terms by id.
pub async fn terms_by_id(conn: &mut Conn, ids: &[String]) -> StoreResult<Vec<Term>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        terms::table
            .filter(terms::id.eq_any(ids))
            .select(Term::as_select())
            .load(c)
            .await?
    }))
}

/// Rewrites the SIS-owned fields of an org (and makes it active again).
pub async fn update_org(conn: &mut Conn, row: &Org) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(orgs::table.find(&row.id))
            .set((
                orgs::name.eq(&row.name),
                orgs::identifier.eq(&row.identifier),
                orgs::org_type.eq(row.org_type),
                orgs::parent_id.eq(&row.parent_id),
                orgs::status.eq(row.status),
                orgs::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Rewrites the SIS-owned fields of a course.
pub async fn update_course(conn: &mut Conn, row: &Course) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(courses::table.find(&row.id))
            .set((
                courses::org_id.eq(&row.org_id),
                courses::title.eq(&row.title),
                courses::code.eq(&row.code),
                courses::status.eq(row.status),
                courses::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Rewrites the SIS-owned fields of a term.
pub async fn update_term(conn: &mut Conn, row: &Term) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(terms::table.find(&row.id))
            .set((
                terms::title.eq(&row.title),
                terms::term_type.eq(&row.term_type),
                terms::start_date.eq(&row.start_date),
                terms::end_date.eq(&row.end_date),
                terms::parent_id.eq(&row.parent_id),
                terms::status.eq(row.status),
                terms::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}
