//! A run's report never hides a rare issue behind a frequent one: every code it raised has its
//! exact count in the summary, and examples of each code are kept (a per-code cap, never a
//! global one) — in the store, in GraphQL and in `homeroom sync run --json`.

use anyhow::Context;
use homeroom_schema::enums::{Severity, SyncMode, TokenRole};
use homeroom_schema::store::sync_runs;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::oneroster_files::{User, write};
use homeroom_tests::sync::{csv_connector, run};

/// Students whose `userIds` cell is not `{type:id}` items: each raises an `invalid_value`
/// warning (the student is kept).
const NOISY: usize = 1_200;

both_backends!(
    a_rare_issue_is_never_lost_behind_a_frequent_one,
    |db| async move {
        let dir = TempDir::new("report")?;
        let ids: Vec<String> = (0..NOISY).map(|i| format!("s{i}")).collect();
        let mut users: Vec<User<'_>> = ids
            .iter()
            .map(|id| User {
                id,
                role: "student",
                given: "Kid",
                family: id,
                identifier: id,
                email: "",
                phone: "",
                agents: "",
            })
            .collect();
        // After all of them, one row of a rarer code: a role OneRoster does not define.
        users.push(User {
            id: "w1",
            role: "wizard",
            given: "Merlin",
            family: "Ambrosius",
            identifier: "",
            email: "",
            phone: "",
            agents: "",
        });
        write(&dir.0, &users)?;
        let path = dir.0.join("users.csv");
        let text = std::fs::read_to_string(&path)?;
        let noisy: String = text
            .lines()
            .map(|line| {
                // username is the 7th column, userIds the 8th: put a non-list in userIds.
                let mut cells: Vec<&str> = line.split(',').collect();
                if cells[5] == "student" {
                    cells[7] = "not-a-list";
                }
                cells.join(",") + "\n"
            })
            .collect();
        std::fs::write(&path, noisy)?;

        let connector = csv_connector(&db.store, &dir.0).await?;
        let done = run(&db.store, &connector, SyncMode::Full, false).await?;
        let mut conn = db.store.conn().await?;
        let summary = sync_runs::issue_summary(&mut conn, &done.run.id).await?;
        let count = |code: &str, severity: Severity| {
            summary
                .iter()
                .find(|c| c.code == code && c.severity == severity)
                .map(|c| c.count)
        };
        assert_eq!(
            count("invalid_value", Severity::Alert),
            Some(1_200),
            "{summary:?}"
        );
        assert_eq!(
            count("unknown_role", Severity::Error),
            Some(1),
            "{summary:?}"
        );
        assert_eq!(summary[0].code, "unknown_role", "errors first: {summary:?}");
        assert_eq!(
            sync_runs::issue_total(&mut conn, &done.run.id, Severity::Alert).await?,
            1_200
        );
        assert!(
            done.with_code("unknown_role")
                .iter()
                .any(|i| i.message.contains("wizard")),
            "the rare code's example is kept"
        );
        drop(conn);

        // GraphQL: the summary, exact totals, and one code's examples.
        let token =
            homeroom_tests::graphql::token(&db.store, TokenRole::DistrictAdmin, None).await?;
        let id =
            homeroom_graphql::ids::encode(homeroom_graphql::ids::NodeKind::SyncRun, &done.run.id);
        let resp = homeroom_tests::graphql::execute(
            &db.store,
            Some(&token),
            "query($id: ID!) { syncRun(id: $id) { errorCount alertCount
               issueSummary { code severity count }
               issues(code: \"unknown_role\", first: 5) { totalCount edges { node { code message } } } } }",
            serde_json::json!({ "id": id.0 }),
        )
        .await;
        let run_json = &resp["data"]["syncRun"];
        assert_eq!(run_json["alertCount"], 1_200, "{resp}");
        assert_eq!(run_json["errorCount"], 1, "{resp}");
        assert_eq!(
            run_json["issueSummary"][0],
            serde_json::json!({ "code": "unknown_role", "severity": "ERROR", "count": 1 }),
            "{resp}"
        );
        assert_eq!(run_json["issues"]["totalCount"], 1, "{resp}");

        // The command line: the summary first, and an example of every code.
        let (code, out, err) = homeroom_tests::server::run(&[
            "sync",
            "run",
            &connector,
            "--json",
            "--database-url",
            &db.url,
        ])?;
        assert_eq!(code, 0, "{out}\n{err}");
        let report: serde_json::Value = serde_json::from_str(&out).context("--json output")?;
        let at = |k: &str| out.find(&format!("\"{k}\"")).unwrap_or(usize::MAX);
        assert!(
            at("issueSummary") < at("counts"),
            "the summary comes first: {out}"
        );
        assert_eq!(report["alertCount"], 1_200, "{report}");
        assert!(
            report["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|i| i["code"] == "unknown_role")),
            "{report}"
        );
        Ok(())
    }
);
