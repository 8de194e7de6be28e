//! What a connector built on the OneRoster REST client may change.

use homeroom_connector_core::RequestAuth;

/// Changes to [`crate::OneRosterRest`] for a provider that speaks OneRoster with its own
/// conventions (the ClassLink connector builds on it this way). The default changes nothing.
#[derive(Clone, Debug, Default)]
pub struct RestCustomization {
    /// Authentication used instead of the version's own (OAuth 1.0a signatures for 1.1,
    /// client-credentials tokens for 1.2) — e.g. a static bearer token for a signing proxy.
    pub auth: Option<RequestAuth>,
    /// A `userIds` type (compared case-insensitively) whose identifier becomes the person's
    /// [`sis_id`](homeroom_connector_core::Person::sis_id).
    pub sis_id_user_id_type: Option<String>,
}
