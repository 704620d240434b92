//! A search an account saved by name: words and a vacancy filter, and when its results were
//! last looked at.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_search")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    pub name: String,
    pub search: Option<String>,
    /// The filter, as the service's `VacancyFilter` serialises it (row ids, `camelCase` keys).
    pub filter: Json,
    pub last_seen_at: DateTimeUtc,
    /// `OFF`, `DAILY` or `INSTANT`: when new matches are mailed.
    pub alert: String,
    /// Vacancies published up to this instant were considered for an alert already.
    pub alerted_through: Option<DateTimeUtc>,
    /// When alerts were last looked for (a daily alert waits a day after it).
    pub alert_checked_at: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
