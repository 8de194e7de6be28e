//! Configured SIS connectors.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::StoreResult;
use crate::models::Connector;
use crate::tables::connectors;

/// Stores a connector.
pub async fn insert(conn: &mut Conn, row: &Connector) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::insert_into(connectors::table)
            .values(row)
            .execute(c)
            .await?
    });
    Ok(())
}

/// One connector of a district.
pub async fn get(conn: &mut Conn, district_id: &str, id: &str) -> StoreResult<Option<Connector>> {
    Ok(with_conn!(conn, |c| {
        connectors::table
            .filter(connectors::district_id.eq(district_id))
            .filter(connectors::id.eq(id))
            .select(Connector::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Every connector of a district, oldest first.
pub async fn list(conn: &mut Conn, district_id: &str) -> StoreResult<Vec<Connector>> {
    Ok(with_conn!(conn, |c| {
        connectors::table
            .filter(connectors::district_id.eq(district_id))
            .order(connectors::id.asc())
            .select(Connector::as_select())
            .load(c)
            .await?
    }))
}
