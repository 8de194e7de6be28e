//! PostgreSQL bulk inserts that bind one array per column:
//!
//! ```sql
//! INSERT INTO <table> (<columns>)
//! SELECT * FROM (SELECT unnest($1::text[]), …, unnest($n::int8[])) AS r (<columns>)
//! ```
//!
//! A diesel multi-row `VALUES` binds every cell (11 columns × 2,000 rows = 22,000 parameters)
//! and its text grows with the chunk, so PostgreSQL parses and plans a new statement for every
//! chunk; here the text is fixed and there is one parameter per column whatever the row count.
//! Used for the tables a full sync writes by the million (source links, enrollments, seen
//! links); `store::bulk` explains the same shape for people, which also upsert.

use crate::db::Backend;

/// Rows per insert statement of a `columns`-column table: under SQLite's bind limit there (every
/// cell is a parameter), and on PostgreSQL, where the statement binds one array per column,
/// bounded only to keep one message moderate.
pub(crate) fn insert_chunk(backend: Backend, columns: usize) -> usize {
    match backend {
        Backend::Sqlite => crate::store::bulk::batch_rows(backend, columns),
        Backend::Postgres => 5_000,
    }
}

/// Declares `$name<'a>`, an `INSERT … SELECT unnest(…)` of a slice of `$model` rows into
/// `$table`, one array per listed column (`column: RustType as SqlType = "pgcast" => |row| value`),
/// followed by `$suffix` if given (e.g. `ON CONFLICT DO NOTHING`).
macro_rules! pg_unnest_insert {
    (
        $(#[$meta:meta])*
        $name:ident for $model:ty => $table:literal $($suffix:literal)? {
            $($column:ident : $rust:ty as $sql:ty = $cast:literal => |$row:ident| $value:expr),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        struct $name<'a> {
            $($column: Vec<$rust>),+
        }

        impl<'a> $name<'a> {
            /// The statement for `rows`.
            fn new(rows: &'a [$model]) -> Self {
                $name {
                    $($column: rows.iter().map(|$row: &'a $model| $value).collect()),+
                }
            }

            /// The column list, in bind order.
            #[allow(dead_code)]
            const COLUMNS: &'static [&'static str] = &[$(stringify!($column)),+];
        }

        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                let columns = [$(stringify!($column)),+].join(", ");
                out.push_sql(concat!("INSERT INTO ", $table, " ("));
                out.push_sql(&columns);
                out.push_sql(") SELECT * FROM (SELECT ");
                let mut first = true;
                $(
                    if !first {
                        out.push_sql(", ");
                    }
                    first = false;
                    out.push_sql("unnest(");
                    out.push_bind_param::<diesel::sql_types::Array<$sql>, _>(&self.$column)?;
                    out.push_sql(concat!("::", $cast, "[])"));
                )+
                let _ = first;
                out.push_sql(") AS r (");
                out.push_sql(&columns);
                out.push_sql(")");
                $(out.push_sql(concat!(" ", $suffix));)?
                Ok(())
            }
        }

        impl<C> diesel::RunQueryDsl<C> for $name<'_> {}
    };
}
pub(crate) use pg_unnest_insert;

#[cfg(test)]
mod tests {
    use diesel::sql_types::{BigInt, Nullable, Text};

    struct Row {
        a: String,
        b: Option<String>,
        c: i64,
    }

    pg_unnest_insert!(
        /// A test statement.
        Example for Row => "example" {
            a: &'a str as Text = "text" => |r| r.a.as_str(),
            b: Option<&'a str> as Nullable<Text> = "text" => |r| r.b.as_deref(),
            c: i64 as BigInt = "int8" => |r| r.c,
        }
    );

    #[test]
    fn one_array_per_column_in_column_order() {
        let rows = [
            Row {
                a: "x".into(),
                b: None,
                c: 1,
            },
            Row {
                a: "y".into(),
                b: Some("z".into()),
                c: 2,
            },
        ];
        let query = Example::new(&rows);
        let text = diesel::debug_query::<diesel::pg::Pg, _>(&query).to_string();
        let (sql, binds) = text.split_once(" -- binds: ").expect("binds");
        assert_eq!(
            sql,
            "INSERT INTO example (a, b, c) SELECT * FROM (SELECT unnest($1::text[]), \
             unnest($2::text[]), unnest($3::int8[])) AS r (a, b, c)"
        );
        assert_eq!(binds, r#"[["x", "y"], [None, Some("z")], [1, 2]]"#);
        assert_eq!(Example::COLUMNS, ["a", "b", "c"]);
        let skipping = diesel::debug_query::<diesel::pg::Pg, _>(&Skipping::new(&rows)).to_string();
        assert!(
            skipping.contains(") AS r (a) ON CONFLICT DO NOTHING -- binds"),
            "{skipping}"
        );
    }

    pg_unnest_insert!(
        /// A test statement with a suffix.
        Skipping for Row => "example" "ON CONFLICT DO NOTHING" {
            a: &'a str as Text = "text" => |r| r.a.as_str(),
        }
    );
}
