//! Relay connections over keyset pages.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{ObjectType, OutputType};
use homeroom_schema::page::{Page, PageRequest};

use crate::ids::{Cursor, after};
use homeroom_service::error::ServiceResult;

/// Parses `first`/`after` into a store page request.
pub fn page_request(first: Option<i32>, after_cursor: Option<&str>) -> ServiceResult<PageRequest> {
    Ok(PageRequest {
        first: first.map(i64::from),
        after: after(after_cursor)?,
    })
}

/// Builds a connection from a page, the node mapping, and the lazily counted extra fields.
pub fn build<R, N, F>(
    page: Page<R>,
    had_cursor: bool,
    fields: F,
    id: impl Fn(&R) -> String,
    node: impl Fn(R) -> N,
) -> Connection<Cursor, N, F, EmptyFields>
where
    N: OutputType,
    F: ObjectType,
{
    let mut conn = Connection::with_additional_fields(had_cursor, page.has_next, fields);
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|row| Edge::new(Cursor(id(&row)), node(row))),
    );
    conn
}
