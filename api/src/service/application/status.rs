//! Moving an application along the hiring pipeline, and the candidate withdrawing it.

use chrono::Utc;
use entity::{application, application_event};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::notify::queue_status;
use super::{get, own_vacancy};
use crate::auth::Actor;
use crate::domain::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::events::{self, ApplicationFacts, DomainEvent};
use crate::service::mail::Mailer;

pub(super) async fn record_event(
    db: &impl ConnectionTrait,
    actor: &Actor,
    application_id: i32,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
    note: Option<String>,
) -> AppResult<()> {
    application_event::ActiveModel {
        application_id: Set(application_id),
        actor_id: Set(actor.account_id()),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        note: Set(note),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Moves an application along the hiring pipeline, and mails the candidate if the posting
/// organisation announces the new step. Two recruiters moving it at once cannot both win: the
/// second finds it changed and gets CONFLICT.
#[tracing::instrument(level = "debug", skip(db, mailer))]
pub async fn update_status(
    actor: &Actor,
    db: &DatabaseConnection,
    mailer: &Mailer,
    id: i32,
    to: ApplicationStatus,
    note: Option<String>,
    version: Option<i32>,
) -> AppResult<application::Model> {
    let row = get(actor, db, id).await?;
    // The candidate sees the application but may not move it.
    let vacancy = own_vacancy(actor, db, row.vacancy_id)
        .await
        .map_err(|_| AppError::Forbidden)?;
    policy::move_applications(actor, vacancy.organisation_id)?;
    let from = ApplicationStatus::from_db(&row.status)?;
    if !from.can_move_to(to) || to == ApplicationStatus::Withdrawn {
        return Err(AppError::Conflict(format!(
            "an application cannot move from {} to {}",
            from.as_str(),
            to.as_str()
        )));
    }
    if version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(
            "the application changed since you read it".into(),
        ));
    }
    move_status(actor, db, row, from, to, note, Some(mailer)).await
}

async fn move_status(
    actor: &Actor,
    db: &DatabaseConnection,
    row: application::Model,
    from: ApplicationStatus,
    to: ApplicationStatus,
    note: Option<String>,
    announce_with: Option<&Mailer>,
) -> AppResult<application::Model> {
    let txn = crate::db::begin_write(db).await?;
    let result = application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(to.as_str()))
        .col_expr(application::Column::Version, Expr::value(row.version + 1))
        .col_expr(application::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(application::Column::Id.eq(row.id))
        .filter(application::Column::Version.eq(row.version))
        .filter(application::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict(
            "someone else moved this application first; reload it".into(),
        ));
    }
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    record_event(&txn, actor, row.id, Some(from), to, note).await?;
    let updated = application::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    events::record(
        &txn,
        DomainEvent::ApplicationStatusChanged {
            application: ApplicationFacts::load(&txn, &updated).await?,
            from,
        },
    )
    .await?;
    if let Some(mailer) = announce_with {
        queue_status(&txn, mailer, &updated, to).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

/// The candidate takes an application back, until a decision is made.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn withdraw(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<application::Model> {
    let candidate = policy::act_as_candidate(actor)?;
    let row = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|a| a.candidate_id == candidate)
        .ok_or(AppError::NotFound("application"))?;
    let from = ApplicationStatus::from_db(&row.status)?;
    if !from.can_move_to(ApplicationStatus::Withdrawn) {
        return Err(AppError::Conflict(format!(
            "an application that is {} cannot be withdrawn",
            from.as_str()
        )));
    }
    // The candidate withdrew it: there is nothing to tell them.
    move_status(
        actor,
        db,
        row,
        from,
        ApplicationStatus::Withdrawn,
        None,
        None,
    )
    .await
}
