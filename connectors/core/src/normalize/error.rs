//! Why a contact point could not be normalized.

use thiserror::Error;

use crate::shown::shown;

/// What is wrong with an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailProblem {
    /// No `@`.
    #[error("it has no `@`")]
    MissingAt,
    /// More than one `@` (quoted local parts are not accepted).
    #[error("it has more than one `@`")]
    MultipleAt,
    /// Nothing before the `@`.
    #[error("the part before `@` is empty")]
    EmptyLocalPart,
    /// The part before `@` is longer than 64 characters.
    #[error("the part before `@` is longer than 64 characters")]
    LocalPartTooLong,
    /// The whole address is longer than 254 characters.
    #[error("it is longer than 254 characters")]
    TooLong,
    /// A space, control character or one of `()<>[]:;,"\`.
    #[error("it contains the character {0:?}")]
    InvalidCharacter(char),
    /// A leading, trailing or doubled `.` in the part before `@`.
    #[error("the part before `@` has a misplaced `.`")]
    MisplacedDot,
    /// The domain is not `label.label…` with labels of 1–63 letters, digits or inner hyphens.
    #[error("the domain `{}` is not a valid host name with a dot", shown(.0))]
    BadDomain(String),
}

/// A contact point could not be normalized.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ContactPointError {
    /// The e-mail address was empty or only whitespace.
    #[error("empty e-mail address")]
    EmptyEmail,
    /// The e-mail address is not plausible.
    #[error("invalid e-mail address `{}`: {problem}", shown(value))]
    InvalidEmail {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        problem: EmailProblem,
    },
    /// The phone number was empty or only whitespace.
    #[error("empty phone number")]
    EmptyPhone,
    /// The phone library could not read a number at all.
    #[error("unparsable phone number `{}`: {reason}", shown(value))]
    UnparsablePhone {
        /// The value as given.
        value: String,
        /// The phone library's reason.
        reason: String,
    },
    /// The number parsed but is not a valid number for its country (wrong length, unassigned
    /// area code, …).
    #[error(
        "invalid phone number `{}` (not a valid number in its country)",
        shown(value)
    )]
    InvalidPhone {
        /// The value as given.
        value: String,
    },
    /// The default region is not an ISO 3166-1 alpha-2 code the phone library knows.
    #[error(
        "unknown phone region `{}` (expected an ISO 3166-1 alpha-2 code such as `US`)",
        shown(.0)
    )]
    UnknownRegion(String),
}
