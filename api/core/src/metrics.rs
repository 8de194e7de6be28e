//! Prometheus metrics, served at `GET /metrics`.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

struct Metrics {
    registry: Registry,
    sync_runs: IntCounterVec,
    sync_duration: HistogramVec,
    records: IntCounter,
    http_latency: HistogramVec,
    deliveries: IntCounterVec,
    outbox_claimed: IntCounter,
    outbox_depth: IntGauge,
    db_statements: IntCounter,
    scheduler_ticks: IntCounter,
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
    let deliveries = IntCounterVec::new(
        Opts::new(
            "deliveries_total",
            "Delivery attempts by channel and outcome",
        ),
        &["channel", "outcome"],
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let outbox_claimed =
        IntCounter::new("outbox_claimed_total", "Outbox messages claimed by workers")
            .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let outbox_depth = IntGauge::new("outbox_depth", "Outbox messages waiting to be sent")
        .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let db_statements = IntCounter::new(
        "db_statements_total",
        "SQL statements run by this process's database pool",
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    let scheduler_ticks = IntCounter::new(
        "scheduler_ticks_total",
        "Scheduler rounds finished (due connectors checked and their syncs ended)",
    )
    .unwrap_or_else(|e| panic!("metric definition: {e}"));
    for m in [
        Box::new(sync_runs.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(sync_duration.clone()),
        Box::new(records.clone()),
        Box::new(http_latency.clone()),
        Box::new(deliveries.clone()),
        Box::new(outbox_claimed.clone()),
        Box::new(outbox_depth.clone()),
        Box::new(db_statements.clone()),
        Box::new(scheduler_ticks.clone()),
    ] {
        let _ = registry.register(m);
    }
    Metrics {
        registry,
        sync_runs,
        sync_duration,
        records,
        http_latency,
        deliveries,
        outbox_claimed,
        outbox_depth,
        db_statements,
        scheduler_ticks,
    }
});

/// Counts a finished scheduler round.
pub fn scheduler_tick() {
    METRICS.scheduler_ticks.inc();
}

/// Counts one delivery attempt.
pub fn record_delivery(channel: &str, ok: bool) {
    let outcome = if ok { "sent" } else { "failed" };
    METRICS
        .deliveries
        .with_label_values(&[channel, outcome])
        .inc();
}

/// Counts messages a worker claimed in one round.
pub fn record_outbox_round(claimed: usize) {
    METRICS
        .outbox_claimed
        .inc_by(u64::try_from(claimed).unwrap_or(u64::MAX));
}

/// Brings the statement counter up to `total` (the store's own count, read when metrics are
/// scraped).
pub fn set_db_statements(total: u64) {
    let seen = METRICS.db_statements.get();
    if total > seen {
        METRICS.db_statements.inc_by(total - seen);
    }
}

/// Sets the outbox depth (read from the database when metrics are scraped).
pub fn set_outbox_depth(depth: i64) {
    METRICS.outbox_depth.set(depth);
}

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
