//! Connectors and sync runs through GraphQL and the command line.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use homeroom_core::secrets::SecretKey;
use homeroom_district_gen::{GenerateOptions, GenerateReport, generate_to_dir};
use homeroom_graphql::context::RequestCtx;
use homeroom_graphql::ids::{NodeKind, decode_as};
use homeroom_oneroster::OneRosterVersion;
use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeOneRoster};
use homeroom_schema::Store;
use homeroom_schema::enums::TokenRole;
use homeroom_schema::store::{audit, connectors, districts};
use homeroom_service::sync::SyncService;
use homeroom_service::tokens;
use homeroom_tests::db::TempDir;
use homeroom_tests::graphql::{error_codes, token, token_with_scopes};
use homeroom_tests::sync::{Census, census, csv_connector, expect};
use homeroom_tests::{TestDb, both_backends, fixture, server};
use serde_json::{Value, json};

/// GraphQL in-process, as the HTTP handler runs it, with a sync service that holds a secret
/// key (the harness's `execute` has none, so it cannot create connectors or run syncs).
struct Api {
    store: Store,
    sync: SyncService,
    key: SecretKey,
}

impl Api {
    fn new(db: &TestDb) -> Api {
        let key = SecretKey::generate().0;
        Api {
            store: db.store.clone(),
            sync: SyncService::new(db.store.clone(), Some(key.clone())),
            key,
        }
    }

    /// The whole response (`data` and `errors`).
    async fn exec(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let header = token.map(|t| format!("Bearer {t}"));
        let principal = tokens::authenticate(&self.store, header.as_deref()).await;
        let ctx = RequestCtx::new(self.store.clone(), principal).with_sync(self.sync.clone());
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables))
            .data(ctx);
        let mut response = homeroom_graphql::Api::new(true).run(request).await;
        homeroom_graphql::errors::finish_response(&mut response);
        serde_json::to_value(&response).unwrap_or(Value::Null)
    }

    /// `data` of a response that must have no errors.
    async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let resp = self.exec(Some(token), query, variables).await;
        assert!(resp["errors"].is_null(), "{query}\n→ {resp}");
        resp["data"].clone()
    }

    /// Polls `syncRun(id)` until it leaves QUEUED/RUNNING and returns its report.
    async fn wait_for(&self, token: &str, run_id: &str) -> Result<Value> {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let run = self.data(token, REPORT, json!({ "id": run_id })).await["syncRun"].clone();
            match run["status"].as_str() {
                Some("QUEUED" | "RUNNING") => {}
                Some(_) => return Ok(run),
                None => bail!("no sync run {run_id}: {run}"),
            }
            if Instant::now() > deadline {
                bail!("sync run {run_id} did not finish in time: {run}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Starts a run through `runSync`, checks it comes back queued, and waits for its end.
    async fn run_sync(&self, token: &str, connector: &str, dry_run: bool) -> Result<Value> {
        let data = self
            .data(token, RUN, json!({ "id": connector, "dry": dry_run }))
            .await;
        let queued = &data["runSync"];
        assert!(
            matches!(queued["status"].as_str(), Some("QUEUED" | "RUNNING")),
            "runSync answers before the run ends: {queued}"
        );
        assert_eq!(queued["dryRun"], dry_run, "{queued}");
        assert_eq!(queued["mode"], "FULL", "{queued}");
        let id = queued["id"].as_str().context("run id")?.to_owned();
        let done = self.wait_for(token, &id).await?;
        assert_eq!(done["id"], id.as_str());
        assert_eq!(done["dryRun"], dry_run, "{done}");
        Ok(done)
    }

    /// Every issue of a run with `severity` (all when `None`), page by page.
    async fn issues(&self, token: &str, run_id: &str, severity: Option<&str>) -> Vec<Value> {
        let mut out = Vec::new();
        let mut after = Value::Null;
        loop {
            let vars = json!({ "id": run_id, "severity": severity, "after": after });
            let data = self.data(token, ISSUES, vars).await;
            let page = &data["syncRun"]["issues"];
            let edges = page["edges"].as_array().cloned().unwrap_or_default();
            assert!(
                edges.len() <= 200,
                "a page holds at most `first` issues: {}",
                edges.len()
            );
            out.extend(edges.into_iter().map(|e| e["node"].clone()));
            if page["pageInfo"]["hasNextPage"] != true {
                return out;
            }
            after = page["pageInfo"]["endCursor"].clone();
            assert!(after.is_string(), "a next page needs a cursor: {page}");
        }
    }

    /// The district's stored connector rows.
    async fn rows(&self) -> Result<Vec<homeroom_schema::models::Connector>> {
        let mut conn = self.store.conn().await?;
        let district = districts::get_default(&mut conn)
            .await?
            .context("no default district")?;
        Ok(connectors::list(&mut conn, &district.id).await?)
    }
}

const CONNECTOR_FIELDS: &str = "id kind name config secretFieldsSet enabled schedule lastSuccessAt";

fn create_query() -> String {
    format!(
        "mutation($input: CreateConnectorInput!) {{ createConnector(input: $input) {{
           connector {{ {CONNECTOR_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

fn update_query() -> String {
    format!(
        "mutation($input: UpdateConnectorInput!) {{ updateConnector(input: $input) {{
           connector {{ {CONNECTOR_FIELDS} }} userErrors {{ field message code }} }} }}"
    )
}

fn list_query() -> String {
    format!("{{ connectors {{ {CONNECTOR_FIELDS} }} }}")
}

const RUN: &str = "mutation($id: ID!, $dry: Boolean) {
  runSync(connectorId: $id, dryRun: $dry) { id status mode dryRun } }";

const REPORT: &str = "query($id: ID!) { syncRun(id: $id) {
  id status mode dryRun message errorCount alertCount startedAt finishedAt
  counts { entity created updated unchanged archived merged rejected } } }";

const ISSUES: &str = "query($id: ID!, $severity: Severity, $after: String) { syncRun(id: $id) {
  issues(severity: $severity, first: 200, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { severity code entityKind externalId message } } } } }";

const CONFIRM: &str = "mutation($id: ID!) { confirmHold(syncRunId: $id) { id status dryRun message counts { entity archived } } }";

const DISCARD: &str = "mutation($id: ID!) { discardHold(syncRunId: $id) { id status dryRun message counts { entity archived } } }";

/// One count of one entity of a run's `counts` (0 when the entity is absent).
fn count(run: &Value, entity: &str, field: &str) -> i64 {
    run["counts"]
        .as_array()
        .and_then(|list| list.iter().find(|c| c["entity"] == entity))
        .and_then(|c| c[field].as_i64())
        .unwrap_or(0)
}

fn codes_of(nodes: &[Value]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| n["code"].as_str().map(str::to_owned))
        .collect()
}

fn code_count(nodes: &[Value], code: &str) -> usize {
    nodes.iter().filter(|n| n["code"] == code).count()
}

fn n(v: usize) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn generate(students: usize, seed: u64, dir: &Path) -> Result<GenerateReport> {
    Ok(generate_to_dir(
        GenerateOptions {
            students,
            seed,
            churn_pct: None,
        },
        dir,
    )?)
}

/// Replaces the files of `to` with those of `from`.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(to)? {
        std::fs::remove_file(entry?.path())?;
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

fn path_config(dir: &Path) -> Value {
    json!({ "path": dir.display().to_string() })
}

both_backends!(
    connector_secrets_are_encrypted_and_never_returned,
    |db| async move {
        let api = Api::new(&db);
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;

        // A REST connector against a fake OneRoster 1.2 provider whose secret is "s3cret".
        let data_dir = TempDir::new("gen")?;
        generate(20, 3, &data_dir.0)?;
        let fake = FakeOneRoster::start(
            FakeDataset::from_csv(data_dir.0.join("day1"))?.with_version(OneRosterVersion::V1p2),
            FakeAuth::oauth2("app", "s3cret"),
        )
        .await?;
        let config = fake.connector_config();
        assert_eq!(config["client_secret"], "s3cret");
        let mut public = config.clone();
        public
            .as_object_mut()
            .context("config object")?
            .remove("client_secret");

        let resp = api
            .exec(
                Some(&admin),
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_REST", "name": "District SIS", "config": config } }),
            )
            .await;
        assert!(resp["errors"].is_null(), "{resp}");
        assert!(!resp.to_string().contains("s3cret"), "{resp}");
        let payload = &resp["data"]["createConnector"];
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        let created = &payload["connector"];
        assert_eq!(created["kind"], "ONEROSTER_REST");
        assert_eq!(created["name"], "District SIS");
        assert_eq!(created["config"], public, "the config minus its secret");
        assert_eq!(created["secretFieldsSet"], true);
        assert_eq!(created["enabled"], true);
        assert_eq!(created["lastSuccessAt"], Value::Null);
        let id = created["id"].as_str().context("connector id")?.to_owned();
        let row_id = decode_as(NodeKind::Connector, &id)?;

        // Lists and lookups never carry it either.
        let q = format!(
            "query($id: ID!) {{ connectors {{ {CONNECTOR_FIELDS} }} connector(id: $id) {{ {CONNECTOR_FIELDS} }} }}"
        );
        let resp = api.exec(Some(&admin), &q, json!({ "id": id })).await;
        assert!(resp["errors"].is_null(), "{resp}");
        assert!(!resp.to_string().contains("s3cret"), "{resp}");
        assert_eq!(resp["data"]["connectors"], json!([created.clone()]));
        assert_eq!(resp["data"]["connector"], *created);

        // At rest: the public part is plain, the secret is sealed with the server's key.
        let rows = api.rows().await?;
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.id, row_id);
        assert!(
            !row.config_public.contains("s3cret"),
            "{}",
            row.config_public
        );
        let sealed = row.config_secret.clone().context("config_secret is set")?;
        assert!(sealed.starts_with("v1:"), "{sealed}");
        assert!(!sealed.contains("s3cret"), "{sealed}");
        assert!(!sealed.contains("client_secret"), "{sealed}");
        let opened: Value = serde_json::from_str(&api.key.decrypt(&sealed)?)?;
        assert_eq!(opened, json!({ "client_secret": "s3cret" }));
        let mut c = db.store.conn().await?;
        for event in audit::for_target(&mut c, &row_id).await? {
            let text = format!("{:?} {:?}", event.before, event.after);
            assert!(!text.contains("s3cret"), "audit {}: {text}", event.action);
        }
        drop(c);

        // The sealed secret still authenticates: the server decrypts it to build the connector.
        let test = "mutation($id: ID!) { testConnector(id: $id) { ok message } }";
        let resp = api.data(&admin, test, json!({ "id": id })).await;
        assert_eq!(
            resp["testConnector"],
            json!({ "ok": true, "message": null }),
            "{resp}"
        );

        // A change that leaves the secret out keeps it.
        let resp = api
            .exec(
                Some(&admin),
                &update_query(),
                json!({ "input": { "id": id, "name": "Renamed SIS", "config": public } }),
            )
            .await;
        assert!(resp["errors"].is_null(), "{resp}");
        assert!(!resp.to_string().contains("s3cret"), "{resp}");
        assert_eq!(resp["data"]["updateConnector"]["userErrors"], json!([]));
        assert_eq!(
            resp["data"]["updateConnector"]["connector"]["name"],
            "Renamed SIS"
        );
        assert_eq!(
            resp["data"]["updateConnector"]["connector"]["secretFieldsSet"],
            true
        );
        let sealed_again = api.rows().await?[0]
            .config_secret
            .clone()
            .context("secret kept")?;
        assert_eq!(
            serde_json::from_str::<Value>(&api.key.decrypt(&sealed_again)?)?,
            json!({ "client_secret": "s3cret" })
        );
        let resp = api.data(&admin, test, json!({ "id": id })).await;
        assert_eq!(resp["testConnector"]["ok"], true, "{resp}");

        // A wrong secret is refused by the provider, and the answer does not echo it.
        let mut wrong = config.clone();
        wrong["client_secret"] = json!("wr0ng-s3cret");
        let resp = api
            .data(
                &admin,
                &update_query(),
                json!({ "input": { "id": id, "config": wrong } }),
            )
            .await;
        assert_eq!(resp["updateConnector"]["userErrors"], json!([]));
        let resp = api.exec(Some(&admin), test, json!({ "id": id })).await;
        assert!(resp["errors"].is_null(), "{resp}");
        assert_eq!(resp["data"]["testConnector"]["ok"], false, "{resp}");
        assert!(
            resp["data"]["testConnector"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{resp}"
        );
        assert!(!resp.to_string().contains("s3cret"), "{resp}");

        // Invalid configurations are user errors and store nothing.
        let invalid = [
            (
                "ONEROSTER_REST",
                {
                    let mut c = config.clone();
                    c["version"] = json!("9.9");
                    c
                },
                "version",
            ),
            (
                "ONEROSTER_REST",
                {
                    let mut c = config.clone();
                    c.as_object_mut().context("object")?.remove("token_url");
                    c
                },
                "token_url",
            ),
            ("ONEROSTER_CSV", json!({}), "path"),
            ("ONEROSTER_CSV", json!({ "path": "/x", "pth": "/y" }), "pth"),
            ("ONEROSTER_CSV", json!("just a string"), "JSON object"),
        ];
        for (kind, cfg, mentions) in invalid {
            let resp = api
                .exec(
                    Some(&admin),
                    &create_query(),
                    json!({ "input": { "kind": kind, "name": "Broken", "config": cfg } }),
                )
                .await;
            assert!(resp["errors"].is_null(), "{cfg}: {resp}");
            assert!(!resp.to_string().contains("s3cret"), "{resp}");
            let payload = &resp["data"]["createConnector"];
            assert_eq!(payload["connector"], Value::Null, "{cfg}: {payload}");
            let errors = payload["userErrors"].as_array().context("userErrors")?;
            assert_eq!(errors.len(), 1, "{cfg}: {payload}");
            assert_eq!(errors[0]["code"], "INVALID", "{payload}");
            let message = errors[0]["message"].as_str().unwrap_or_default();
            assert!(message.contains(mentions), "{cfg}: {message}");
        }

        // The name is unique in the district.
        let resp = api
            .exec(
                Some(&admin),
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_CSV", "name": "Renamed SIS",
                                   "config": path_config(&data_dir.0) } }),
            )
            .await;
        assert!(resp["errors"].is_null(), "{resp}");
        let payload = &resp["data"]["createConnector"];
        assert_eq!(payload["connector"], Value::Null, "{payload}");
        assert_eq!(
            payload["userErrors"][0]["code"], "INVALID",
            "duplicate name: {payload}"
        );
        assert!(
            payload["userErrors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains("already exists")),
            "{payload}"
        );
        let listed = api.data(&admin, &list_query(), json!({})).await;
        let names: Vec<&Value> = listed["connectors"]
            .as_array()
            .context("connectors")?
            .iter()
            .map(|c| &c["name"])
            .collect();
        assert_eq!(names, [&json!("Renamed SIS")], "nothing else was stored");
        assert_eq!(api.rows().await?.len(), 1);

        // Disabling stops syncs.
        let resp = api
            .data(
                &admin,
                &format!(
                    "mutation($id: ID!) {{ disableConnector(id: $id) {{ connector {{ {CONNECTOR_FIELDS} }} userErrors {{ message }} }} }}"
                ),
                json!({ "id": id }),
            )
            .await;
        assert_eq!(resp["disableConnector"]["connector"]["enabled"], false);
        let resp = api
            .exec(Some(&admin), RUN, json!({ "id": id, "dry": false }))
            .await;
        assert_eq!(error_codes(&resp), ["BAD_USER_INPUT"], "{resp}");
        fake.shutdown().await;
        Ok(())
    }
);

both_backends!(renaming_to_a_taken_name_is_a_user_error, |db| async move {
    let api = Api::new(&db);
    let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
    let dir = TempDir::new("files")?;
    let mut ids = Vec::new();
    for name in ["North", "South"] {
        let data = api
            .data(
                &admin,
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_CSV", "name": name,
                                   "config": path_config(&dir.0) } }),
            )
            .await;
        assert_eq!(data["createConnector"]["userErrors"], json!([]));
        ids.push(data["createConnector"]["connector"]["id"].clone());
    }
    let resp = api
        .exec(
            Some(&admin),
            &update_query(),
            json!({ "input": { "id": ids[1], "name": "North" } }),
        )
        .await;
    assert!(
        resp["errors"].is_null(),
        "an expected failure, not an error: {resp}"
    );
    let payload = &resp["data"]["updateConnector"];
    assert_eq!(payload["connector"], Value::Null, "{payload}");
    assert_eq!(payload["userErrors"][0]["code"], "INVALID", "{payload}");
    assert!(
        payload["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already exists")),
        "{payload}"
    );
    let mut names: Vec<String> = api.rows().await?.into_iter().map(|r| r.name).collect();
    names.sort();
    assert_eq!(names, ["North", "South"]);
    Ok(())
});

both_backends!(
    run_sync_reports_dry_runs_and_holds_through_graphql,
    |db| async move {
        let api = Api::new(&db);
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let dir = TempDir::new("gen")?;
        let big = generate(120, 1, &dir.0.join("big"))?;
        generate(40, 1, &dir.0.join("small"))?;
        let day1 = &big.day1.summary;

        // The big district, plus one enrollment of a user the files do not have.
        let live = dir.0.join("live");
        copy_dir(&dir.0.join("big/day1"), &live)?;
        let enrollments = live.join("enrollments.csv");
        let text = std::fs::read_to_string(&enrollments)?;
        let sample = text.lines().nth(1).context("an enrollment row")?;
        let mut cols: Vec<&str> = sample.split(',').collect();
        cols[0] = "e-ghost";
        cols[5] = "u-ghost";
        std::fs::write(&enrollments, format!("{text}{}\n", cols.join(",")))?;

        let created = api
            .data(
                &admin,
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_CSV", "name": "Nightly files",
                                   "config": path_config(&live) } }),
            )
            .await;
        assert_eq!(created["createConnector"]["userErrors"], json!([]));
        let connector = created["createConnector"]["connector"]["id"]
            .as_str()
            .context("connector id")?
            .to_owned();

        // A dry run reports what a run would do and writes nothing.
        let dry = api.run_sync(&admin, &connector, true).await?;
        assert_eq!(dry["status"], "SUCCEEDED", "{dry}");
        assert_eq!(dry["mode"], "FULL");
        assert!(count(&dry, "person", "created") > 0, "{dry}");
        assert_eq!(
            count(&dry, "person", "created") + count(&dry, "person", "merged"),
            n(day1.users),
            "{dry}"
        );
        assert_eq!(
            census(&db.store).await?,
            Census::default(),
            "a dry run changes no rows"
        );
        let listed = api.data(&admin, &list_query(), json!({})).await;
        assert_eq!(
            listed["connectors"][0]["lastSuccessAt"],
            Value::Null,
            "a dry run is not a successful sync"
        );

        // The real import.
        let first = api.run_sync(&admin, &connector, false).await?;
        assert_eq!(first["status"], "SUCCEEDED", "{first}");
        assert_eq!(first["message"], Value::Null);
        assert!(first["startedAt"].is_string() && first["finishedAt"].is_string());
        assert!(count(&first, "person", "created") > 0, "{first}");
        assert_eq!(
            count(&first, "person", "created") + count(&first, "person", "merged"),
            n(day1.users)
        );
        assert_eq!(count(&first, "person", "merged"), n(day1.guardian_teachers));
        assert_eq!(count(&first, "enrollment", "created"), n(day1.enrollments));
        assert_eq!(count(&first, "enrollment", "rejected"), 1, "{first}");
        assert_eq!(count(&first, "class", "created"), n(day1.classes));
        assert_eq!(census(&db.store).await?, expect(day1));
        for entity in ["person", "class", "enrollment", "relationship"] {
            for field in ["created", "merged", "rejected"] {
                assert_eq!(
                    count(&dry, entity, field),
                    count(&first, entity, field),
                    "the dry run predicted {entity} {field}"
                );
            }
        }

        // issues(severity:) filters: the ghost enrollment is the one error; alerts are alerts.
        let first_id = first["id"].as_str().context("id")?.to_owned();
        let errors = api.issues(&admin, &first_id, Some("ERROR")).await;
        assert_eq!(first["errorCount"], 1, "{first}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0]["severity"], "ERROR");
        assert_eq!(errors[0]["code"], "unknown_reference");
        assert_eq!(errors[0]["entityKind"], "enrollment");
        assert_eq!(errors[0]["externalId"], "e-ghost");
        let alerts = api.issues(&admin, &first_id, Some("ALERT")).await;
        assert_eq!(first["alertCount"].as_i64(), Some(n(alerts.len())));
        assert!(!alerts.is_empty(), "{first}");
        assert!(
            alerts.iter().all(|a| a["severity"] == "ALERT"),
            "{alerts:?}"
        );
        assert_eq!(code_count(&alerts, "unknown_reference"), 0);
        assert_eq!(
            code_count(&alerts, "shared_phone"),
            day1.shared_phone_pairs,
            "{:?}",
            codes_of(&alerts)
        );
        let all = api.issues(&admin, &first_id, None).await;
        assert_eq!(
            all.len(),
            alerts.len() + errors.len(),
            "unfiltered = alerts + errors"
        );
        let listed = api.data(&admin, &list_query(), json!({})).await;
        assert!(listed["connectors"][0]["lastSuccessAt"].is_string());

        // Pointed at a much smaller district: a mass removal is held, nothing archived.
        let before = census(&db.store).await?;
        let resp = api
            .data(
                &admin,
                &update_query(),
                json!({ "input": { "id": connector, "config": path_config(&dir.0.join("small/day1")) } }),
            )
            .await;
        assert_eq!(resp["updateConnector"]["userErrors"], json!([]));
        assert_eq!(
            resp["updateConnector"]["connector"]["config"],
            path_config(&dir.0.join("small/day1"))
        );
        let held = api.run_sync(&admin, &connector, false).await?;
        assert_eq!(held["status"], "HELD", "{held}");
        assert!(
            held["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{held}"
        );
        let held_id = held["id"].as_str().context("id")?.to_owned();
        let held_alerts = api.issues(&admin, &held_id, Some("ALERT")).await;
        assert_eq!(held["alertCount"].as_i64(), Some(n(held_alerts.len())));
        assert_eq!(code_count(&held_alerts, "held"), 1);
        assert!(code_count(&held_alerts, "would_remove") > 0);
        assert_eq!(held["errorCount"], 0, "{held}");
        assert_eq!(count(&held, "person", "archived"), 0);
        // A held run removes nothing (what it adds or changes is applied).
        let during = census(&db.store).await?;
        assert_eq!(during.archived_people, 0, "{during:?}");
        assert_eq!(
            (during.people, during.students, during.classes),
            (before.people, before.students, before.classes),
            "{during:?}"
        );
        assert!(during.enrollments >= before.enrollments, "{during:?}");
        assert!(during.relationships >= before.relationships, "{during:?}");

        // Discarded: aborted, nothing archived; it cannot be confirmed afterwards.
        let discarded = api.data(&admin, DISCARD, json!({ "id": held_id })).await;
        assert_eq!(discarded["discardHold"]["status"], "ABORTED", "{discarded}");
        let after_discard = api.issues(&admin, &held_id, Some("ALERT")).await;
        assert_eq!(after_discard.len(), held_alerts.len() + 1);
        assert_eq!(
            after_discard.last().map(|i| &i["message"]),
            Some(&json!("hold discarded: nothing was removed"))
        );
        assert_eq!(census(&db.store).await?, during);
        let resp = api
            .exec(Some(&admin), CONFIRM, json!({ "id": held_id }))
            .await;
        assert_eq!(error_codes(&resp), ["BAD_USER_INPUT"], "{resp}");
        assert_eq!(census(&db.store).await?, during);

        // Held again, then confirmed: the removals apply.
        let again = api.run_sync(&admin, &connector, false).await?;
        assert_eq!(again["status"], "HELD", "{again}");
        let again_id = again["id"].as_str().context("id")?.to_owned();
        let confirmed = api.data(&admin, CONFIRM, json!({ "id": again_id })).await;
        let confirmed = &confirmed["confirmHold"];
        assert_eq!(confirmed["status"], "SUCCEEDED", "{confirmed}");
        let archived = count(confirmed, "person", "archived");
        assert!(archived > 0, "{confirmed}");
        let after = census(&db.store).await?;
        assert_eq!(after.archived_people, archived, "{after:?}");
        assert!(after.students < before.students, "{after:?} vs {before:?}");
        assert!(after.classes < before.classes, "{after:?} vs {before:?}");
        let report = api.wait_for(&admin, &again_id).await?;
        assert_eq!(report["status"], "SUCCEEDED");
        assert_eq!(count(&report, "person", "archived"), archived);

        // A hold is confirmed once; a succeeded run can neither be confirmed nor discarded.
        for op in [CONFIRM, DISCARD] {
            let resp = api.exec(Some(&admin), op, json!({ "id": again_id })).await;
            assert_eq!(error_codes(&resp), ["BAD_USER_INPUT"], "{resp}");
        }
        assert_eq!(census(&db.store).await?, after);

        // The history, newest first.
        let history = api
            .data(
                &admin,
                "query($id: ID!) { syncRuns(connectorId: $id, first: 10) { edges { node { id status dryRun } } } }",
                json!({ "id": connector }),
            )
            .await;
        let runs: Vec<(String, bool)> = history["syncRuns"]["edges"]
            .as_array()
            .context("edges")?
            .iter()
            .map(|e| {
                (
                    e["node"]["status"].as_str().unwrap_or_default().to_owned(),
                    e["node"]["dryRun"].as_bool().unwrap_or_default(),
                )
            })
            .collect();
        let want: Vec<(String, bool)> = [
            ("SUCCEEDED", false),
            ("ABORTED", false),
            ("SUCCEEDED", false),
            ("SUCCEEDED", true),
        ]
        .iter()
        .map(|(s, d)| ((*s).to_owned(), *d))
        .collect();
        assert_eq!(runs, want);
        assert_eq!(
            history["syncRuns"]["edges"][0]["node"]["id"],
            again_id.as_str()
        );

        // Unknown ids are null, not errors.
        let resp = api
            .data(
                &admin,
                "query($c: ID!, $r: ID!) { connector(id: $c) { id } syncRun(id: $r) { id } }",
                json!({
                    "c": homeroom_graphql::ids::encode(NodeKind::Connector, "nope").0,
                    "r": homeroom_graphql::ids::encode(NodeKind::SyncRun, "nope").0,
                }),
            )
            .await;
        assert_eq!(resp, json!({ "connector": null, "syncRun": null }));
        Ok(())
    }
);

both_backends!(
    only_admins_and_connector_partners_manage_connectors,
    |db| async move {
        let fx = fixture::load(&db.store).await?;
        let api = Api::new(&db);
        let admin = token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let dir = TempDir::new("gen")?;
        generate(20, 2, &dir.0)?;
        let files = dir.0.join("day1");
        let created = api
            .data(
                &admin,
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_CSV", "name": "Admin's",
                                   "config": path_config(&files) } }),
            )
            .await;
        let connector = created["createConnector"]["connector"]["id"]
            .as_str()
            .context("connector id")?
            .to_owned();
        // A run to ask about.
        let run = api.run_sync(&admin, &connector, true).await?;
        assert_eq!(run["status"], "SUCCEEDED", "{run}");
        let run_id = run["id"].as_str().context("run id")?.to_owned();

        let teacher = token(&db.store, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let school_admin = token(&db.store, TokenRole::SchoolAdmin, Some(fx.id("SA"))).await?;
        let guardian = token(&db.store, TokenRole::Guardian, Some(fx.id("G1"))).await?;
        let reader = token_with_scopes(
            &db.store,
            TokenRole::Partner,
            None,
            vec!["roster:read".into()],
        )
        .await?;
        let writer = token_with_scopes(
            &db.store,
            TokenRole::Partner,
            None,
            vec!["roster:read".into(), "connectors:write".into()],
        )
        .await?;

        let vars = json!({
            "c": connector, "r": run_id,
            "input": { "kind": "ONEROSTER_CSV", "name": "Intruder", "config": path_config(&files) },
            "update": { "id": connector, "name": "Hijacked" },
        });
        let ops = [
            "{ connectors { id } }",
            "query($c: ID!) { connector(id: $c) { id } }",
            "query($c: ID!) { syncRuns(connectorId: $c) { edges { node { id } } } }",
            "query($r: ID!) { syncRun(id: $r) { id } }",
            "mutation($input: CreateConnectorInput!) { createConnector(input: $input) { connector { id } userErrors { message } } }",
            "mutation($update: UpdateConnectorInput!) { updateConnector(input: $update) { connector { id } } }",
            "mutation($c: ID!) { disableConnector(id: $c) { connector { id } } }",
            "mutation($c: ID!) { testConnector(id: $c) { ok } }",
            "mutation($c: ID!) { runSync(connectorId: $c) { id } }",
            "mutation($c: ID!) { runSync(connectorId: $c, dryRun: true) { id } }",
            "mutation($r: ID!) { confirmHold(syncRunId: $r) { id } }",
            "mutation($r: ID!) { discardHold(syncRunId: $r) { id } }",
        ];
        for (who, tok) in [
            ("teacher", Some(teacher.as_str())),
            ("school_admin", Some(school_admin.as_str())),
            ("guardian", Some(guardian.as_str())),
            ("partner with roster:read", Some(reader.as_str())),
            ("nobody", None),
        ] {
            let want = if tok.is_some() {
                "FORBIDDEN"
            } else {
                "UNAUTHENTICATED"
            };
            for op in ops {
                let resp = api.exec(tok, op, vars.clone()).await;
                assert_eq!(error_codes(&resp), [want], "{who}: {op}\n→ {resp}");
                assert!(
                    resp["data"].is_null()
                        || resp["data"]
                            .as_object()
                            .is_some_and(|d| d.values().all(Value::is_null)),
                    "{who} got data: {resp}"
                );
            }
        }

        // Nothing changed: one connector, its name, its one run.
        let rows = api.rows().await?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Admin's");
        assert!(rows[0].enabled);
        let history = api
            .data(
                &admin,
                "query($c: ID!) { syncRuns(connectorId: $c) { edges { node { id } } } }",
                json!({ "c": connector }),
            )
            .await;
        assert_eq!(
            history["syncRuns"]["edges"],
            json!([{ "node": { "id": run_id } }])
        );

        // A partner with connectors:write lists, creates and runs connectors.
        let listed = api
            .data(&writer, "{ connectors { id name } }", json!({}))
            .await;
        assert_eq!(
            listed["connectors"],
            json!([{ "id": connector, "name": "Admin's" }])
        );
        let created = api
            .data(
                &writer,
                &create_query(),
                json!({ "input": { "kind": "ONEROSTER_CSV", "name": "Partner's",
                                   "config": path_config(&files) } }),
            )
            .await;
        assert_eq!(created["createConnector"]["userErrors"], json!([]));
        let partners = created["createConnector"]["connector"]["id"]
            .as_str()
            .context("connector id")?
            .to_owned();
        let mut names: Vec<String> = api
            .data(&writer, "{ connectors { name } }", json!({}))
            .await["connectors"]
            .as_array()
            .context("connectors")?
            .iter()
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        assert_eq!(names, ["Admin's", "Partner's"]);
        let run = api.run_sync(&writer, &partners, true).await?;
        assert_eq!(run["status"], "SUCCEEDED", "{run}");
        let resp = api
            .data(
                &writer,
                "query($r: ID!) { syncRun(id: $r) { id status } }",
                json!({ "r": run_id }),
            )
            .await;
        assert_eq!(resp["syncRun"]["status"], "SUCCEEDED");
        Ok(())
    }
);

/// The district's connector rows, read directly.
async fn stored_connectors(db: &TestDb) -> Result<Vec<homeroom_schema::models::Connector>> {
    let mut c = db.store.conn().await?;
    let d = districts::get_default(&mut c).await?.context("district")?;
    Ok(connectors::list(&mut c, &d.id).await?)
}

fn parse_report(out: &str) -> Result<Value> {
    serde_json::from_str(out).with_context(|| format!("stdout is not one JSON report: {out:?}"))
}

both_backends!(cli_connector_add_prints_only_the_id, |db| async move {
    let dir = TempDir::new("gen")?;
    generate(20, 1, &dir.0)?;
    let files = dir.0.join("day1");
    let url = db.url.as_str();
    let config = path_config(&files).to_string();
    let add = |kind: &str, name: &str, config: &str| {
        server::run(&[
            "connector",
            "add",
            kind,
            "--name",
            name,
            "--config",
            config,
            "--database-url",
            url,
        ])
    };

    let (code, out, err) = add("oneroster-csv", "Nightly files", &config)?;
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert_eq!(out.lines().count(), 1, "only the id: {out:?}");
    // The id the API shows; the row id is inside it.
    let id =
        homeroom_core::ids::decode_as(homeroom_core::ids::NodeKind::Connector, out.trim_end())?;
    let rows = stored_connectors(&db).await?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, id);
    assert_eq!(rows[0].name, "Nightly files");
    assert_eq!(rows[0].kind.as_str(), "oneroster_csv");
    assert_eq!(
        serde_json::from_str::<Value>(&rows[0].config_public)?,
        path_config(&files)
    );
    assert!(rows[0].enabled);

    // Refusals: exit 1, the reason on stderr, nothing on stdout, nothing stored.
    for (kind, name, cfg, mentions) in [
        ("oneroster-csv", "Broken", "{\"pth\": \"/x\"}", "pth"),
        ("oneroster-csv", "Broken", "not json", "--config"),
        ("no-such-kind", "Broken", "{}", "no-such-kind"),
        (
            "oneroster-csv",
            "Nightly files",
            config.as_str(),
            "already exists",
        ),
    ] {
        let (code, out, err) = add(kind, name, cfg)?;
        assert_eq!(code, 1, "{kind} {name} {cfg}: {out} {err}");
        assert_eq!(out, "", "{kind} {name} {cfg}");
        assert!(err.contains(mentions), "{kind} {name} {cfg}: {err}");
    }
    assert_eq!(stored_connectors(&db).await?.len(), 1);
    Ok(())
});

both_backends!(cli_sync_run_exits_by_outcome, |db| async move {
    let dir = TempDir::new("gen")?;
    let big = generate(120, 1, &dir.0.join("big"))?;
    generate(40, 1, &dir.0.join("small"))?;
    let live = dir.0.join("live");
    copy_dir(&dir.0.join("big/day1"), &live)?;
    let url = db.url.as_str();
    // Added through the library: `connector add` has a test of its own.
    let id = csv_connector(&db.store, &live).await?;
    let sync = |extra: &[&str]| {
        let mut args = vec!["sync", "run", id.as_str(), "--database-url", url];
        args.extend_from_slice(extra);
        server::run(&args)
    };

    // A dry run: exit 0, dryRun true, nothing written.
    let (code, out, err) = sync(&["--dry-run", "--json"])?;
    assert_eq!(code, 0, "{out}\n{err}");
    let dry = parse_report(&out)?;
    assert_eq!(dry["dryRun"], true, "{dry}");
    assert_eq!(dry["status"], "succeeded", "{dry}");
    assert_eq!(dry["mode"], "full", "{dry}");
    assert!(count(&dry, "person", "created") > 0, "{dry}");
    assert_eq!(census(&db.store).await?, Census::default());

    // The import: exit 0, succeeded, counts.
    let (code, out, err) = sync(&["--json"])?;
    assert_eq!(code, 0, "{out}\n{err}");
    let first = parse_report(&out)?;
    assert_eq!(first["status"], "succeeded", "{first}");
    assert_eq!(first["dryRun"], false);
    assert_eq!(first["mode"], "full");
    assert_eq!(first["message"], Value::Null);
    assert_eq!(first["errorCount"], 0, "{first}");
    assert_eq!(first["errors"], json!([]));
    let day1 = &big.day1.summary;
    assert!(count(&first, "person", "created") > 0, "{first}");
    assert_eq!(
        count(&first, "person", "created") + count(&first, "person", "merged"),
        n(day1.users),
        "{first}"
    );
    assert_eq!(count(&first, "enrollment", "created"), n(day1.enrollments));
    // Exact totals, as the summary counts them; the lists hold examples of each code.
    let summed = |severity: &str| -> i64 {
        first["issueSummary"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter(|c| c["severity"] == severity)
                    .filter_map(|c| c["count"].as_i64())
                    .sum()
            })
            .unwrap_or(-1)
    };
    assert_eq!(
        first["alertCount"].as_i64(),
        Some(summed("alert")),
        "{first}"
    );
    assert!(
        first["alerts"]
            .as_array()
            .is_some_and(|a| n(a.len()) <= summed("alert")),
        "{first}"
    );
    let imported = census(&db.store).await?;
    assert_eq!(imported, expect(day1));
    let run_id = homeroom_core::ids::decode_as(
        homeroom_core::ids::NodeKind::SyncRun,
        first["runId"].as_str().context("runId")?,
    )?;
    let mut c = db.store.conn().await?;
    let row = homeroom_schema::store::sync_runs::get(&mut c, &run_id)
        .await?
        .context("the run is stored")?;
    assert_eq!(row.status.as_str(), "succeeded");
    assert_eq!(row.requested_by.as_deref(), Some("cli"));
    drop(c);

    // users.csv loses a required header column: failed, exit 1, the reason printed.
    let users = live.join("users.csv");
    let text = std::fs::read_to_string(&users)?;
    assert!(text.starts_with("sourcedId,"), "{}", &text[..40]);
    std::fs::write(&users, text.replacen("sourcedId", "sourceId", 1))?;
    let (code, out, err) = sync(&[])?;
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains(": failed"), "{out}");
    assert!(out.contains("users"), "names the file: {out}");
    assert!(out.contains("sourcedId"), "names the column: {out}");
    assert_eq!(
        census(&db.store).await?,
        imported,
        "nothing removed or lost"
    );
    let (code, out, err) = sync(&["--json"])?;
    assert_eq!(code, 1, "{out}\n{err}");
    let failed = parse_report(&out)?;
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["message"]
            .as_str()
            .is_some_and(|m| m.contains("users") && m.contains("sourcedId")),
        "{failed}"
    );

    // The files repaired: nothing to do, exit 0.
    copy_dir(&dir.0.join("big/day1"), &live)?;
    let (code, out, err) = sync(&["--json"])?;
    assert_eq!(code, 0, "{out}\n{err}");
    let again = parse_report(&out)?;
    assert_eq!(again["status"], "succeeded");
    for field in ["created", "updated", "archived"] {
        assert_eq!(count(&again, "person", field), 0, "{field}: {again}");
    }
    assert!(count(&again, "person", "unchanged") > 0, "{again}");
    assert_eq!(census(&db.store).await?, imported);

    // The folder now holds a much smaller district: held, exit 2, nothing removed.
    copy_dir(&dir.0.join("small/day1"), &live)?;
    let (code, out, err) = sync(&["--json"])?;
    assert_eq!(code, 2, "{out}\n{err}");
    let held = parse_report(&out)?;
    assert_eq!(held["status"], "held", "{held}");
    assert_eq!(held["dryRun"], false);
    assert!(
        held["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{held}"
    );
    assert_eq!(count(&held, "person", "archived"), 0);
    // Nothing removed (what it adds or changes is applied).
    let during = census(&db.store).await?;
    assert_eq!(during.archived_people, 0, "{during:?}");
    assert_eq!(
        (during.people, during.students, during.classes),
        (imported.people, imported.students, imported.classes),
        "{during:?}"
    );
    assert!(during.enrollments >= imported.enrollments, "{during:?}");

    // The same as a dry run: held too, and reported as a dry run.
    let (code, out, err) = sync(&["--dry-run", "--json"])?;
    assert_eq!(code, 2, "{out}\n{err}");
    let dry_held = parse_report(&out)?;
    assert_eq!(dry_held["status"], "held", "{dry_held}");
    assert_eq!(dry_held["dryRun"], true, "{dry_held}");
    assert_eq!(census(&db.store).await?, during, "a dry run writes nothing");

    // An unknown connector: exit 1, the reason on stderr.
    let (code, out, err) =
        server::run(&["sync", "run", "no-such-id", "--database-url", url, "--json"])?;
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("no connector no-such-id"), "{err}");
    assert_eq!(out, "");
    Ok(())
});
