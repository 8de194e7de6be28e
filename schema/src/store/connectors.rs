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

/// Records a successful sync (and the cursor for the next delta, when the source gave one).
pub async fn record_success(
    conn: &mut Conn,
    connector_id: &str,
    delta_cursor: Option<&str>,
) -> StoreResult<()> {
    let now = crate::ids::now_micros();
    with_conn!(conn, |c| {
        diesel::update(connectors::table.find(connector_id))
            .set((
                connectors::last_success_at.eq(now),
                connectors::updated_at.eq(now),
            ))
            .execute(c)
            .await?
    });
    if let Some(cursor) = delta_cursor {
        with_conn!(conn, |c| {
            diesel::update(connectors::table.find(connector_id))
                .set(connectors::delta_cursor.eq(cursor))
                .execute(c)
                .await?
        });
    }
    Ok(())
}

/// The district of a connector (for commands that name only the connector).
pub async fn district_of(conn: &mut Conn, id: &str) -> StoreResult<Option<String>> {
    Ok(with_conn!(conn, |c| {
        connectors::table
            .find(id)
            .select(connectors::district_id)
            .first(c)
            .await
            .optional()?
    }))
}

/// Enabled connectors with a schedule, across districts (for the scheduler).
pub async fn scheduled(conn: &mut Conn) -> StoreResult<Vec<Connector>> {
    Ok(with_conn!(conn, |c| {
        connectors::table
            .filter(connectors::enabled.eq(true))
            .filter(connectors::schedule.is_not_null())
            .order(connectors::id.asc())
            .select(Connector::as_select())
            .load(c)
            .await?
    }))
}

/// Writes a connector's editable fields.
pub async fn update(conn: &mut Conn, row: &Connector) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(connectors::table.find(&row.id))
            .set((
                connectors::name.eq(&row.name),
                connectors::config_public.eq(&row.config_public),
                connectors::config_secret.eq(&row.config_secret),
                connectors::schedule.eq(&row.schedule),
                connectors::enabled.eq(row.enabled),
                connectors::updated_at.eq(row.updated_at),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}
