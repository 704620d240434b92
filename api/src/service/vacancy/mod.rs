//! Reading vacancies, with the visibility rules of the policy and the closing rule applied.

pub mod children;
pub mod facets;
pub mod feed;
pub mod input;
pub mod job_posting;
pub mod listing;
pub mod notice;
pub mod order;
pub mod related;
pub mod search_document;
pub mod search_query;
pub mod write;

use chrono::{DateTime, Utc};
use entity::{
    organisation_acronym, project, vacancy, vacancy_competency, vacancy_duty_station,
    vacancy_project, vacancy_search,
};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QuerySelect, QueryTrait, Select,
};

use self::order::{KeyedPage, SearchWords, VacancyOrder};
use crate::auth::Actor;
use crate::domain::{ContractType, CountryCode, GradeCategory, VacancyStatus};
use crate::error::{AppError, AppResult};
use crate::policy::{self, VacancyReadScope, PUBLIC_VACANCY_STATUSES};
use crate::service::organisation;
use crate::service::pagination::PageArgs;

/// Narrows a vacancy list; every field is optional and they combine with AND. Saved searches
/// store it as JSON (`camelCase` keys, absent fields left out).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VacancyFilter {
    /// A web-style search (`search_query`): words that must all occur in the notice (prefix
    /// match on the last one), `"phrases"`, `-exclusions` and `OR`, case- and accent-insensitive,
    /// across titles, reference, organisation, project, duty stations and text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_id: Option<i32>,
    /// Any acronym of the organisation, in any language (`IOM` or `OIM`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_acronym: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_id: Option<i32>,
    /// A project with this code, led by any organisation (codes are unique per lead
    /// organisation); combined with the organisation fields, that organisation's vacancies on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competency_id: Option<i32>,
    /// A duty station in this country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// A duty station in this city (case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_category: Option<GradeCategory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract_type: Option<ContractType>,
    /// Any of these statuses, as readers see them (a published notice past its deadline is closed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<VacancyStatus>>,
    /// Only vacancies accepting applications now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub open_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing_after: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closing_before: Option<DateTime<Utc>>,
    /// Only vacancies published after this instant (saved searches' new matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_after: Option<DateTime<Utc>>,
    /// Only vacancies that are (or are not) open to the organisation's own staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_to_internal: Option<bool>,
    /// Only vacancies that are (or are not) open to candidates from outside.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_to_external: Option<bool>,
    /// Only open vacancies the signed-in candidate's profile meets (`domain::eligibility`);
    /// [`for_me`] turns it into `eligible_ids` before the list is read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub eligible_for_me: bool,
    /// The vacancies screened eligible for the caller: internal, never stored.
    #[serde(skip)]
    pub eligible_ids: Option<Vec<i32>>,
}

/// Most open vacancies `eligibleForMe` screens in one request: past that, the caller narrows
/// the filter. The screening runs in Rust over this bounded set (the same `assess` as the
/// recruiters' screening), then the list pages over the eligible ids like any filter.
pub const MAX_SCREENED: usize = 2_000;

/// Resolves `eligibleForMe`: screens the open vacancies passing the rest of the filter against
/// the signed-in candidate's profile, in five statements whatever their number, and returns
/// the filter narrowed to the eligible ones. Any other filter is returned as it is.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn for_me(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: VacancyFilter,
) -> AppResult<VacancyFilter> {
    if !filter.eligible_for_me || filter.eligible_ids.is_some() {
        return Ok(filter);
    }
    let candidate =
        crate::service::profile::screening_candidate(actor, db, "filter.eligibleForMe").await?;
    let search = checked(&filter)?;
    let open = VacancyFilter {
        open_only: true,
        eligible_for_me: false,
        eligible_ids: None,
        ..filter.clone()
    };
    let rows = visible_select(actor, &open, &search, Utc::now(), db.get_database_backend())
        .limit(MAX_SCREENED as u64 + 1)
        .all(db)
        .await?;
    if rows.len() > MAX_SCREENED {
        return Err(AppError::bad_input(
            "filter.eligibleForMe",
            format!(
                "more than {MAX_SCREENED} open vacancies match: narrow the filter (country, \
                 organisation, search) to screen them for you"
            ),
        ));
    }
    let requirements = crate::service::application::requirements_of_many(db, &rows).await?;
    let eligible = rows
        .iter()
        .filter(|row| {
            requirements
                .get(&row.id)
                .is_some_and(|r| crate::domain::eligibility::assess(r, &candidate).eligible)
        })
        .map(|row| row.id)
        .collect();
    Ok(VacancyFilter {
        open_only: true,
        eligible_ids: Some(eligible),
        ..filter
    })
}

/// The longest search accepted, in characters, and the most words.
pub const MAX_SEARCH_CHARS: usize = 200;
pub const MAX_SEARCH_WORDS: usize = 12;

/// Parses a search (`search_query`'s syntax); blank searches have none.
pub fn parse_search(search: Option<&str>) -> AppResult<SearchWords> {
    let Some(text) = search else {
        return Ok(SearchWords::default());
    };
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::bad_input(
            "filter.search",
            format!("`search` must be at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    search_query::parse_for("filter.search", text, MAX_SEARCH_WORDS)
}

/// Vacancies whose search document the search matches, through the full-text index:
/// `tsv` (GIN) on PostgreSQL, FTS5 on SQLite.
fn search_matches(search: &SearchWords, backend: DbBackend) -> SimpleExpr {
    let ids = match backend {
        DbBackend::Sqlite => Query::select()
            .expr(Expr::cust("rowid"))
            .from(Alias::new("vacancy_search_fts"))
            .and_where(Expr::cust_with_values(
                "vacancy_search_fts MATCH ?",
                [search.fts_query()],
            ))
            .to_owned(),
        _ => Query::select()
            .column(vacancy_search::Column::VacancyId)
            .from(vacancy_search::Entity)
            .and_where(Expr::cust_with_values(
                "tsv @@ to_tsquery('jobboard_search', $1)",
                [search.tsquery()],
            ))
            .to_owned(),
    };
    Expr::col((vacancy::Entity, vacancy::Column::Id)).in_subquery(ids)
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

pub(crate) fn visible_to(actor: &Actor) -> Condition {
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

pub(crate) fn apply_filter(
    select: Select<vacancy::Entity>,
    filter: &VacancyFilter,
    search: &SearchWords,
    now: DateTime<Utc>,
    backend: DbBackend,
) -> Select<vacancy::Entity> {
    select.filter(filter_condition(filter, search, now, backend))
}

/// What a vacancy row must satisfy to pass `filter`, visibility aside.
pub(crate) fn filter_condition(
    filter: &VacancyFilter,
    search: &SearchWords,
    now: DateTime<Utc>,
    backend: DbBackend,
) -> Condition {
    let mut cond = Condition::all();
    if !search.is_empty() {
        cond = cond.add(search_matches(search, backend));
    }
    if let Some(ids) = &filter.eligible_ids {
        cond = cond.add(vacancy::Column::Id.is_in(ids.iter().copied()));
    }
    if let Some(internal) = filter.open_to_internal {
        cond = cond.add(vacancy::Column::OpenToInternal.eq(internal));
    }
    if let Some(external) = filter.open_to_external {
        cond = cond.add(vacancy::Column::OpenToExternal.eq(external));
    }
    if let Some(org) = filter.organisation_id {
        cond = cond.add(vacancy::Column::OrganisationId.eq(org));
    }
    if let Some(acronym) = &filter.organisation_acronym {
        let owners = organisation_acronym::Entity::find()
            .select_only()
            .column(organisation_acronym::Column::OrganisationId)
            .filter(organisation_acronym::Column::Acronym.eq(acronym.trim().to_uppercase()))
            .into_query();
        cond = cond.add(vacancy::Column::OrganisationId.in_subquery(owners));
    }
    // A post serves its main project and perhaps others: either matches.
    if let Some(project) = filter.project_id {
        let serving = vacancy_project::Entity::find()
            .select_only()
            .column(vacancy_project::Column::VacancyId)
            .filter(vacancy_project::Column::ProjectId.eq(project))
            .into_query();
        cond = cond.add(
            vacancy::Column::ProjectId
                .eq(project)
                .or(vacancy::Column::Id.in_subquery(serving)),
        );
    }
    if let Some(code) = &filter.project_code {
        // Every project with the code, whichever organisation leads it; the organisation
        // filters above narrow the vacancies to one organisation's.
        let projects = || {
            project::Entity::find()
                .select_only()
                .column(project::Column::Id)
                .filter(project::Column::Code.eq(code.trim().to_uppercase()))
                .into_query()
        };
        let serving = vacancy_project::Entity::find()
            .select_only()
            .column(vacancy_project::Column::VacancyId)
            .filter(vacancy_project::Column::ProjectId.in_subquery(projects()))
            .into_query();
        cond = cond.add(
            vacancy::Column::ProjectId
                .in_subquery(projects())
                .or(vacancy::Column::Id.in_subquery(serving)),
        );
    }
    if let Some(competency) = filter.competency_id {
        let asking = vacancy_competency::Entity::find()
            .select_only()
            .column(vacancy_competency::Column::VacancyId)
            .filter(vacancy_competency::Column::CompetencyId.eq(competency))
            .into_query();
        cond = cond.add(vacancy::Column::Id.in_subquery(asking));
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
        cond = cond.add(vacancy::Column::Id.in_subquery(stations.into_query()));
    }
    if let Some(grade) = &filter.grade {
        cond = cond.add(vacancy::Column::Grade.eq(grade.trim().to_uppercase()));
    }
    if let Some(category) = filter.grade_category {
        cond = cond.add(vacancy::Column::GradeCategory.eq(category.as_str()));
    }
    if let Some(contract) = filter.contract_type {
        cond = cond.add(vacancy::Column::ContractType.eq(contract.as_str()));
    }
    if let Some(statuses) = &filter.statuses {
        let any = statuses.iter().fold(Condition::any(), |any, status| {
            any.add(has_status(*status, now))
        });
        cond = cond.add(any);
    }
    if filter.open_only {
        cond = cond.add(is_open(now));
    }
    if let Some(after) = filter.closing_after {
        cond = cond.add(vacancy::Column::ClosingAt.gte(after));
    }
    if let Some(before) = filter.closing_before {
        cond = cond.add(vacancy::Column::ClosingAt.lt(before));
    }
    if let Some(after) = filter.published_after {
        cond = cond.add(vacancy::Column::PublishedAt.gt(after));
    }
    cond
}

/// The order a list is read in when the caller names none: by relevance when searching,
/// closing soonest first when only open vacancies are asked for, else in creation order.
pub fn default_order(filter: &VacancyFilter, search: &SearchWords) -> VacancyOrder {
    if !search.is_empty() {
        VacancyOrder::Relevance
    } else if filter.only_open() {
        VacancyOrder::ClosingSoon
    } else {
        VacancyOrder::Created
    }
}

impl VacancyFilter {
    /// Whether the list holds open vacancies only (which all have a deadline).
    pub fn only_open(&self) -> bool {
        self.open_only
            || self
                .statuses
                .as_deref()
                .is_some_and(|s| s == [VacancyStatus::Published])
    }

    /// Refuses a filter no vacancy could pass because it contradicts itself, or a search that
    /// is too long.
    pub fn check(&self) -> AppResult<()> {
        checked(self).map(|_| ())
    }
}

/// Checks a filter and parses its search.
pub(crate) fn checked(filter: &VacancyFilter) -> AppResult<SearchWords> {
    if let (Some(after), Some(before)) = (filter.closing_after, filter.closing_before) {
        if after > before {
            return Err(AppError::bad_input(
                "filter.closingBefore",
                "`closingBefore` must not be earlier than `closingAfter`",
            ));
        }
    }
    parse_search(filter.search.as_deref())
}

/// The vacancies `actor` may see that pass `filter`, unpaged.
pub(crate) fn visible_select(
    actor: &Actor,
    filter: &VacancyFilter,
    search: &SearchWords,
    now: DateTime<Utc>,
    backend: DbBackend,
) -> Select<vacancy::Entity> {
    let select = vacancy::Entity::find().filter(visible_to(actor));
    apply_filter(select, filter, search, now, backend)
}

#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &VacancyFilter,
    order: Option<VacancyOrder>,
    page: PageArgs,
) -> AppResult<KeyedPage<vacancy::Model>> {
    let search = checked(filter)?;
    if filter.eligible_for_me && filter.eligible_ids.is_none() {
        return Err(AppError::internal(Unscreened));
    }
    let order = order.unwrap_or_else(|| default_order(filter, &search));
    let backend = db.get_database_backend();
    let select = visible_select(actor, filter, &search, Utc::now(), backend);
    // A reused total may lag a deadline passing (cache::counts): keyed without the clock.
    let key = visible_select(actor, filter, &search, DateTime::UNIX_EPOCH, backend);
    let mut page = order::paginate(db, select, order, search, filter.only_open(), page).await?;
    page.total = page.total.keyed_by(key.into_query()).of_catalogue();
    Ok(page)
}

/// A list asked `eligibleForMe` without [`for_me`] first: a bug, never the caller's fault.
#[derive(Debug, thiserror::Error)]
#[error("eligibleForMe was not screened before the list was read")]
pub(super) struct Unscreened;

fn readable(actor: &Actor, model: vacancy::Model) -> AppResult<vacancy::Model> {
    let status = VacancyStatus::from_db(&model.status)?;
    if policy::can_read_vacancy(actor, model.organisation_id, status) {
        Ok(model)
    } else {
        Err(AppError::NotFound("vacancy"))
    }
}

#[tracing::instrument(level = "debug", skip(db))]
pub async fn get(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<vacancy::Model> {
    let model = vacancy::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("vacancy"))?;
    readable(actor, model)
}

/// A vacancy by its reference within an organisation named by any of its acronyms.
#[tracing::instrument(level = "debug", skip(db))]
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

/// The vacancy `id` if the caller may see it and it passes `filter` now: the check a
/// subscriber of published vacancies applies to each one, with the list's own rules.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn matching(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    filter: &VacancyFilter,
) -> AppResult<Option<vacancy::Model>> {
    let search = checked(filter)?;
    let select = visible_select(
        actor,
        filter,
        &search,
        Utc::now(),
        db.get_database_backend(),
    );
    Ok(select.filter(vacancy::Column::Id.eq(id)).one(db).await?)
}
