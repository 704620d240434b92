//! Sending the outbox: a background worker on every replica claims due mails with a conditional
//! update (so each is sent by one replica), sends them over SMTP (or, in development without a
//! server, writes them as `.eml` files), and records the outcome. A refusal for good (an SMTP
//! 5xx: no such mailbox or domain) fails that mail alone; anything else is retried with backoff.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::mail_outbox;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::domain::MailStatus;
use crate::error::{AppError, AppResult};
use crate::service::retry::{backoff, jitter};

/// Most mails one worker claims per round.
const BATCH: u64 = 20;

/// Where mails go.
#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development without an SMTP server: one `.eml` file per mail in a folder.
    Files(PathBuf),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Smtp"),
            Self::Files(dir) => f.debug_tuple("Files").field(dir).finish(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("SMTP_URL: {0}")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    #[error("MAIL_DIR {dir}: {source}")]
    MailDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl MailTransport {
    /// SMTP from a URL (`smtp://user:pass@host:587?tls=required`, `smtps://host`), or files in
    /// `dir` when there is none.
    pub fn new(
        smtp_url: Option<&str>,
        dir: &std::path::Path,
        timeout: Duration,
    ) -> Result<Self, TransportError> {
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(TransportError::SmtpUrl)?
                    .timeout(Some(timeout))
                    .build();
                Ok(Self::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(dir).map_err(|source| TransportError::MailDir {
                    dir: dir.to_owned(),
                    source,
                })?;
                Ok(Self::Files(dir.to_owned()))
            }
        }
    }

    async fn send(&self, message: Message) -> Result<(), Failure> {
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|error| {
                if error.is_permanent() {
                    Failure::Permanent(describe(&error))
                } else {
                    Failure::Transient(describe(&error))
                }
            }),
            Self::Files(dir) => AsyncFileTransport::<Tokio1Executor>::new(dir)
                .send(message)
                .await
                .map(drop)
                .map_err(|_| Failure::Transient("could not write the mail file".to_owned())),
        }
    }
}

/// A short account of an SMTP failure, for the outbox (the server's code and first words).
fn describe(error: &lettre::transport::smtp::Error) -> String {
    let text = error.to_string();
    text.chars().take(280).collect()
}

/// Why a mail was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    /// Retrying will not help: the mail fails.
    Permanent(String),
    /// Worth another try later.
    Transient(String),
}

/// How mails are sent and retried, from the configuration.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub from: Mailbox,
    pub poll_interval: Duration,
    /// The wait before the first retry; each further retry waits twice as long.
    pub retry_base: Duration,
    /// After this many attempts a mail fails.
    pub max_attempts: i32,
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): a POST to the link
/// unsubscribes, with no page in between.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// `Content-Language`, so that mail clients (and screen readers) know the language.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The message of a queued mail; an address that cannot be one fails for good.
fn message(from: &Mailbox, mail: &mail_outbox::Model) -> Result<Message, Failure> {
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|_| Failure::Permanent("not an e-mail address".to_owned()))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentLanguage(mail.language.clone()));
    if let Some(url) = &mail.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(url.clone()))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text_body.clone().unwrap_or_default(),
            mail.html_body.clone().unwrap_or_default(),
        ))
        .map_err(|_| Failure::Permanent("the message could not be built".to_owned()))
}

/// Sends due mails, on every replica; a mail is claimed by one of them at a time.
#[derive(Clone)]
pub struct MailWorker {
    db: DatabaseConnection,
    settings: MailSettings,
    /// Names this worker in the mails it claims.
    id: String,
}

impl MailWorker {
    pub fn new(db: DatabaseConnection, settings: MailSettings) -> Self {
        Self {
            db,
            settings,
            id: Uuid::new_v4().simple().to_string(),
        }
    }

    /// Polls for due mails until the task is dropped.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn run(self) {
        let mut ticks = tokio::time::interval(self.settings.poll_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(AppError::Internal(source)) = self.run_once().await {
                tracing::warn!(error = %source, "mail: round failed");
            }
        }
    }

    /// Claims the mails that are due and sends them one after the other (a mail server takes
    /// them in turn anyway); returns how many were sent or failed.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn run_once(&self) -> AppResult<usize> {
        let claimed = self.claim_due(Utc::now()).await?;
        let count = claimed.len();
        for mail in claimed {
            let outcome = match message(&self.settings.from, &mail) {
                Ok(message) => self.settings.transport.send(message).await,
                Err(failure) => Err(failure),
            };
            if let (Ok(()), MailTransport::Files(dir)) = (&outcome, &self.settings.transport) {
                tracing::info!(mail = mail.id, kind = %mail.kind, dir = %dir.display(), "mail written as a file (no SMTP_URL)");
            }
            self.record(&mail, outcome).await?;
        }
        Ok(count)
    }

    /// A claim lasts longer than any send, so only a worker that died while sending loses it.
    fn lease() -> chrono::Duration {
        chrono::Duration::minutes(5)
    }

    async fn claim_due(&self, now: DateTime<Utc>) -> AppResult<Vec<mail_outbox::Model>> {
        use mail_outbox::Column as C;

        let pending = MailStatus::Pending.as_str();
        let unclaimed = || {
            Condition::any()
                .add(C::LockedUntil.is_null())
                .add(C::LockedUntil.lt(now))
        };
        let due = mail_outbox::Entity::find()
            .filter(C::Status.eq(pending))
            .filter(C::NextAttemptAt.lte(now))
            .filter(unclaimed())
            .order_by_asc(C::NextAttemptAt)
            .order_by_asc(C::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let mut claimed = Vec::new();
        for mail in due {
            let won = mail_outbox::Entity::update_many()
                .col_expr(C::LockedUntil, Expr::value(Some(now + Self::lease())))
                .col_expr(C::ClaimedBy, Expr::value(Some(self.id.clone())))
                .filter(C::Id.eq(mail.id))
                .filter(C::Status.eq(pending))
                .filter(C::Attempts.eq(mail.attempts))
                .filter(unclaimed())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if won {
                claimed.push(mail);
            }
        }
        Ok(claimed)
    }

    /// Stores an attempt's outcome, if this worker still holds the claim. A sent mail loses its
    /// bodies: they may hold single-use links, and nobody needs them any more.
    async fn record(
        &self,
        mail: &mail_outbox::Model,
        outcome: Result<(), Failure>,
    ) -> AppResult<()> {
        use mail_outbox::Column as C;

        let now = Utc::now();
        let attempts = mail.attempts + 1;
        let (status, next_attempt_at, error) = match &outcome {
            Ok(()) => (MailStatus::Sent, now, None),
            Err(Failure::Permanent(error)) => (MailStatus::Failed, now, Some(error.clone())),
            Err(Failure::Transient(error)) if attempts >= self.settings.max_attempts => {
                (MailStatus::Failed, now, Some(error.clone()))
            }
            Err(Failure::Transient(error)) => {
                let wait = backoff(self.settings.retry_base, attempts, jitter());
                let wait = chrono::Duration::from_std(wait).map_err(AppError::internal)?;
                (MailStatus::Pending, now + wait, Some(error.clone()))
            }
        };
        crate::metrics::outbox_attempt("mail", outbox_outcome(status));
        let mut update = mail_outbox::Entity::update_many()
            .col_expr(C::Status, Expr::value(status.as_str()))
            .col_expr(C::Attempts, Expr::value(attempts))
            .col_expr(C::NextAttemptAt, Expr::value(next_attempt_at))
            .col_expr(C::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(C::LastError, Expr::value(error.clone()));
        if status != MailStatus::Pending {
            update = update
                .col_expr(C::TextBody, Expr::value(Option::<String>::None))
                .col_expr(C::HtmlBody, Expr::value(Option::<String>::None));
        }
        if status == MailStatus::Sent {
            update = update.col_expr(C::SentAt, Expr::value(Some(now)));
        }
        update
            .filter(C::Id.eq(mail.id))
            .filter(C::ClaimedBy.eq(self.id.as_str()))
            .exec(&self.db)
            .await?;
        if let Some(error) = error {
            tracing::info!(
                mail = mail.id,
                kind = %mail.kind,
                attempts,
                status = status.as_str(),
                %error,
                "mail not sent"
            );
        }
        Ok(())
    }
}

/// How an attempt is counted in the metrics.
fn outbox_outcome(status: MailStatus) -> &'static str {
    match status {
        MailStatus::Pending => "retry",
        MailStatus::Failed => "failed",
        _ => "delivered",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(recipient: &str) -> mail_outbox::Model {
        let now = Utc::now();
        mail_outbox::Model {
            id: 1,
            kind: "verify_email".into(),
            recipient: recipient.into(),
            language: "fr".into(),
            subject: "Confirmez votre adresse e-mail".into(),
            text_body: Some("Bonjour".into()),
            html_body: Some("<p>Bonjour</p>".into()),
            list_unsubscribe: Some("https://jobs.example.org/unsubscribe?token=t".into()),
            status: "PENDING".into(),
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            claimed_by: None,
            last_error: None,
            sent_at: None,
            created_at: now,
        }
    }

    #[test]
    fn messages_carry_both_parts_the_language_and_one_click_unsubscribe() {
        let from: Mailbox = "Job board <no-reply@jobs.example.org>".parse().unwrap();
        let formatted = String::from_utf8(
            message(&from, &queued("amina@example.org"))
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(formatted.contains("Content-Language: fr"), "{formatted}");
        assert!(
            formatted.contains("List-Unsubscribe: <https://jobs.example.org/unsubscribe?token=t>")
        );
        assert!(formatted.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(formatted.contains("multipart/alternative"));
    }

    #[test]
    fn an_impossible_address_fails_for_good() {
        let from: Mailbox = "no-reply@jobs.example.org".parse().unwrap();
        assert!(matches!(
            message(&from, &queued("not an address")),
            Err(Failure::Permanent(_))
        ));
    }
}
