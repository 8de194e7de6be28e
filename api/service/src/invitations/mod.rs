//! Families: the per-class family invite manager, invitations (invite, resend, revoke), and
//! delivery outcomes (fallback to the other channel, unreachable contact points).
//!
//! Nothing here sends anything: each invitation and its outbox message are written in one
//! transaction, and the delivery worker ([`homeroom_delivery::worker`]) sends them.

pub mod compose;
pub mod fallback;
pub mod invite;
pub mod manage;
pub mod manager;
mod outcomes;
pub mod permissions;
pub mod staff;
pub mod state;

use std::sync::Arc;

use tokio::sync::Notify;

pub use state::InviteState;

/// What the families services need beyond the store.
#[derive(Clone, Debug)]
pub struct Families {
    /// Base of links sent to people (`HOMEROOM_PUBLIC_URL`).
    pub public_url: String,
    /// Wakes the delivery worker when messages were queued.
    pub wake: Arc<Notify>,
}

impl Families {
    /// Families services that build links on `public_url`.
    pub fn new(public_url: impl Into<String>) -> Self {
        Families {
            public_url: public_url.into(),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the delivery worker that messages are waiting.
    pub fn queued(&self) {
        self.wake.notify_one();
    }
}

impl Default for Families {
    /// Links on `http://127.0.0.1:8080`, the address `homeroom serve` listens on by default.
    fn default() -> Self {
        Families::new("http://127.0.0.1:8080")
    }
}
