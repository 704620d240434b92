//! Applications: candidates apply and withdraw; recruiters of the posting organisation screen
//! and decide. An application is visible to its candidate and to that organisation's staff
//! only; to anyone else it does not exist.

mod access;
mod anonymise;
mod apply;
mod digest;
pub mod documents;
mod export;
pub mod form;
mod notify;
pub mod relocate;
mod screening;
mod status;
pub mod storage;

use entity::{application, vacancy};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};

use crate::auth::Actor;
use crate::domain::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::pagination::{
    paginate, paginate_flag_first, paginate_newest_first, Page, PageRequest,
};

pub(crate) use access::log_of as access_log_of;
pub use access::{access_log, read, AccessEntry};
pub use anonymise::anonymise;
pub use apply::{apply, ApplyInput, RefereeInput, Upload};
pub use digest::send_due_digests;
pub use documents::{delete_for_applications, document, documents_of, DocumentMeta};
pub use export::{export, ExportRow};
pub(crate) use screening::unmet_json;
pub use screening::{
    candidate_profile, eligibility_of, nationality_countries, requirements, requirements_from,
    requirements_of_many, screen_unscreened,
};
pub use status::{update_status, withdraw};

/// Whether the caller may apply at all (a signed-in candidate), settled before anything it
/// sends is read.
pub fn may_apply(actor: &Actor) -> AppResult<()> {
    policy::apply_as_candidate(actor).map(|_| ())
}

#[derive(Debug, thiserror::Error)]
#[error("stored application holds a bad value: {0}")]
pub(super) struct BadRow(pub(super) String);

/// Whether the caller may see this application: its candidate, or the posting organisation's
/// staff. Not found for anyone else; `FORBIDDEN` for the organisation's tokens without the scope.
async fn check_visible(
    actor: &Actor,
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<()> {
    if actor.account_id() == Some(row.candidate_id) {
        return Ok(());
    }
    let organisation = posting_organisation(db, row)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    policy::read_applications_object(actor, organisation, "application")
}

#[tracing::instrument(level = "debug", skip(db))]
pub async fn get(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<application::Model> {
    policy::signed_in(actor)?;
    let row = application::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("application"))?;
    check_visible(actor, db, &row).await?;
    Ok(row)
}

/// The caller's own applications, newest first.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn mine(
    actor: &Actor,
    db: &DatabaseConnection,
    page: PageRequest,
) -> AppResult<Page<application::Model>> {
    let candidate = policy::apply_as_candidate(actor)?;
    let select = application::Entity::find().filter(application::Column::CandidateId.eq(candidate));
    paginate_newest_first(db, select, application::Column::Id, page).await
}

/// Narrows a vacancy's applications.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub statuses: Option<Vec<ApplicationStatus>>,
    pub eligible: Option<bool>,
}

/// How to order a vacancy's applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplicationOrder {
    #[default]
    SubmittedFirst,
    SubmittedLast,
    /// Eligible applications first, each group oldest first.
    EligibleFirst,
}

/// A vacancy whose applications the caller may read (its organisation's staff); for anyone
/// else it does not exist, and the organisation's tokens without the scope are refused.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn own_vacancy(
    actor: &Actor,
    db: &impl ConnectionTrait,
    vacancy_id: i32,
) -> AppResult<vacancy::Model> {
    policy::signed_in(actor)?;
    let row = vacancy::Entity::find_by_id(vacancy_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    policy::read_applications_object(actor, row.organisation_id, "vacancy")?;
    Ok(row)
}

#[tracing::instrument(level = "debug", skip(db))]
pub async fn for_vacancy(
    actor: &Actor,
    db: &DatabaseConnection,
    vacancy_id: i32,
    filter: &ApplicationFilter,
    order: ApplicationOrder,
    page: PageRequest,
) -> AppResult<Page<application::Model>> {
    own_vacancy(actor, db, vacancy_id).await?;
    let mut select =
        application::Entity::find().filter(application::Column::VacancyId.eq(vacancy_id));
    if let Some(statuses) = &filter.statuses {
        select =
            select.filter(application::Column::Status.is_in(statuses.iter().map(|s| s.as_str())));
    }
    if let Some(eligible) = filter.eligible {
        select = select.filter(application::Column::Eligible.eq(eligible));
    }
    match order {
        ApplicationOrder::SubmittedFirst => {
            paginate(db, select, application::Column::Id, page).await
        }
        ApplicationOrder::SubmittedLast => {
            paginate_newest_first(db, select, application::Column::Id, page).await
        }
        ApplicationOrder::EligibleFirst => {
            paginate_flag_first(
                db,
                select,
                application::Column::Eligible,
                application::Column::Id,
                page,
            )
            .await
        }
    }
}

/// Applications per vacancy and status, for many vacancies in one statement. Callers check
/// that the caller may see each vacancy's counts (`policy::read_applications` on its organisation).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn counts_by_status(
    db: &impl ConnectionTrait,
    vacancy_ids: &[i32],
) -> AppResult<Vec<(i32, ApplicationStatus, i64)>> {
    let rows: Vec<(i32, String, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::VacancyId)
        .column(application::Column::Status)
        .column_as(application::Column::Id.count(), "n")
        .filter(application::Column::VacancyId.is_in(vacancy_ids.iter().copied()))
        .group_by(application::Column::VacancyId)
        .group_by(application::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(vacancy, status, n)| Ok((vacancy, ApplicationStatus::from_db(&status)?, n)))
        .collect()
}

/// The organisation that posted the application's vacancy.
async fn posting_organisation(
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<Option<i32>> {
    Ok(vacancy::Entity::find_by_id(row.vacancy_id)
        .select_only()
        .column(vacancy::Column::OrganisationId)
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

/// Whether the caller may read the staff's notes on the application's status changes.
#[tracing::instrument(level = "debug", skip(db, row))]
pub async fn can_read_notes(
    actor: &Actor,
    db: &impl ConnectionTrait,
    row: &application::Model,
) -> AppResult<bool> {
    let organisation = posting_organisation(db, row).await?;
    Ok(organisation.is_some_and(|org| policy::can_read_staff_notes(actor, org)))
}

/// Whether the caller may see who made a status change (`mover`) to an application to one of
/// `posting_organisation`'s vacancies.
pub fn can_see_who_moved(actor: &Actor, mover: i32, posting_organisation: i32) -> bool {
    policy::can_see_who_moved(actor, mover, posting_organisation)
}

/// Whether the caller may read the pipeline counts of `posting_organisation`'s vacancies.
pub fn can_read_pipeline(actor: &Actor, posting_organisation: i32) -> bool {
    policy::can_read_staff_notes(actor, posting_organisation)
}

/// The vacancy an application was made to. Whoever sees the application sees its vacancy.
#[tracing::instrument(level = "debug", skip(db, row))]
pub async fn vacancy_of(
    db: &DatabaseConnection,
    row: &application::Model,
) -> AppResult<vacancy::Model> {
    vacancy::Entity::find_by_id(row.vacancy_id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::internal(BadRow(format!("application {} lost its vacancy", row.id)))
        })
}
