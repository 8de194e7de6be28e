//! Homeroom's neutral base, below every layer: global ids (the names rows have outside the
//! database: GraphQL ids, webhook payloads, the CLI), connector and webhook secrets at rest, and
//! the Prometheus metrics every layer records into.

pub mod ids;
pub mod metrics;
pub mod secrets;
