//! Contact-point normalization for identity matching.
//!
//! The sync engine matches adults by **normalized** contact point: e-mail addresses trimmed and
//! lower-cased ([`normalize_email`]), phone numbers in E.164 read with the district's default
//! country ([`normalize_phone`], backed by the `phonenumber` crate, a port of libphonenumber).
//! Values that cannot be normalized are rejected with a typed [`ContactPointError`] so the engine
//! can report them instead of matching on garbage.

mod email;
mod error;
mod phone;

pub use email::normalize_email;
pub use error::{ContactPointError, EmailProblem};
pub use phone::{PhoneRegion, normalize_phone};
