//! Issue 15: every confirmed attack, reproduced through the running binary as an attacker
//! would, asserting it is refused. Each test here was run against the code before its fix and
//! failed there (see the commit messages and SECURITY.md).

mod also_found;
mod authz_matrix;
mod family_access_review;
mod policy_agreement;
mod v10_login_race;
mod v12_join_codes;
mod v1_foreign_student;
mod v2_connector_secrets;
mod v3_import_root;
mod v4_webhook_targets;
mod v5_masking;
mod v6_v11_cost;
mod v7_link_scope;
mod v8_existing_accounts;
mod v9_sessions;

use homeroom_graphql::ids::{NodeKind, encode};
use homeroom_schema::enums::TokenRole;
use homeroom_tests::TestDb;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::{token, token_with_scopes};
use homeroom_tests::server::Server;
use homeroom_tests::smtp_sink::SmtpSink;
use serde_json::Value;

/// Public URL the server puts in invitation links.
pub const PUBLIC: &str = "https://homeroom.test";

/// The fixture district served by the real binary, with a local SMTP sink.
pub struct World {
    pub db: TestDb,
    pub fx: Fixture,
    pub sink: SmtpSink,
    pub server: Server,
}

impl World {
    pub async fn start(db: TestDb) -> anyhow::Result<World> {
        Self::start_with(db, &[]).await
    }

    pub async fn start_with(db: TestDb, env: &[(&str, String)]) -> anyhow::Result<World> {
        let fx = fixture::load(&db.store).await?;
        let sink = SmtpSink::start().await?;
        let mut all = vec![
            ("HOMEROOM_SMTP_URL", sink.url()),
            ("HOMEROOM_MAIL_FROM", "school@homeroom.test".to_owned()),
            ("HOMEROOM_PUBLIC_URL", PUBLIC.to_owned()),
        ];
        all.extend(env.iter().map(|(k, v)| (*k, v.clone())));
        let server = Server::start_with_env(&db.url, &[], &all).await?;
        Ok(World {
            db,
            fx,
            sink,
            server,
        })
    }

    pub async fn token(&self, role: TokenRole, who: Option<&str>) -> anyhow::Result<String> {
        token(&self.db.store, role, who.map(|w| self.fx.id(w))).await
    }

    pub async fn partner(&self, scopes: &[&str]) -> anyhow::Result<String> {
        token_with_scopes(
            &self.db.store,
            TokenRole::Partner,
            None,
            scopes.iter().map(|s| (*s).to_owned()).collect(),
        )
        .await
    }

    pub async fn gql(&self, token: Option<&str>, q: &str, vars: Value) -> anyhow::Result<Value> {
        self.server.graphql(token, q, vars).await
    }

    pub fn class(&self, name: &str) -> String {
        encode(NodeKind::Class, self.fx.id(name)).0
    }

    pub fn person(&self, name: &str) -> String {
        encode(NodeKind::Person, self.fx.id(name)).0
    }
}

/// The first error code of a response, if any.
pub fn code(resp: &Value) -> Option<String> {
    resp["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
}
