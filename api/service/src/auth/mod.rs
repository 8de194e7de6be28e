//! Authentication: bearer tokens and the principals they stand for.

pub mod policy;
pub mod principal;
pub mod token;

pub use principal::Principal;
