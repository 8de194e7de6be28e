//! Global ids (`base64("Type:uuid")`): how every layer names a row to the outside world (the
//! GraphQL API's Relay ids, webhook payloads, the CLI), and opaque keyset cursors.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A global id or cursor that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not a global id at all.
    #[error("malformed id {0:?}")]
    Malformed(String),
    /// A global id of another kind than the one expected.
    #[error("id {id:?} is not a {expected}")]
    WrongKind {
        /// The id given.
        id: String,
        /// The kind expected.
        expected: &'static str,
    },
    /// Not a cursor this server issued.
    #[error("malformed cursor {0:?}")]
    Cursor(String),
}

/// Kinds of objects reachable through `node(id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A person.
    Person,
    /// A class.
    Class,
    /// A guardian–student relationship.
    Relationship,
    /// An org (school).
    Org,
    /// The district.
    District,
    /// A course.
    Course,
    /// A term.
    Term,
    /// A connector.
    Connector,
    /// A sync run.
    SyncRun,
    /// An invitation.
    Invitation,
    /// An audit event.
    AuditEvent,
    /// A spreadsheet import job.
    ImportJob,
    /// An outgoing webhook.
    Webhook,
    /// One delivery of a webhook.
    WebhookDelivery,
    /// A merge suggestion.
    MergeSuggestion,
    /// An OpenID Connect identity provider (single sign-on).
    IdentityProvider,
}

impl NodeKind {
    /// The type name inside the id (the GraphQL type name).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Person => "Person",
            NodeKind::Class => "Class",
            NodeKind::Relationship => "Relationship",
            NodeKind::Org => "Org",
            NodeKind::District => "District",
            NodeKind::Course => "Course",
            NodeKind::Term => "Term",
            NodeKind::Connector => "Connector",
            NodeKind::SyncRun => "SyncRun",
            NodeKind::Invitation => "Invitation",
            NodeKind::AuditEvent => "AuditEvent",
            NodeKind::ImportJob => "ImportJob",
            NodeKind::Webhook => "Webhook",
            NodeKind::WebhookDelivery => "WebhookDelivery",
            NodeKind::MergeSuggestion => "MergeSuggestion",
            NodeKind::IdentityProvider => "IdentityProvider",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "Person" => NodeKind::Person,
            "Class" => NodeKind::Class,
            "Relationship" => NodeKind::Relationship,
            "Org" => NodeKind::Org,
            "District" => NodeKind::District,
            "Course" => NodeKind::Course,
            "Term" => NodeKind::Term,
            "Connector" => NodeKind::Connector,
            "SyncRun" => NodeKind::SyncRun,
            "Invitation" => NodeKind::Invitation,
            "AuditEvent" => NodeKind::AuditEvent,
            "ImportJob" => NodeKind::ImportJob,
            "Webhook" => NodeKind::Webhook,
            "WebhookDelivery" => NodeKind::WebhookDelivery,
            "MergeSuggestion" => NodeKind::MergeSuggestion,
            "IdentityProvider" => NodeKind::IdentityProvider,
            _ => return None,
        })
    }
}

/// The global id of a row.
pub fn encode(kind: NodeKind, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.as_str()))
}

/// Splits a global id into kind and row id.
pub fn decode(id: &str) -> Result<(NodeKind, String), IdError> {
    let bad = || IdError::Malformed(id.to_owned());
    let raw = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (kind, row) = text.split_once(':').ok_or_else(bad)?;
    let kind = NodeKind::parse(kind).ok_or_else(bad)?;
    if row.is_empty() {
        return Err(bad());
    }
    Ok((kind, row.to_owned()))
}

/// Decodes a global id that must be of `kind`.
pub fn decode_as(kind: NodeKind, id: &str) -> Result<String, IdError> {
    match decode(id)? {
        (k, row) if k == kind => Ok(row),
        _ => Err(IdError::WrongKind {
            id: id.to_owned(),
            expected: kind.as_str(),
        }),
    }
}

/// Encodes a keyset cursor (the last row id seen) so clients do not parse it.
pub fn encode_cursor(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("k1:{last_id}"))
}

/// Decodes a cursor made by [`encode_cursor`].
pub fn decode_cursor(s: &str) -> Result<String, IdError> {
    let bad = || IdError::Cursor(s.to_owned());
    let raw = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    text.strip_prefix("k1:").map(str::to_owned).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_ids_round_trip_and_reject_garbage() {
        let id = encode(NodeKind::Class, "0190-abc");
        assert_eq!(decode(&id).unwrap(), (NodeKind::Class, "0190-abc".into()));
        assert!(decode_as(NodeKind::Person, &id).is_err());
        assert!(decode("not base64!").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("Nope:1")).is_err());
    }

    #[test]
    fn cursors_are_opaque_and_checked() {
        let s = encode_cursor("0190-x");
        assert!(!s.contains("0190"));
        assert_eq!(decode_cursor(&s).unwrap(), "0190-x");
        assert!(decode_cursor("abc").is_err());
    }
}
