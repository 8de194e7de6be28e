//! A fake ClassLink Roster Server for tests and benchmarks (feature `fake`).
//!
//! Built on the OneRoster fake of [`homeroom_oneroster::fake`] (envelopes, GUIDRefs with
//! absolute `href`s, `enabledUser` as the string `"true"`, `limit`/`offset` paging with
//! `X-Total-Count` and `Link`, the `dateLastModified` filter, and every [`Faults`] switch:
//! 429 + `Retry-After`, 500, delays, truncated and malformed pages, an empty roster), with
//! ClassLink's differences:
//!
//! * OAuth 1.0a signatures checked by ClassLink's rules (see [Signatures](#signatures)):
//!   exactly the five `oauth_*` parameters ClassLink's libraries send, query parameters and
//!   the `filter` value signed their way, fresh timestamps, no reused nonce;
//! * or the proxy: a bearer token, data under `/<oneroster_application_id>/ims/oneroster/v1p1/`
//!   and `GET /applications` for tenant discovery ([`FakeAccess::Proxy`]);
//! * every user carries a `userIds` entry `{"type": "FED", "identifier": <sourcedId>}`.
//!
//! [`FakeClassLink::from_district`] serves a district of the synthetic generator
//! ([`dataset_from_district`]).
//!
//! # Signatures
//!
//! Exactly `oauth_consumer_key`, `oauth_signature_method` (`HMAC-SHA256`), `oauth_timestamp`
//! (within five minutes) and `oauth_nonce` (alphanumeric, never reused) plus
//! `oauth_signature`; the base string is rebuilt from the raw query as the reference libraries
//! build it (pieces decoded, then split on `=`, a piece with several `=` being the `filter`),
//! and the signature accepted when it matches under RFC 3986, Python `quote` or Node
//! `encodeURIComponent` encoding.

mod proxy;
mod seed;
mod server;
mod signature;

pub use homeroom_oneroster::fake::{FakeDataset, Faults, RecordedRequest};
pub use proxy::FakeTenant;
pub use seed::dataset_from_district;
pub use server::{ClassLinkHandle, FakeAccess, FakeClassLink};
