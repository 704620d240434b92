//! A screening question of a vacancy's application form.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "vacancy_question")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub sort_order: i32,
    pub kind: String,
    pub required: bool,
    /// The question's wording by language: `{"fr": "…", "en": "…"}`.
    pub prompt: Json,
    /// For choice questions: `[{"value": "…", "labels": {"fr": "…"}}]`.
    pub options: Option<Json>,
    pub min_number: Option<f64>,
    pub max_number: Option<f64>,
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
