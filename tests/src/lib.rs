//! Test harness shared by Homeroom's end-to-end and storage tests.
//!
//! [`TestDb`] gives every test its own database: a fresh SQLite file, or a fresh PostgreSQL
//! database cloned from a migrated template (created once per migration set, under an advisory
//! lock, so parallel test processes share it). A missing PostgreSQL fails the test; there is no
//! silent skip (set `HOMEROOM_TEST_PG_URL` to point elsewhere).

pub mod chaos;
pub mod db;
pub mod delivery;
pub mod fixture;
pub mod graphql;
pub mod invite_batch;
pub mod load;
pub mod oidc_fake;
pub mod oneroster_files;
pub mod principals;
pub mod server;
pub mod sms_fake;
pub mod smtp_sink;
pub mod snapshot;
pub mod sync;
pub mod wait;
pub mod webhook_sink;

pub use db::{Backend, TestDb};

/// Runs an async test body once per backend: `both_backends!(name, |db| async move { … })`
/// expands to a module `name` with tests `sqlite` and `postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() -> anyhow::Result<()> {
                let $db = $crate::TestDb::new($crate::Backend::Sqlite).await?;
                $body.await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() -> anyhow::Result<()> {
                let $db = $crate::TestDb::new($crate::Backend::Postgres).await?;
                $body.await
            }
        }
    };
}
