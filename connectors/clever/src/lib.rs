//! # homeroom-clever
//!
//! The Clever connector of Homeroom (kind `clever`): Clever's Data API v3.0 (v3.1 fields where
//! present) read with a district-app bearer token, full snapshots from the data endpoints and
//! deltas from the Events API. [`fake`] (feature `fake`) is a Clever API server on 127.0.0.1,
//! seeded from the synthetic district generator, for tests and benchmarks.
//!
//! ## Configuration
//!
//! `{"base_url"?, "token", "page_size"?}` ([`CleverConfig`]): `base_url` defaults to
//! `https://api.clever.com` and may carry `/v3.0` or `/v3.1` (else `/v3.0` is used); `token`
//! is the district token (a secret); `page_size` is each request's `limit`, 1–10,000
//! (default 10,000, Clever's maximum, to spend as few requests as possible).
//!
//! ## What is read, and how it maps
//!
//! * `districts` and `schools` → orgs (school identifier: `school_number`); `terms` → terms;
//!   `courses` → courses; `sections` → classes, and each section's `students[]`, `teacher`
//!   (primary) and `teachers[]` → enrollments with ids derived from (section, user, role).
//! * `users?role=student|teacher|staff|district_admin|contact`, in that order → people. A
//!   user holding several roles is listed under each but emitted once, with all its roles,
//!   the first time it is seen (the roles it holds tell which listing came first).
//! * Contacts → guardians (no org); `student_relationships[]` → one relationship per student,
//!   its kind from `relationship` / `type` (Parent → parent; Grandparent, Aunt/Uncle,
//!   Sibling → relative; otherwise Parent/Guardian → guardian, Family → relative, anything
//!   else → other). A contact's full name in `name.last` with a blank `name.first` is split
//!   at its last space (family name = last word).
//! * Lists are read with `limit` and `links[rel=next]` (`starting_after` cursors) and each
//!   HTTP page is mapped and emitted before the next is asked for, so a district is never held
//!   in memory. Records come in an order where every reference points backwards: orgs,
//!   terms, courses, people (each contact page followed by its relationships), then each
//!   sections page's classes followed by their enrollments (see the `snapshot` module).
//! * Errors: 401/403 → [`ConnectorError::Auth`](homeroom_connector_core::ConnectorError);
//!   unreadable JSON → `Malformed`; no schools or no students → `EmptyRoster` (the engine
//!   holds the run); 429 waits for `X-RateLimit-Reset`, 5xx/timeouts/cut connections are
//!   retried by the core client.
//! * Rate limit: the registry's connectors pass every request through the core's client-side
//!   token bucket, set to 1,200 requests per 61.2 s ([`client_rate_limit`]: Clever's 1,200 per
//!   minute with a 2 % margin for network jitter), whose guarantee holds for any window, so
//!   for Clever's fixed one-minute windows too ([`production_http_config`]).
//!
//! ## Deltas (Events API)
//!
//! A full snapshot first asks `events?ending_before=last&limit=1` and reports that event's id
//! as the cursor. [`Clever::delta`](homeroom_connector_core::Connector::delta) reads
//! `events?starting_after=<cursor>` to the end and maps `*.created/updated/deleted` of
//! districts, schools, terms, courses, sections and users (see the `events` module): records
//! are upserts keyed by Clever id, so replaying an event changes nothing. Deletions are
//! emitted after every other change of the feed; section and contact updates also delete
//! the enrollments / relationships `previous_attributes` shows were dropped. A contact
//! without `sis_id` that Clever deletes and re-creates under a new id is left to the sync
//! engine's identity rules (same e-mail, or same phone and names) to stay one person.
//!
//! ## Choices where the reference notes say UNCONFIRMED
//!
//! * **Seeding the cursor**: `GET /events?ending_before=last&limit=1` (used by community
//!   clients, not in Clever's docs). When the feed is empty, the cursor is an ObjectID made
//!   from the snapshot's start time minus 5 minutes: Clever pages by id range and ids start
//!   with their creation time, so that id sorts before every later event.
//! * **Expired cursor**: Clever pages events by id range, so an old `starting_after` would not
//!   fail — it would silently skip what fell out of the 30-day window. The connector reads
//!   the cursor's age from its ObjectID timestamp and, past 29 days, answers
//!   [`ConnectorError::CursorExpired`](homeroom_connector_core::ConnectorError) (the engine
//!   then runs a full snapshot).
//! * **Events off**: assumed to answer 403 (or 404) on `/events`: the snapshot then records no
//!   cursor (the next sync is full again) and a delta answers `CursorExpired`. If Clever
//!   instead answered an empty feed, a delta could not tell "no changes" from "off".
//! * **Rate-limit headers**: only `X-RateLimit-Reset` (Unix seconds) is relied on; the fake
//!   also sends `X-RateLimit-Limit` and `X-RateLimit-Remaining`.
//! * **Default page size**: not documented (100 per the notes); this connector always sends
//!   `limit`, so Clever's default never applies.
//! * **`previous_attributes`** is read as the old values of changed top-level fields (`roles`
//!   whole, `students` whole), laid over the new object to rebuild the old one.
//! * Terms carry no type in Clever: every term is a [`TermKind::Term`](homeroom_connector_core::TermKind).
//! * **A page that does not fit** the v3 shapes (a number where a list of ids belongs, a
//!   list where a name belongs) fails as a whole with
//!   [`ConnectorError::Malformed`](homeroom_connector_core::ConnectorError) naming the list, the
//!   line and column, and the start of the body (the value the parser rejected is quoted cut);
//!   Clever publishes a schema, so such a page means the API changed, not one odd record.
//!   Ids quoted in issues are cut to 60 characters.
//!
//! The feature `fuzz` exposes `fuzz`: the generator and property of the list and event page
//! readers, which this crate's property tests run a bounded number of times and the
//! `fuzz_parsers` bench of `homeroom-connector-fuzz` runs for as long as asked.

mod api;
mod config;
mod connector;
mod delta;
mod events;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(any(test, feature = "fuzz"))]
pub mod fuzz;
mod mapping;
mod object_id;
mod register;
mod snapshot;
mod wire;

pub use crate::api::{CLEVER_REQUESTS_PER_MINUTE, client_rate_limit, production_http_config};
pub use crate::config::{CleverConfig, DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use crate::connector::Clever;
pub use crate::delta::{EVENTS_WINDOW, WINDOW_MARGIN};
pub use crate::object_id::ObjectId;
pub use crate::register::{register, try_register};
