//! A behavioural indicator of a competency, at a level 1–3 when the framework gives one.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "competency_indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub competency_id: i32,
    pub level: Option<i32>,
    pub language: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub sort_order: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::competency::Entity",
        from = "Column::CompetencyId",
        to = "super::competency::Column::Id"
    )]
    Competency,
}

impl Related<super::competency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Competency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
