//! Reading organisations. Everyone may read every organisation.

use entity::{organisation, organisation_acronym};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::service::pagination::{paginate, Page, PageRequest};

pub async fn list(
    _actor: &Actor,
    db: &DatabaseConnection,
    page: PageRequest,
) -> AppResult<Page<organisation::Model>> {
    paginate(
        db,
        organisation::Entity::find(),
        organisation::Column::Id,
        page,
    )
    .await
}

pub async fn get(
    _actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}

/// Finds an organisation by any of its acronyms, in any language (`IOM`, `OIM`, `bit`).
pub async fn find_by_acronym(
    db: &DatabaseConnection,
    acronym: &str,
) -> AppResult<Option<organisation::Model>> {
    let normalised = acronym.trim().to_uppercase();
    let owner = organisation_acronym::Entity::find()
        .select_only()
        .column(organisation_acronym::Column::OrganisationId)
        .filter(organisation_acronym::Column::Acronym.eq(normalised))
        .into_tuple::<i32>()
        .one(db)
        .await?;
    match owner {
        Some(id) => Ok(organisation::Entity::find_by_id(id).one(db).await?),
        None => Ok(None),
    }
}

pub async fn get_by_acronym(
    _actor: &Actor,
    db: &DatabaseConnection,
    acronym: &str,
) -> AppResult<organisation::Model> {
    find_by_acronym(db, acronym)
        .await?
        .ok_or(AppError::NotFound("organisation"))
}
