//! # homeroom-classlink
//!
//! The ClassLink connector of Homeroom (kind `classlink`): a district's ClassLink Roster
//! Server read as OneRoster 1.1 through the OneRoster REST client of
//! [`homeroom_oneroster`] — paging, mapping to canonical records, the record order contract,
//! rejected rows, retries and the `dateLastModified` delta are all that client's. This crate
//! adds only what ClassLink does differently:
//!
//! * **Two ways in** ([`ClassLinkConfig`]): `{"base_url", "client_id", "client_secret"}` — the
//!   district's server, every request signed with OAuth 1.0a HMAC-SHA256 exactly as
//!   ClassLink's reference libraries (`classlinkinc/request-libraries`) sign: the
//!   `oauth_consumer_key`, `oauth_signature_method`, `oauth_timestamp` and `oauth_nonce`
//!   parameters only (no `oauth_version`, no `oauth_token`), the query parameters (`limit`,
//!   `offset`, `filter`) in the signature base string, and the `filter` value — which holds
//!   `>`, `'` and possibly `=` — decoded once and then percent-encoded (`'` as `%27`) inside
//!   the base string; or `{"proxy_url", "bearer_token"}` — ClassLink's OneRoster proxy with the
//!   application's bearer token.
//! * **Tenant discovery** (proxy only, when `"tenant"` is configured): `GET
//!   <proxy_url>/applications` finds the district's application before the first request; its
//!   data is then read under `<proxy_url>/<oneroster_application_id>/ims/oneroster/v1p1/`.
//! * **Payload quirks:** `enabledUser` as the string `"true"`/`"false"` and empty strings for
//!   absent values are read by the OneRoster client (which accepts both types); `userIds`
//!   entries of type `FED` become the person's `sis_id`.
//!
//! [`fake`] (feature `fake`) is a fake ClassLink server built on the OneRoster fake, seeded
//! from the synthetic district generator.
//!
//! ## Choices where ClassLink's public documentation is unconfirmed or silent
//!
//! * **Signature encoding of unusual characters.** ClassLink's libraries disagree with each
//!   other beyond the characters Homeroom ever sends: Python's `quote` leaves `/` unencoded
//!   and Node's `encodeURIComponent` leaves `!*()` unencoded, where RFC 3986 encodes them.
//!   The connector signs with RFC 3986 (the core [`OAuth1Signer`]); for every request it
//!   makes (`limit`, `offset` digits and `dateLastModified>'YYYY-MM-DDTHH:MM:SSZ'`) the three
//!   encodings give the same base string. The fake accepts a signature made any of the three
//!   ways, as a server serving all of ClassLink's libraries must.
//! * **Rate limits:** none are documented. The connector sets no client-side limit and
//!   honours `429` + `Retry-After` through the core HTTP client; the fake's rate-limit fault
//!   answers `429` with `Retry-After`.
//! * **Proxy application id:** the path segment of the proxy URL is taken to be the
//!   `oneroster_application_id` of `/applications` (used as given, already URL-encoded, e.g.
//!   `MoYPlyQWmG0%3D`); the `bearer` field of an application is ignored (the configured token
//!   is sent). `applications` is read as a list or, as ClassLink's docs print it, a single
//!   object; `status` other than `1` is an error.
//! * **Tenant matching:** `tenant` equals `tenant_id` (number or text) or `tenant_name` (any
//!   case); no match or several matches is a configuration error naming the tenants seen.
//! * **`FED` ids:** their meaning is not documented; in ClassLink payloads the `FED`
//!   identifier equals the user's `sourcedId`, so it is kept as `sis_id` (the id in the
//!   system behind the aggregator) and not used for identity matching.
//! * **OneRoster 1.2 / OAuth 2.0 on ClassLink:** claimed only by unverified pages; not
//!   supported (the generic `oneroster-rest` connector reads 1.2 providers).
//!
//! [`OAuth1Signer`]: homeroom_connector_core::OAuth1Signer

mod config;
mod connector;
mod discovery;
#[cfg(feature = "fake")]
pub mod fake;
mod register;

pub use crate::config::{Access, ClassLinkConfig};
pub use crate::connector::ClassLink;
pub use crate::register::{register, try_register};

/// The `userIds` type whose identifier becomes the person's `sis_id`.
pub const FED_USER_ID_TYPE: &str = "FED";
