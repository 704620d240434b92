//! Who did what to which object, when, with the changed fields.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub actor_account_id: Option<i32>,
    pub actor_token_id: Option<i32>,
    pub organisation_id: Option<i32>,
    pub entity_type: String,
    pub entity_id: i32,
    pub action: String,
    pub changes: Option<Json>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
