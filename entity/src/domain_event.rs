//! Something that happened in the domain (a vacancy published, an application moved), recorded
//! in the transaction of the change, for subscribers and webhooks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// A UUID, so consumers can drop an event they already handled.
    #[sea_orm(unique)]
    pub event_id: String,
    /// `vacancy.published`, `vacancy.closed`, `vacancy.updated`, `application.submitted`,
    /// `application.status_changed`.
    pub kind: String,
    pub organisation_id: i32,
    pub vacancy_id: i32,
    pub application_id: Option<i32>,
    pub candidate_account_id: Option<i32>,
    /// A self-contained JSON description of the event.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
