//! JSON columns with a Rust type: [`Json<T>`] reads and writes `T` as JSON text (the columns
//! are `Text` on both backends), so callers get typed values instead of strings they parse
//! themselves. A stored value that is not `T`'s JSON is an error, never a silent default: the
//! read fails with [`CorruptJson`], which the store reports as `StoreError::Corrupt`.

use std::fmt::Debug;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A `T` stored as JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Json<T>(pub T);

impl<T: Serialize> Serialize for Json<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Json<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Json)
    }
}

/// A stored JSON value that does not decode as its column's type.
#[derive(Debug, thiserror::Error)]
#[error("stored JSON is not a valid {ty}: {reason}")]
pub struct CorruptJson {
    /// The Rust type expected.
    pub ty: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

fn decode<T: DeserializeOwned>(text: &str) -> deserialize::Result<Json<T>> {
    serde_json::from_str(text).map(Json).map_err(|e| {
        Box::new(CorruptJson {
            ty: std::any::type_name::<T>(),
            reason: e.to_string(),
        }) as Box<dyn std::error::Error + Send + Sync>
    })
}

fn encode<T: Serialize>(value: &T) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    Ok(serde_json::to_string(value)?)
}

impl<T: DeserializeOwned + Debug> FromSql<Text, Sqlite> for Json<T> {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
        decode(&text)
    }
}

impl<T: DeserializeOwned + Debug> FromSql<Text, Pg> for Json<T> {
    fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
        let text = <String as FromSql<Text, Pg>>::from_sql(value)?;
        decode(&text)
    }
}

impl<T: Serialize + Debug> ToSql<Text, Sqlite> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(encode(&self.0)?);
        Ok(IsNull::No)
    }
}

impl<T: Serialize + Debug> ToSql<Text, Pg> for Json<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        use std::io::Write as _;
        out.write_all(encode(&self.0)?.as_bytes())?;
        Ok(IsNull::No)
    }
}
