//! Per-request DataLoaders: every relation is fetched in one query per kind and request, and no
//! cached row outlives the request that read it.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::ApplicationStatus;
use crate::error::AppError;
use crate::service::application::{counts_by_status, documents_of, DocumentMeta};
use crate::service::pagination::int_key;

/// A per-request loader of rows by id. Its cache lives as long as the request, so rows never
/// cross requests (or users), and a list can load a relation for all its items up front.
pub type ByIdLoader<E> = DataLoader<ById<E>, HashMapCache>;

/// A per-request loader of children by parent id, cached for the request.
pub type ChildrenLoader<E> = DataLoader<ByParent<E>, HashMapCache>;

/// Loads rows by their `id`.
pub struct ById<E: EntityTrait> {
    db: DatabaseConnection,
    id: E::Column,
    entity: PhantomData<E>,
}

impl<E> Loader<i32> for ById<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    type Value = E::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, Self::Error> {
        let rows = E::find()
            .filter(self.id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| int_key(&row, self.id).map(|key| (key, row)))
            .collect())
    }
}

/// Loads the children of many parents at once, each list in its `order` column's order.
pub struct ByParent<E: EntityTrait> {
    db: DatabaseConnection,
    parent: E::Column,
    order: E::Column,
    entity: PhantomData<E>,
}

impl<E> Loader<i32> for ByParent<E>
where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    type Value = Vec<E::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<E::Model>>, Self::Error> {
        let rows = E::find()
            .filter(self.parent.is_in(keys.iter().copied()))
            .order_by_asc(self.order)
            .all(&self.db)
            .await?;
        // Every parent asked for gets an entry, empty when it has no children, so that a cached
        // "none" is not asked again.
        let mut grouped: HashMap<i32, Vec<E::Model>> =
            keys.iter().map(|key| (*key, Vec::new())).collect();
        for row in rows {
            if let Some(key) = int_key(&row, self.parent) {
                grouped.entry(key).or_default().push(row);
            }
        }
        Ok(grouped)
    }
}

fn by_id<E: EntityTrait + Send + Sync>(db: &DatabaseConnection, id: E::Column) -> ByIdLoader<E>
where
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    DataLoader::with_cache(
        ById {
            db: db.clone(),
            id,
            entity: PhantomData,
        },
        tokio::spawn,
        HashMapCache::default(),
    )
}

fn by_parent<E: EntityTrait + Send + Sync>(
    db: &DatabaseConnection,
    parent: E::Column,
    order: E::Column,
) -> ChildrenLoader<E>
where
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    DataLoader::with_cache(
        ByParent {
            db: db.clone(),
            parent,
            order,
            entity: PhantomData,
        },
        tokio::spawn,
        HashMapCache::default(),
    )
}

/// Loads the documents of many applications at once, without their contents.
pub struct DocumentsByApplication {
    db: DatabaseConnection,
}

impl Loader<i32> for DocumentsByApplication {
    type Value = Vec<DocumentMeta>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<DocumentMeta>>, Self::Error> {
        let rows = documents_of(&self.db, keys).await.map_err(Arc::new)?;
        let mut grouped: HashMap<i32, Vec<DocumentMeta>> = HashMap::new();
        for (application, document) in rows {
            grouped.entry(application).or_default().push(document);
        }
        Ok(grouped)
    }
}

/// Counts applications per status for many vacancies at once (every status, zeros included).
pub struct PipelineByVacancy {
    db: DatabaseConnection,
}

impl Loader<i32> for PipelineByVacancy {
    type Value = Vec<(ApplicationStatus, i64)>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = counts_by_status(&self.db, keys).await.map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|vacancy| {
                let counts = ApplicationStatus::ALL
                    .iter()
                    .map(|status| {
                        let n = rows
                            .iter()
                            .find(|(v, s, _)| v == vacancy && s == status)
                            .map_or(0, |(_, _, n)| *n);
                        (*status, n)
                    })
                    .collect();
                (*vacancy, counts)
            })
            .collect())
    }
}

/// Every loader of one request.
pub struct Loaders {
    pub pipelines: DataLoader<PipelineByVacancy, HashMapCache>,
    pub application_documents: DataLoader<DocumentsByApplication>,
    pub organisation: ByIdLoader<organisation::Entity>,
    pub project: ByIdLoader<project::Entity>,
    pub competency: ByIdLoader<competency::Entity>,
    pub vacancy: ByIdLoader<vacancy::Entity>,
    pub account: ByIdLoader<account::Entity>,
    pub acronyms: ChildrenLoader<organisation_acronym::Entity>,
    pub offices: ChildrenLoader<office::Entity>,
    pub projects_led: ChildrenLoader<project::Entity>,
    pub partnerships: ChildrenLoader<project_partner::Entity>,
    pub project_partners: ChildrenLoader<project_partner::Entity>,
    pub project_countries: ChildrenLoader<project_country::Entity>,
    pub indicators: ChildrenLoader<competency_indicator::Entity>,
    pub vacancy_texts: ChildrenLoader<vacancy_text::Entity>,
    pub vacancy_items: ChildrenLoader<vacancy_item::Entity>,
    pub duty_stations: ChildrenLoader<vacancy_duty_station::Entity>,
    pub vacancy_languages: ChildrenLoader<vacancy_language::Entity>,
    pub qualification_paths: ChildrenLoader<vacancy_qualification_path::Entity>,
    pub vacancy_competencies: ChildrenLoader<vacancy_competency::Entity>,
    pub vacancy_documents: ChildrenLoader<vacancy_document::Entity>,
    pub vacancy_questions: ChildrenLoader<vacancy_question::Entity>,
    pub vacancy_projects: ChildrenLoader<vacancy_project::Entity>,
    pub application_languages: ChildrenLoader<application_language::Entity>,
    pub application_referees: ChildrenLoader<application_referee::Entity>,
    pub application_answers: ChildrenLoader<application_answer::Entity>,
    pub application_events: ChildrenLoader<application_event::Entity>,
    pub webhook_endpoint: ByIdLoader<webhook_endpoint::Entity>,
    /// Candidate profiles by account id (for `Vacancy.eligibility`).
    pub profile_of_account: ByIdLoader<candidate_profile::Entity>,
}

impl Loaders {
    /// Loaders that batch but keep nothing: for a subscription, whose context lives as long as
    /// its connection, so every event is read fresh and nothing piles up.
    pub fn uncached(db: &DatabaseConnection) -> Self {
        let loaders = Self::new(db);
        loaders.pipelines.enable_all_cache(false);
        loaders.application_documents.enable_all_cache(false);
        loaders.organisation.enable_all_cache(false);
        loaders.project.enable_all_cache(false);
        loaders.competency.enable_all_cache(false);
        loaders.vacancy.enable_all_cache(false);
        loaders.account.enable_all_cache(false);
        loaders.acronyms.enable_all_cache(false);
        loaders.offices.enable_all_cache(false);
        loaders.projects_led.enable_all_cache(false);
        loaders.partnerships.enable_all_cache(false);
        loaders.project_partners.enable_all_cache(false);
        loaders.project_countries.enable_all_cache(false);
        loaders.indicators.enable_all_cache(false);
        loaders.vacancy_texts.enable_all_cache(false);
        loaders.vacancy_items.enable_all_cache(false);
        loaders.duty_stations.enable_all_cache(false);
        loaders.vacancy_languages.enable_all_cache(false);
        loaders.qualification_paths.enable_all_cache(false);
        loaders.vacancy_competencies.enable_all_cache(false);
        loaders.vacancy_documents.enable_all_cache(false);
        loaders.vacancy_questions.enable_all_cache(false);
        loaders.vacancy_projects.enable_all_cache(false);
        loaders.application_languages.enable_all_cache(false);
        loaders.application_referees.enable_all_cache(false);
        loaders.application_answers.enable_all_cache(false);
        loaders.application_events.enable_all_cache(false);
        loaders.profile_of_account.enable_all_cache(false);
        loaders
    }

    pub fn new(db: &DatabaseConnection) -> Self {
        Self {
            pipelines: DataLoader::with_cache(
                PipelineByVacancy { db: db.clone() },
                tokio::spawn,
                HashMapCache::default(),
            ),
            application_documents: DataLoader::new(
                DocumentsByApplication { db: db.clone() },
                tokio::spawn,
            ),
            organisation: by_id(db, organisation::Column::Id),
            project: by_id(db, project::Column::Id),
            competency: by_id(db, competency::Column::Id),
            vacancy: by_id(db, vacancy::Column::Id),
            profile_of_account: by_id(db, candidate_profile::Column::AccountId),
            account: by_id(db, account::Column::Id),
            acronyms: by_parent(
                db,
                organisation_acronym::Column::OrganisationId,
                organisation_acronym::Column::Id,
            ),
            offices: by_parent(
                db,
                office::Column::OrganisationId,
                office::Column::SortOrder,
            ),
            projects_led: by_parent(db, project::Column::LeadOrganisationId, project::Column::Id),
            partnerships: by_parent(
                db,
                project_partner::Column::OrganisationId,
                project_partner::Column::Id,
            ),
            project_partners: by_parent(
                db,
                project_partner::Column::ProjectId,
                project_partner::Column::SortOrder,
            ),
            project_countries: by_parent(
                db,
                project_country::Column::ProjectId,
                project_country::Column::Id,
            ),
            indicators: by_parent(
                db,
                competency_indicator::Column::CompetencyId,
                competency_indicator::Column::SortOrder,
            ),
            vacancy_texts: by_parent(
                db,
                vacancy_text::Column::VacancyId,
                vacancy_text::Column::Id,
            ),
            vacancy_items: by_parent(
                db,
                vacancy_item::Column::VacancyId,
                vacancy_item::Column::SortOrder,
            ),
            duty_stations: by_parent(
                db,
                vacancy_duty_station::Column::VacancyId,
                vacancy_duty_station::Column::SortOrder,
            ),
            vacancy_languages: by_parent(
                db,
                vacancy_language::Column::VacancyId,
                vacancy_language::Column::SortOrder,
            ),
            qualification_paths: by_parent(
                db,
                vacancy_qualification_path::Column::VacancyId,
                vacancy_qualification_path::Column::SortOrder,
            ),
            vacancy_competencies: by_parent(
                db,
                vacancy_competency::Column::VacancyId,
                vacancy_competency::Column::SortOrder,
            ),
            vacancy_documents: by_parent(
                db,
                vacancy_document::Column::VacancyId,
                vacancy_document::Column::SortOrder,
            ),
            vacancy_questions: by_parent(
                db,
                vacancy_question::Column::VacancyId,
                vacancy_question::Column::SortOrder,
            ),
            vacancy_projects: by_parent(
                db,
                vacancy_project::Column::VacancyId,
                vacancy_project::Column::SortOrder,
            ),
            application_languages: by_parent(
                db,
                application_language::Column::ApplicationId,
                application_language::Column::Id,
            ),
            application_referees: by_parent(
                db,
                application_referee::Column::ApplicationId,
                application_referee::Column::SortOrder,
            ),
            application_answers: by_parent(
                db,
                application_answer::Column::ApplicationId,
                application_answer::Column::Id,
            ),
            application_events: by_parent(
                db,
                application_event::Column::ApplicationId,
                application_event::Column::Id,
            ),
            webhook_endpoint: by_id(db, webhook_endpoint::Column::Id),
        }
    }
}

/// Loads one row that must exist (a foreign key points at it).
pub async fn one<E>(loader: &ByIdLoader<E>, id: i32) -> Result<E::Model, AppError>
where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    loader
        .load_one(id)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(|| {
            AppError::internal(DbErr::RecordNotFound(format!(
                "row {id} behind a foreign key"
            )))
        })
}

/// Loads the children of one parent (empty when it has none).
pub async fn children<E>(loader: &ChildrenLoader<E>, parent: i32) -> Result<Vec<E::Model>, AppError>
where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    Ok(loader
        .load_one(parent)
        .await
        .map_err(AppError::internal)?
        .unwrap_or_default())
}

/// Loads `keys` at once, in one statement, and keeps the values in the loader's cache for the
/// request's resolvers; keys already cached are not asked again. A page that knows what it needs
/// does not wait for the loader's batching delay (a millisecond per relation, which dominated a
/// list page's latency).
pub async fn preload<T, K>(
    loader: &DataLoader<T, HashMapCache>,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<K, T::Value>, T::Error>
where
    T: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let wanted: HashSet<K> = keys.into_iter().collect();
    let mut values = loader.get_cached_values::<K>();
    values.retain(|key, _| wanted.contains(key));
    let missing: Vec<K> = wanted
        .into_iter()
        .filter(|key| !values.contains_key(key))
        .collect();
    if !missing.is_empty() {
        let loaded = loader.loader().load(&missing).await?;
        loader.feed_many(loaded.clone()).await;
        values.extend(loaded);
    }
    Ok(values)
}

/// Keeps rows read elsewhere (`service::related`), by id, in a loader's cache for the request.
pub async fn feed_rows<E>(loader: &ByIdLoader<E>, rows: Vec<(i32, E::Model)>)
where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    loader.feed_many(rows).await;
}

/// Keeps the children of `parents` read elsewhere, each with its parent's id, in a loader's
/// cache: every parent gets an entry, empty when it has none, as the loader itself does.
pub async fn feed_children<E>(
    loader: &ChildrenLoader<E>,
    parents: impl IntoIterator<Item = i32>,
    rows: Vec<(i32, E::Model)>,
) where
    E: EntityTrait + Send + Sync,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    let mut grouped: HashMap<i32, Vec<E::Model>> =
        parents.into_iter().map(|key| (key, Vec::new())).collect();
    for (parent, row) in rows {
        grouped.entry(parent).or_default().push(row);
    }
    loader.feed_many(grouped).await;
}
