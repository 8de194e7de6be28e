//! A closed-loop HTTP load generator for GraphQL benchmarks: a fixed number of tokio tasks, each
//! sending one request at a time over a keep-alive connection pool for a fixed duration, with
//! latencies recorded in an HDR histogram. Also a `homeroom serve` of a given binary for
//! benchmarks that take `--bin PATH` (the test harness's [`crate::server::Server`] always runs
//! the workspace's own build).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hdrhistogram::Histogram;

/// One GraphQL request to repeat: the JSON body and the bearer token it is sent with.
#[derive(Debug, Clone)]
pub struct Request {
    /// The serialized `{"query": …, "variables": …}` body.
    pub body: String,
    /// Bearer token.
    pub token: String,
}

impl Request {
    /// A request for `query` with `variables` as the bearer of `token`.
    pub fn new(query: &str, variables: &serde_json::Value, token: &str) -> Request {
        Request {
            body: serde_json::json!({ "query": query, "variables": variables }).to_string(),
            token: token.to_owned(),
        }
    }
}

/// What one measured run gave.
#[derive(Debug)]
pub struct Outcome {
    /// Requests completed in the measured window (errors included).
    pub requests: u64,
    /// Requests that failed: transport errors, non-200 answers and GraphQL `errors`.
    pub errors: u64,
    /// The first few error descriptions, for the report.
    pub samples: Vec<String>,
    /// Length of the measured window.
    pub elapsed: Duration,
    /// Latencies of every completed request, in microseconds.
    pub latency_us: Histogram<u64>,
}

impl Outcome {
    /// Completed requests per second.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at `quantile` (0..=1) in milliseconds.
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// Sends `req` to `url` from `concurrency` tasks for `warmup` (not recorded), then for
/// `duration` (recorded). Every answer that is not a 200 with a GraphQL response free of
/// `errors` counts as an error.
pub async fn drive(
    client: &reqwest::Client,
    url: &str,
    req: &Request,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<Outcome> {
    if !warmup.is_zero() {
        run(client, url, req, concurrency, warmup).await?;
    }
    run(client, url, req, concurrency, duration).await
}

async fn run(
    client: &reqwest::Client,
    url: &str,
    req: &Request,
    concurrency: usize,
    duration: Duration,
) -> Result<Outcome> {
    let url: Arc<str> = url.into();
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = client.clone();
        let url = Arc::clone(&url);
        let req = req.clone();
        tasks.push(tokio::spawn(async move {
            let mut hist = new_histogram();
            let mut errors = 0u64;
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let result = send(&client, &url, &req).await;
                let took = sent.elapsed();
                // Saturate rather than fail: a request slower than the histogram's range
                // (a minute) is recorded as its maximum.
                hist.saturating_record(took.as_micros().try_into().unwrap_or(u64::MAX));
                if let Err(e) = result {
                    errors += 1;
                    if samples.len() < 3 {
                        samples.push(e);
                    }
                }
            }
            (hist, errors, samples)
        }));
    }
    let mut out = Outcome {
        requests: 0,
        errors: 0,
        samples: Vec::new(),
        elapsed: Duration::ZERO,
        latency_us: new_histogram(),
    };
    for t in tasks {
        let (hist, errors, samples) = t.await.context("load task panicked")?;
        out.latency_us.add(&hist).context("merging histograms")?;
        out.errors += errors;
        for s in samples {
            if out.samples.len() < 3 {
                out.samples.push(s);
            }
        }
    }
    // Tasks finish their last request after the deadline: count the window until the last one.
    out.elapsed = started.elapsed();
    out.requests = out.latency_us.len();
    Ok(out)
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs to 60 s at 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

/// One request; `Err` with a short description when it failed in any way.
async fn send(client: &reqwest::Client, url: &str, req: &Request) -> Result<(), String> {
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .bearer_auth(&req.token)
        .body(req.body.clone())
        .send()
        .await
        .map_err(|e| format!("transport: {e}"))?;
    let status = resp.status();
    let body = resp.bytes().await.map_err(|e| format!("body: {e}"))?;
    if status != reqwest::StatusCode::OK {
        return Err(format!("HTTP {status}: {}", snippet(&body)));
    }
    // A GraphQL response with errors carries a top-level `"errors":` key; no field of the
    // benchmark's queries is named so, and string values escape their quotes. Searching the
    // bytes keeps the generator from spending the CPU it shares with the server on parsing.
    let text = std::str::from_utf8(&body).map_err(|_| "response is not UTF-8".to_owned())?;
    if text.contains("\"errors\":") {
        return Err(format!("GraphQL errors: {}", snippet(&body)));
    }
    Ok(())
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.chars().take(300).collect()
}

/// A `homeroom serve` of a given binary, killed on drop.
#[derive(Debug)]
pub struct Serve {
    child: Child,
    /// Base URL, e.g. `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Serve {
    /// Starts `bin serve` on a free loopback port against `database_url` with extra
    /// environment variables, and waits (up to a minute, else an error) until `/healthz`
    /// answers.
    pub async fn start(bin: &Path, database_url: &str, env: &[(&str, String)]) -> Result<Serve> {
        let port = crate::server::free_port()?;
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(bin)
            .args(["serve", "--database-url", database_url, "--listen", &listen])
            .env("HOMEROOM_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        // Drain stdout so the server never blocks on a full pipe.
        let mut stdout = child.stdout.take().context("no stdout")?;
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let mut serve = Serve {
            child,
            base: format!("http://{listen}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = serve.child.try_wait()? {
                bail!("homeroom serve exited early: {status}");
            }
            if client
                .get(format!("{}/healthz", serve.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(serve);
            }
            if Instant::now() > deadline {
                bail!("homeroom serve did not become healthy within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Posts one GraphQL request and returns the response; an error for a non-200 answer or
    /// a response with `errors`.
    pub async fn graphql(
        &self,
        token: &str,
        query: &str,
        variables: serde_json::Value,
    ) -> Result<serde_json::Value> {
        let resp = reqwest::Client::new()
            .post(format!("{}/graphql", self.base))
            .bearer_auth(token)
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await?;
        let status = resp.status();
        let value: serde_json::Value = resp.json().await?;
        if !status.is_success() || value.get("errors").is_some_and(|e| !e.is_null()) {
            bail!("HTTP {status}: {value}");
        }
        Ok(value)
    }

    /// Process id of the server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
