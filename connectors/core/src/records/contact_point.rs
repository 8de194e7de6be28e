//! E-mail addresses and phone numbers as the SIS sent them.

use serde::{Deserialize, Serialize};

use crate::normalize::{ContactPointError, PhoneRegion, normalize_email, normalize_phone};

string_enum! {
    /// The channel of a [`ContactPoint`].
    pub enum ContactKind {
        /// An e-mail address.
        Email => "email",
        /// A phone number (any kind: cell, home, work).
        Phone => "phone",
    }
}

/// One way to reach a person, **as sent by the SIS** (not normalized: the sync engine normalizes
/// with [`ContactPoint::normalized`] for matching and keeps `value` for display).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPoint {
    /// E-mail or phone.
    pub kind: ContactKind,
    /// The value exactly as the SIS sent it (trimmed of nothing).
    pub value: String,
    /// Whether the SIS marks this as the person's primary address/number of its kind.
    #[serde(default)]
    pub primary: bool,
}

impl ContactPoint {
    /// A non-primary e-mail address.
    pub fn email(value: impl Into<String>) -> Self {
        Self {
            kind: ContactKind::Email,
            value: value.into(),
            primary: false,
        }
    }

    /// A non-primary phone number.
    pub fn phone(value: impl Into<String>) -> Self {
        Self {
            kind: ContactKind::Phone,
            value: value.into(),
            primary: false,
        }
    }

    /// Marks the contact point as primary.
    pub fn primary(mut self) -> Self {
        self.primary = true;
        self
    }

    /// The normalized form used for matching: a lower-cased e-mail address or an E.164 number
    /// (numbers without a country code are read in `default_region`).
    pub fn normalized(&self, default_region: PhoneRegion) -> Result<String, ContactPointError> {
        match self.kind {
            ContactKind::Email => normalize_email(&self.value),
            ContactKind::Phone => normalize_phone(&self.value, default_region),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ContactPoint;
    use crate::normalize::PhoneRegion;

    #[test]
    fn normalizes_by_kind() {
        let us: PhoneRegion = "US".parse().unwrap();
        assert_eq!(
            ContactPoint::email(" Jane.Doe@District.EDU ")
                .normalized(us)
                .unwrap(),
            "jane.doe@district.edu"
        );
        assert_eq!(
            ContactPoint::phone("(603) 987-6543")
                .normalized(us)
                .unwrap(),
            "+16039876543"
        );
        assert!(ContactPoint::phone("not a phone").normalized(us).is_err());
    }
}
