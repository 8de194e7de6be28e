//! Settings from a TOML file, `HOMEROOM_*` environment variables and flags (flags win over the
//! environment, which wins over the file), under the
//! names operators and scripts rely on (`HOMEROOM_DATABASE_URL`, `HOMEROOM_LISTEN`, …): add new
//! ones, never rename.

use std::path::Path;

use serde::Deserialize;

/// Default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://homeroom.db";
/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Effective settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Address to listen on.
    pub listen: String,
    /// Base of links sent to people.
    pub public_url: String,
    /// Key that encrypts connector secrets (base64, 32 bytes).
    pub secret_key: Option<String>,
    /// SMTP server for email.
    pub smtp_url: Option<String>,
    /// Sender address.
    pub mail_from: String,
    /// SMS provider endpoint.
    pub sms_url: Option<String>,
    /// SMS provider credential.
    pub sms_token: Option<String>,
    /// SMS sending number.
    pub sms_from: Option<String>,
    /// Shared secret that delivery-status webhooks must present.
    pub delivery_webhook_secret: Option<String>,
    /// Tracing filter.
    pub log: String,
    /// `text` or `json`.
    pub log_format: String,
    /// The only folder file connectors configured over the API read (`HOMEROOM_IMPORT_DIR`);
    /// default: `imports` beside the SQLite file (or the working directory).
    pub import_dir: Option<String>,
    /// GraphQL introspection and GraphiQL (`HOMEROOM_INTROSPECTION`); `None`: on with
    /// `--demo`, off otherwise.
    pub introspection: Option<bool>,
    /// Let webhooks reach loopback and private addresses (`HOMEROOM_WEBHOOK_ALLOW_PRIVATE`,
    /// for local development and tests).
    pub webhook_allow_private: bool,
    /// Bearer token `/metrics` requires when set (`HOMEROOM_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// Largest GraphQL response body served (`HOMEROOM_MAX_RESPONSE_BYTES`); a larger answer is
    /// replaced by an error asking for less.
    pub max_response_bytes: usize,
    /// Time a GraphQL query may run (`HOMEROOM_QUERY_TIMEOUT_MS`); mutations are not cut short
    /// (their writes commit or roll back whole), the HTTP timeout bounds them.
    pub query_timeout_ms: u64,
    /// Take the client's address from the last `X-Forwarded-For` entry
    /// (`HOMEROOM_TRUST_FORWARDED_FOR`; only behind a reverse proxy that sets it). Sign-in
    /// limits count per client address.
    pub trust_forwarded_for: bool,
    /// The delivery worker's first retry delay after a failed attempt
    /// (`HOMEROOM_OUTBOX_BACKOFF_MS`); it doubles each attempt, capped at an hour. `None`: 30 s.
    pub outbox_backoff_ms: Option<u64>,
    /// How long the delivery worker's claim on a message lasts (`HOMEROOM_OUTBOX_LEASE_MS`):
    /// after a crash, messages it was sending are taken over once it runs out. `None`: 120 s.
    pub outbox_lease_ms: Option<u64>,
    /// Longest idle wait between the delivery worker's rounds (`HOMEROOM_OUTBOX_POLL_MS`);
    /// new messages wake it at once, retries are picked up on the next round. `None`: 2 s.
    pub outbox_poll_ms: Option<u64>,
    /// Messages the delivery worker sends at once (`HOMEROOM_OUTBOX_CONCURRENCY`). `None`: 16.
    pub outbox_concurrency: Option<usize>,
}

/// Default of [`Settings::max_response_bytes`]: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Default of [`Settings::query_timeout_ms`]: 15 s.
pub const DEFAULT_QUERY_TIMEOUT_MS: u64 = 15_000;

/// The keys a config file may hold (snake_case, no prefix).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    listen: Option<String>,
    public_url: Option<String>,
    secret_key: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    sms_url: Option<String>,
    sms_token: Option<String>,
    sms_from: Option<String>,
    delivery_webhook_secret: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    import_dir: Option<String>,
    introspection: Option<bool>,
    webhook_allow_private: Option<bool>,
    metrics_token: Option<String>,
    max_response_bytes: Option<usize>,
    query_timeout_ms: Option<u64>,
    trust_forwarded_for: Option<bool>,
    outbox_backoff_ms: Option<u64>,
    outbox_lease_ms: Option<u64>,
    outbox_poll_ms: Option<u64>,
    outbox_concurrency: Option<usize>,
}

/// Values given as flags.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--database-url`.
    pub database_url: Option<String>,
    /// `--listen`.
    pub listen: Option<String>,
}

/// Errors reading settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML of the expected keys.
    #[error("invalid config file {path}: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        source: toml::de::Error,
    },
    /// A value is invalid.
    #[error("invalid setting {key}: {message}")]
    Invalid {
        /// The setting.
        key: &'static str,
        /// Why.
        message: String,
    },
}

/// An on/off setting: `1`, `true`, `on`, `yes` or `0`, `false`, `off`, `no`.
fn switch(key: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        other => Err(ConfigError::Invalid {
            key,
            message: format!("{other:?} is neither on nor off"),
        }),
    }
}

/// A positive number from the environment (wins) or the file.
fn number<T>(
    key: &'static str,
    from_env: Option<String>,
    from_file: Option<T>,
) -> Result<Option<T>, ConfigError>
where
    T: std::str::FromStr + PartialOrd + Default,
{
    let value = match from_env.filter(|v| !v.trim().is_empty()) {
        Some(v) => Some(v.trim().parse::<T>().map_err(|_| ConfigError::Invalid {
            key,
            message: format!("{v:?} is not a whole number"),
        })?),
        None => from_file,
    };
    match value {
        Some(v) if v <= T::default() => Err(ConfigError::Invalid {
            key,
            message: "must be greater than 0".into(),
        }),
        other => Ok(other),
    }
}

impl Settings {
    /// The import root: `HOMEROOM_IMPORT_DIR`, else `imports` beside the SQLite file, else
    /// `imports` in the working directory.
    pub fn import_root(&self) -> std::path::PathBuf {
        if let Some(dir) = &self.import_dir {
            return std::path::PathBuf::from(dir);
        }
        let sqlite = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"));
        match sqlite
            .map(std::path::Path::new)
            .and_then(std::path::Path::parent)
        {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("imports"),
            _ => std::path::PathBuf::from("imports"),
        }
    }

    /// Loads settings from an optional file, the process environment, and flags.
    pub fn load(file: Option<&Path>, flags: &Overrides) -> Result<Settings, ConfigError> {
        Self::load_with(file, flags, |k| std::env::var(k).ok())
    }

    /// Like [`Settings::load`] with an explicit environment (for tests).
    pub fn load_with(
        file: Option<&Path>,
        flags: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let from_file = match file {
            Some(path) => {
                let display = path.display().to_string();
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: display.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: display,
                    source,
                })?
            }
            None => FileSettings::default(),
        };
        let pick = |flag: Option<&String>, var: &str, file: Option<String>| {
            flag.cloned()
                .or_else(|| env(var).filter(|v| !v.is_empty()))
                .or(file)
        };
        let database_url = pick(
            flags.database_url.as_ref(),
            "HOMEROOM_DATABASE_URL",
            from_file.database_url,
        )
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let listen = pick(flags.listen.as_ref(), "HOMEROOM_LISTEN", from_file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let public_url = pick(None, "HOMEROOM_PUBLIC_URL", from_file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let log_format = pick(None, "HOMEROOM_LOG_FORMAT", from_file.log_format)
            .unwrap_or_else(|| "text".to_owned());
        if !matches!(log_format.as_str(), "text" | "json") {
            return Err(ConfigError::Invalid {
                key: "log_format",
                message: format!("{log_format:?} is neither text nor json"),
            });
        }
        Ok(Settings {
            database_url,
            listen,
            public_url: public_url.trim_end_matches('/').to_owned(),
            secret_key: pick(None, "HOMEROOM_SECRET_KEY", from_file.secret_key),
            smtp_url: pick(None, "HOMEROOM_SMTP_URL", from_file.smtp_url),
            mail_from: pick(None, "HOMEROOM_MAIL_FROM", from_file.mail_from)
                .unwrap_or_else(|| "homeroom@localhost".to_owned()),
            sms_url: pick(None, "HOMEROOM_SMS_URL", from_file.sms_url),
            sms_token: pick(None, "HOMEROOM_SMS_TOKEN", from_file.sms_token),
            sms_from: pick(None, "HOMEROOM_SMS_FROM", from_file.sms_from),
            delivery_webhook_secret: pick(
                None,
                "HOMEROOM_DELIVERY_WEBHOOK_SECRET",
                from_file.delivery_webhook_secret,
            ),
            log: pick(None, "HOMEROOM_LOG", from_file.log).unwrap_or_else(|| "info".to_owned()),
            log_format,
            import_dir: pick(None, "HOMEROOM_IMPORT_DIR", from_file.import_dir),
            introspection: match env("HOMEROOM_INTROSPECTION").filter(|v| !v.is_empty()) {
                Some(v) => Some(switch("introspection", &v)?),
                None => from_file.introspection,
            },
            webhook_allow_private: match env("HOMEROOM_WEBHOOK_ALLOW_PRIVATE")
                .filter(|v| !v.is_empty())
            {
                Some(v) => switch("webhook_allow_private", &v)?,
                None => from_file.webhook_allow_private.unwrap_or(false),
            },
            metrics_token: pick(None, "HOMEROOM_METRICS_TOKEN", from_file.metrics_token),
            max_response_bytes: number(
                "max_response_bytes",
                env("HOMEROOM_MAX_RESPONSE_BYTES"),
                from_file.max_response_bytes,
            )?
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            query_timeout_ms: number(
                "query_timeout_ms",
                env("HOMEROOM_QUERY_TIMEOUT_MS"),
                from_file.query_timeout_ms,
            )?
            .unwrap_or(DEFAULT_QUERY_TIMEOUT_MS),
            trust_forwarded_for: match env("HOMEROOM_TRUST_FORWARDED_FOR").filter(|v| !v.is_empty())
            {
                Some(v) => switch("trust_forwarded_for", &v)?,
                None => from_file.trust_forwarded_for.unwrap_or(false),
            },
            outbox_backoff_ms: number(
                "outbox_backoff_ms",
                env("HOMEROOM_OUTBOX_BACKOFF_MS"),
                from_file.outbox_backoff_ms,
            )?,
            outbox_lease_ms: number(
                "outbox_lease_ms",
                env("HOMEROOM_OUTBOX_LEASE_MS"),
                from_file.outbox_lease_ms,
            )?,
            outbox_poll_ms: number(
                "outbox_poll_ms",
                env("HOMEROOM_OUTBOX_POLL_MS"),
                from_file.outbox_poll_ms,
            )?,
            outbox_concurrency: number(
                "outbox_concurrency",
                env("HOMEROOM_OUTBOX_CONCURRENCY"),
                from_file.outbox_concurrency,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn defaults_env_file_and_flags_layer_in_order() {
        let none = |_: &str| None;
        let s = Settings::load_with(None, &Overrides::default(), none).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert_eq!(s.public_url, "http://127.0.0.1:8080");

        let dir = std::env::temp_dir().join(format!("hr-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("homeroom.toml");
        std::fs::write(
            &file,
            "database_url = \"sqlite://file.db\"\nlisten = \"0.0.0.0:1\"\n",
        )
        .unwrap();
        let env: HashMap<&str, &str> = [("HOMEROOM_LISTEN", "127.0.0.1:2")].into();
        let get = |k: &str| env.get(k).map(|v| (*v).to_owned());
        let s = Settings::load_with(Some(&file), &Overrides::default(), get).unwrap();
        assert_eq!(s.database_url, "sqlite://file.db");
        assert_eq!(s.listen, "127.0.0.1:2");
        let flags = Overrides {
            listen: Some("127.0.0.1:3".into()),
            ..Default::default()
        };
        let s = Settings::load_with(Some(&file), &flags, get).unwrap();
        assert_eq!(s.listen, "127.0.0.1:3");

        std::fs::write(&file, "nonsense_key = 1\n").unwrap();
        let err = Settings::load_with(Some(&file), &Overrides::default(), none).unwrap_err();
        assert!(err.to_string().contains("invalid config file"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
