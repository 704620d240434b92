//! Saved searches: a signed-in person's named searches, with the count of vacancies published
//! since they last looked.

use async_graphql::{Context, InputObject, Json, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::saved_search;

use crate::domain::AlertFrequency;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::relay::{connection, decode, global_id, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::{vacancy_connection, Vacancy, VacancyFilterInput};
use crate::service::pagination::PageArgs;
use crate::service::saved_search::{self as service, SavedSearchInput as ServiceInput};

/// A search a person saved by name: words and a vacancy filter.
pub struct SavedSearch(pub saved_search::Model);

/// A search a person saved by name: words and a vacancy filter.
#[Object]
impl SavedSearch {
    /// The saved search's global ID.
    pub async fn id(&self) -> ID {
        global_id(NodeKind::SavedSearch, self.0.id)
    }

    /// The name its owner gave it, unique among their saved searches.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The search words, as for `vacancies(search:)`.
    async fn search(&self) -> Option<&str> {
        self.0.search.as_deref()
    }

    /// The filter, in the shape of `VacancyFilterInput`: pass it as `vacancies(filter:)`.
    async fn filter(&self) -> Result<Json<serde_json::Value>> {
        let stored = service::stored_filter(&self.0)?;
        Ok(Json(VacancyFilterInput::from_service(&stored).to_json()?))
    }

    /// When its owner last looked at its results (`markSavedSearchSeen`), or saved it.
    async fn last_seen_at(&self) -> DateTime<Utc> {
        self.0.last_seen_at
    }

    /// How many vacancies matching it now were published after `lastSeenAt`.
    #[graphql(complexity = 10)]
    async fn new_match_count(&self, ctx: &Context<'_>) -> Result<i64> {
        Ok(service::new_match_count(context::actor(ctx)?, context::db(ctx)?, &self.0).await?)
    }

    /// The vacancies matching it now, as `vacancies` lists them.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n vacancies (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return vacancies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n vacancies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return vacancies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Vacancy>> {
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(vacancy_connection(ctx, &service::filter_of(&self.0)?, None, page).await?)
    }

    /// When vacancies newly matching it are mailed to its owner (once each): `INSTANT`,
    /// `DAILY` or `OFF`. Alerts go to a verified address only.
    async fn alert(&self) -> Result<AlertFrequency> {
        Ok(AlertFrequency::from_db(&self.0.alert)?)
    }

    /// Changes with every edit; send it back with `updateSavedSearch`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When it was saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was last edited.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A search to save.
#[derive(InputObject)]
pub struct SavedSearchInput {
    /// A name for it (1–100 characters), unique among the caller's saved searches.
    name: String,
    /// Search words, as for `vacancies(search:)` (at most 200 characters).
    search: Option<String>,
    /// The vacancy filter, as for `vacancies(filter:)`.
    filter: Option<VacancyFilterInput>,
    /// When new matches are mailed (vacancies published from when it is turned on); absent
    /// keeps the current choice, `OFF` for a new search.
    alert: Option<AlertFrequency>,
}

impl SavedSearchInput {
    /// Checks the filter as the vacancy list would.
    fn into_service(self) -> Result<ServiceInput, AppError> {
        Ok(ServiceInput {
            name: self.name,
            search: self.search,
            filter: self.filter.unwrap_or_default().into_service()?,
            alert: self.alert,
        })
    }
}

/// The result of deleting a saved search.
#[derive(SimpleObject)]
pub struct DeleteSavedSearchPayload {
    /// The global ID the deleted saved search had.
    deleted_id: ID,
}

/// Saved-search queries.
#[derive(Default)]
pub struct SavedSearchQuery;

/// Saved-search queries.
#[Object]
impl SavedSearchQuery {
    /// The caller's own saved searches, oldest first. Any signed-in person has them;
    /// integration tokens do not.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn saved_searches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n saved searches (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return saved searches after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n saved searches (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return saved searches before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<SavedSearch>> {
        let page = PageArgs {
            first,
            after,
            last,
            before,
        }
        .validate()?;
        let page = service::list(context::actor(ctx)?, context::db(ctx)?, page).await?;
        Ok(connection(page, SavedSearch))
    }
}

/// Keeping saved searches.
#[derive(Default)]
pub struct SavedSearchMutation;

/// Keeping saved searches.
#[Object]
impl SavedSearchMutation {
    /// Saves a search under a name (at most 50 per person); its new matches count from now.
    async fn save_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The search to save.")] input: SavedSearchInput,
    ) -> Result<SavedSearch> {
        let row = service::create(
            context::actor(ctx)?,
            context::db(ctx)?,
            input.into_service()?,
        )
        .await?;
        Ok(SavedSearch(row))
    }

    /// Replaces a saved search's name, words and filter. `version` must be the one last read,
    /// else CONFLICT.
    async fn update_saved_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The saved search's global ID.")] id: ID,
        #[graphql(desc = "The `version` last read.")] version: i32,
        #[graphql(desc = "The search as it should be.")] input: SavedSearchInput,
    ) -> Result<SavedSearch> {
        let id = decode("id", NodeKind::SavedSearch, &id)?;
        let row = service::update(
            context::actor(ctx)?,
            context::db(ctx)?,
            id,
            version,
            input.into_service()?,
        )
        .await?;
        Ok(SavedSearch(row))
    }

    /// Deletes one of the caller's saved searches.
    async fn delete_saved_search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The saved search's global ID.")] id: ID,
    ) -> Result<DeleteSavedSearchPayload> {
        let row = decode("id", NodeKind::SavedSearch, &id)?;
        service::delete(context::actor(ctx)?, context::db(ctx)?, row).await?;
        Ok(DeleteSavedSearchPayload { deleted_id: id })
    }

    /// Records that the caller has looked at the search's results: `newMatchCount` starts
    /// again from zero.
    async fn mark_saved_search_seen(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The saved search's global ID.")] id: ID,
    ) -> Result<SavedSearch> {
        let id = decode("id", NodeKind::SavedSearch, &id)?;
        Ok(SavedSearch(
            service::mark_seen(context::actor(ctx)?, context::db(ctx)?, id).await?,
        ))
    }
}
