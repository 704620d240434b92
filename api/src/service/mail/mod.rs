//! Mail: every message is written from its template when the change that causes it is made, and
//! queued in the outbox in that change's transaction, so a mail is never sent for a change that
//! rolled back nor lost for one that committed. `delivery.rs` sends the outbox; `links.rs` signs
//! the unsubscribe links; `templates.rs` writes the messages.

pub mod delivery;
pub mod links;
mod outbox;
mod templates;

use chrono::{DateTime, Utc};
use entity::mail_outbox;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::domain::{MailStatus, WrittenLanguage};
use crate::error::{AppError, AppResult};

pub use links::{LinkSigner, Unsubscribe};
pub use outbox::{list as outbox, OutboxPage};
pub use templates::{render, Rendered};

/// What a mail is: each kind has a template per language under `api/templates/mail/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// The link that proves a new account's address.
    VerifyEmail,
    /// To the owner of an address someone tried to register again.
    AlreadyRegistered,
    /// The link that sets a new password.
    PasswordReset,
    /// Said after a password changed, in case it was not the owner.
    PasswordChanged,
    /// An invitation to an organisation's staff.
    Invitation,
    /// A candidate's receipt for an application.
    ApplicationReceived,
    /// A step of an application the organisation announces.
    ApplicationStatus,
    /// A recruiter's daily digest of new applications.
    RecruiterDigest,
    /// New vacancies matching a saved search.
    SavedSearchAlert,
}

impl MailKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::AlreadyRegistered => "already_registered",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::Invitation => "invitation",
            Self::ApplicationReceived => "application_received",
            Self::ApplicationStatus => "application_status",
            Self::RecruiterDigest => "recruiter_digest",
            Self::SavedSearchAlert => "saved_search_alert",
        }
    }
}

/// A mail to queue: who to, in which language, from which template and with what facts.
#[derive(Debug, Clone)]
pub struct Mail<C: Serialize> {
    pub kind: MailKind,
    pub to: String,
    pub language: WrittenLanguage,
    /// The facts the template reads (names, titles, links).
    pub context: C,
    /// The one-click unsubscribe link, for alerts and notifications.
    pub unsubscribe: Option<String>,
}

/// Where links in mails point, and the key that signs unsubscribe links: what a service needs
/// to write mails.
#[derive(Clone)]
pub struct Mailer {
    /// The address the server is reached at, without a trailing slash.
    base_url: String,
    signer: LinkSigner,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    pub fn new(base_url: &str, signer: LinkSigner) -> Self {
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            signer,
        }
    }

    /// An absolute link to `path` on this server with a token (and the mail's language, so the
    /// page answers in it).
    pub fn link(&self, path: &str, token: &str, language: WrittenLanguage) -> String {
        format!(
            "{}{path}?token={token}&lang={}",
            self.base_url,
            language.code()
        )
    }

    /// An absolute link to a page of this server.
    pub fn page(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The signed one-click unsubscribe link for `what`.
    pub fn unsubscribe_link(&self, what: Unsubscribe, language: WrittenLanguage) -> String {
        self.link(
            "/unsubscribe",
            &self.signer.sign(what, Utc::now()),
            language,
        )
    }

    pub fn signer(&self) -> &LinkSigner {
        &self.signer
    }

    /// Writes `mail` from its template and queues it on `conn`: pass the transaction of the
    /// change that causes it.
    pub async fn queue<C: Serialize>(
        &self,
        conn: &impl ConnectionTrait,
        mail: Mail<C>,
    ) -> AppResult<()> {
        let rendered = render(
            mail.kind,
            mail.language,
            &mail.context,
            mail.unsubscribe.as_deref(),
        )?;
        queue_rendered(conn, &mail, rendered, Utc::now()).await
    }
}

async fn queue_rendered<C: Serialize>(
    conn: &impl ConnectionTrait,
    mail: &Mail<C>,
    rendered: Rendered,
    now: DateTime<Utc>,
) -> AppResult<()> {
    mail_outbox::ActiveModel {
        kind: Set(mail.kind.as_str().to_owned()),
        recipient: Set(mail.to.clone()),
        language: Set(mail.language.code().to_owned()),
        subject: Set(rendered.subject),
        text_body: Set(Some(rendered.text)),
        html_body: Set(Some(rendered.html)),
        list_unsubscribe: Set(mail.unsubscribe.clone()),
        status: Set(MailStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(AppError::from)?;
    Ok(())
}
