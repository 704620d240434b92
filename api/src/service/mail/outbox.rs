//! What platform admins see of the outbox: mails waiting or failed, never their bodies.

use entity::mail_outbox;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::auth::Actor;
use crate::domain::MailStatus;
use crate::error::AppResult;
use crate::policy;

/// The most mails one page lists.
pub const MAX_PAGE: u64 = 100;

/// Mails in one status, oldest first, and how many there are in all.
#[derive(Debug, Clone)]
pub struct OutboxPage {
    pub total: u64,
    pub mails: Vec<mail_outbox::Model>,
}

/// The mails in `status`, oldest first (at most `first`, up to [`MAX_PAGE`]), for platform
/// admins. Bodies are not read: they may hold single-use links.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    status: MailStatus,
    first: u64,
) -> AppResult<OutboxPage> {
    policy::read_mail_outbox(actor)?;
    let query = mail_outbox::Entity::find().filter(mail_outbox::Column::Status.eq(status.as_str()));
    let total = query.clone().count(db).await?;
    let mails = query
        .order_by_asc(mail_outbox::Column::NextAttemptAt)
        .order_by_asc(mail_outbox::Column::Id)
        .limit(first.clamp(1, MAX_PAGE))
        .all(db)
        .await?
        .into_iter()
        .map(|mut mail| {
            mail.text_body = None;
            mail.html_body = None;
            mail
        })
        .collect();
    Ok(OutboxPage { total, mails })
}
