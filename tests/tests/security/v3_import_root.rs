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
