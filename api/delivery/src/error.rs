//! How a delivery attempt can fail.

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try later (server busy, connection dropped, 4xx SMTP reply, 429/5xx).
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Our own relay or provider could not be reached (connection refused or reset, timed
    /// out, a 5xx answer): nothing is wrong with the recipient, so the message waits with
    /// backoff for as long as [`crate::WorkerOptions::max_outage`] and is not failed over or
    /// given up after the usual number of attempts.
    #[error("provider unavailable: {0}")]
    ProviderDown(String),
    /// The recipient cannot be reached this way (unknown mailbox, invalid number): the contact
    /// point becomes unreachable.
    #[error("recipient unreachable: {0}")]
    Unreachable(String),
    /// The receiver refused the message for good (a webhook endpoint answering 4xx).
    #[error("rejected: {0}")]
    Rejected(String),
    /// This channel is not set up on this server.
    #[error("{0}")]
    ChannelOff(String),
}

/// Why the worker (or a receipt) could not record what happened to a message.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] homeroom_schema::StoreError),
    /// The layer told of the outcome ([`crate::DeliveryHooks`]) failed to act on it.
    #[error("{0}")]
    Hook(String),
}
