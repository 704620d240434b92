//! How long personal data and delivery records are kept; housekeeping (and the `retention`
//! command) removes what is older.

use clap::Args;

/// Retention periods.
#[derive(Debug, Clone, Args)]
pub struct RetentionConfig {
    /// Months after a vacancy closes (its closing instant passed, or it was closed, archived or
    /// cancelled) before its applications are anonymised and their documents deleted; HIRED
    /// applications and held accounts are kept.
    #[arg(long, env = "RETENTION_MONTHS_AFTER_CLOSING", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=600))]
    pub retention_months_after_closing: u32,

    /// Days webhook deliveries (delivered or failed) are kept, with their payloads.
    #[arg(long, env = "WEBHOOK_DELIVERY_RETENTION_DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub webhook_delivery_retention_days: u32,

    /// Days sent and failed mails are kept in the outbox (who was mailed what, when).
    #[arg(long, env = "MAIL_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub mail_retention_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            retention_months_after_closing: 24,
            webhook_delivery_retention_days: 90,
            mail_retention_days: 30,
        }
    }
}
