//! Keeps each vacancy's search document (`vacancy_search`) in step with what it contains:
//! every write that changes a notice, or the names of its organisation or project, calls
//! [`refresh`] in its own transaction.

use std::collections::HashMap;

use entity::{
    organisation, organisation_acronym, project, vacancy, vacancy_project, vacancy_search,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};

use crate::domain::names::Names;
use crate::domain::search_text::{country_names, words, Document};
use crate::service::vacancy::children::{Tables, VacancyChildren};

/// What a search document reads of a vacancy row (and only that, so that the demo data can
/// be indexed on the schema of any migration).
#[derive(Debug, sea_orm::DerivePartialModel, sea_orm::FromQueryResult)]
#[sea_orm(entity = "vacancy::Entity")]
struct Indexed {
    id: i32,
    organisation_id: i32,
    project_id: Option<i32>,
    reference: String,
    unit: Option<String>,
    department: Option<String>,
    job_family: Option<String>,
    authoritative_language: String,
}

/// Vacancies refreshed per batch of statements (keeps bound parameters well under the limits).
const BATCH: usize = 500;

/// Rewrites the search documents of these vacancies from what is stored now.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn refresh(db: &impl ConnectionTrait, vacancy_ids: &[i32]) -> Result<(), DbErr> {
    for ids in vacancy_ids.chunks(BATCH) {
        refresh_batch(db, ids).await?;
    }
    Ok(())
}

/// Rewrites the search documents of an organisation's vacancies (after a rename).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn refresh_organisation(
    db: &impl ConnectionTrait,
    organisation_id: i32,
) -> Result<(), DbErr> {
    let ids = vacancy_ids(db, vacancy::Column::OrganisationId.eq(organisation_id)).await?;
    refresh(db, &ids).await
}

/// Rewrites the search documents of the vacancies serving a project (after a rename).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn refresh_project(db: &impl ConnectionTrait, project_id: i32) -> Result<(), DbErr> {
    let serving = vacancy_project::Entity::find()
        .select_only()
        .column(vacancy_project::Column::VacancyId)
        .filter(vacancy_project::Column::ProjectId.eq(project_id))
        .into_query();
    let ids = vacancy_ids(
        db,
        vacancy::Column::ProjectId
            .eq(project_id)
            .or(vacancy::Column::Id.in_subquery(serving)),
    )
    .await?;
    refresh(db, &ids).await
}

fn names_of(org: &organisation::Model) -> Names<'_> {
    Names {
        name_en: &org.name_en,
        name_fr: &org.name_fr,
        description_en: None,
        description_fr: None,
        translations: org.translations.as_ref(),
    }
}

fn project_names(project: &project::Model) -> Names<'_> {
    Names {
        name_en: &project.name_en,
        name_fr: &project.name_fr,
        description_en: None,
        description_fr: None,
        translations: project.translations.as_ref(),
    }
}

/// Rewrites every search document (after loading data in bulk).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn refresh_all(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let ids = vacancy_ids(db, vacancy::Column::Id.is_not_null()).await?;
    refresh(db, &ids).await
}

/// Writes the documents of vacancies that have none: those stored before the search existed
/// (a database upgraded by the migration) or loaded in bulk without one. Run at start.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn refresh_missing(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let indexed = vacancy_search::Entity::find()
        .select_only()
        .column(vacancy_search::Column::VacancyId)
        .into_query();
    let ids = vacancy_ids(db, vacancy::Column::Id.not_in_subquery(indexed)).await?;
    refresh(db, &ids).await?;
    Ok(ids.len())
}

async fn vacancy_ids(
    db: &impl ConnectionTrait,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Vec<i32>, DbErr> {
    vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::Id)
        .filter(condition)
        .order_by_asc(vacancy::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

fn group<K: std::hash::Hash + Eq, V>(rows: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut map: HashMap<K, Vec<V>> = HashMap::new();
    for row in rows {
        map.entry(key(&row)).or_default().push(row);
    }
    map
}

async fn refresh_batch(db: &impl ConnectionTrait, ids: &[i32]) -> Result<(), DbErr> {
    let vacancies = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(ids.iter().copied()))
        .into_partial_model::<Indexed>()
        .all(db)
        .await?;
    let mut children = VacancyChildren::load(
        db,
        ids,
        Tables {
            texts: true,
            items: true,
            duty_stations: true,
            projects: true,
            ..Tables::NONE
        },
    )
    .await?;
    let org_ids: Vec<i32> = vacancies.iter().map(|v| v.organisation_id).collect();
    let organisations: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let acronyms = group(
        organisation_acronym::Entity::find()
            .filter(organisation_acronym::Column::OrganisationId.is_in(org_ids))
            .order_by_asc(organisation_acronym::Column::Id)
            .all(db)
            .await?,
        |a| a.organisation_id,
    );
    let project_ids: Vec<i32> = vacancies
        .iter()
        .filter_map(|v| v.project_id)
        .chain(
            children
                .values()
                .flat_map(|c| c.projects.iter().map(|p| p.project_id)),
        )
        .collect();
    let projects: HashMap<i32, project::Model> = project::Entity::find()
        .filter(project::Column::Id.is_in(project_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();

    let rows: Vec<vacancy_search::ActiveModel> = vacancies
        .iter()
        .map(|v| {
            let VacancyChildren {
                texts,
                items,
                duty_stations,
                projects: other_projects,
                ..
            } = children.remove(&v.id).unwrap_or_default();
            let mut title = Document::default();
            for text in &texts {
                title.push(&text.title);
            }
            title.push(&v.reference);
            let mut body = Document::default();
            if let Some(org) = organisations.get(&v.organisation_id) {
                body.push(&org.acronym);
                for name in names_of(org).every_name() {
                    body.push(name);
                }
            }
            for acronym in acronyms.get(&v.organisation_id).into_iter().flatten() {
                body.push(&acronym.acronym);
            }
            let served = v
                .project_id
                .into_iter()
                .chain(other_projects.iter().map(|p| p.project_id));
            for project in served.filter_map(|id| projects.get(&id)) {
                body.push(&project.code);
                for name in project_names(project).every_name() {
                    body.push(name);
                }
            }
            for station in duty_stations {
                if let Some(city) = &station.city {
                    body.push(city);
                }
                body.push(&station.country_code);
                if let Some((en, fr)) = country_names(&station.country_code) {
                    body.push(en);
                    body.push(fr);
                }
            }
            for detail in [&v.unit, &v.department, &v.job_family]
                .into_iter()
                .flatten()
            {
                body.push(detail);
            }
            for text in &texts {
                for section in [
                    &text.organisation_intro,
                    &text.context,
                    &text.reporting_lines,
                    &text.responsibilities_intro,
                    &text.how_to_apply,
                    &text.additional_information,
                ]
                .into_iter()
                .flatten()
                {
                    body.push(section);
                }
            }
            for item in items {
                body.push(&item.text);
            }
            let sort_title = texts
                .iter()
                .find(|t| t.language == v.authoritative_language)
                .or(texts.first())
                .map(|t| words(&t.title).join(" "))
                .unwrap_or_else(|| words(&v.reference).join(" "));
            let title = title.padded();
            let document = format!("{}{}", title, body.padded().trim_start());
            vacancy_search::ActiveModel {
                vacancy_id: Set(v.id),
                title: Set(title),
                document: Set(document),
                sort_title: Set(sort_title),
            }
        })
        .collect();

    vacancy_search::Entity::delete_many()
        .filter(vacancy_search::Column::VacancyId.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    if !rows.is_empty() {
        vacancy_search::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}
