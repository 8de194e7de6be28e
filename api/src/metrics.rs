//! Prometheus metrics, served at `GET /metrics`.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

struct Metrics {
    registry: Registry,
    sync_runs: IntCounterVec,
    sync_duration: HistogramVec,
    records: IntCounter,
    http_latency: HistogramVec,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let registry =
        Registry::new_custom(Some("homeroom".into()), None).unwrap_or_else(|_| Registry::new());
    let sync_runs = IntCounterVec::new(
        Opts::new("sync_runs_total", "Sync runs by outcome"),
        &["status"],
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let sync_duration = HistogramVec::new(
        HistogramOpts::new("sync_run_duration_seconds", "Sync run durations")
            .buckets(vec![1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0]),
        &["status"],
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let records = IntCounter::new("sync_records_processed_total", "Records processed by syncs")
        .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let http_latency = HistogramVec::new(
        HistogramOpts::new("http_request_duration_seconds", "HTTP request latencies"),
        &["path", "status"],
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    for m in [
        Box::new(sync_runs.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(sync_duration.clone()),
        Box::new(records.clone()),
        Box::new(http_latency.clone()),
    ] {
        let _ = registry.register(m);
    }
    Metrics {
        registry,
        sync_runs,
        sync_duration,
        records,
        http_latency,
    }
});

/// Counts a finished run.
pub fn sync_run_finished(status: &str, took: Duration) {
    METRICS.sync_runs.with_label_values(&[status]).inc();
    METRICS
        .sync_duration
        .with_label_values(&[status])
        .observe(took.as_secs_f64());
}

/// Counts processed records.
pub fn records_processed(n: u64) {
    METRICS.records.inc_by(n);
}

/// Observes one HTTP request.
pub fn http_request(path: &str, status: u16, took: Duration) {
    METRICS
        .http_latency
        .with_label_values(&[path, &status.to_string()])
        .observe(took.as_secs_f64());
}

/// The metrics in Prometheus text format.
pub fn render() -> String {
    let mut buf = Vec::new();
    let _ = TextEncoder::new().encode(&METRICS.registry.gather(), &mut buf);
    String::from_utf8(buf).unwrap_or_default()
}
