//! Admin reviews of guardian links a teacher made: one row per link, with the link's state of
//! review. A link waiting for approval is stored removed, `removed_by` [`PENDING_APPROVAL`], so
//! every read that counts active links already leaves it out.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{LinkReviewState, RelationshipStatus};
use crate::error::StoreResult;
use crate::models::{LinkReview, Relationship};
use crate::page::{Page, PageRequest};
use crate::tables::{link_reviews, relationships};

/// `removed_by` of a link that waits for an admin's approval.
pub const PENDING_APPROVAL: &str = "approval:pending";

/// Records (or replaces) the review of a link.
pub async fn upsert(conn: &mut Conn, row: &LinkReview) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(link_reviews::table)
            .values(row)
            .on_conflict(link_reviews::relationship_id)
            .do_update()
            .set((
                link_reviews::state.eq(row.state),
                link_reviews::requested_by.eq(row.requested_by.as_deref()),
                link_reviews::decided_by.eq(None::<String>),
                link_reviews::decided_at.eq(None::<i64>),
                link_reviews::created_at.eq(row.created_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// The review of one link of a district.
pub async fn get(
    conn: &mut Conn,
    district_id: &str,
    relationship_id: &str,
) -> StoreResult<Option<LinkReview>> {
    Ok(with_conn!(conn, |c| {
        link_reviews::table
            .filter(link_reviews::district_id.eq(district_id))
            .filter(link_reviews::relationship_id.eq(relationship_id))
            .select(LinkReview::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// The reviews of many links (any order; links without one are skipped).
pub async fn of_links(
    conn: &mut Conn,
    relationship_ids: &[String],
) -> StoreResult<Vec<LinkReview>> {
    if relationship_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_conn!(conn, |c| {
        link_reviews::table
            .filter(link_reviews::relationship_id.eq_any(relationship_ids))
            .select(LinkReview::as_select())
            .load(c)
            .await?
    }))
}

/// Decides a review whose state is `from`, in one statement: false when it was decided
/// meanwhile (a concurrent decision finds it taken).
pub async fn decide(
    conn: &mut Conn,
    relationship_id: &str,
    from: &[LinkReviewState],
    to: LinkReviewState,
    by: &str,
    now: i64,
) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(
            link_reviews::table
                .filter(link_reviews::relationship_id.eq(relationship_id))
                .filter(link_reviews::state.eq_any(from)),
        )
        .set((
            link_reviews::state.eq(to),
            link_reviews::decided_by.eq(by),
            link_reviews::decided_at.eq(now),
        ))
        .execute(c)
        .await?
    });
    Ok(n == 1)
}

/// One page of a district's reviews in `states`, oldest first, with their links.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    states: &[LinkReviewState],
    page: &PageRequest,
) -> StoreResult<Page<(LinkReview, Relationship)>> {
    let limit = page.limit();
    let rows: Vec<(LinkReview, Relationship)> = with_conn!(conn, |c| {
        let mut q = link_reviews::table
            .inner_join(
                relationships::table.on(relationships::id.eq(link_reviews::relationship_id)),
            )
            .filter(link_reviews::district_id.eq(district_id))
            .filter(link_reviews::state.eq_any(states))
            .into_boxed();
        if let Some(after) = &page.after {
            q = q.filter(link_reviews::relationship_id.gt(after));
        }
        q.order(link_reviews::relationship_id.asc())
            .limit(limit + 1)
            .select((LinkReview::as_select(), Relationship::as_select()))
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// How many of a district's reviews are in `states`.
pub async fn count(
    conn: &mut Conn,
    district_id: &str,
    states: &[LinkReviewState],
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        link_reviews::table
            .filter(link_reviews::district_id.eq(district_id))
            .filter(link_reviews::state.eq_any(states))
            .count()
            .get_result(c)
            .await?
    }))
}

/// Puts a link on hold for approval: removed, `removed_by` [`PENDING_APPROVAL`].
pub async fn hold_link(conn: &mut Conn, relationship_id: &str, now: i64) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(relationships::table.find(relationship_id))
            .set((
                relationships::status.eq(RelationshipStatus::Removed),
                relationships::removed_by.eq(PENDING_APPROVAL),
                relationships::removed_at.eq(now),
                relationships::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}
