//! The public vacancy feed: the newest open vacancies matching a filter, with what an Atom
//! entry shows of each (title, organisation, duty stations), read in a few statements.

use std::collections::HashMap;

use entity::{organisation, vacancy};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::auth::Actor;
use crate::error::AppResult;
use crate::service::pagination::PageArgs;
use crate::service::vacancy::children::{Tables, VacancyChildren};
use crate::service::vacancy::order::VacancyOrder;
use crate::service::vacancy::{self as vacancies, VacancyFilter};

/// Most entries a feed carries.
pub const MAX_ENTRIES: i32 = 50;

/// One vacancy of the feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub vacancy: vacancy::Model,
    /// The title in the notice's authoritative language.
    pub title: String,
    pub organisation: organisation::Model,
    /// (city, country code), in the notice's order; no city for a whole country.
    pub duty_stations: Vec<(Option<String>, String)>,
}

/// The newest open vacancies matching `filter`, newest publication first: what anyone may read.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn latest(db: &DatabaseConnection, filter: VacancyFilter) -> AppResult<Vec<FeedEntry>> {
    let filter = VacancyFilter {
        open_only: true,
        ..filter
    };
    let page = PageArgs {
        first: Some(MAX_ENTRIES),
        ..PageArgs::default()
    };
    let rows: Vec<vacancy::Model> = vacancies::list(
        &Actor::Anonymous,
        db,
        &filter,
        Some(VacancyOrder::Newest),
        page,
    )
    .await?
    .rows
    .into_iter()
    .map(|(_, row)| row)
    .collect();
    let ids: Vec<i32> = rows.iter().map(|v| v.id).collect();
    let org_ids: Vec<i32> = rows.iter().map(|v| v.organisation_id).collect();
    let organisations: HashMap<i32, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut children = VacancyChildren::load(
        db,
        &ids,
        Tables {
            texts: true,
            duty_stations: true,
            ..Tables::NONE
        },
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|v| {
            let organisation = organisations.get(&v.organisation_id)?.clone();
            let own = children.remove(&v.id).unwrap_or_default();
            let title = own
                .texts
                .iter()
                .find(|t| t.language == v.authoritative_language)
                .or(own.texts.first())
                .map_or_else(|| v.reference.clone(), |t| t.title.clone());
            let duty_stations = own
                .duty_stations
                .into_iter()
                .map(|s| (s.city, s.country_code))
                .collect();
            Some(FeedEntry {
                vacancy: v,
                title,
                organisation,
                duty_stations,
            })
        })
        .collect())
}
