//! Running the real `homeroom` binary for end-to-end tests.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Path of the `homeroom` binary, built on first use if the test run has not built it.
pub fn binary() -> Result<PathBuf> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| locate().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(anyhow::Error::msg)
}

fn locate() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/all-… → target/<profile>/homeroom
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .context("unexpected test binary location")?
        .to_path_buf();
    let bin = profile_dir.join(format!("homeroom{}", std::env::consts::EXE_SUFFIX));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Always ask cargo: it is a no-op when the binary is current, and rebuilds it when stale.
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-p", "homeroom", "--bin", "homeroom", "--quiet"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    if release {
        cmd.arg("--release");
    }
    let status = cmd
        .status()
        .context("running cargo build for the homeroom binary")?;
    if !status.success() || !bin.exists() {
        bail!("could not build {}", bin.display());
    }
    Ok(bin)
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A running `homeroom serve`, killed on drop.
pub struct Server {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub base: String,
    /// Lines the server printed on stdout before it became healthy.
    pub stdout: Vec<String>,
}

impl Server {
    /// Starts `homeroom serve` with extra arguments and waits until `/healthz` answers.
    pub async fn start(database_url: &str, extra: &[&str]) -> Result<Server> {
        Self::start_with_env(database_url, extra, &[]).await
    }

    /// Like [`Server::start`] with extra environment variables.
    pub async fn start_with_env(
        database_url: &str,
        extra: &[&str],
        env: &[(&str, String)],
    ) -> Result<Server> {
        let port = free_port()?;
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(binary()?)
            .args(["serve", "--database-url", database_url, "--listen", &listen])
            .args(extra)
            .env("HOMEROOM_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let base = format!("http://{listen}");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut server = Server {
            child,
            base,
            stdout: Vec::new(),
        };
        loop {
            if let Some(status) = server.child.try_wait()? {
                bail!("homeroom serve exited early: {status}");
            }
            let url = format!("{}/healthz", server.base);
            if client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                break;
            }
            if Instant::now() > deadline {
                bail!("homeroom serve did not become healthy in time");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Collect what was printed before readiness (the demo token, for instance).
        tokio::time::sleep(Duration::from_millis(100)).await;
        while let Ok(line) = rx.try_recv() {
            server.stdout.push(line);
        }
        Ok(server)
    }

    /// Posts a GraphQL query with a bearer token and returns the JSON response.
    pub async fn graphql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let mut req = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        Ok(req.send().await?.json().await?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `homeroom ARGS…` to completion and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> Result<(i32, String, String)> {
    let out = Command::new(binary()?)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}
