//! Districts (tenants).

use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::{Conn, with_conn};
use crate::error::{StoreError, StoreResult};
use crate::ids::{new_id, now_micros};
use crate::json::Json;
use crate::models::{District, DistrictSettings};
use crate::tables::districts;

/// One district by id.
pub async fn get(conn: &mut Conn, id: &str) -> StoreResult<Option<District>> {
    Ok(with_conn!(conn, |c| {
        districts::table
            .find(id)
            .select(District::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// The default district, used when a command names none.
pub async fn get_default(conn: &mut Conn) -> StoreResult<Option<District>> {
    Ok(with_conn!(conn, |c| {
        districts::table
            .filter(districts::is_default.eq(true))
            .select(District::as_select())
            .first(c)
            .await
            .optional()?
    }))
}

/// Creates a district.
pub async fn create(conn: &mut Conn, name: &str, is_default: bool) -> StoreResult<District> {
    let now = now_micros();
    let row = District {
        id: new_id(),
        name: name.to_owned(),
        settings: Json(DistrictSettings::default()),
        is_default,
        created_at: now,
        updated_at: now,
    };
    with_conn!(conn, |c| {
        diesel::insert_into(districts::table)
            .values(&row)
            .execute(c)
            .await?
    });
    Ok(row)
}

/// The default district, created (named `name`) if the database has none yet. Safe when two
/// processes race: the unique index on the default flag lets one win and the other re-reads.
pub async fn ensure_default(conn: &mut Conn, name: &str) -> StoreResult<District> {
    if let Some(d) = get_default(conn).await? {
        return Ok(d);
    }
    match create(conn, name, true).await {
        Ok(d) => Ok(d),
        Err(StoreError::Conflict(_)) => get_default(conn).await?.ok_or(StoreError::NotFound),
        Err(e) => Err(e),
    }
}

/// Renames a district.
pub async fn rename(conn: &mut Conn, id: &str, name: &str) -> StoreResult<()> {
    with_conn!(conn, |c| {
        diesel::update(districts::table.find(id))
            .set((
                districts::name.eq(name),
                districts::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// Replaces a district's settings.
pub async fn set_settings(
    conn: &mut Conn,
    id: &str,
    settings: &DistrictSettings,
) -> StoreResult<()> {
    let json = Json(settings);
    with_conn!(conn, |c| {
        diesel::update(districts::table.find(id))
            .set((
                districts::settings.eq(&json),
                districts::updated_at.eq(now_micros()),
            ))
            .execute(c)
            .await?
    });
    Ok(())
}

/// How many districts the database holds.
pub async fn count(conn: &mut Conn) -> StoreResult<i64> {
    Ok(with_conn!(conn, |c| {
        districts::table.count().get_result(c).await?
    }))
}
