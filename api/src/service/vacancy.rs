//! Reading vacancies, with the visibility rules of the policy and the closing rule applied.

use chrono::{DateTime, SubsecRound, Utc};
use entity::{organisation_acronym, project, vacancy, vacancy_competency, vacancy_duty_station};
use sea_orm::sea_query::{Expr, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    Select,
};

use crate::auth::Actor;
use crate::domain::{ContractType, CountryCode, GradeCategory, VacancyStatus};
use crate::error::{AppError, AppResult};
use crate::policy::{self, VacancyReadScope, PUBLIC_VACANCY_STATUSES};
use crate::service::organisation;
use crate::service::pagination::{paginate, Page, PageRequest};

/// Narrows a vacancy list; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct VacancyFilter {
    pub organisation_id: Option<i32>,
    /// Any acronym of the organisation, in any language (`IOM` or `OIM`).
    pub organisation_acronym: Option<String>,
    pub project_id: Option<i32>,
    pub project_code: Option<String>,
    pub competency_id: Option<i32>,
    /// A duty station in this country.
    pub country: Option<CountryCode>,
    /// A duty station in this city (case-insensitive).
    pub city: Option<String>,
    pub grade: Option<String>,
    pub grade_category: Option<GradeCategory>,
    pub contract_type: Option<ContractType>,
    /// Any of these statuses, as readers see them (a published notice past its deadline is closed).
    pub statuses: Option<Vec<VacancyStatus>>,
    /// Only vacancies accepting applications now.
    pub open_only: bool,
    pub closing_after: Option<DateTime<Utc>>,
    pub closing_before: Option<DateTime<Utc>>,
}

/// The status readers see: a published notice closes by itself at its closing instant.
pub fn effective_status(model: &vacancy::Model, now: DateTime<Utc>) -> AppResult<VacancyStatus> {
    let stored = VacancyStatus::from_db(&model.status)?;
    Ok(match (stored, model.closing_at) {
        (VacancyStatus::Published, Some(closing)) if closing <= now => VacancyStatus::Closed,
        (status, _) => status,
    })
}

fn is_open(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(vacancy::Column::Status.eq(VacancyStatus::Published.as_str()))
        .add(vacancy::Column::ClosingAt.gt(now))
}

/// Rows whose effective status is `status`.
fn has_status(status: VacancyStatus, now: DateTime<Utc>) -> Condition {
    match status {
        VacancyStatus::Published => is_open(now),
        VacancyStatus::Closed => Condition::any()
            .add(vacancy::Column::Status.eq(VacancyStatus::Closed.as_str()))
            .add(
                Condition::all()
                    .add(vacancy::Column::Status.eq(VacancyStatus::Published.as_str()))
                    .add(vacancy::Column::ClosingAt.lte(now)),
            ),
        other => Condition::all().add(vacancy::Column::Status.eq(other.as_str())),
    }
}

fn visible_to(actor: &Actor) -> Condition {
    let public = vacancy::Column::Status.is_in(PUBLIC_VACANCY_STATUSES.map(VacancyStatus::as_str));
    match policy::vacancy_read_scope(actor) {
        VacancyReadScope::All => Condition::all(),
        VacancyReadScope::Public => Condition::all().add(public),
        VacancyReadScope::PublicAndOrganisation(org) => Condition::any()
            .add(public)
            .add(vacancy::Column::OrganisationId.eq(org)),
    }
}

fn lower(expr: impl Into<SimpleExpr>) -> SimpleExpr {
    Func::lower(expr.into()).into()
}

fn apply_filter(
    mut select: Select<vacancy::Entity>,
    filter: &VacancyFilter,
    now: DateTime<Utc>,
) -> Select<vacancy::Entity> {
    if let Some(org) = filter.organisation_id {
        select = select.filter(vacancy::Column::OrganisationId.eq(org));
    }
    if let Some(acronym) = &filter.organisation_acronym {
        let owners = organisation_acronym::Entity::find()
            .select_only()
            .column(organisation_acronym::Column::OrganisationId)
            .filter(organisation_acronym::Column::Acronym.eq(acronym.trim().to_uppercase()))
            .into_query();
        select = select.filter(vacancy::Column::OrganisationId.in_subquery(owners));
    }
    if let Some(project) = filter.project_id {
        select = select.filter(vacancy::Column::ProjectId.eq(project));
    }
    if let Some(code) = &filter.project_code {
        let projects = project::Entity::find()
            .select_only()
            .column(project::Column::Id)
            .filter(project::Column::Code.eq(code.trim().to_uppercase()))
            .into_query();
        select = select.filter(vacancy::Column::ProjectId.in_subquery(projects));
    }
    if let Some(competency) = filter.competency_id {
        let asking = vacancy_competency::Entity::find()
            .select_only()
            .column(vacancy_competency::Column::VacancyId)
            .filter(vacancy_competency::Column::CompetencyId.eq(competency))
            .into_query();
        select = select.filter(vacancy::Column::Id.in_subquery(asking));
    }
    if filter.country.is_some() || filter.city.is_some() {
        let mut stations = vacancy_duty_station::Entity::find()
            .select_only()
            .column(vacancy_duty_station::Column::VacancyId);
        if let Some(country) = &filter.country {
            stations =
                stations.filter(vacancy_duty_station::Column::CountryCode.eq(country.as_str()));
        }
        if let Some(city) = &filter.city {
            stations = stations.filter(
                Expr::expr(lower(Expr::col(vacancy_duty_station::Column::City)))
                    .eq(city.trim().to_lowercase()),
            );
        }
        select = select.filter(vacancy::Column::Id.in_subquery(stations.into_query()));
    }
    if let Some(grade) = &filter.grade {
        select = select.filter(vacancy::Column::Grade.eq(grade.trim().to_uppercase()));
    }
    if let Some(category) = filter.grade_category {
        select = select.filter(vacancy::Column::GradeCategory.eq(category.as_str()));
    }
    if let Some(contract) = filter.contract_type {
        select = select.filter(vacancy::Column::ContractType.eq(contract.as_str()));
    }
    if let Some(statuses) = &filter.statuses {
        let any = statuses.iter().fold(Condition::any(), |any, status| {
            any.add(has_status(*status, now))
        });
        select = select.filter(any);
    }
    if filter.open_only {
        select = select.filter(is_open(now));
    }
    if let Some(after) = filter.closing_after {
        select = select.filter(vacancy::Column::ClosingAt.gte(after));
    }
    if let Some(before) = filter.closing_before {
        select = select.filter(vacancy::Column::ClosingAt.lt(before));
    }
    select
}

pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    page: PageRequest,
) -> AppResult<Page<vacancy::Model>> {
    if let (Some(after), Some(before)) = (filter.closing_after, filter.closing_before) {
        if after > before {
            return Err(AppError::bad_input(
                "filter.closingBefore",
                "`closingBefore` must not be earlier than `closingAfter`",
            ));
        }
    }
    // Whole seconds: the same list asked within a second counts the same rows, so its total
    // can be reused (graphql::count_cache).
    let now = Utc::now().trunc_subsecs(0);
    let select = vacancy::Entity::find().filter(visible_to(actor));
    let select = apply_filter(select, filter, now);
    paginate(db, select, vacancy::Column::Id, page).await
}

fn readable(actor: &Actor, model: vacancy::Model) -> AppResult<vacancy::Model> {
    let status = VacancyStatus::from_db(&model.status)?;
    if policy::can_read_vacancy(actor, model.organisation_id, status) {
        Ok(model)
    } else {
        Err(AppError::NotFound("vacancy"))
    }
}

pub async fn get(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<vacancy::Model> {
    let model = vacancy::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    readable(actor, model)
}

/// A vacancy by its reference within an organisation named by any of its acronyms.
pub async fn get_by_reference(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_acronym: &str,
    reference: &str,
) -> AppResult<vacancy::Model> {
    let org = organisation::find_by_acronym(db, organisation_acronym)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    let model = vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(org.id))
        .filter(vacancy::Column::Reference.eq(reference.trim()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    readable(actor, model)
}
