//! A vacancy's title and text sections in one language.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "vacancy_text")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub language: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub organisation_intro: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub context: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub reporting_lines: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub responsibilities_intro: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub how_to_apply: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub additional_information: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vacancy::Entity",
        from = "Column::VacancyId",
        to = "super::vacancy::Column::Id"
    )]
    Vacancy,
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
