//! V2: a partner with `connectors:write` points a connector's URLs at a host it controls and
//! tests it: the stored SIS secret went there, and the error echoed the remote body.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use homeroom_oneroster::OneRosterVersion;
use homeroom_oneroster::fake::{FakeAuth, FakeDataset, FakeOneRoster};
use homeroom_schema::enums::TokenRole;
use homeroom_tests::both_backends;
use homeroom_tests::db::TempDir;
use homeroom_tests::sync::test_key_base64;
use serde_json::json;

use super::World;

const MARKER: &str = "LEAK-MARKER-BODY internal detail";

/// A host the attacker controls: records every request, answers 500 with a marker body.
async fn attacker() -> anyhow::Result<(String, Arc<Mutex<Vec<String>>>)> {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            log.lock().expect("log").push(format!(
                "{uri} {headers:?} {}",
                String::from_utf8_lossy(&body)
            ));
            (StatusCode::INTERNAL_SERVER_ERROR, MARKER)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((base, seen))
}

const CREATE: &str = "mutation($input: CreateConnectorInput!) { createConnector(input: $input) {
  connector { id } userErrors { code message } } }";
const UPDATE: &str = "mutation($input: UpdateConnectorInput!) { updateConnector(input: $input) {
  connector { id } userErrors { field code message } } }";
const TEST: &str = "mutation($id: ID!) { testConnector(id: $id) { ok message } }";

both_backends!(
    connector_secrets_stay_bound_to_their_urls,
    |db| async move {
        let w = World::start_with(db, &[("HOMEROOM_SECRET_KEY", test_key_base64())]).await?;
        let admin = w.token(TokenRole::DistrictAdmin, None).await?;
        let partner = w.partner(&["connectors:write"]).await?;
        let dir = TempDir::new("v2")?;
        homeroom_district_gen::generate_to_dir(
            homeroom_district_gen::GenerateOptions {
                students: 5,
                seed: 1,
                churn_pct: None,
            },
            &dir.0,
        )?;
        let fake = FakeOneRoster::start(
            FakeDataset::from_csv(dir.0.join("day1"))?.with_version(OneRosterVersion::V1p2),
            FakeAuth::oauth2("app", "s3cret-sis"),
        )
        .await?;
        let config = fake.connector_config();
        let resp = w
            .gql(
                Some(&admin),
                CREATE,
                json!({"input": {"kind": "ONEROSTER_REST", "name": "SIS", "config": config}}),
            )
            .await?;
        let id = resp["data"]["createConnector"]["connector"]["id"].clone();
        assert!(id.is_string(), "{resp}");

        let (evil, seen) = attacker().await?;
        let mut moved = config.clone();
        moved["base_url"] = json!(format!("{evil}/ims/oneroster/rostering/v1p2"));
        moved["token_url"] = json!(format!("{evil}/token"));
        moved
            .as_object_mut()
            .expect("object")
            .remove("client_secret");
        let resp = w
            .gql(
                Some(&partner),
                UPDATE,
                json!({"input": {"id": id, "config": moved}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["updateConnector"]["userErrors"][0]["code"], "SECRETS_REQUIRED",
            "moving a connector requires restating its secrets: {resp}"
        );
        let _ = w.gql(Some(&partner), TEST, json!({"id": id})).await?;
        assert!(
            !seen
                .lock()
                .expect("log")
                .iter()
                .any(|r| r.contains("s3cret-sis")),
            "the stored secret never reaches another host"
        );

        // Restating a secret of their own is allowed; the remote answer is not echoed back.
        moved["client_secret"] = json!("attacker-known");
        let resp = w
            .gql(
                Some(&partner),
                UPDATE,
                json!({"input": {"id": id, "config": moved}}),
            )
            .await?;
        assert_eq!(
            resp["data"]["updateConnector"]["userErrors"],
            json!([]),
            "{resp}"
        );
        let resp = w.gql(Some(&partner), TEST, json!({"id": id})).await?;
        assert_eq!(resp["data"]["testConnector"]["ok"], false, "{resp}");
        assert!(
            !resp.to_string().contains("LEAK-MARKER"),
            "the remote body is never shown: {resp}"
        );
        assert!(
            resp["data"]["testConnector"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("500")),
            "status and a fixed reason: {resp}"
        );
        Ok(())
    }
);
