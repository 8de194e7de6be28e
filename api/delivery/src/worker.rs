//! The delivery worker: claims due outbox messages through the database and sends them, with
//! retries and backoff for temporary failures and a fallback to the other channel when a
//! channel fails for good. Every replica may run one; the database hands each message to one.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use homeroom_schema::Store;
use homeroom_schema::enums::OutboxStatus;
use homeroom_schema::ids::{new_id, now_micros};
use homeroom_schema::models::OutboxMessage;
use homeroom_schema::store::{outbox, webhooks};
use rand::Rng;
use tokio::sync::watch;
use tracing::Instrument;

use super::message::Payload;
use super::outgoing::WebhookSender;
use super::{DeliveryError, DeliveryHooks, EmailSender, RecordError, SmsProvider};

/// The channels this server can send on, and why a missing one is off.
#[derive(Clone, Default)]
pub struct Delivery {
    /// Email, when `HOMEROOM_SMTP_URL` is set.
    pub email: Option<EmailSender>,
    /// Why email is off (shown on invitations that needed it).
    pub email_off: String,
    /// SMS, when `HOMEROOM_SMS_URL` is set.
    pub sms: Option<Arc<dyn SmsProvider>>,
    /// Why SMS is off.
    pub sms_off: String,
    /// Outgoing webhooks.
    pub webhooks: WebhookSender,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("email", &self.email.is_some())
            .field("sms", &self.sms.as_ref().map(|s| s.name()))
            .finish()
    }
}

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Messages claimed per round.
    pub batch: i64,
    /// Messages in flight at once.
    pub concurrency: usize,
    /// Longest sleep between rounds when idle (a queued message wakes the worker earlier).
    pub poll: Duration,
    /// How long a claim lasts before another worker may take the message over.
    pub lease: Duration,
    /// Attempts per channel before falling back to the other channel.
    pub max_attempts: i32,
    /// First retry delay; doubles each attempt (capped at one hour), with jitter.
    pub backoff: Duration,
    /// How long a message waits out an outage of our own relay or provider
    /// ([`DeliveryError::ProviderDown`]), counted from when it was queued, before it is given
    /// up (those failures do not use up `max_attempts`).
    pub max_outage: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            batch: 100,
            concurrency: 16,
            poll: Duration::from_secs(2),
            lease: Duration::from_secs(120),
            max_attempts: 5,
            backoff: Duration::from_secs(30),
            max_outage: Duration::from_secs(24 * 3600),
        }
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

/// When the next attempt after `attempts` failed ones should run.
pub fn next_attempt(options: &WorkerOptions, attempts: i32, now: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(0, 16)).unwrap_or(0);
    let delay = micros(options.backoff)
        .saturating_mul(1_i64 << exp)
        .min(3_600_000_000);
    let jitter = rand::rng().random_range(0.8..1.2);
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let delay = (delay as f64 * jitter) as i64;
    now + delay
}

/// Runs until `stop` turns true.
pub async fn run(
    store: Store,
    hooks: Arc<dyn DeliveryHooks>,
    delivery: Arc<Delivery>,
    options: WorkerOptions,
    mut stop: watch::Receiver<bool>,
) {
    let worker = format!("worker-{}", new_id());
    tracing::info!(%worker, email = delivery.email.is_some(), sms = delivery.sms.is_some(), "delivery worker started");
    loop {
        if *stop.borrow() {
            break;
        }
        let handled = match tick(&store, hooks.as_ref(), &delivery, &options, &worker).await {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "delivery round failed");
                0
            }
        };
        if handled == 0 {
            tokio::select! {
                () = hooks.wake().notified() => {}
                () = tokio::time::sleep(options.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }
}

/// One round: claims due messages and sends them. Returns how many were handled.
pub async fn tick(
    store: &Store,
    hooks: &dyn DeliveryHooks,
    delivery: &Delivery,
    options: &WorkerOptions,
    worker: &str,
) -> Result<usize, RecordError> {
    let now = now_micros();
    let lease_until = now + micros(options.lease);
    let batch = store
        .transaction(async |conn| {
            outbox::claim(conn, worker, now, lease_until, options.batch)
                .await
                .map_err(RecordError::from)
        })
        .await?;
    let handled = batch.len();
    futures::stream::iter(batch)
        .for_each_concurrent(options.concurrency, |message| async move {
            if let Err(e) = process(store, hooks, delivery, options, &message).await {
                tracing::warn!(message = %message.id, error = %e, "could not record a delivery outcome");
            }
        })
        .await;
    homeroom_core::metrics::record_outbox_round(handled);
    Ok(handled)
}

async fn send(
    store: &Store,
    delivery: &Delivery,
    message: &OutboxMessage,
    payload: &Payload,
) -> Result<String, DeliveryError> {
    match payload {
        Payload::Webhook { event, body } => {
            let hook = match &message.webhook_id {
                Some(id) => {
                    let mut conn = store
                        .conn()
                        .await
                        .map_err(|e| DeliveryError::Transient(e.to_string()))?;
                    webhooks::get(&mut conn, &message.district_id, id)
                        .await
                        .map_err(|e| DeliveryError::Transient(e.to_string()))?
                }
                None => None,
            };
            match hook {
                Some(hook) if hook.enabled => {
                    delivery
                        .webhooks
                        .send(&hook, &message.id, event, body)
                        .await
                }
                Some(_) => Err(DeliveryError::ChannelOff("the webhook is disabled".into())),
                None => Err(DeliveryError::ChannelOff("the webhook was deleted".into())),
            }
        }
        Payload::Email {
            subject,
            text,
            html,
        } => match &delivery.email {
            Some(email) => {
                let id = format!("{}@homeroom", message.id);
                email
                    .send(&message.recipient, subject, text, html, &id)
                    .await
            }
            None => Err(DeliveryError::ChannelOff(delivery.email_off.clone())),
        },
        Payload::Sms { body } => match &delivery.sms {
            Some(sms) => sms.send(&message.recipient, body, &message.id).await,
            None => Err(DeliveryError::ChannelOff(delivery.sms_off.clone())),
        },
    }
}

/// Sends one claimed message and records what happened.
async fn process(
    store: &Store,
    hooks: &dyn DeliveryHooks,
    delivery: &Delivery,
    options: &WorkerOptions,
    message: &OutboxMessage,
) -> Result<(), RecordError> {
    let span = tracing::info_span!("deliver", message = %message.id, channel = %message.channel);
    process_in_span(store, hooks, delivery, options, message)
        .instrument(span)
        .await
}

async fn process_in_span(
    store: &Store,
    hooks: &dyn DeliveryHooks,
    delivery: &Delivery,
    options: &WorkerOptions,
    message: &OutboxMessage,
) -> Result<(), RecordError> {
    {
        let mut conn = store.conn().await?;
        if !hooks.still_wanted(&mut conn, message).await? {
            outbox::give_up(
                &mut conn,
                &message.id,
                OutboxStatus::Dead,
                "the message is no longer wanted (e.g. its invitation is no longer open)",
            )
            .await?;
            return Ok(());
        }
    }
    let payload: Payload = match serde_json::from_str(&message.payload) {
        Ok(p) => p,
        Err(e) => {
            let mut conn = store.conn().await?;
            outbox::give_up(
                &mut conn,
                &message.id,
                OutboxStatus::Dead,
                &format!("unreadable payload: {e}"),
            )
            .await?;
            return Ok(());
        }
    };
    let outcome = send(store, delivery, message, &payload).await;
    homeroom_core::metrics::record_delivery(&message.channel, outcome.is_ok());
    let requeued = store
        .transaction(async |conn| match &outcome {
            Ok(provider_id) => {
                // A webhook's answer is not a provider's message id (receipts never name it).
                let provider_id = match payload {
                    Payload::Webhook { .. } => None,
                    _ => Some(provider_id.as_str()),
                };
                outbox::mark_sent(conn, &message.id, provider_id, &payload.scrubbed()).await?;
                hooks.sent(conn, message).await?;
                Ok::<_, RecordError>(false)
            }
            Err(DeliveryError::Transient(e)) if message.attempts + 1 < options.max_attempts => {
                let at = next_attempt(options, message.attempts, now_micros());
                outbox::retry_later(conn, &message.id, at, e).await?;
                // The provider's own words stay in the outbox log.
                hooks
                    .retrying(conn, message, "a temporary failure; it will be tried again")
                    .await?;
                Ok(false)
            }
            Err(DeliveryError::ProviderDown(e))
                if now_micros() - message.created_at < micros(options.max_outage) =>
            {
                let at = next_attempt(options, message.attempts, now_micros());
                outbox::retry_later(conn, &message.id, at, e).await?;
                hooks.retrying(conn, message, e).await?;
                Ok(false)
            }
            Err(err) => {
                let reason = match err {
                    DeliveryError::Transient(e) => {
                        format!("gave up after {} attempts: {e}", message.attempts + 1)
                    }
                    DeliveryError::ProviderDown(e) => {
                        format!(
                            "gave up after {} attempts over the outage: {e}",
                            message.attempts + 1
                        )
                    }
                    DeliveryError::Unreachable(e)
                    | DeliveryError::Rejected(e)
                    | DeliveryError::ChannelOff(e) => e.clone(),
                };
                outbox::give_up(conn, &message.id, OutboxStatus::Failed, &reason).await?;
                let unreachable = matches!(err, DeliveryError::Unreachable(_));
                hooks.failed(conn, message, &reason, unreachable).await
            }
        })
        .await?;
    if requeued {
        hooks.wake().notify_one();
    }
    Ok(())
}
