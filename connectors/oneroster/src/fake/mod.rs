//! A fake OneRoster REST provider for tests (feature `fake`).
//!
//! [`FakeOneRoster::start`] serves a [`FakeDataset`] — read from a OneRoster CSV folder or zip
//! with this crate's own CSV reader — on `127.0.0.1:<ephemeral port>`, as OneRoster 1.1 or 1.2
//! JSON in the real envelopes (`{"users": […]}`, GUIDRefs `{"href","sourcedId","type"}`,
//! `enabledUser` as the string `"true"`, 1.1 `primary` as a string and 1.2 `primary` as a
//! boolean), with:
//!
//! * authentication ([`FakeAuth`]): OAuth 1.0a HMAC-SHA256 signatures verified with the core's
//!   `verify_oauth1` (1.1), or a `POST /token` client-credentials endpoint and bearer checks
//!   (1.2); failures answer 401 with an imsx body;
//! * paging: `limit` (default 100), `offset`, `X-Total-Count`, `Link` (`next`, `last`);
//! * filtering: one `dateLastModified` predicate (`>`, `>=`, `<`, `<=`, `=`, `!=`); any other
//!   filter answers 400 `invalid_filter_field`;
//! * faults switchable at run time through [`Faults`]: 429 with `Retry-After`, 500, slow
//!   responses, a connection cut mid-page, malformed JSON, an empty roster that claims
//!   success, no `Link` / `X-Total-Count` headers, a capped `limit`, missing collections;
//! * counters and a log of the requests received;
//! * for providers built on it ([`FakeOptions`], [`FakeAuth::Custom`],
//!   [`FakeDataset::with_user_id_type`]): another API path, extra routes, their own request
//!   checks and `userIds`.

mod auth;
mod dataset;
mod filter;
mod render;
mod server;

pub use auth::{CustomAuth, CustomCheck, FakeAuth};
pub use dataset::FakeDataset;
pub use homeroom_connector_core::fake::Faults;
pub use server::{FakeHandle, FakeOneRoster, FakeOptions, RecordedRequest};
