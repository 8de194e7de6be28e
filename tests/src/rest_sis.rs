//! A OneRoster REST connector run by the real binary: adding it with the CLI (its secret
//! encrypted with the test key), pointing it at a fake server or at a proxy in front of one,
//! and running `homeroom sync run` as a child process the test can fault while it reads.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Result, bail};
use homeroom_core::ids::{NodeKind, decode_as};
use homeroom_oneroster::fake::FakeHandle;
use serde_json::Value;

use crate::server::{binary, finish_within, run_with_env};
use crate::sync::test_key_base64;

/// A sync run never takes longer than this in these tests, faults and retries included.
pub const SYNC_BOUND: Duration = Duration::from_secs(120);

/// `fake`'s connector configuration addressed at `base` (a proxy in front of it, or the fake
/// itself), asking for `request_limit` records per request.
pub fn config(fake: &FakeHandle, base: &str, request_limit: u32) -> Value {
    let mut config = fake.connector_config();
    let direct = fake.base_url().to_string();
    for field in ["base_url", "token_url"] {
        if let Some(url) = config[field].as_str() {
            config[field] = Value::from(url.replace(&direct, base));
        }
    }
    config["request_limit"] = Value::from(request_limit);
    config
}

/// Adds the REST connector with `homeroom connector add`; returns (global id, row id).
pub fn add_connector(url: &str, config: &Value) -> Result<(String, String)> {
    let key = test_key_base64();
    let (code, out, err) = run_with_env(
        &[
            "connector",
            "add",
            "oneroster-rest",
            "--name",
            "SIS",
            "--config",
            &config.to_string(),
            "--database-url",
            url,
        ],
        &[("HOMEROOM_SECRET_KEY", &key)],
    )?;
    if code != 0 {
        bail!("connector add failed: {err}");
    }
    let id = out.trim().to_owned();
    let row = decode_as(NodeKind::Connector, &id)?;
    Ok((id, row))
}

/// `homeroom sync run CONNECTOR`, started (output piped).
pub fn start_sync(url: &str, connector: &str) -> Result<Child> {
    Ok(Command::new(binary()?)
        .args(["sync", "run", connector, "--database-url", url])
        .env("HOMEROOM_LOG", "warn")
        .env("HOMEROOM_SECRET_KEY", test_key_base64())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?)
}

/// Runs `homeroom sync run CONNECTOR` to its end (at most [`SYNC_BOUND`]); returns the exit
/// code and the output.
pub async fn sync(url: &str, connector: &str) -> Result<(i32, String)> {
    finish_within(start_sync(url, connector)?, SYNC_BOUND, "sync run").await
}
