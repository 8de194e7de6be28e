//! Relationship spreadsheet import: validation of every invalid row kind, file errors, dry run,
//! only-valid-rows, the background job's exact counts, lease takeover, and the CLI.

use homeroom_graphql::context::RequestCtx;
use homeroom_schema::Store;
use homeroom_schema::enums::{RelationshipKind, RelationshipSource, RelationshipStatus, TokenRole};
use homeroom_schema::models::Relationship;
use homeroom_schema::scope::Scope;
use homeroom_schema::store::import_jobs;
use homeroom_schema::store::relationships::{self, RelationshipFilter};
use homeroom_service::imports::{ImportRunner, NoInvitations};
use homeroom_service::tokens;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::fixture::{self, Fixture};
use homeroom_tests::graphql::{execute, token};
use serde_json::{Value, json};
use std::sync::Arc;

const IMPORT: &str = "mutation($file: Upload!, $dry: Boolean, $only: Boolean) {
  importRelationships(file: $file, dryRun: $dry, onlyValidRows: $only) {
    id state progress message
    counts { totalRows validRows invalidRows processed
      planned { created kindChanged restored unchanged }
      applied { created kindChanged restored unchanged } }
    errors(first: 100) { row field code message }
    preview { rows { row change kind oldKind } counts { created } hasMore } } }";
const JOB: &str = "query($id: ID!) { importJob(id: $id) { state progress message
  counts { processed applied { created kindChanged restored unchanged } } } }";

/// The mixed file: rows 2–5 valid (new, kind change, already present, restore), 6–14 invalid.
const MIXED: &str = "parent_email,student_id,student_email,relationship_type
g3@example.org,N-S1,,Parent
G1@Example.org,N-S1,,guardian
g1@example.org,,s2@example.org,PARENT
g2@example.org,N-S3,,Parent
,N-S2,,Parent
not-an-email,N-S2,,Parent
nobody@example.org,N-S2,,Parent
s1@example.org,N-S2,,Parent
g2@example.org,N-NOPE,,Parent
g2@example.org,,,Parent
g2@example.org,N-S1,,Uncle
g3@example.org,N-S1,,Relative
g2@example.org,N-S1
";

async fn upload(store: &Store, bearer: &str, query: &str, vars: Value, bytes: &[u8]) -> Value {
    let dir = TempDir::new("upload").expect("temp dir");
    let path = dir.0.join("links.csv");
    std::fs::write(&path, bytes).expect("write upload");
    let principal = tokens::authenticate(store, Some(&format!("Bearer {bearer}"))).await;
    let mut vars = vars;
    vars["file"] = Value::Null;
    let mut request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(vars))
        .data(RequestCtx::new(store.clone(), principal));
    request.set_upload(
        "variables.file",
        async_graphql::UploadValue {
            filename: "links.csv".into(),
            content_type: Some("text/csv".into()),
            content: std::fs::File::open(&path).expect("open upload"),
        },
    );
    let mut response = homeroom_graphql::Api::new(true).run(request).await;
    homeroom_graphql::errors::finish_response(&mut response);
    serde_json::to_value(&response).unwrap_or(Value::Null)
}

async fn links(store: &Store, fx: &Fixture) -> anyhow::Result<Vec<Relationship>> {
    let mut c = store.conn().await?;
    let mut out = Vec::new();
    for status in [RelationshipStatus::Active, RelationshipStatus::Removed] {
        let filter = RelationshipFilter {
            status: Some(status),
            ..Default::default()
        };
        out.extend(
            relationships::list(
                &mut c,
                &fx.district_id,
                &Scope::District,
                &filter,
                &Default::default(),
            )
            .await?
            .items,
        );
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

async fn prepared(db: &homeroom_tests::TestDb) -> anyhow::Result<Fixture> {
    let fx = fixture::load(&db.store).await?;
    let mut c = db.store.conn().await?;
    relationships::remove_by_person(&mut c, fx.id("G2-S3"), fx.id("SA")).await?;
    Ok(fx)
}

fn runner(store: &Store) -> ImportRunner {
    ImportRunner::new(store.clone(), Arc::new(NoInvitations))
}

both_backends!(
    every_invalid_row_is_reported_and_nothing_imports,
    |db| async move {
        let fx = prepared(&db).await?;
        let s = &db.store;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let before = links(s, &fx).await?;
        let resp = upload(s, &admin, IMPORT, json!({}), MIXED.as_bytes()).await;
        let job = &resp["data"]["importRelationships"];
        assert_eq!(job["state"], "REJECTED", "{resp}");
        assert_eq!(job["counts"]["totalRows"], 13);
        assert_eq!(job["counts"]["validRows"], 4);
        assert_eq!(job["counts"]["invalidRows"], 9);
        let errors: Vec<(i64, String)> = job["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| {
                (
                    e["row"].as_i64().unwrap_or(0),
                    e["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let expected = [
            (6, "PARENT_EMAIL_MISSING"),
            (7, "PARENT_EMAIL_INVALID"),
            (8, "PARENT_NOT_FOUND"),
            (9, "PARENT_NOT_FOUND"),
            (10, "STUDENT_NOT_FOUND"),
            (11, "STUDENT_MISSING"),
            (12, "RELATIONSHIP_TYPE_INVALID"),
            (13, "DUPLICATE_ROW"),
            (14, "WRONG_FIELD_COUNT"),
        ];
        let expected: Vec<(i64, String)> = expected
            .iter()
            .map(|(r, c)| (*r, (*c).to_owned()))
            .collect();
        assert_eq!(errors, expected, "{resp}");
        assert!(
            job["errors"][7]["message"]
                .as_str()
                .unwrap_or("")
                .contains("row 2"),
            "the duplicate names the first row: {resp}"
        );
        assert_eq!(
            links(s, &fx).await?,
            before,
            "a rejected file changes nothing"
        );

        // A teacher may not import links for students outside their classes.
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let file = "parent_email,student_id,relationship_type\ng1@example.org,N-S4,Parent\n";
        let resp = upload(s, &ta, IMPORT, json!({ "dry": true }), file.as_bytes()).await;
        assert_eq!(
            resp["data"]["importRelationships"]["errors"][0]["code"], "STUDENT_NOT_FOUND",
            "{resp}"
        );
        let g1 = token(s, TokenRole::Guardian, Some(fx.id("G1"))).await?;
        let resp = upload(s, &g1, IMPORT, json!({ "dry": true }), file.as_bytes()).await;
        assert_eq!(homeroom_tests::graphql::error_codes(&resp), ["FORBIDDEN"]);
        Ok(())
    }
);

both_backends!(bad_files_get_clear_errors, |db| async move {
    let _fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let cases: [(&[u8], &str, &str); 4] = [
        (b"", "EMPTY_FILE", "empty"),
        (
            b"parent_email,student_id,relationship_type\n",
            "EMPTY_FILE",
            "empty",
        ),
        (
            b"email,student,type\na,b,c\n",
            "WRONG_HEADERS",
            "parent_email",
        ),
        (
            b"parent_email,student_id,relationship_type\nm\xE8re@example.org,N-S1,Parent\n",
            "BAD_ENCODING",
            "Windows-1252",
        ),
    ];
    for (bytes, code, says) in cases {
        let resp = upload(s, &admin, IMPORT, json!({}), bytes).await;
        let job = &resp["data"]["importRelationships"];
        assert_eq!(job["state"], "REJECTED", "{resp}");
        assert_eq!(job["errors"][0]["code"], code, "{resp}");
        assert_eq!(job["errors"][0]["row"], Value::Null);
        assert!(
            job["message"].as_str().unwrap_or("").contains(says),
            "{resp}"
        );
    }
    // A BOM is fine.
    let resp = upload(
        s,
        &admin,
        IMPORT,
        json!({ "dry": true }),
        b"\xEF\xBB\xBFparent_email,student_id,relationship_type\ng3@example.org,N-S1,Parent\n",
    )
    .await;
    assert_eq!(
        resp["data"]["importRelationships"]["state"], "VALIDATED",
        "{resp}"
    );
    Ok(())
});

both_backends!(
    dry_run_previews_and_only_valid_rows_imports_with_exact_counts,
    |db| async move {
        let fx = prepared(&db).await?;
        let s = &db.store;
        let admin = token(s, TokenRole::DistrictAdmin, None).await?;
        let before = links(s, &fx).await?;

        let resp = upload(
            s,
            &admin,
            IMPORT,
            json!({ "dry": true, "only": true }),
            MIXED.as_bytes(),
        )
        .await;
        let job = &resp["data"]["importRelationships"];
        assert_eq!(job["state"], "VALIDATED", "{resp}");
        assert_eq!(
            job["counts"]["planned"],
            json!({ "created": 1, "kindChanged": 1, "restored": 1, "unchanged": 1 })
        );
        assert_eq!(
            job["preview"]["rows"],
            json!([
                { "row": 2, "change": "NEW", "kind": "PARENT", "oldKind": null },
                { "row": 3, "change": "KIND_CHANGE", "kind": "GUARDIAN", "oldKind": "PARENT" },
                { "row": 5, "change": "RESTORE", "kind": "PARENT", "oldKind": "PARENT" },
            ])
        );
        assert_eq!(links(s, &fx).await?, before, "a dry run changes nothing");

        let resp = upload(s, &admin, IMPORT, json!({ "only": true }), MIXED.as_bytes()).await;
        let job = &resp["data"]["importRelationships"];
        assert_eq!(job["state"], "QUEUED", "{resp}");
        let id = job["id"].as_str().expect("id").to_owned();
        let row_id =
            homeroom_graphql::ids::decode_as(homeroom_graphql::ids::NodeKind::ImportJob, &id)?;
        let done = runner(s).run_next(Some(&row_id)).await?.expect("claimed");
        assert_eq!(
            done.state,
            homeroom_schema::enums::ImportState::Succeeded,
            "{:?}",
            done.message
        );
        let resp = execute(s, Some(&admin), JOB, json!({ "id": id })).await;
        let job = &resp["data"]["importJob"];
        assert_eq!(job["state"], "SUCCEEDED", "{resp}");
        assert_eq!(job["progress"], 1.0);
        assert_eq!(job["counts"]["processed"], 4);
        assert_eq!(
            job["counts"]["applied"],
            json!({ "created": 1, "kindChanged": 1, "restored": 1, "unchanged": 1 })
        );

        let after = links(s, &fx).await?;
        assert_eq!(after.len(), before.len() + 1);
        let find = |g: &str, st: &str| {
            after
                .iter()
                .find(|l| l.guardian_id == fx.id(g) && l.student_id == fx.id(st))
                .cloned()
                .expect("link")
        };
        let new = find("G3", "S1");
        assert_eq!(
            (new.source, new.kind),
            (RelationshipSource::Import, RelationshipKind::Parent)
        );
        assert_eq!(find("G1", "S1").kind, RelationshipKind::Guardian);
        assert_eq!(find("G2", "S3").status, RelationshipStatus::Active);

        // Other callers do not see the admin's jobs; the admin lists them newest first.
        let ta = token(s, TokenRole::Teacher, Some(fx.id("TA"))).await?;
        let resp = execute(s, Some(&ta), JOB, json!({ "id": id })).await;
        assert_eq!(resp["data"]["importJob"], Value::Null, "{resp}");
        let resp = execute(
            s,
            Some(&admin),
            "{ importJobs(first: 10) { edges { node { state } } } }",
            json!({}),
        )
        .await;
        let states: Vec<&str> = resp["data"]["importJobs"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter_map(|e| e["node"]["state"].as_str())
            .collect();
        assert_eq!(states, ["SUCCEEDED", "VALIDATED"], "{resp}");
        Ok(())
    }
);

both_backends!(a_job_whose_runner_died_is_taken_over, |db| async move {
    let fx = fixture::load(&db.store).await?;
    let s = &db.store;
    let admin = token(s, TokenRole::DistrictAdmin, None).await?;
    let file = "parent_email,student_id,relationship_type\ng3@example.org,N-S1,Aide\ng3@example.org,N-S2,Other\n";
    let resp = upload(s, &admin, IMPORT, json!({}), file.as_bytes()).await;
    let id = resp["data"]["importRelationships"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let row_id = homeroom_graphql::ids::decode_as(homeroom_graphql::ids::NodeKind::ImportJob, &id)?;
    // Another runner holds a live lease: it is not stolen.
    let mut c = s.conn().await?;
    let held = import_jobs::claim(&mut c, Some(&row_id), "other-runner", 60_000_000).await?;
    let counts = held.expect("claimed").counts.0;
    assert!(
        runner(s).run_next(Some(&row_id)).await?.is_none(),
        "held by a live lease"
    );
    // That runner dies: its lease runs out, and any runner takes the job over.
    assert!(import_jobs::progress(&mut c, &row_id, "other-runner", 0, counts, -1).await?);
    let done = runner(s).run_next(None).await?.expect("taken over");
    assert_eq!(done.state, homeroom_schema::enums::ImportState::Succeeded);
    assert_eq!(done.attempts, 2);
    assert_eq!(done.lease_owner, None);
    assert_eq!(done.processed, 2);
    let after = links(s, &fx).await?;
    assert_eq!(
        after
            .iter()
            .filter(|l| l.guardian_id == fx.id("G3"))
            .count(),
        3
    );
    Ok(())
});

both_backends!(the_cli_imports_with_exit_codes_and_json, |db| async move {
    let fx = prepared(&db).await?;
    let dir = TempDir::new("cli-import")?;
    let bad = dir.0.join("bad.csv");
    std::fs::write(&bad, MIXED)?;
    let url = db.url.clone();
    let (code, out, err) = tokio::task::spawn_blocking({
        let (bad, url) = (bad.clone(), url.clone());
        move || {
            homeroom_tests::server::run(&[
                "import",
                "relationships",
                &bad.to_string_lossy(),
                "--database-url",
                &url,
                "--json",
            ])
        }
    })
    .await??;
    assert_eq!(code, 1, "invalid rows, nothing imported: {out} {err}");
    let job: Value = serde_json::from_str(&out)?;
    assert_eq!(job["state"], "rejected");
    assert_eq!(job["counts"]["invalidRows"], 9);

    let good = dir.0.join("good.csv");
    std::fs::write(
        &good,
        "parent_email,student_id,relationship_type\ng3@example.org,N-S1,Parent\ng2@example.org,N-S3,Relative\n",
    )?;
    let (code, out, err) = tokio::task::spawn_blocking({
        let (good, url) = (good.clone(), url.clone());
        move || {
            homeroom_tests::server::run(&[
                "import",
                "relationships",
                &good.to_string_lossy(),
                "--database-url",
                &url,
                "--dry-run",
            ])
        }
    })
    .await??;
    assert_eq!(code, 0, "{out} {err}");
    assert!(out.contains("1 new, 0 kind changes, 1 restored"), "{out}");
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        homeroom_tests::server::run(&[
            "import",
            "relationships",
            &good.to_string_lossy(),
            "--database-url",
            &url,
            "--json",
        ])
    })
    .await??;
    assert_eq!(code, 0, "{out} {err}");
    let job: Value = serde_json::from_str(&out)?;
    assert_eq!(job["state"], "succeeded");
    assert_eq!(job["counts"]["applied"]["created"], 1);
    assert_eq!(job["counts"]["applied"]["restored"], 1);
    assert!(
        err.contains("imported 2/2 rows"),
        "plain progress off a terminal: {err}"
    );
    let restored = links(&db.store, &fx).await?;
    let g2s3 = restored
        .iter()
        .find(|l| l.id == fx.id("G2-S3"))
        .expect("link");
    assert_eq!(
        (g2s3.status, g2s3.kind),
        (RelationshipStatus::Active, RelationshipKind::Relative)
    );
    Ok(())
});
