//! Helpers shared by the admin operation tests: raw row dumps, direct row writes, GraphQL ids,
//! and the API of the running binary.

use anyhow::Result;
use diesel::prelude::*;
use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::Conn;
use homeroom_schema::models::*;
use homeroom_schema::tables::*;
use serde_json::{Value, json};

/// Runs `$body` with `$c` bound to the concrete connection of either backend.
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite(obj) => {
                let $c: &mut homeroom_schema::db::SqliteConn = &mut **obj;
                $body
            }
            Conn::Pg(obj) => {
                let $c: &mut diesel_async::AsyncPgConnection = &mut **obj;
                $body
            }
        }
    };
}

macro_rules! all_rows {
    ($conn:expr, $table:ident, $model:ty) => {
        on_conn!($conn, |c| {
            diesel_async::RunQueryDsl::load(
                $table::table
                    .order($table::id.asc())
                    .select(<$model>::as_select()),
                c,
            )
            .await?
        })
    };
}

/// Every row of the tables a merge can touch (secrets included), for exact comparisons.
#[derive(Debug, PartialEq)]
pub struct Dump {
    /// People, with their password hashes.
    pub people: Vec<(Person, Option<String>)>,
    /// Roles.
    pub roles: Vec<PersonRole>,
    /// Contact points.
    pub contact_points: Vec<ContactPoint>,
    /// Enrollments.
    pub enrollments: Vec<Enrollment>,
    /// Relationships.
    pub relationships: Vec<Relationship>,
    /// Invitations, with token hashes.
    pub invitations: Vec<(Invitation, String)>,
    /// Source links.
    pub source_links: Vec<SourceLink>,
    /// Classes.
    pub classes: Vec<Class>,
    /// API tokens, with hashes (`last_used_at` cleared: using a token is not a change).
    pub api_tokens: Vec<(ApiToken, String)>,
}

/// Dumps every row of the merge-affected tables.
pub async fn dump(conn: &mut Conn) -> Result<Dump> {
    let people: Vec<Person> = all_rows!(conn, people, Person);
    let invitations: Vec<Invitation> = all_rows!(conn, invitations, Invitation);
    let api_tokens: Vec<ApiToken> = all_rows!(conn, api_tokens, ApiToken);
    Ok(Dump {
        people: people
            .into_iter()
            .map(|p| {
                let h = p.password_hash.clone();
                (p, h)
            })
            .collect(),
        roles: all_rows!(conn, person_roles, PersonRole),
        contact_points: all_rows!(conn, contact_points, ContactPoint),
        enrollments: all_rows!(conn, enrollments, Enrollment),
        relationships: all_rows!(conn, relationships, Relationship),
        invitations: invitations
            .into_iter()
            .map(|i| {
                let h = i.token_hash.clone();
                (i, h)
            })
            .collect(),
        source_links: all_rows!(conn, source_links, SourceLink),
        classes: all_rows!(conn, classes, Class),
        api_tokens: api_tokens
            .into_iter()
            .map(|mut t| {
                t.last_used_at = None;
                let h = t.token_hash.clone();
                (t, h)
            })
            .collect(),
    })
}

/// Inserts an invitation row.
pub async fn insert_invitation(conn: &mut Conn, row: &Invitation) -> Result<()> {
    on_conn!(conn, |c| {
        diesel_async::RunQueryDsl::execute(diesel::insert_into(invitations::table).values(row), c)
            .await?
    });
    Ok(())
}

/// Sets a person's account state and password hash (an account they claimed).
pub async fn mark_claimed(conn: &mut Conn, person_id: &str) -> Result<()> {
    on_conn!(conn, |c| {
        diesel_async::RunQueryDsl::execute(
            diesel::update(people::table.find(person_id)).set((
                people::account_state.eq(homeroom_schema::enums::AccountState::Claimed),
                people::password_hash.eq(Some("argon2-test-hash")),
            )),
            c,
        )
        .await?
    });
    Ok(())
}

/// Global id of a person.
pub fn pid(id: &str) -> Value {
    json!(encode(NodeKind::Person, id).0)
}

/// Global id of a class.
pub fn cid(id: &str) -> Value {
    json!(encode(NodeKind::Class, id).0)
}

/// Total audit events of the database (all districts).
pub async fn audit_count(conn: &mut Conn) -> Result<usize> {
    let rows: Vec<AuditEvent> = all_rows!(conn, audit_events, AuditEvent);
    Ok(rows.len())
}

/// Audit events in id order.
pub async fn audit_events(conn: &mut Conn) -> Result<Vec<AuditEvent>> {
    Ok(all_rows!(conn, audit_events, AuditEvent))
}

/// The GraphQL API of a running `homeroom serve` on the test's database: the admin tests go
/// through the binary over HTTP, as a front end does.
pub struct Api(homeroom_tests::server::Server);

impl Api {
    /// Starts the binary on `db`.
    pub async fn start(db: &homeroom_tests::TestDb) -> Result<Api> {
        Ok(Api(
            homeroom_tests::server::Server::start(&db.url, &[]).await?
        ))
    }

    /// Posts `query` with `variables` as the bearer of `token`; the whole JSON response (a
    /// transport failure comes back as `{"transportError": …}`, which every assertion on
    /// `data` then fails on).
    pub async fn execute(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        match self.0.graphql(token, query, variables).await {
            Ok(v) => v,
            Err(e) => json!({ "transportError": format!("{e:#}") }),
        }
    }
}
