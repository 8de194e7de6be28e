//! V3: file connectors accepted any server path (an existence oracle for the server's files,
//! and a partner of one district imported another district's export folder).

use homeroom_schema::enums::TokenRole;
use homeroom_schema::store::districts;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use serde_json::json;

use super::World;

const CREATE: &str = "mutation($input: CreateConnectorInput!) { createConnector(input: $input) {
  connector { id } userErrors { field code message } } }";

fn create(name: &str, path: &str) -> serde_json::Value {
    json!({"input": {"kind": "ONEROSTER_CSV", "name": name, "config": {"path": path}}})
}

both_backends!(
    file_connectors_stay_under_the_import_root,
    |db| async move {
        let root = TempDir::new("v3-imports")?;
        let root_path = root.0.canonicalize()?;
        let w = World::start_with(
            db,
            &[("HOMEROOM_IMPORT_DIR", root_path.display().to_string())],
        )
        .await?;
        let partner = w.partner(&["connectors:write"]).await?;
        let code = |resp: &serde_json::Value| {
            resp["data"]["createConnector"]["userErrors"][0]["code"].clone()
        };

        // Server paths outside the root are refused, existing or not, with one answer.
        let etc = w.gql(Some(&partner), CREATE, create("a", "/etc")).await?;
        assert_eq!(code(&etc), "PATH_NOT_ALLOWED", "{etc}");
        let missing = w
            .gql(Some(&partner), CREATE, create("b", "/no/such/dir"))
            .await?;
        assert_eq!(
            etc["data"]["createConnector"]["userErrors"],
            missing["data"]["createConnector"]["userErrors"],
            "no existence oracle"
        );
        let dotdot = w
            .gql(Some(&partner), CREATE, create("c", "../../../etc"))
            .await?;
        assert_eq!(code(&dotdot), "PATH_NOT_ALLOWED", "{dotdot}");
        // A symlink inside the root that leads out of it is refused too.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root_path.join("escape"))?;
            let resp = w.gql(Some(&partner), CREATE, create("d", "escape")).await?;
            assert_eq!(code(&resp), "PATH_NOT_ALLOWED", "{resp}");
        }
        // A folder under the root is fine, named relative to it.
        std::fs::create_dir_all(root_path.join("export"))?;
        let resp = w.gql(Some(&partner), CREATE, create("e", "export")).await?;
        assert_eq!(
            resp["data"]["createConnector"]["userErrors"],
            json!([]),
            "{resp}"
        );

        // With a second district, each district is confined to its own subfolder.
        let mut c = w.db.store.conn().await?;
        let _other = districts::create(&mut c, "Other District", false).await?;
        drop(c);
        let resp = w.gql(Some(&partner), CREATE, create("f", "export")).await?;
        assert_eq!(code(&resp), "PATH_NOT_ALLOWED", "{resp}");
        std::fs::create_dir_all(root_path.join(&w.fx.district_id).join("export"))?;
        let resp = w.gql(Some(&partner), CREATE, create("g", "export")).await?;
        assert_eq!(
            resp["data"]["createConnector"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let _ = w.token(TokenRole::DistrictAdmin, None).await?;
        Ok(())
    }
);

const UPLOAD: &str =
    "mutation($c: ID!, $file: Upload!) { uploadRosterFile(connectorId: $c, file: $file) {
  connector { id config } userErrors { field code message } } }";

both_backends!(
    rosters_are_uploaded_into_the_district_folder_never_named_by_path,
    |db| async move {
        use homeroom_tests::oneroster_files::{self, user};
        let root = TempDir::new("v4-uploads")?;
        let root_path = root.0.canonicalize()?;
        let w = World::start_with(
            db,
            &[("HOMEROOM_IMPORT_DIR", root_path.display().to_string())],
        )
        .await?;
        let partner = w.partner(&["connectors:write"]).await?;
        let reader = w.partner(&["roster:read"]).await?;
        let teacher = w.token(TokenRole::Teacher, Some("TA")).await?;
        // A connector over a folder of the root, as created today.
        oneroster_files::write(
            &root_path.join("export"),
            &[user(
                "u-t1",
                "teacher",
                "Old",
                "old.teacher@example.org",
                "",
            )],
        )?;
        let resp = w
            .gql(Some(&partner), CREATE, create("sis", "export"))
            .await?;
        let id = resp["data"]["createConnector"]["connector"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("created: {resp}"))
            .to_owned();
        let path_of = async || -> anyhow::Result<String> {
            let resp = w
                .gql(
                    Some(&partner),
                    "query($id: ID!) { node(id: $id) { ... on Connector { config } } }",
                    json!({"id": id}),
                )
                .await?;
            Ok(resp["data"]["node"]["config"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_owned())
        };
        let first_path = path_of().await?;

        // The export to upload, made elsewhere (the caller's machine).
        let elsewhere = TempDir::new("v4-sis-export")?;
        oneroster_files::write(
            &elsewhere.0,
            &[
                user(
                    "u-t9",
                    "teacher",
                    "Uploaded",
                    "uploaded.teacher@example.org",
                    "",
                ),
                user("u-s9", "student", "Zed", "", ""),
            ],
        )?;
        let good = oneroster_files::zip(&elsewhere.0)?;
        let upload = async |token: &str, bytes: &[u8]| {
            w.server
                .graphql_upload(Some(token), UPLOAD, json!({"c": id}), ("export.zip", bytes))
                .await
        };

        // Not for a teacher, nor a partner without connectors:write.
        for token in [&teacher, &reader] {
            let resp = upload(token, &good).await?;
            assert_eq!(
                crate::security::code(&resp).as_deref(),
                Some("FORBIDDEN"),
                "{resp}"
            );
        }
        // Bad files are refused and the connector keeps its file; nothing half-written stays.
        let not_zip = upload(&partner, b"sourcedId,status\n").await?;
        let stray = {
            let elsewhere = TempDir::new("v4-stray")?;
            std::fs::write(elsewhere.0.join("hello.txt"), "not a roster")?;
            oneroster_files::zip(&elsewhere.0)?
        };
        let not_export = upload(&partner, &stray).await?;
        for resp in [&not_zip, &not_export] {
            assert_eq!(
                resp["data"]["uploadRosterFile"]["userErrors"][0]["code"], "BAD_ROSTER_FILE",
                "{resp}"
            );
            assert!(
                !resp.to_string().contains(&*root_path.to_string_lossy()),
                "{resp}"
            );
        }
        assert_eq!(path_of().await?, first_path);
        let uploads = root_path.join("uploads");
        let leftovers: Vec<_> = std::fs::read_dir(&uploads)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // A good export lands in the district's folder and the connector reads it.
        let resp = upload(&partner, &good).await?;
        assert_eq!(
            resp["data"]["uploadRosterFile"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let stored = path_of().await?;
        assert!(
            stored.starts_with(&*uploads.to_string_lossy()) && stored.ends_with(".zip"),
            "{stored}"
        );
        let (code, out, err) = homeroom_tests::server::run_with_env(
            &["sync", "run", "--database-url", &w.db.url, &id],
            &[("HOMEROOM_IMPORT_DIR", &root_path.display().to_string())],
        )?;
        assert_eq!(code, 0, "{out}{err}");
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let found = w
            .gql(
                Some(&admin),
                "{ people(filter: {search: \"Uploaded\"}) { totalCount } }",
                json!({}),
            )
            .await?;
        assert_eq!(found["data"]["people"]["totalCount"], 1, "{found}");

        // The operator's command line does the same.
        let cli_dir = TempDir::new("v4-cli")?;
        let file = cli_dir.0.join("export.zip");
        std::fs::write(&file, &good)?;
        let (code, _, err) = homeroom_tests::server::run_with_env(
            &[
                "connector",
                "upload",
                "--database-url",
                &w.db.url,
                &id,
                &file.display().to_string(),
            ],
            &[("HOMEROOM_IMPORT_DIR", &root_path.display().to_string())],
        )?;
        assert_eq!(code, 0, "{err}");
        let (code, _, err) = homeroom_tests::server::run_with_env(
            &[
                "connector",
                "upload",
                "--database-url",
                &w.db.url,
                &id,
                "/etc/hostname",
            ],
            &[("HOMEROOM_IMPORT_DIR", &root_path.display().to_string())],
        )?;
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("not a zip"), "{err}");
        Ok(())
    }
);
