//! Invitations for guardians to claim an account, and the links (token hashes) they were sent.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::InvitationStatus;
use crate::error::StoreResult;
use crate::ids::now_micros;
use crate::models::{Invitation, InvitationToken};
use crate::page::{Page, PageRequest};
use crate::tables::{invitation_tokens, invitations};

/// Statuses of an invitation that is still open (its links may be accepted).
pub const OPEN: [InvitationStatus; 4] = [
    InvitationStatus::Pending,
    InvitationStatus::Sent,
    InvitationStatus::Delivered,
    InvitationStatus::Failed,
];

/// Inserts an invitation together with its first link.
pub async fn insert(conn: &mut Conn, row: &Invitation) -> StoreResult<()> {
    let token = InvitationToken {
        token_hash: row.token_hash.clone(),
        invitation_id: row.id.clone(),
        created_at: row.created_at,
    };
    with_conn!(conn, |c| {
        diesel::insert_into(invitations::table)
            .values(row)
            .execute(c)
            .await?;
        diesel::insert_into(invitation_tokens::table)
            .values(&token)
            .execute(c)
            .await?
    });
    Ok(())
}

/// Adds another link to an invitation (a resend or a fallback delivery).
pub async fn add_token(conn: &mut Conn, invitation_id: &str, token_hash: &str) -> StoreResult<()> {
    let token = InvitationToken {
        token_hash: token_hash.to_owned(),
        invitation_id: invitation_id.to_owned(),
        created_at: now_micros(),
    };
    with_conn!(conn, |c| {
        diesel::insert_into(invitation_tokens::table)
            .values(&token)
            .execute(c)
            .await?
    });
    Ok(())
}

/// The invitation a link (token hash) belongs to.
pub async fn by_token(conn: &mut Conn, token_hash: &str) -> StoreResult<Option<Invitation>> {
    Ok(with_conn!(conn, |c| {
        invitations::table
            .filter(
                invitations::id.eq_any(
                    invitation_tokens::table
                        .filter(invitation_tokens::token_hash.eq(token_hash))
                        .select(invitation_tokens::invitation_id),
                ),
            )
            .select(Invitation::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// One invitation of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<Invitation>> {
    Ok(with_conn!(conn, |c| {
        invitations::table
            .filter(invitations::district_id.eq(district_id))
            .filter(invitations::id.eq(id))
            .select(Invitation::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Every invitation of the given people, oldest first.
pub async fn of_people(conn: &mut Conn, person_ids: &[String]) -> StoreResult<Vec<Invitation>> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for chunk in person_ids.chunks(500) {
        out.extend(with_conn!(conn, |c| {
            invitations::table
                .filter(invitations::person_id.eq_any(chunk))
                .order(invitations::id.asc())
                .select(Invitation::as_select())
                .load(c)
                .await?
        }));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Writes an invitation's mutable fields back.
pub async fn save(conn: &mut Conn, row: &Invitation) -> StoreResult<()> {
    let now = now_micros();
    with_conn!(conn, |c| {
        diesel::update(invitations::table.filter(invitations::id.eq(&row.id)))
            .set((
                invitations::channel.eq(row.channel),
                invitations::contact_point_id.eq(&row.contact_point_id),
                invitations::status.eq(row.status),
                invitations::attempts.eq(row.attempts),
                invitations::last_error.eq(&row.last_error),
                invitations::expires_at.eq(row.expires_at),
                invitations::sent_at.eq(row.sent_at),
                invitations::delivered_at.eq(row.delivered_at),
                invitations::accepted_at.eq(row.accepted_at),
                invitations::revoked_at.eq(row.revoked_at),
                invitations::resend_count.eq(row.resend_count),
                invitations::last_resent_at.eq(row.last_resent_at),
                invitations::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Marks every other open invitation of a person accepted (their account is claimed).
pub async fn close_others(conn: &mut Conn, person_id: &str, keep: &str) -> StoreResult<usize> {
    let now = now_micros();
    Ok(with_conn!(conn, |c| {
        diesel::update(
            invitations::table
                .filter(invitations::person_id.eq(person_id))
                .filter(invitations::id.ne(keep))
                .filter(invitations::status.eq_any(OPEN)),
        )
        .set((
            invitations::status.eq(InvitationStatus::Accepted),
            invitations::accepted_at.eq(now),
            invitations::updated_at.eq(now),
        ))
        .execute(c)
        .await?
    }))
}

/// Resends of a district's invitations since `since` (µs), for the district-wide rate limit.
pub async fn resends_since(conn: &mut Conn, district_id: &str, since: i64) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        invitations::table
            .filter(invitations::district_id.eq(district_id))
            .filter(invitations::last_resent_at.ge(since))
            .select(diesel::dsl::sum(invitations::resend_count))
            .first::<Option<i64>>(c)
            .await?
            .unwrap_or(0)
    }))
}

/// Filters of the invitation list.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    /// Only this status.
    pub status: Option<InvitationStatus>,
    /// Only invitations sent from this class.
    pub class_id: Option<String>,
    /// Only invitations sent by this person.
    pub invited_by: Option<String>,
    /// Only invitations for these people, when set.
    pub people: Option<Vec<String>>,
    /// Only invitations for people this scope sees (decided in the query), when set.
    pub seen_by: Option<crate::scope::Scope>,
}

macro_rules! filtered_invitations {
    ($district:expr, $filter:expr) => {{
        let mut q = invitations::table
            .filter(invitations::district_id.eq($district))
            .into_boxed();
        if let Some(status) = $filter.status {
            q = q.filter(invitations::status.eq(status));
        }
        if let Some(class) = &$filter.class_id {
            q = q.filter(invitations::class_id.eq(class.clone()));
        }
        if let Some(by) = &$filter.invited_by {
            q = q.filter(invitations::invited_by.eq(by.clone()));
        }
        if let Some(people) = &$filter.people {
            q = q.filter(invitations::person_id.eq_any(people.clone()));
        }
        if let Some(rule) = $filter
            .seen_by
            .as_ref()
            .and_then(|s| crate::scope::people_ids(s, "invitations.person_id"))
        {
            q = q.filter(rule);
        }
        q
    }};
}

/// One page of invitations, in id (creation) order.
pub async fn list(
    conn: &mut Conn,
    district_id: &str,
    filter: &InvitationFilter,
    page: &PageRequest,
) -> StoreResult<Page<Invitation>> {
    let limit = page.limit();
    let rows = with_conn!(conn, |c| {
        let mut q = filtered_invitations!(district_id, filter);
        if let Some(after) = &page.after {
            q = q.filter(invitations::id.gt(after.clone()));
        }
        q.order(invitations::id.asc())
            .limit(limit + 1)
            .select(Invitation::as_select())
            .load(c)
            .await?
    });
    Ok(Page::from_overfetch(rows, limit))
}

/// How many invitations match.
pub async fn count(
    conn: &mut Conn,
    district_id: &str,
    filter: &InvitationFilter,
) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        filtered_invitations!(district_id, filter)
            .count()
            .get_result(c)
            .await?
    }))
}

/// Inserts many invitations with their first links.
pub async fn insert_many(conn: &mut Conn, rows: &[Invitation]) -> StoreResult<()> {
    let tokens: Vec<InvitationToken> = rows
        .iter()
        .map(|r| InvitationToken {
            token_hash: r.token_hash.clone(),
            invitation_id: r.id.clone(),
            created_at: r.created_at,
        })
        .collect();
    for chunk in rows.chunks(500) {
        crate::db::execute_rows!(conn, chunk, |values| {
            diesel::insert_into(invitations::table).values(values)
        });
    }
    for chunk in tokens.chunks(500) {
        crate::db::execute_rows!(conn, chunk, |values| {
            diesel::insert_into(invitation_tokens::table).values(values)
        });
    }
    Ok(())
}

/// Marks an invitation accepted unless it already was (or was revoked), in one statement: of
/// two concurrent acceptances of one link, only one sees `true`.
pub async fn take_for_acceptance(conn: &mut Conn, id: &str, now: i64) -> StoreResult<bool> {
    let n = with_conn!(conn, |c| {
        diesel::update(invitations::table.filter(invitations::id.eq(id)).filter(
            invitations::status.ne_all([InvitationStatus::Accepted, InvitationStatus::Revoked]),
        ))
        .set((
            invitations::status.eq(InvitationStatus::Accepted),
            invitations::accepted_at.eq(now),
            invitations::updated_at.eq(now),
        ))
        .execute(c)
        .await?
    });
    Ok(n > 0)
}
