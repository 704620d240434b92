//! How mail is sent: an SMTP server named by one URL, or, in development without one, `.eml`
//! files in a folder.

use std::path::PathBuf;

use clap::Args;

use super::{ConfigError, Environment};

/// Mail settings.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// The SMTP server: `smtp://user:password@host:587?tls=required` (STARTTLS),
    /// `smtps://user:password@host:465` (TLS), `smtp://host:25` (plain, for a local relay).
    /// Required in production; without it, development writes mails to `MAIL_DIR`.
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The sender of every mail (`Job board <no-reply@jobs.example.org>`). Required in
    /// production.
    #[arg(long, env = "MAIL_FROM")]
    pub mail_from: Option<String>,

    /// Where development writes mails as `.eml` files when `SMTP_URL` is unset.
    #[arg(long, env = "MAIL_DIR", default_value = "target/mail")]
    pub mail_dir: PathBuf,

    /// How often the outbox is polled for mails to send, in milliseconds.
    #[arg(long, env = "MAIL_POLL_INTERVAL_MS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(10..=3_600_000))]
    pub mail_poll_interval_ms: u64,

    /// The wait before a mail that failed for a passing reason is tried again, in
    /// milliseconds; it doubles with each failure (up to six hours).
    #[arg(long, env = "MAIL_RETRY_BASE_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub mail_retry_base_ms: u64,

    /// After this many attempts a mail is marked failed (the default retries for about a day).
    #[arg(long, env = "MAIL_MAX_ATTEMPTS", default_value_t = 12, value_parser = clap::value_parser!(i32).range(1..=100))]
    pub mail_max_attempts: i32,

    /// How often saved searches are looked at for alerts to mail, in seconds (`DAILY` alerts
    /// still go once a day).
    #[arg(long, env = "ALERT_INTERVAL_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub alert_interval_seconds: u64,

    /// The longest one SMTP exchange may take, in seconds.
    #[arg(long, env = "MAIL_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub mail_timeout_seconds: u64,
}

/// The sender in development when none is configured.
const DEVELOPMENT_FROM: &str = "Job board development <no-reply@jobboard.invalid>";

impl MailConfig {
    /// The sender, checked; production must name one and an SMTP server.
    pub fn from(&self, env: Environment) -> Result<lettre::message::Mailbox, ConfigError> {
        if env == Environment::Production && self.smtp_url.is_none() {
            return Err(ConfigError::MissingSmtpUrl);
        }
        let from = match (&self.mail_from, env) {
            (Some(from), _) => from.as_str(),
            (None, Environment::Production) => return Err(ConfigError::MissingMailFrom),
            (None, Environment::Development) => DEVELOPMENT_FROM,
        };
        from.parse().map_err(|_| ConfigError::MailFrom)
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            mail_from: None,
            mail_dir: PathBuf::from("target/mail"),
            mail_poll_interval_ms: 1_000,
            mail_retry_base_ms: 30_000,
            mail_max_attempts: 12,
            alert_interval_seconds: 60,
            mail_timeout_seconds: 30,
        }
    }
}
