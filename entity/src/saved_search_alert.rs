//! A vacancy announced to a saved search's owner: each is announced once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "saved_search_alert")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub saved_search_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub vacancy_id: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
