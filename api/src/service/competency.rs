//! Reading the competency catalogue. Everyone may read it.

use entity::competency;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::auth::Actor;
use crate::domain::CompetencyKind;
use crate::error::{AppError, AppResult};
use crate::service::pagination::{paginate, Page, PageRequest};

/// Narrows the catalogue; fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct CompetencyFilter {
    /// This organisation's framework.
    pub organisation_id: Option<i32>,
    /// Only competencies of no organisation.
    pub global_only: bool,
    pub kind: Option<CompetencyKind>,
}

pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    filter: &CompetencyFilter,
    page: PageRequest,
) -> AppResult<Page<competency::Model>> {
    let mut select = competency::Entity::find();
    if let Some(org) = filter.organisation_id {
        select = select.filter(competency::Column::OrganisationId.eq(org));
    }
    if filter.global_only {
        select = select.filter(competency::Column::OrganisationId.is_null());
    }
    if let Some(kind) = filter.kind {
        select = select.filter(competency::Column::Kind.eq(kind.as_str()));
    }
    paginate(db, select, competency::Column::Id, page).await
}

pub async fn get(_actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<competency::Model> {
    competency::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("competency"))
}
