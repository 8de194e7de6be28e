//! How many people a district has per role and status, read from the counters the database
//! keeps (`people_counts`, migration `2026-12-08-000021_people_counts`): triggers on people and
//! their roles write them in the same transaction as every change, so a district-wide
//! `totalCount` is one primary-key read however large the district, and exact.
//!
//! The counters answer what a whole-district caller counts without a search: people of one
//! status, holding one role or any. Anything narrower (a teacher's or guardian's visible set,
//! a search) is counted by the query itself, over a set that is small or has to be scanned
//! anyway.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::enums::{Role, Status};
use crate::error::StoreResult;
use crate::scope::{self, Scope};
use crate::store::people::PersonFilter;
use crate::tables::people_counts;

/// One counter: people of a status holding `role` (any role, or none, when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterKey {
    /// The role, or `None` for everyone of the status.
    pub role: Option<Role>,
    /// The status.
    pub status: Status,
}

impl CounterKey {
    /// The stored `role` of this counter (`''` is the any-role total).
    fn stored_role(self) -> &'static str {
        self.role.map_or("", Role::as_str)
    }
}

/// The counter that answers a count of `filter` as `scope` sees it, or `None` when the count has
/// to be a query: a scope narrower than the district, or a search. The one place that decides.
pub fn counter_for(scope: &Scope, filter: &PersonFilter) -> Option<CounterKey> {
    let whole_district = scope::people_ids(scope, "people.id").is_none();
    let searching = filter
        .search
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    (whole_district && !searching).then_some(CounterKey {
        role: filter.role,
        status: filter.status.unwrap_or(Status::Active),
    })
}

/// The value of one counter of a district (0 when it has never been written).
pub async fn read(conn: &mut Conn, district_id: &str, key: CounterKey) -> StoreResult<i64> {
    let n: Option<i64> = with_conn!(conn, |c| {
        people_counts::table
            .filter(people_counts::district_id.eq(district_id))
            .filter(people_counts::role.eq(key.stored_role()))
            .filter(people_counts::status.eq(key.status))
            .select(people_counts::n)
            .first(c)
            .await
            .optional()?
    });
    Ok(n.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(role: Option<Role>, status: Option<Status>, search: Option<&str>) -> PersonFilter {
        PersonFilter {
            role,
            status,
            search: search.map(str::to_owned),
            names_only: false,
        }
    }

    #[test]
    fn whole_district_counts_without_a_search_come_from_a_counter() {
        let all = Scope::District;
        assert_eq!(
            counter_for(&all, &filter(None, None, None)),
            Some(CounterKey {
                role: None,
                status: Status::Active
            })
        );
        assert_eq!(
            counter_for(
                &all,
                &filter(Some(Role::Student), Some(Status::Archived), Some("  "))
            ),
            Some(CounterKey {
                role: Some(Role::Student),
                status: Status::Archived
            })
        );
        assert_eq!(counter_for(&all, &filter(None, None, Some("ann"))), None);
    }

    #[test]
    fn narrower_scopes_count_with_the_query() {
        for scope in [
            Scope::SchoolAdmin("p".into()),
            Scope::Teacher("p".into()),
            Scope::Guardian("p".into()),
            Scope::SelfOnly("p".into()),
        ] {
            assert_eq!(counter_for(&scope, &filter(None, None, None)), None);
        }
    }

    #[test]
    fn the_any_role_total_is_stored_as_an_empty_role() {
        let key = |role| CounterKey {
            role,
            status: Status::Active,
        };
        assert_eq!(key(None).stored_role(), "");
        assert_eq!(key(Some(Role::Guardian)).stored_role(), "guardian");
    }
}
