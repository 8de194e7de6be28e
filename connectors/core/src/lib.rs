//! # homeroom-connector-core
//!
//! The contract between Homeroom's SIS connectors (Clever, ClassLink, OneRoster REST/CSV, Aeries)
//! and the sync engine, plus the plumbing every connector shares.
//!
//! ## The rules
//!
//! * **Connectors know nothing about the database.** A connector turns one SIS's wire format into
//!   the canonical records of [`records`] ([`Org`], [`Person`], [`Course`], [`Term`], [`Class`],
//!   [`Enrollment`], [`Relationship`] and [`Deleted`] for delta feeds) and yields them as a stream
//!   of [`Page`]s through the [`Connector`] trait. It never sees a local id, a table or a merge rule.
//! * **The sync engine knows nothing about any SIS.** It consumes pages, matches records to what it
//!   stored (by source link, then by normalized contact point — see [`normalize`]), skips rows whose
//!   [`ContentHash`] did not change, and records every decision in the run report.
//! * **Never the whole district in memory.** Connectors stream pages (a few thousand records each);
//!   a 500k-student district is never materialised at once by this layer.
//! * **Every request goes through [`HttpClient`]**, which bounds attempts, backs off with jitter,
//!   honours `Retry-After` / `X-RateLimit-Reset`, never retries a plain 4xx, and passes every
//!   attempt through a client-side token-bucket [`RateLimiter`].
//! * **Secrets stay secret.** Credentials are wrapped in [`Secret`], whose `Debug` output is
//!   redacted, and are only ever sent in request headers.
//!
//! ## Map of the crate
//!
//! * [`records`] — canonical record types, [`Record`], [`Page`], [`ContentHash`].
//! * [`normalize`] — e-mail and phone (E.164) normalization used by identity matching.
//! * [`connector`] — the [`Connector`] trait, [`ConnectorKind`], [`ConnectorError`],
//!   [`SyncStream`] and the factory [`Registry`].
//! * [`http`] — the retrying, rate-limited HTTP client for connectors.
//! * [`oauth`] — OAuth 1.0a HMAC-SHA256 signing/verification (ClassLink, OneRoster 1.1) and
//!   OAuth 2.0 client-credentials tokens (OneRoster 1.2).
//! * `fake` (feature `fake`) — fault switches shared by the fake SIS servers used in tests.
//! * `fuzz` (feature `fuzz`) — generators of awkward input and the checks every rejection
//!   must pass, shared by the connectors' property tests and the `fuzz_parsers` bench.

#[macro_use]
mod string_enum;

pub mod connector;
#[cfg(feature = "fake")]
pub mod fake;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod http;
pub mod normalize;
pub mod oauth;
pub mod percent;
pub mod records;
mod secret;
pub mod shown;

pub use connector::{
    Connector, ConnectorError, ConnectorFactory, ConnectorKind, CursorSlot, CursorUnavailable,
    Registry, SyncStream, UnknownConnectorKind,
};
pub use http::{
    HttpClient, HttpConfig, HttpRequest, HttpResponse, RateLimit, RateLimiter, RequestAuth,
    RetryPolicy,
};
pub use normalize::{
    ContactPointError, EmailProblem, PhoneRegion, normalize_email, normalize_phone,
};
pub use oauth::{ClientCredentials, ClientCredentialsTokens, OAuth1Error, OAuth1Signer};
pub use records::{
    Class, ContactKind, ContactPoint, ContentHash, Course, Deleted, Enrollment, EnrollmentRole,
    EntityKind, IssueSeverity, Org, OrgType, Page, PageBuffer, Person, Record, RecordStatus,
    Relationship, RelationshipKind, Role, RoleAssignment, SisDate, SourceIssue, Term, TermKind,
};
pub use secret::Secret;
pub use string_enum::ParseEnumError;

/// Re-exported so connectors can name URLs and headers without depending on the HTTP stack.
pub use reqwest::{Method, StatusCode, header};
/// Re-exported URL type used throughout the HTTP and OAuth APIs.
pub use url::Url;
