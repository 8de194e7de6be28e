//! Getting messages to people: email over SMTP (`lettre`), SMS through an [`SmsProvider`], the
//! outbox worker that sends what services queued, and delivery receipts from providers.
//!
//! Services never send anything themselves: they write an outbox message in the same transaction
//! as the change that causes it ([`homeroom_schema::store::outbox`]), and the worker delivers it,
//! telling them what happened through [`DeliveryHooks`].

pub mod channels;
pub mod email;
pub mod error;
pub mod hooks;
pub mod message;
pub mod notice_text;
pub mod outgoing;
pub mod receipts;
pub mod sms;
pub mod templates;
pub mod worker;

pub use email::EmailSender;
pub use error::{DeliveryError, RecordError};
pub use hooks::DeliveryHooks;
pub use sms::{HttpSms, SmsProvider};
pub use worker::{Delivery, WorkerOptions};
