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
    /// Lines of stdout read so far (see [`Server::stdout_line`]).
    pub stdout: Vec<String>,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    /// How it was started, for [`Server::restart`].
    launch: Launch,
}

/// The command line and environment of a server, kept to start it again the same way.
#[derive(Clone)]
struct Launch {
    bin: PathBuf,
    database_url: String,
    listen: String,
    extra: Vec<String>,
    env: Vec<(String, String)>,
}

impl Launch {
    /// Spawns the process; its stdout lines arrive on the returned channel.
    fn spawn(&self) -> Result<(Child, tokio::sync::mpsc::UnboundedReceiver<String>)> {
        let mut child = Command::new(&self.bin)
            .args([
                "serve",
                "--database-url",
                &self.database_url,
                "--listen",
                &self.listen,
            ])
            .args(&self.extra)
            .env("HOMEROOM_LOG", "warn")
            .env_remove("HOMEROOM_SECRET_KEY")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok((child, lines))
    }
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
        Self::start_bin(&binary()?, database_url, extra, env).await
    }

    /// Like [`Server::start_with_env`] with a given `homeroom` binary (a bench's `--bin`).
    pub async fn start_bin(
        bin: &std::path::Path,
        database_url: &str,
        extra: &[&str],
        env: &[(&str, String)],
    ) -> Result<Server> {
        let port = free_port()?;
        let launch = Launch {
            bin: bin.to_owned(),
            database_url: database_url.to_owned(),
            listen: format!("127.0.0.1:{port}"),
            extra: extra.iter().map(|s| (*s).to_owned()).collect(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        };
        let (child, lines) = launch.spawn()?;
        let mut server = Server {
            child,
            base: format!("http://{}", launch.listen),
            stdout: Vec::new(),
            lines,
            launch,
        };
        server.wait_for("/healthz", Duration::from_secs(60)).await?;
        Ok(server)
    }

    /// The process id of the running server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the server with SIGKILL (`kill -9`: no shutdown code runs, open transactions
    /// are cut) and reaps it; an error unless it died of that signal.
    pub fn kill9(&mut self) -> Result<()> {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(status) = self.child.try_wait()? {
            bail!("homeroom serve had already exited: {status}");
        }
        self.child.kill()?;
        let status = self.child.wait()?;
        if status.signal() != Some(9) {
            bail!("homeroom serve did not die of SIGKILL: {status}");
        }
        Ok(())
    }

    /// Starts the server again after [`Server::kill9`] (or an exit) on the same database,
    /// address, arguments and environment, and waits until it is ready (`/readyz`).
    pub async fn restart(&mut self) -> Result<()> {
        if self.child.try_wait()?.is_none() {
            bail!("restart: homeroom serve is still running (kill it first)");
        }
        let (child, lines) = self.launch.spawn()?;
        self.child = child;
        self.lines = lines;
        self.wait_ready(Duration::from_secs(60)).await
    }

    /// Waits until `/readyz` answers 200 (the process is up and reaches its database); an
    /// error if the process exits first or `timeout` passes.
    pub async fn wait_ready(&mut self, timeout: Duration) -> Result<()> {
        self.wait_for("/readyz", timeout).await
    }

    async fn wait_for(&mut self, path: &str, timeout: Duration) -> Result<()> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()?;
        let deadline = Instant::now() + timeout;
        let url = format!("{}{path}", self.base);
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("homeroom serve exited early: {status}");
            }
            if client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("homeroom serve: {path} did not answer 200 within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first line of stdout that `pred` accepts (the demo's admin token, for instance),
    /// waiting for the server to print it; an error if it has not within 30 seconds or stdout
    /// closed first.
    pub async fn stdout_line(&mut self, pred: impl Fn(&str) -> bool) -> Result<String> {
        if let Some(line) = self.stdout.iter().find(|l| pred(l)) {
            return Ok(line.clone());
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            match tokio::time::timeout_at(deadline, self.lines.recv()).await {
                Ok(Some(line)) => {
                    self.stdout.push(line.clone());
                    if pred(&line) {
                        return Ok(line);
                    }
                }
                Ok(None) => bail!("stdout closed without the line; printed: {:?}", self.stdout),
                Err(_) => bail!(
                    "the line was not printed in 30 s; printed: {:?}",
                    self.stdout
                ),
            }
        }
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

    /// Posts a GraphQL request from another loopback address (`127.0.0.2`, …: the whole of
    /// 127/8 reaches the server on Linux), so the server sees a different client, with extra
    /// headers.
    pub async fn graphql_from(
        &self,
        local: std::net::IpAddr,
        headers: &[(&str, &str)],
        query: &str,
        variables: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let client = reqwest::Client::builder().local_address(local).build()?;
        let mut req = client
            .post(format!("{}/graphql", self.base))
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Ok(req.send().await?.json().await?)
    }

    /// Posts a GraphQL multipart request (the GraphQL multipart request spec, as browsers and
    /// Apollo clients send it): `file` goes to the variable `$file`.
    pub async fn graphql_upload(
        &self,
        token: Option<&str>,
        query: &str,
        mut variables: serde_json::Value,
        (file_name, file): (&str, &[u8]),
    ) -> Result<serde_json::Value> {
        const BOUNDARY: &str = "homeroom-test-boundary-7f3a9c";
        variables["file"] = serde_json::Value::Null;
        let operations = serde_json::json!({ "query": query, "variables": variables });
        let mut body = Vec::new();
        let mut part = |headers: &str, content: &[u8]| {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        };
        part(
            "Content-Disposition: form-data; name=\"operations\"",
            operations.to_string().as_bytes(),
        );
        part(
            "Content-Disposition: form-data; name=\"map\"",
            br#"{"0": ["variables.file"]}"#,
        );
        part(
            &format!(
                "Content-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\n\
                 Content-Type: text/csv"
            ),
            file,
        );
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        let mut req = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body);
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

/// Runs `homeroom ARGS…` to completion and returns (exit code, stdout, stderr). The test
/// process's `HOMEROOM_SECRET_KEY`, if any, is not passed on: tests say which key they mean.
pub fn run(args: &[&str]) -> Result<(i32, String, String)> {
    run_with_env(args, &[])
}

/// Like [`run`], with `input` on the command's standard input.
pub fn run_with_stdin(args: &[&str], input: &str) -> Result<(i32, String, String)> {
    use std::io::Write as _;
    let mut child = Command::new(binary()?)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .env_remove("HOMEROOM_SECRET_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .context("stdin is piped")?
        .write_all(input.as_bytes())?;
    let out = child.wait_with_output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Like [`run`] with extra environment variables.
pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Result<(i32, String, String)> {
    let out = Command::new(binary()?)
        .args(args)
        .env("HOMEROOM_LOG", "warn")
        .env_remove("HOMEROOM_SECRET_KEY")
        .envs(env.iter().copied())
        .output()?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Waits for a `homeroom` child process (started with piped output) to exit, at most `bound`;
/// kills it and fails when it takes longer (a hang or a deadlock). Returns the exit code and its
/// stdout followed by its stderr.
pub async fn finish_within(child: Child, bound: Duration, what: &str) -> Result<(i32, String)> {
    let pid = child.id();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output());
    let out = match tokio::time::timeout(bound, out).await {
        Ok(out) => out??,
        Err(_) => {
            // Best effort: the process is ours.
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            bail!("{what} did not finish in {bound:?}");
        }
    };
    Ok((
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}
