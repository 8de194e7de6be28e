//! Where merge suggestions come from: sync alerts that name two people who may be one.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::tables::{source_links, sync_issues, sync_runs};

/// One alert about a person record and the other person it names, resolved to local ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonAlert {
    /// The alert's id (UUIDv7, so in creation order).
    pub issue_id: String,
    /// The alert code.
    pub code: String,
    /// The alert text.
    pub message: String,
    /// The person the alerted record became.
    pub person_id: String,
    /// The other person the alert names.
    pub related_id: String,
    /// The normalized contact point the alert is about, if it names one.
    pub contact_value: Option<String>,
}

/// Alerts of `codes` in the district's runs that name another person, with the alerted record
/// resolved through its source link, oldest first.
pub async fn person_alerts(
    conn: &mut Conn,
    district_id: &str,
    codes: &[&str],
) -> StoreResult<Vec<PersonAlert>> {
    let codes: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
    type Row = (String, String, String, String, String, Option<String>);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        sync_issues::table
            .inner_join(sync_runs::table)
            .inner_join(
                source_links::table.on(source_links::connector_id
                    .eq(sync_runs::connector_id)
                    .and(source_links::entity_kind.eq("person"))
                    .and(sync_issues::external_id.eq(source_links::external_id.nullable()))),
            )
            .filter(sync_runs::district_id.eq(district_id))
            .filter(sync_runs::dry_run.eq(false))
            .filter(sync_issues::code.eq_any(&codes))
            .filter(sync_issues::related_id.is_not_null())
            .order(sync_issues::id.asc())
            .select((
                sync_issues::id,
                sync_issues::code,
                sync_issues::message,
                source_links::local_id,
                sync_issues::related_id.assume_not_null(),
                sync_issues::contact_value,
            ))
            .load(c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(issue_id, code, message, person_id, related_id, contact_value)| PersonAlert {
                issue_id,
                code,
                message,
                person_id,
                related_id,
                contact_value,
            },
        )
        .collect())
}
