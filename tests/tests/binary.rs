//! The real binary over HTTP: serve --demo, tokens from the CLI, health, schema print.

use anyhow::Context as _;
use homeroom_core::ids::{NodeKind, decode_as};
use homeroom_tests::server::{Server, run, run_with_env};
use homeroom_tests::{Backend, both_backends};
use serde_json::json;

both_backends!(serve_demo_answers_over_http, |db| async move {
    let mut server = Server::start(&db.url, &["--demo"]).await?;
    let token = server
        .stdout_line(|l| l.starts_with("Admin token: "))
        .await?
        .trim_start_matches("Admin token: ")
        .to_owned();
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

    // `--person` takes the id the API shows, and the raw row id inside it.
    let resp = server
        .graphql(
            Some(&token),
            "{ people(filter: {role: TEACHER}, first: 1) { edges { node { id } } }
               classes(first: 1) { edges { node { id } } } }",
            json!({}),
        )
        .await?;
    let teacher = resp["data"]["people"]["edges"][0]["node"]["id"]
        .as_str()
        .context("a demo teacher")?
        .to_owned();
    let class = resp["data"]["classes"]["edges"][0]["node"]["id"]
        .as_str()
        .context("a demo class")?
        .to_owned();
    let raw = decode_as(NodeKind::Person, &teacher)?;
    for given in [teacher.as_str(), raw.as_str()] {
        let (code, out, err) = run(&[
            "token",
            "create",
            "--database-url",
            &db.url,
            "--role",
            "teacher",
            "--person",
            given,
        ])?;
        assert_eq!(code, 0, "--person {given}: {err}");
        let resp = server
            .graphql(
                Some(out.trim()),
                "{ viewer { role person { id } } }",
                json!({}),
            )
            .await?;
        assert_eq!(resp["data"]["viewer"]["role"], "TEACHER", "{resp}");
        assert_eq!(resp["data"]["viewer"]["person"]["id"], teacher, "{resp}");
    }
    // A global id of another kind is named as such, not "no person".
    let (code, out, err) = run(&[
        "token",
        "create",
        "--database-url",
        &db.url,
        "--role",
        "teacher",
        "--person",
        &class,
    ])?;
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("is not a Person"), "{err}");
    Ok(())
});

/// A connector configuration with a secret field (checked, never contacted).
fn rest_config() -> String {
    json!({
        "base_url": "https://sis.example/",
        "version": "1.1",
        "client_id": "homeroom",
        "client_secret": "s3cret",
    })
    .to_string()
}

fn add_rest_connector(
    url: &str,
    name: &str,
    env: &[(&str, &str)],
) -> anyhow::Result<(i32, String, String)> {
    run_with_env(
        &[
            "connector",
            "add",
            "oneroster-rest",
            "--name",
            name,
            "--config",
            &rest_config(),
            "--database-url",
            url,
        ],
        env,
    )
}

both_backends!(
    connector_secrets_without_a_configured_key,
    |db| async move {
        match db.backend() {
            Backend::Sqlite => {
                // A fresh machine: the key file is made beside the database, owner-only, and the
                // (piped, hence colourless) log says so.
                let key_file = {
                    let mut name = db
                        .store
                        .sqlite_path()
                        .context("sqlite")?
                        .as_os_str()
                        .to_owned();
                    name.push(".secret-key");
                    std::path::PathBuf::from(name)
                };
                assert!(!key_file.exists());
                let (code, out, err) = add_rest_connector(&db.url, "Rest one", &[])?;
                assert_eq!(code, 0, "{err}");
                let connector = decode_as(NodeKind::Connector, out.trim())?;
                assert!(err.contains("created a secret key file"), "{err}");
                assert!(err.contains(&*key_file.to_string_lossy()), "{err}");
                assert!(
                    !err.contains('\u{1b}'),
                    "no ANSI codes in a piped log: {err:?}"
                );
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    let mode = std::fs::metadata(&key_file)?.permissions().mode();
                    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
                }
                let key = std::fs::read_to_string(&key_file)?;
                let stored = homeroom_core::secrets::SecretKey::from_base64(&key)?;

                // Used thereafter: a second connector is sealed with the same key, silently.
                let (code, out, err) = add_rest_connector(&db.url, "Rest two", &[])?;
                assert_eq!(code, 0, "{err}");
                assert!(!err.contains("created a secret key file"), "{err}");
                assert_eq!(std::fs::read_to_string(&key_file)?, key);
                let second = decode_as(NodeKind::Connector, out.trim())?;
                let mut conn = db.store.conn().await?;
                let district = homeroom_schema::store::districts::get_default(&mut conn)
                    .await?
                    .context("district")?;
                for id in [&connector, &second] {
                    let row = homeroom_schema::store::connectors::get(&mut conn, &district.id, id)
                        .await?
                        .context("stored")?;
                    let sealed = row.config_secret.context("the secret is stored")?;
                    assert!(stored.decrypt(&sealed)?.contains("s3cret"));
                }
            }
            Backend::Postgres => {
                // No key: refused, with the reason, and nothing stored.
                let (code, out, err) = add_rest_connector(&db.url, "Rest one", &[])?;
                assert_eq!((code, out.as_str()), (1, ""), "{err}");
                assert!(
                    err.contains("HOMEROOM_SECRET_KEY") && err.contains("PostgreSQL"),
                    "{err}"
                );
                let mut conn = db.store.conn().await?;
                let district = homeroom_schema::store::districts::get_default(&mut conn).await?;
                if let Some(d) = district {
                    assert!(
                        homeroom_schema::store::connectors::list(&mut conn, &d.id)
                            .await?
                            .is_empty()
                    );
                }
                // With the key set, it is stored.
                let key = homeroom_tests::sync::test_key_base64();
                let (code, out, err) =
                    add_rest_connector(&db.url, "Rest one", &[("HOMEROOM_SECRET_KEY", &key)])?;
                assert_eq!(code, 0, "{err}");
                decode_as(NodeKind::Connector, out.trim())?;
            }
        }
        Ok(())
    }
);

/// The drift test: the schema the binary serves is the one committed for clients and review.
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

both_backends!(
    account_set_password_lets_a_teacher_sign_in_and_ends_their_sessions,
    |db| async move {
        let fx = homeroom_tests::fixture::load(&db.store).await?;
        let server = Server::start(&db.url, &[]).await?;
        const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
            token userErrors { code } } }";
        let login = async |password: &str| -> anyhow::Result<serde_json::Value> {
            let resp = server
                .graphql(None, LOGIN, json!({"e": "ta@example.org", "p": password}))
                .await?;
            Ok(resp["data"]["login"].clone())
        };
        let set = |who: &str, password: &str| {
            homeroom_tests::server::run_with_stdin(
                &["account", "set-password", "--database-url", &db.url, who],
                &format!("{password}\n"),
            )
        };
        let teacher = homeroom_core::ids::encode(NodeKind::Person, fx.id("TA"));
        let password = "correct horse battery staple";

        // Before: a teacher has no way in with a password.
        assert_eq!(
            login(password).await?["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
        // Refusals change nothing: a short password, a student, an unknown person.
        let (code, _, err) = set(&teacher, "short")?;
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("at least"), "{err}");
        let (code, _, err) = set(fx.id("S1"), password)?;
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("students"), "{err}");
        let (code, _, err) = set("00000000-0000-0000-0000-000000000000", password)?;
        assert_ne!(code, 0, "{err}");
        assert_eq!(
            login(password).await?["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );

        // Set (the global id the API shows is accepted): the teacher signs in as a teacher.
        let (code, _, err) = set(&teacher, password)?;
        assert_eq!(code, 0, "{err}");
        let first = login(password).await?["token"]
            .as_str()
            .context("a session")?
            .to_owned();
        let viewer = server
            .graphql(Some(&first), "{ viewer { role person { id } } }", json!({}))
            .await?;
        assert_eq!(viewer["data"]["viewer"]["role"], "TEACHER", "{viewer}");
        assert_eq!(viewer["data"]["viewer"]["person"]["id"], teacher.as_str());

        // Set again: the old password and the session it opened stop working.
        let (code, _, err) = set(fx.id("TA"), "another long passphrase")?;
        assert_eq!(code, 0, "{err}");
        let after = server
            .graphql(Some(&first), "{ viewer { role } }", json!({}))
            .await?;
        assert_eq!(
            after["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{after}"
        );
        assert_eq!(
            login(password).await?["userErrors"][0]["code"],
            "INVALID_CREDENTIALS"
        );
        assert!(login("another long passphrase").await?["token"].is_string());
        Ok(())
    }
);

both_backends!(serve_makes_the_default_import_folder, |db| async move {
    // On SQLite the default import folder sits beside the database file and is made on first
    // start; on PostgreSQL the default (`imports` in the working directory) is not made.
    let beside = db
        .url
        .strip_prefix("sqlite://")
        .map(|file| std::path::Path::new(file).with_file_name("imports"));
    if let Some(folder) = &beside {
        assert!(!folder.exists());
    }
    let _server = Server::start(&db.url, &[]).await?;
    match (db.backend(), beside) {
        (Backend::Sqlite, Some(folder)) => {
            assert!(folder.is_dir(), "{} was made", folder.display())
        }
        (Backend::Postgres, None) => {}
        (backend, folder) => panic!("{backend:?} with {folder:?}"),
    }
    Ok(())
});
