//! The console (api/console) in a real browser: the Playwright suite in api/console/e2e drives
//! Debian's Chromium against the real binary (`serve --demo` with an SMTP sink), once on SQLite
//! and once on PostgreSQL; and the committed console build (api/console/dist, embedded in the
//! binary) must equal a fresh `npm run build`.
//!
//! Nothing here skips: without Chromium, Node.js or api/console/node_modules the tests fail and
//! say what to install (`.ci/run` installs all three).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::oneroster_files::{self, User};
use homeroom_tests::server::{Server, run_with_stdin};
use homeroom_tests::smtp_sink::SmtpSink;
use serde_json::{Value, json};

fn console_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/console")
}

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Node.js and the console's packages are there.
fn node_ready() -> Result<()> {
    let node = std::process::Command::new("node").arg("--version").output();
    ensure!(
        node.is_ok_and(|o| o.status.success()),
        "Node.js is missing: install Node.js 20 or later (the console's build and its browser tests need it)"
    );
    ensure!(
        console_dir().join("node_modules/.bin/playwright").exists()
            && console_dir().join("node_modules/.bin/vite").exists(),
        "api/console/node_modules is missing: run `npm ci` in api/console (.ci/run does)"
    );
    Ok(())
}

/// Chromium, Node.js and the console's packages are there.
fn browser_ready() -> Result<()> {
    ensure!(
        chromium().exists(),
        "Chromium is missing at {}: install Debian's with `apt-get install -y chromium` (.ci/run does), \
         or point CHROMIUM at one (Playwright's own browser download does not work here)",
        chromium().display()
    );
    node_ready()
}

/// `npm test` and `npm run build` both regenerate src/gql: one at a time.
static NPM: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn console_unit_tests_pass() -> Result<()> {
    node_ready()?;
    let _one_at_a_time = NPM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let status = std::process::Command::new("npm")
        .args(["test"])
        .current_dir(console_dir())
        .status()
        .context("running npm test in api/console")?;
    ensure!(
        status.success(),
        "the console's unit tests (Vitest) failed: see the output above"
    );
    Ok(())
}

#[test]
fn committed_console_build_matches_a_fresh_build() -> Result<()> {
    node_ready()?;
    let _one_at_a_time = NPM
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let out = TempDir::new("homeroom-console-dist")?;
    let status = std::process::Command::new("npm")
        .args(["run", "build", "--", "--outDir"])
        .arg(&out.0)
        .arg("--emptyOutDir")
        .current_dir(console_dir())
        .status()
        .context("running npm run build in api/console")?;
    ensure!(status.success(), "`npm run build` failed in api/console");
    let committed = files_under(&console_dir().join("dist"))?;
    let fresh = files_under(&out.0)?;
    let mut differences = Vec::new();
    for (path, bytes) in &fresh {
        match committed.iter().find(|(p, _)| p == path) {
            None => differences.push(format!("{path} is missing")),
            Some((_, b)) if b != bytes => differences.push(format!("{path} differs")),
            Some(_) => {}
        }
    }
    for (path, _) in &committed {
        if !fresh.iter().any(|(p, _)| p == path) {
            differences.push(format!("{path} is stale"));
        }
    }
    ensure!(
        differences.is_empty(),
        "api/console/dist is not the build of the committed sources ({}): run `npm ci && npm run build` \
         in api/console and commit dist/",
        differences.join(", ")
    );
    Ok(())
}

fn files_under(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)?
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&path)?));
            }
        }
    }
    out.sort();
    Ok(out)
}

both_backends!(console_in_a_browser, |db| async move {
    browser_ready()?;
    let sink = SmtpSink::start().await?;
    let work = TempDir::new("homeroom-console-e2e")?;
    // File connectors created over the API read only under the import root: the test's folder.
    let import_root = work.0.to_string_lossy().into_owned();
    let mut server = Server::start_with_env(
        &db.url,
        &["--demo"],
        &[
            ("HOMEROOM_SMTP_URL", sink.url()),
            ("HOMEROOM_IMPORT_DIR", import_root),
        ],
    )
    .await?;
    let admin = server
        .stdout_line(|l| l.starts_with("Admin token: "))
        .await
        .context("serve --demo prints an admin token")?
        .trim_start_matches("Admin token: ")
        .to_owned();
    let console = format!("Homeroom console: {}/", server.base);
    server
        .stdout_line(|l| l.starts_with(&console))
        .await
        .context("serve --demo prints the console URL")?;
    let gql = async |query: &str, variables: Value| -> Result<Value> {
        let resp = server.graphql(Some(&admin), query, variables).await?;
        ensure!(resp["errors"].is_null(), "{resp}");
        Ok(resp["data"].clone())
    };

    // The teacher: the claimer of a claimed class whose families can all be emailed.
    let claimed = gql(
        "{ classes(filter: {claimed: true}, first: 500) { nodes { id claimedBy { id }
            familyInviteManager(first: 50) { totalCount nodes { state guardian { id } contactPoints { kind } } } } } }",
        json!({}),
    )
    .await?;
    let class = claimed["classes"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            let n = c["familyInviteManager"]["totalCount"].as_i64().unwrap_or(0);
            let rows = c["familyInviteManager"]["nodes"].as_array();
            n >= 2
                && rows.is_some_and(|rows| {
                    rows.len() as i64 == n
                        && rows.iter().all(|r| {
                            r["state"] == "NOT_INVITED"
                                && r["contactPoints"]
                                    .as_array()
                                    .is_some_and(|cps| cps.iter().any(|cp| cp["kind"] == "EMAIL"))
                        })
                })
        })
        .min_by_key(|c| c["familyInviteManager"]["totalCount"].as_i64())
        .context("a claimed demo class whose families all have an email")?
        .clone();
    let families = class["familyInviteManager"]["totalCount"]
        .as_i64()
        .unwrap_or(0);
    // The teacher signs in with a password an operator set (`homeroom account set-password`).
    let teacher_email = gql(
        "query($id: ID!) { person(id: $id) { contactPoints { kind value } } }",
        json!({"id": class["claimedBy"]["id"]}),
    )
    .await?["person"]["contactPoints"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|cp| cp["kind"] == "EMAIL")
        .and_then(|cp| cp["value"].as_str().map(str::to_owned))
        .context("the demo teacher has an email address")?;
    let teacher_password = "a teacher's passphrase for the console".to_owned();
    let (code, _, err) = run_with_stdin(
        &[
            "account",
            "set-password",
            "--database-url",
            &db.url,
            class["claimedBy"]["id"].as_str().context("claimed by")?,
        ],
        &format!("{teacher_password}\n"),
    )?;
    ensure!(
        code == 0,
        "account set-password for the teacher failed: {err}"
    );

    // A guardian with a password: invited and accepted over the API.
    let (guardian_email, guardian_password) =
        guardian_with_password(&server, &gql, &sink, &class).await?;

    // The connector folder the admin test changes: 20 students, then 10 (a hold).
    let hold = work.0.join("roster");
    let smaller = work.0.join("roster-smaller");
    oneroster_files::write(&hold, &roster(20))?;
    oneroster_files::write(&smaller, &roster(10))?;

    // A relationship spreadsheet: rows linking demo guardians to demo students, and bad rows.
    let people = gql(
        "{ guardians: people(filter: {role: GUARDIAN}, first: 3) { nodes { contactPoints { kind value } } }
           students: people(filter: {role: STUDENT}, first: 200) { nodes { studentNumber } } }",
        json!({}),
    )
    .await?;
    let emails: Vec<String> = people["guardians"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| {
            g["contactPoints"]
                .as_array()?
                .iter()
                .find(|cp| cp["kind"] == "EMAIL")
                .and_then(|cp| cp["value"].as_str().map(str::to_owned))
        })
        .collect();
    let numbers: Vec<String> = people["students"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["studentNumber"].as_str().map(str::to_owned))
        .collect();
    ensure!(
        emails.len() >= 2 && numbers.len() >= 200,
        "demo people: {people}"
    );
    // Students from the end of the list: not the guardians' own children (new links).
    let csv = format!(
        "parent_email,student_id,relationship_type\n\
         {},{},Guardian\n{},{},Relative\nnobody@nowhere.test,{},Parent\n{},NO-SUCH-STUDENT,Parent\n",
        emails[0], numbers[199], emails[1], numbers[198], numbers[197], emails[0]
    );
    let csv_path = work.0.join("relationships.csv");
    std::fs::write(&csv_path, csv)?;

    let backend = match db.backend() {
        homeroom_tests::Backend::Sqlite => "sqlite",
        homeroom_tests::Backend::Postgres => "postgres",
    };
    let output = work.0.join("playwright");
    let screenshots =
        std::env::var("E2E_SCREENSHOTS").map_or_else(|_| work.0.join("screenshots"), PathBuf::from);
    let status = tokio::time::timeout(
        Duration::from_secs(900),
        tokio::process::Command::new(console_dir().join("node_modules/.bin/playwright"))
            .args(["test", "--config", "playwright.config.ts"])
            .current_dir(console_dir())
            .env("CHROMIUM", chromium())
            .env("E2E_BASE_URL", &server.base)
            .env("E2E_BACKEND", backend)
            .env("E2E_OUTPUT", &output)
            .env("E2E_SCREENSHOTS", &screenshots)
            .env("E2E_ADMIN_TOKEN", &admin)
            .env("E2E_GUARDIAN_EMAIL", &guardian_email)
            .env("E2E_GUARDIAN_PASSWORD", &guardian_password)
            .env("E2E_TEACHER_EMAIL", &teacher_email)
            .env("E2E_TEACHER_PASSWORD", &teacher_password)
            .env(
                "E2E_TEACHER_CLASS_ID",
                class["id"].as_str().unwrap_or_default(),
            )
            .env("E2E_TEACHER_FAMILIES", families.to_string())
            .env("E2E_HOLD_DIR", &hold)
            .env("E2E_HOLD_SMALLER_DIR", &smaller)
            .env("E2E_HOLD_REMOVED", "10")
            .env("E2E_IMPORT_CSV", &csv_path)
            .env("E2E_IMPORT_VALID", "2")
            .env("E2E_IMPORT_INVALID", "2")
            .kill_on_drop(true)
            .status(),
    )
    .await
    .context("the Playwright suite ran for more than 15 minutes")?
    .context("running Playwright")?;
    if !status.success() {
        bail!(
            "the console's browser tests failed on {backend} (see the output above; traces in {})",
            output.display()
        );
    }

    // What the page showed as sent, the SMTP server received (and the guardian's invitation).
    let mails = sink.wait_for(families as usize + 1).await?;
    let invitations = mails
        .iter()
        .filter(|m| m.link(&format!("{}/invitations/", server.base)).is_some())
        .count();
    assert!(
        invitations >= families as usize,
        "{invitations} invitation mails for {families} families"
    );
    drop(work);
    Ok(())
});

/// Invites one family of another claimed class than the teacher's and accepts the invitation
/// with a password; returns the guardian's email and password.
async fn guardian_with_password(
    server: &Server,
    gql: &impl AsyncFn(&str, Value) -> Result<Value>,
    sink: &SmtpSink,
    teachers_class: &Value,
) -> Result<(String, String)> {
    let classes = gql(
        "{ classes(first: 60) { nodes { id familyInviteManager(first: 1, filter: {state: NOT_INVITED}) {
            nodes { id guardian { id } contactPoints { kind value } } } } } }",
        json!({}),
    )
    .await?;
    // Not a guardian of the teacher's class: that class's families must start uninvited.
    let taken: Vec<&Value> = teachers_class["familyInviteManager"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["guardian"]["id"])
        .collect();
    let (class_id, row, email) = classes["classes"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["id"] != teachers_class["id"])
        .find_map(|c| {
            let row = c["familyInviteManager"]["nodes"].get(0)?;
            if taken.contains(&&row["guardian"]["id"]) {
                return None;
            }
            let email = row["contactPoints"]
                .as_array()?
                .iter()
                .find(|cp| cp["kind"] == "EMAIL")?["value"]
                .as_str()?
                .to_owned();
            Some((c["id"].clone(), row["id"].clone(), email))
        })
        .context("a demo family with an email to invite")?;
    let invited = gql(
        "mutation($c: ID!, $r: [ID!]) { inviteFamilies(classId: $c, relationshipIds: $r) {
            invitations { id } userErrors { message } } }",
        json!({"c": class_id, "r": [row]}),
    )
    .await?;
    ensure!(
        invited["inviteFamilies"]["userErrors"] == json!([]),
        "{invited}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let link = loop {
        if let Some(link) = sink
            .mails_to(&email)
            .iter()
            .find_map(|m| m.link(&format!("{}/invitations/", server.base)))
        {
            break link;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "no invitation reached {email}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let token = link.rsplit('/').next().unwrap_or_default().to_owned();
    let password = "console e2e passphrase 2026".to_owned();
    let accepted = server
        .graphql(
            None,
            "mutation($t: String!, $p: String!) { acceptInvitation(token: $t, password: $p,
                profile: {givenName: \"Gwen\", familyName: \"Guardian\"}) { token userErrors { message } } }",
            json!({"t": token, "p": password}),
        )
        .await?;
    ensure!(
        accepted["data"]["acceptInvitation"]["token"].is_string(),
        "{accepted}"
    );
    Ok((email, password))
}

/// A one-class roster: a teacher and `n` students with their own student numbers.
fn roster(n: usize) -> Vec<User<'static>> {
    let mut users = vec![User {
        id: "e2e-t1",
        role: "teacher",
        given: "Terry",
        family: "Console",
        identifier: "E2E-T1",
        email: "terry.console@e2e.test",
        phone: "",
        agents: "",
    }];
    for i in 0..n {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        users.push(User {
            id: leak(format!("e2e-s{i:02}")),
            role: "student",
            given: leak(format!("Student{i:02}")),
            family: "Console",
            identifier: leak(format!("E2E-S{i:02}")),
            email: "",
            phone: "",
            agents: "",
        });
    }
    users
}
