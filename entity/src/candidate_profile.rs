//! What a candidate keeps about themselves to pre-fill applications: one row per account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "candidate_profile")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub account_id: i32,
    pub residence_country: Option<String>,
    /// Only when the candidate chose to give it.
    pub nationality: Option<String>,
    pub education_level: Option<String>,
    pub education_field: Option<String>,
    pub years_experience: Option<i32>,
    /// `[{"language": "fr", "level": "FLUENT"}, …]`.
    pub languages: Json,
    pub internal_candidate: bool,
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
