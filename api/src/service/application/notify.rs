//! The candidate's mails about an application: the receipt on applying, and the steps its
//! organisation announces. Each is queued in the transaction of the change it tells of.

use entity::{application, vacancy};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::json;

use crate::domain::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::service::mail::{Mail, MailKind, Mailer, Unsubscribe};
use crate::service::notice_facts::{
    account, language_of, organisation_name, organisation_of, texts_of, title_in,
};
use crate::service::organisation::announced_statuses;

/// Queues the candidate's receipt for `row`, an application to `vacancy`.
pub(super) async fn queue_receipt(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    row: &application::Model,
    vacancy: &vacancy::Model,
) -> AppResult<()> {
    let candidate = account(conn, row.candidate_id).await?;
    let language = language_of(&candidate);
    let org = organisation_of(conn, vacancy).await?;
    let title = title_in(&texts_of(conn, &[vacancy.id]).await?, vacancy, language);
    mailer
        .queue(
            conn,
            Mail {
                kind: MailKind::ApplicationReceived,
                to: candidate.email.clone(),
                language,
                context: json!({
                    "name": candidate.full_name,
                    "vacancy_title": title,
                    "reference": vacancy.reference,
                    "organisation": organisation_name(&org, language),
                }),
                unsubscribe: None,
            },
        )
        .await
}

/// Queues the mail telling the candidate that `row` moved to `to`, if the posting organisation
/// announces that step and the candidate wants to hear of them.
pub(super) async fn queue_status(
    conn: &impl ConnectionTrait,
    mailer: &Mailer,
    row: &application::Model,
    to: ApplicationStatus,
) -> AppResult<()> {
    let vacancy = vacancy::Entity::find_by_id(row.vacancy_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    let org = organisation_of(conn, &vacancy).await?;
    if !announced_statuses(&org)?.contains(&to) {
        return Ok(());
    }
    let candidate = account(conn, row.candidate_id).await?;
    if !candidate.notify_application_updates {
        return Ok(());
    }
    let language = language_of(&candidate);
    let title = title_in(&texts_of(conn, &[vacancy.id]).await?, &vacancy, language);
    mailer
        .queue(
            conn,
            Mail {
                kind: MailKind::ApplicationStatus,
                to: candidate.email.clone(),
                language,
                context: json!({
                    "name": candidate.full_name,
                    "vacancy_title": title,
                    "reference": vacancy.reference,
                    "organisation": organisation_name(&org, language),
                    "status": to.as_str(),
                }),
                unsubscribe: Some(mailer.unsubscribe_link(
                    Unsubscribe::ApplicationUpdates {
                        account: candidate.id,
                    },
                    language,
                )),
            },
        )
        .await
}
