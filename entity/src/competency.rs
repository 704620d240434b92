//! A competency of a framework: global when `organisation_id` is null.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "competency")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: Option<i32>,
    pub code: String,
    pub kind: String,
    pub name_en: String,
    pub name_fr: String,
    #[sea_orm(column_type = "Text")]
    pub description_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description_fr: Option<String>,
    /// Name and description in languages other than English and French:
    /// `{"ar": {"name": …, "description": …}}`.
    pub translations: Option<Json>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    #[sea_orm(has_many = "super::competency_indicator::Entity")]
    CompetencyIndicator,
    #[sea_orm(has_many = "super::vacancy_competency::Entity")]
    VacancyCompetency,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::competency_indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CompetencyIndicator.def()
    }
}

impl Related<super::vacancy_competency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyCompetency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
