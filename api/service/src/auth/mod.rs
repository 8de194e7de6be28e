//! Authentication: bearer tokens and the principals they stand for.

pub mod principal;
pub mod token;

pub use principal::Principal;
