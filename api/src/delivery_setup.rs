//! Building the delivery channels from settings.

use std::sync::Arc;

use homeroom_delivery::email::{EmailSender, SmtpSettings};
use homeroom_delivery::outgoing::WebhookSender;
use homeroom_delivery::sms::HttpSms;
use homeroom_delivery::{Delivery, SmsProvider};

use crate::config::Settings;

/// The channels `settings` configure. A channel that is not configured is off, with the
/// reason recorded on every invitation that needed it; a channel configured wrongly is an
/// error, so a typo never silently turns delivery off.
pub fn channels(settings: &Settings) -> anyhow::Result<Delivery> {
    {
        let email = match &settings.smtp_url {
            Some(url) => {
                let smtp = SmtpSettings::parse(url).map_err(anyhow::Error::msg)?;
                Some(EmailSender::new(&smtp, &settings.mail_from).map_err(anyhow::Error::msg)?)
            }
            None => None,
        };
        let sms: Option<Arc<dyn SmsProvider>> = match (&settings.sms_url, &settings.sms_token) {
            (Some(url), Some(token)) => {
                let callback = settings
                    .delivery_webhook_secret
                    .as_ref()
                    .map(|_| format!("{}/webhooks/delivery/twilio", settings.public_url));
                let from = settings.sms_from.clone().unwrap_or_default();
                Some(Arc::new(
                    HttpSms::new(url, token, &from, callback).map_err(anyhow::Error::msg)?,
                ))
            }
            (Some(_), None) => {
                anyhow::bail!("HOMEROOM_SMS_URL is set but HOMEROOM_SMS_TOKEN is not")
            }
            _ => None,
        };
        Ok(Delivery {
            email,
            email_off: "email delivery is off: HOMEROOM_SMTP_URL is not set".into(),
            sms,
            sms_off: "SMS delivery is off: HOMEROOM_SMS_URL is not set".into(),
            webhooks: WebhookSender::default(),
        })
    }
}
