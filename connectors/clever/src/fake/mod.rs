//! A fake Clever Data API v3 server for tests and benchmarks (feature `fake`).
//!
//! [`FakeClever::start`] serves a [`CleverDataset`] — rendered from a district of the synthetic
//! district generator ([`CleverDataset::from_district`]) — on `127.0.0.1:<ephemeral port>`
//! under `/v3.0/` and `/v3.1/`, answering like Clever:
//!
//! * list envelopes `{"data":[{"data":{…},"uri":"/v3.0/users/<id>"}],"links":[self, next]}`,
//!   single objects `{"data":{…},"links":[…]}`, errors `{"message":"…"}`;
//! * `Authorization: Bearer <token>` (401 otherwise);
//! * cursor paging: lists sorted by id, `limit` (default 100; above 10,000 → 413),
//!   `starting_after`, and for events `ending_before` (an id or `last`); `role=` on users;
//! * the Events API: [`FakeHandle::advance_to`] serves the next day's district and appends
//!   `*.created/updated/deleted` events (with `previous_attributes`) to the feed; events can
//!   be switched off ([`FakeHandle::set_events_enabled`], then `/events` answers 403);
//! * Clever's rate limit, when switched on ([`FakeHandle::set_rate_limit`]): a fixed window,
//!   429 with `X-RateLimit-Reset` / `-Limit` / `-Remaining` beyond it;
//! * the shared [`Faults`]: 429 with `X-RateLimit-Reset`, 500, delays, a connection cut
//!   mid-page, malformed JSON, an empty roster claiming success, a capped `limit`, a missing
//!   collection (404).

mod dataset;
mod feed;
mod ids;
mod limit;
mod server;

pub use dataset::CleverDataset;
pub use homeroom_connector_core::fake::Faults;
pub use ids::{IdKind, churning_contact_id, clever_id};
pub use server::{FakeClever, FakeHandle, RecordedRequest};
