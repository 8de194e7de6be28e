//! V10: concurrent wrong passwords raced the sign-in limit (40 at once → 11 password checks
//! against a limit of 5). The limit is increment-then-check in one statement.

use homeroom_schema::store::families;
use homeroom_tests::both_backends;
use serde_json::json;

use super::World;

const LOGIN: &str = "mutation($e: String!, $pw: String!) { login(email: $e, password: $pw) {
  token userErrors { code } } }";

both_backends!(
    concurrent_wrong_passwords_do_not_race_the_limit,
    |db| async move {
        let w = World::start(db).await?;
        let mut c = w.db.store.conn().await?;
        families::claim_account(&mut c, w.fx.id("G1"), "Gina", "One", "not-a-real-hash").await?;
        drop(c);
        let mut set = tokio::task::JoinSet::new();
        for i in 0..40 {
            let url = format!("{}/graphql", w.server.base);
            set.spawn(async move {
                let body = json!({"query": LOGIN,
                "variables": {"e": "g1@example.org", "pw": format!("wrong password {i}")}});
                let resp = reqwest::Client::new().post(url).json(&body).send().await?;
                anyhow::Ok(resp.json::<serde_json::Value>().await?)
            });
        }
        let answers = set.join_all().await;
        let mut checked = 0;
        for a in answers {
            let a = a?;
            let code = a["data"]["login"]["userErrors"][0]["code"].clone();
            assert!(
                code == "INVALID_CREDENTIALS" || code == "RATE_LIMITED",
                "{a}"
            );
            if code == "INVALID_CREDENTIALS" {
                checked += 1;
            }
        }
        assert!(
            checked <= 5,
            "{checked} password checks passed a limit of 5"
        );
        Ok(())
    }
);
