//! What one is mailed: one's notification preferences, and for platform admins the outbox of
//! mails waiting or failed.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::mail_outbox;

use crate::domain::MailStatus;
use crate::error::AppError;
use crate::graphql::context;
use crate::service;
use crate::service::account::PreferencesUpdate;

/// What one is mailed, and in which language.
#[derive(SimpleObject)]
pub struct NotificationPreferences {
    /// The language of one's mails: `en`, `fr` or `ar`.
    language: String,
    /// Mails about the steps of one's applications that organisations announce (a receipt for
    /// each application is always sent).
    application_updates: bool,
    /// For recruiters and agency admins: a daily digest of new applications to their
    /// organisation's vacancies.
    recruiter_digest: bool,
}

impl From<service::account::NotificationPreferences> for NotificationPreferences {
    fn from(p: service::account::NotificationPreferences) -> Self {
        Self {
            language: p.language,
            application_updates: p.application_updates,
            recruiter_digest: p.recruiter_digest,
        }
    }
}

/// A change to one's notification preferences; what is left out stays as it is.
#[derive(InputObject)]
pub struct NotificationPreferencesInput {
    /// `en`, `fr` or `ar`.
    language: Option<String>,
    application_updates: Option<bool>,
    recruiter_digest: Option<bool>,
}

/// A mail in the outbox, as platform admins see it (never its body: it may hold a single-use
/// link).
#[derive(Clone)]
pub struct OutboxMail(mail_outbox::Model);

/// A mail in the outbox, as platform admins see it (never its body: it may hold a single-use
/// link).
#[Object]
impl OutboxMail {
    /// A number identifying the mail in the logs.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Which template it was written from (`verify_email`, `saved_search_alert`, …).
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    async fn recipient(&self) -> &str {
        &self.0.recipient
    }

    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn status(&self) -> Result<MailStatus> {
        Ok(MailStatus::from_db(&self.0.status)?)
    }

    /// How many times sending it was tried.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }

    /// Why the last attempt failed (the mail server's answer).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }

    /// When the next attempt is due, for a pending mail.
    async fn next_attempt_at(&self) -> DateTime<Utc> {
        self.0.next_attempt_at
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Mails in one status.
#[derive(SimpleObject)]
pub struct MailOutbox {
    /// How many mails are in this status.
    total_count: u64,
    /// The oldest of them.
    mails: Vec<OutboxMail>,
}

#[derive(Default)]
pub struct MailQuery;

#[Object]
impl MailQuery {
    /// The signed-in person's notification preferences.
    async fn notification_preferences(&self, ctx: &Context<'_>) -> Result<NotificationPreferences> {
        let prefs = service::account::preferences(context::actor(ctx)?, context::db(ctx)?).await?;
        Ok(prefs.into())
    }

    /// Mails waiting to be sent (`PENDING`) or given up on (`FAILED`), oldest first: whether the
    /// mail server is reachable, and who did not get what. For platform admins.
    async fn mail_outbox(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which mails.", default_with = "MailStatus::Failed")] status: MailStatus,
        #[graphql(desc = "How many, up to 100.", default = 50)] first: i32,
    ) -> Result<MailOutbox> {
        if first < 1 {
            return Err(AppError::bad_input("first", "`first` must be at least 1").into());
        }
        let page = service::mail::outbox(
            context::actor(ctx)?,
            context::db(ctx)?,
            status,
            u64::try_from(first).unwrap_or(1),
        )
        .await?;
        Ok(MailOutbox {
            total_count: page.total,
            mails: page.mails.into_iter().map(OutboxMail).collect(),
        })
    }
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    /// Changes what the signed-in person is mailed, and in which language.
    async fn update_notification_preferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The settings to change.")] input: NotificationPreferencesInput,
    ) -> Result<NotificationPreferences> {
        let prefs = service::account::update_preferences(
            context::actor(ctx)?,
            context::db(ctx)?,
            PreferencesUpdate {
                language: input.language,
                application_updates: input.application_updates,
                recruiter_digest: input.recruiter_digest,
            },
        )
        .await?;
        Ok(prefs.into())
    }
}
