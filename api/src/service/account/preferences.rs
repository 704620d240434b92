//! What a person is mailed, and in which language: read and changed by the person, and turned
//! off from a mail's unsubscribe link without signing in.

use chrono::Utc;
use entity::{account, saved_search};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use crate::auth::Actor;
use crate::domain::WrittenLanguage;
use crate::domain::{AlertFrequency, Role};
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::mail::Unsubscribe;

/// A person's mail settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationPreferences {
    /// `en`, `fr` or `ar`.
    pub language: String,
    /// Mails about the steps of one's applications that organisations announce.
    pub application_updates: bool,
    /// A recruiter's daily digest of new applications.
    pub recruiter_digest: bool,
}

/// A change to them; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default)]
pub struct PreferencesUpdate {
    pub language: Option<String>,
    pub application_updates: Option<bool>,
    pub recruiter_digest: Option<bool>,
}

impl From<&account::Model> for NotificationPreferences {
    fn from(row: &account::Model) -> Self {
        Self {
            language: row.language.clone(),
            application_updates: row.notify_application_updates,
            recruiter_digest: row.recruiter_digest,
        }
    }
}

async fn own(actor: &Actor, db: &DatabaseConnection) -> AppResult<account::Model> {
    let id = policy::manage_own_account(actor)?;
    account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The caller's mail settings.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn preferences(
    actor: &Actor,
    db: &DatabaseConnection,
) -> AppResult<NotificationPreferences> {
    Ok((&own(actor, db).await?).into())
}

/// Changes the caller's mail settings.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn update_preferences(
    actor: &Actor,
    db: &DatabaseConnection,
    update: PreferencesUpdate,
) -> AppResult<NotificationPreferences> {
    let row = own(actor, db).await?;
    let language = match update.language.as_deref() {
        None => None,
        Some(code) => Some(
            WrittenLanguage::parse(code)
                .filter(|language| language.code() == code.trim().to_lowercase())
                .ok_or_else(|| {
                    AppError::bad_input("input.language", "the language must be `en`, `fr` or `ar`")
                })?,
        ),
    };
    if update.recruiter_digest == Some(true) && !Role::from_db(&row.role)?.belongs_to_organisation()
    {
        return Err(AppError::bad_input(
            "input.recruiterDigest",
            "the digest of new applications is for an organisation's recruiters and admins",
        ));
    }
    let version = row.version;
    let mut active: account::ActiveModel = row.into();
    if let Some(language) = language {
        active.language = Set(language.code().to_owned());
    }
    if let Some(updates) = update.application_updates {
        active.notify_application_updates = Set(updates);
    }
    if let Some(digest) = update.recruiter_digest {
        active.recruiter_digest = Set(digest);
    }
    active.version = Set(version + 1);
    active.updated_at = Set(Utc::now());
    let row = active.update(db).await?;
    Ok((&row).into())
}

/// Stops what a verified unsubscribe link names. Stopping what is stopped already, or what no
/// longer exists, is not an error: the link did its job.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn unsubscribe(db: &DatabaseConnection, what: Unsubscribe) -> AppResult<()> {
    match what {
        Unsubscribe::SavedSearch { id } => {
            saved_search::Entity::update_many()
                .col_expr(
                    saved_search::Column::Alert,
                    Expr::value(AlertFrequency::Off.as_str()),
                )
                .filter(saved_search::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Unsubscribe::ApplicationUpdates { account: id } => {
            account::Entity::update_many()
                .col_expr(
                    account::Column::NotifyApplicationUpdates,
                    Expr::value(false),
                )
                .filter(account::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Unsubscribe::RecruiterDigest { account: id } => {
            account::Entity::update_many()
                .col_expr(account::Column::RecruiterDigest, Expr::value(false))
                .filter(account::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
