//! Reading projects. Everyone may read every project.

use entity::{project, project_country, project_partner};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::auth::Actor;
use crate::domain::{CountryCode, ProjectStatus};
use crate::error::{AppError, AppResult};
use crate::service::pagination::{paginate, Page, PageRequest};

/// Narrows a project list; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Projects this organisation leads or partners in.
    pub organisation_id: Option<i32>,
    pub country: Option<CountryCode>,
    pub status: Option<ProjectStatus>,
}

pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    filter: &ProjectFilter,
    page: PageRequest,
) -> AppResult<Page<project::Model>> {
    let mut select = project::Entity::find();
    if let Some(org) = filter.organisation_id {
        let partnered = project_partner::Entity::find()
            .select_only()
            .column(project_partner::Column::ProjectId)
            .filter(project_partner::Column::OrganisationId.eq(org))
            .into_query();
        select = select.filter(
            project::Column::LeadOrganisationId
                .eq(org)
                .or(project::Column::Id.in_subquery(partnered)),
        );
    }
    if let Some(country) = &filter.country {
        let in_country = project_country::Entity::find()
            .select_only()
            .column(project_country::Column::ProjectId)
            .filter(project_country::Column::CountryCode.eq(country.as_str()))
            .into_query();
        select = select.filter(project::Column::Id.in_subquery(in_country));
    }
    if let Some(status) = filter.status {
        select = select.filter(project::Column::Status.eq(status.as_str()));
    }
    paginate(db, select, project::Column::Id, page).await
}

pub async fn get(_actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<project::Model> {
    project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("project"))
}

pub async fn get_by_code(
    _actor: &Actor,
    db: &DatabaseConnection,
    code: &str,
) -> AppResult<project::Model> {
    project::Entity::find()
        .filter(project::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?
        .ok_or(AppError::NotFound("project"))
}
