//! The real binary over HTTP: serve --demo, tokens from the CLI, health, schema print.

use homeroom_tests::both_backends;
use homeroom_tests::server::{Server, run};
use serde_json::json;

both_backends!(serve_demo_answers_over_http, |db| async move {
    let server = Server::start(&db.url, &["--demo"]).await?;
    let token = server
        .stdout
        .iter()
        .find_map(|l| l.strip_prefix("Admin token: "))
        .map(str::to_owned)
        .expect("serve --demo prints an admin token");
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(format!("{}/readyz", server.base))
            .send()
            .await?
            .status(),
        200
    );
    let page = client
        .get(format!("{}/graphql", server.base))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("graphiql"), "GET /graphql serves GraphiQL");

    let q = "{ district { name schools { name } }
              students: people(filter: {role: STUDENT}) { totalCount }
              guardians: people(filter: {role: GUARDIAN}) { totalCount }
              classes(first: 1) { totalCount }
              claimed: classes(filter: {claimed: true}) { totalCount } }";
    let resp = server.graphql(Some(&token), q, json!({})).await?;
    assert!(resp["errors"].is_null(), "{resp}");
    assert!(
        resp["data"]["students"]["totalCount"].as_i64() >= Some(600),
        "{resp}"
    );
    assert!(
        resp["data"]["guardians"]["totalCount"].as_i64() >= Some(600),
        "{resp}"
    );
    assert!(
        resp["data"]["classes"]["totalCount"].as_i64() >= Some(40),
        "{resp}"
    );
    assert!(
        resp["data"]["claimed"]["totalCount"].as_i64() >= Some(1),
        "{resp}"
    );
    assert!(resp["data"]["district"]["schools"].as_array().map(Vec::len) >= Some(2));

    // A token made by the CLI works against the running server; no token is refused.
    let (code, out, err) = run(&[
        "token",
        "create",
        "--database-url",
        &db.url,
        "--role",
        "district_admin",
    ])?;
    assert_eq!(code, 0, "{err}");
    let cli_token = out.trim();
    assert_eq!(out.lines().count(), 1, "only the token on stdout: {out:?}");
    let resp = server
        .graphql(Some(cli_token), "{ viewer { role } }", json!({}))
        .await?;
    assert_eq!(resp["data"]["viewer"]["role"], "DISTRICT_ADMIN");
    let resp = server
        .graphql(None, "{ viewer { role } }", json!({}))
        .await?;
    assert_eq!(resp["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

    // A teacher token needs a person holding the role.
    let (code, _, err) = run(&[
        "token",
        "create",
        "--database-url",
        &db.url,
        "--role",
        "teacher",
    ])?;
    assert_ne!(code, 0);
    assert!(err.contains("--person"), "{err}");
    Ok(())
});

#[test]
fn schema_print_matches_the_committed_sdl() -> anyhow::Result<()> {
    let (code, out, err) = run(&["schema", "print"])?;
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        homeroom_schema::GRAPHQL_SDL,
        "schema/homeroom.graphql is stale: run `cargo run -p homeroom -- schema print > schema/homeroom.graphql`"
    );
    Ok(())
}

#[test]
fn bad_database_urls_get_a_clear_error() -> anyhow::Result<()> {
    let (code, _, err) = run(&["migrate", "--database-url", "mysql://nope"])?;
    assert_eq!(code, 1);
    assert!(
        err.contains("expected sqlite://PATH or postgres://"),
        "{err}"
    );
    Ok(())
}
