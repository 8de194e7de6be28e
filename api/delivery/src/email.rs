//! Email over SMTP with `lettre`, configured by `HOMEROOM_SMTP_URL`
//! (`smtp://[user:pass@]host:port[?tls=none|starttls|tls][&timeout=SECONDS]`).

use lettre::message::{Mailbox, MultiPart, header::MessageId};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use url::Url;

use super::DeliveryError;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text (a local relay or a test sink).
    None,
    /// STARTTLS, required.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

/// A parsed `HOMEROOM_SMTP_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// User and password, if the relay wants them.
    pub credentials: Option<(String, String)>,
    /// Connection security.
    pub tls: SmtpTls,
    /// How long one attempt to hand a message to the relay (connect, greeting, commands, data)
    /// may take before it counts as failed and is retried later.
    pub timeout: std::time::Duration,
}

/// [`SmtpSettings::timeout`] when the URL does not say.
pub const DEFAULT_SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl SmtpSettings {
    /// Parses `smtp://[user:pass@]host:port[?tls=none|starttls|tls][&timeout=SECONDS]`.
    /// Without `tls`, port 465 means TLS and anything else STARTTLS; without `timeout`, 30 s.
    pub fn parse(raw: &str) -> Result<SmtpSettings, String> {
        let url = Url::parse(raw).map_err(|e| format!("HOMEROOM_SMTP_URL is not a URL: {e}"))?;
        if url.scheme() != "smtp" && url.scheme() != "smtps" {
            return Err(format!(
                "HOMEROOM_SMTP_URL must start with smtp:// (got {}://)",
                url.scheme()
            ));
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("HOMEROOM_SMTP_URL has no host")?
            .to_owned();
        let default_port = if url.scheme() == "smtps" { 465 } else { 587 };
        let port = url.port().unwrap_or(default_port);
        let mut tls = match (url.scheme(), port) {
            ("smtps", _) | (_, 465) => SmtpTls::Tls,
            _ => SmtpTls::StartTls,
        };
        let mut timeout = DEFAULT_SMTP_TIMEOUT;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" => {
                    tls = match value.as_ref() {
                        "none" => SmtpTls::None,
                        "starttls" => SmtpTls::StartTls,
                        "tls" => SmtpTls::Tls,
                        other => {
                            return Err(format!(
                                "HOMEROOM_SMTP_URL: tls must be none, starttls or tls (got {other})"
                            ));
                        }
                    };
                }
                "timeout" => {
                    timeout = value
                        .parse::<u64>()
                        .ok()
                        .filter(|s| (1..=600).contains(s))
                        .map(std::time::Duration::from_secs)
                        .ok_or_else(|| {
                            format!(
                                "HOMEROOM_SMTP_URL: timeout must be whole seconds from 1 to 600 (got {value})"
                            )
                        })?;
                }
                other => {
                    return Err(format!(
                        "HOMEROOM_SMTP_URL: unknown option {other} (known: tls, timeout)"
                    ));
                }
            }
        }
        let credentials = (!url.username().is_empty()).then(|| {
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (
                decode(url.username()),
                decode(url.password().unwrap_or_default()),
            )
        });
        Ok(SmtpSettings {
            host,
            port,
            credentials,
            tls,
            timeout,
        })
    }
}

/// Sends email through one SMTP relay, reusing pooled connections.
#[derive(Clone)]
pub struct EmailSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Bounds a whole attempt: lettre's own timeout covers only the TCP connect of its async
    /// transport, so a relay that accepts and then never answers would hold the attempt (and
    /// its worker lane) forever.
    timeout: std::time::Duration,
}

impl std::fmt::Debug for EmailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSender")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl EmailSender {
    /// Builds a sender from settings and the `From` address.
    pub fn new(settings: &SmtpSettings, from: &str) -> Result<EmailSender, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("HOMEROOM_MAIL_FROM {from:?} is not an address: {e}"))?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| format!("SMTP TLS setup: {e}"))
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.clone())
                .port(settings.port)
                .timeout(Some(settings.timeout));
        builder = match settings.tls {
            SmtpTls::None => builder.tls(Tls::None),
            SmtpTls::StartTls => builder.tls(Tls::Required(tls(&settings.host)?)),
            SmtpTls::Tls => builder.tls(Tls::Wrapper(tls(&settings.host)?)),
        };
        if let Some((user, pass)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        Ok(EmailSender {
            transport: builder.build(),
            from,
            timeout: settings.timeout,
        })
    }

    /// Sends one email with a text and an HTML part. `message_id` becomes the `Message-ID`
    /// header (`<message_id>`), which bounce receipts quote back; it is also returned.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: &str,
        message_id: &str,
    ) -> Result<String, DeliveryError> {
        let to: Mailbox = to.parse().map_err(|e| {
            DeliveryError::Unreachable(format!("{to:?} is not an email address: {e}"))
        })?;
        let header_id = format!("<{message_id}>");
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(MessageId::from(header_id))
            .multipart(MultiPart::alternative_plain_html(
                text.to_owned(),
                html.to_owned(),
            ))
            .map_err(|e| DeliveryError::Unreachable(format!("cannot build the message: {e}")))?;
        let Ok(sent) = tokio::time::timeout(self.timeout, self.transport.send(email)).await else {
            // The relay took the connection but did not finish the conversation in time. Whether
            // it kept the message is unknown: the retry carries the same Message-ID.
            return Err(DeliveryError::ProviderDown(
                "the email relay could not be reached (timed out)".into(),
            ));
        };
        match sent {
            Ok(_) => Ok(message_id.to_owned()),
            Err(e) if e.is_permanent() => Err(DeliveryError::Unreachable(e.to_string())),
            Err(e) if e.is_transient() || e.is_response() || e.is_client() => {
                Err(DeliveryError::Transient(e.to_string()))
            }
            // No SMTP reply at all: the relay itself is down or unreachable.
            Err(e) => Err(DeliveryError::ProviderDown(relay_down(&e))),
        }
    }
}

/// A fixed description of why the relay could not be reached: the kind of I/O failure, never
/// the transport's text.
fn relay_down(e: &lettre::transport::smtp::Error) -> String {
    let mut source = std::error::Error::source(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return format!("the email relay could not be reached ({})", io.kind());
        }
        source = std::error::Error::source(err);
    }
    if e.is_timeout() {
        "the email relay could not be reached (timed out)".into()
    } else {
        "the email relay could not be reached".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_parse() {
        let s = SmtpSettings::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("127.0.0.1", 2525, SmtpTls::None)
        );
        assert_eq!(s.credentials, None);
        let s = SmtpSettings::parse("smtp://me%40x.org:p%3Ass@mail.example.org").unwrap();
        assert_eq!(s.port, 587);
        assert_eq!(s.tls, SmtpTls::StartTls);
        assert_eq!(s.credentials, Some(("me@x.org".into(), "p:ss".into())));
        assert_eq!(
            SmtpSettings::parse("smtp://mail.example.org:465")
                .unwrap()
                .tls,
            SmtpTls::Tls
        );
        assert!(SmtpSettings::parse("http://x").is_err());
        assert!(SmtpSettings::parse("smtp://x:25?tls=maybe").is_err());
        assert_eq!(s.timeout, DEFAULT_SMTP_TIMEOUT);
        let s = SmtpSettings::parse("smtp://x:25?tls=none&timeout=2").unwrap();
        assert_eq!(s.timeout, std::time::Duration::from_secs(2));
        for bad in ["timeout=0", "timeout=1.5", "timeout=601", "tsl=none"] {
            let err = SmtpSettings::parse(&format!("smtp://x:25?{bad}")).unwrap_err();
            assert!(err.starts_with("HOMEROOM_SMTP_URL: "), "{err}");
        }
    }
}
