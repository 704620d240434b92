//! Saved searches: a person keeps named searches (words and a vacancy filter) and sees how many
//! vacancies matching each were published since they last looked; `alerts.rs` mails new
//! matches to those who asked for alerts.

mod alerts;

pub use alerts::send_due_alerts;

use chrono::Utc;
use entity::saved_search;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use crate::auth::Actor;
use crate::domain::AlertFrequency;
use crate::error::{AppError, AppResult, OnUnique};
use crate::policy;
use crate::service::pagination::{paginate, Page, PageArgs, PageRequest};
use crate::service::vacancy::{self, VacancyFilter};

/// Most saved searches one account may keep.
pub const MAX_PER_ACCOUNT: u64 = 50;
/// The longest a saved search's name may be.
const MAX_NAME_LEN: usize = 100;
/// The longest its search words may be.
const MAX_SEARCH_LEN: usize = 200;

/// A saved search as written.
#[derive(Debug, Clone)]
pub struct SavedSearchInput {
    pub name: String,
    pub search: Option<String>,
    pub filter: VacancyFilter,
    /// When new matches are mailed; `None` keeps the stored choice (`OFF` for a new search).
    pub alert: Option<AlertFrequency>,
}

struct Checked {
    name: String,
    search: Option<String>,
    filter: serde_json::Value,
    alert: Option<AlertFrequency>,
}

#[derive(Debug, thiserror::Error)]
#[error("a stored saved-search filter does not read back: {0}")]
struct StoredFilter(String);

/// The filter a saved search stores.
pub fn stored_filter(row: &saved_search::Model) -> AppResult<VacancyFilter> {
    serde_json::from_value(row.filter.clone())
        .map_err(|e| AppError::internal(StoredFilter(e.to_string())))
}

/// The vacancies a saved search finds: its stored filter with its words.
pub fn filter_of(row: &saved_search::Model) -> AppResult<VacancyFilter> {
    let filter = stored_filter(row)?;
    // The saved words, and any words the stored filter carries itself.
    let words: Vec<&str> = [row.search.as_deref(), filter.search.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    Ok(VacancyFilter {
        search: (!words.is_empty()).then(|| words.join(" ")),
        ..filter
    })
}

fn check(input: SavedSearchInput) -> AppResult<Checked> {
    if input.filter.eligible_for_me {
        // Alerts run without the person's profile at hand: screening stays a live query.
        return Err(AppError::bad_input(
            "input.filter.eligibleForMe",
            "a saved search cannot keep `eligibleForMe`: ask `vacancies` with it instead",
        ));
    }
    let name = input.name.trim().to_owned();
    if name.is_empty() {
        return Err(AppError::bad_input(
            "input.name",
            "`input.name` must not be empty",
        ));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(AppError::bad_input(
            "input.name",
            format!("`input.name` is longer than {MAX_NAME_LEN} characters"),
        ));
    }
    let search = input
        .search
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if search
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_SEARCH_LEN)
    {
        return Err(AppError::bad_input(
            "input.search",
            format!("`input.search` is longer than {MAX_SEARCH_LEN} characters"),
        ));
    }
    let filter = serde_json::to_value(&input.filter)
        .map_err(|e| AppError::internal(StoredFilter(e.to_string())))?;
    Ok(Checked {
        name,
        search,
        filter,
        alert: input.alert,
    })
}

const DUPLICATE_NAME: &str = "you already have a saved search with this name";

/// The caller's own saved searches, oldest first.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    page: PageRequest,
) -> AppResult<Page<saved_search::Model>> {
    let owner = policy::keep_saved_searches(actor)?;
    let select = saved_search::Entity::find().filter(saved_search::Column::AccountId.eq(owner));
    paginate(db, select, saved_search::Column::Id, page).await
}

/// One of the caller's saved searches; anyone else's is not found.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn get(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<saved_search::Model> {
    policy::keep_saved_searches(actor)?;
    saved_search::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| policy::can_use_saved_search(actor, s.account_id))
        .ok_or(AppError::NotFound("saved search"))
}

/// Saves a search; its new matches count from now, and so do its alerts.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    input: SavedSearchInput,
) -> AppResult<saved_search::Model> {
    let owner = policy::keep_saved_searches(actor)?;
    let input = check(input)?;
    let txn = crate::db::begin_write(db).await?;
    let kept = saved_search::Entity::find()
        .filter(saved_search::Column::AccountId.eq(owner))
        .count(&txn)
        .await?;
    if kept >= MAX_PER_ACCOUNT {
        return Err(AppError::bad_input(
            "input",
            format!("you may keep at most {MAX_PER_ACCOUNT} saved searches; delete one first"),
        ));
    }
    let now = Utc::now();
    let alert = input.alert.unwrap_or(AlertFrequency::Off);
    let row = saved_search::ActiveModel {
        account_id: Set(owner),
        name: Set(input.name),
        search: Set(input.search),
        filter: Set(input.filter),
        alert: Set(alert.as_str().to_owned()),
        alerted_through: Set((alert != AlertFrequency::Off).then_some(now)),
        last_seen_at: Set(now),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .on_unique(DUPLICATE_NAME)?;
    txn.commit().await?;
    Ok(row)
}

/// Replaces a saved search's name, words, filter and (when given) alert. `version` must be the
/// one last read. An alert turned on announces vacancies published from then on only.
#[tracing::instrument(level = "debug", skip(db, input))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
    version: i32,
    input: SavedSearchInput,
) -> AppResult<saved_search::Model> {
    use saved_search::Column as C;

    let input = check(input)?;
    let current = get(actor, db, id).await?;
    let now = Utc::now();
    let mut update = saved_search::Entity::update_many();
    if let Some(alert) = input.alert {
        let was_off = AlertFrequency::from_db(&current.alert)? == AlertFrequency::Off;
        update = update.col_expr(C::Alert, Expr::value(alert.as_str()));
        if was_off && alert != AlertFrequency::Off {
            update = update.col_expr(C::AlertedThrough, Expr::value(now));
        }
    }
    let result = update
        .col_expr(C::Name, Expr::value(input.name))
        .col_expr(C::Search, Expr::value(input.search))
        .col_expr(C::Filter, Expr::value(input.filter))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version))
        .exec(db)
        .await
        .on_unique(DUPLICATE_NAME)?;
    if result.rows_affected == 0 {
        return Err(AppError::Conflict(
            "this saved search changed since you read it; read it again".into(),
        ));
    }
    get(actor, db, id).await
}

/// Deletes one of the caller's saved searches.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn delete(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<()> {
    let row = get(actor, db, id).await?;
    saved_search::Entity::delete_by_id(row.id).exec(db).await?;
    Ok(())
}

/// Records that the caller has seen the search's results now: its new-match count starts
/// again from zero. Not an edit, so the `version` stays.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn mark_seen(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<saved_search::Model> {
    let row = get(actor, db, id).await?;
    let mut active: saved_search::ActiveModel = row.into();
    active.last_seen_at = Set(Utc::now());
    Ok(active.update(db).await?)
}

/// How many vacancies the caller may see match the saved search and were published after it
/// was last seen.
#[tracing::instrument(level = "debug", skip(db, saved))]
pub async fn new_match_count(
    actor: &Actor,
    db: &DatabaseConnection,
    saved: &saved_search::Model,
) -> AppResult<i64> {
    let filter = VacancyFilter {
        published_after: Some(saved.last_seen_at),
        ..filter_of(saved)?
    };
    let one = PageArgs {
        first: Some(1),
        ..PageArgs::default()
    };
    vacancy::list(actor, db, &filter, None, one)
        .await?
        .total
        .get()
        .await
}
