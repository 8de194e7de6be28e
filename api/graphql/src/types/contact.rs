//! Contact points, masked for callers who may not see them in full.

use async_graphql::{ID, SimpleObject};
use homeroom_schema::enums as db;
use homeroom_schema::models::ContactPoint as Row;

use crate::types::enums::ContactKind;

/// How much of a person the caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everything, contact points in full.
    Full,
    /// Contact points masked (e.g. `j***@example.org`).
    Masked,
    /// Names only: no contact points, classes or family links.
    NamesOnly,
}

/// An email address or phone number.
#[derive(SimpleObject, Debug, Clone)]
pub struct ContactPoint {
    /// Opaque id of the contact point.
    pub id: ID,
    /// Email or phone.
    pub kind: ContactKind,
    /// The value, masked unless the caller may see it in full.
    pub value: String,
    /// Whether the value is masked.
    pub masked: bool,
    /// Whether the person verified it themselves.
    pub verified: bool,
    /// Whether messages reach it.
    pub reachable: bool,
    /// Why the last delivery failed, when unreachable.
    pub unreachable_reason: Option<String>,
}

/// Masks an email (`jane@example.org` → `j***@example.org`) or a phone (`***1234`).
pub fn mask(kind: db::ContactKind, value: &str) -> String {
    match kind {
        db::ContactKind::Email => match value.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".into(),
        },
        db::ContactKind::Phone => {
            let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
            let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
            format!("***{tail}")
        }
    }
}

impl ContactPoint {
    /// The view of `row` at `access` (never called with `NamesOnly`).
    pub fn view(row: Row, access: Access) -> Self {
        let masked = access != Access::Full;
        ContactPoint {
            id: ID(row.id),
            kind: row.kind.into(),
            value: if masked {
                mask(row.kind, &row.value)
            } else {
                row.display_value
            },
            masked,
            verified: row.verified_at.is_some(),
            reachable: row.reachability == db::Reachability::Ok,
            // A bounce reason quotes the address: masked alike (a fixed text).
            unreachable_reason: if masked {
                row.unreachable_reason
                    .map(|_| "messages to this address were not delivered".to_owned())
            } else {
                row.unreachable_reason
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_hides_all_but_a_hint() {
        assert_eq!(
            mask(db::ContactKind::Email, "jane@example.org"),
            "j***@example.org"
        );
        assert_eq!(mask(db::ContactKind::Phone, "+15551234567"), "***4567");
        assert_eq!(mask(db::ContactKind::Email, "bad"), "***");
    }
}
