//! A programme that posts serve (MPTF, THAMM+, ORION …). `objectives` maps a language to an ordered list.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "project")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub code: String,
    pub name_en: String,
    pub name_fr: String,
    #[sea_orm(column_type = "Text")]
    pub description_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description_fr: Option<String>,
    pub objectives: Option<Json>,
    pub start_on: Option<Date>,
    pub end_on: Option<Date>,
    pub lead_organisation_id: i32,
    pub status: String,
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
        from = "Column::LeadOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    LeadOrganisation,
    #[sea_orm(has_many = "super::project_country::Entity")]
    ProjectCountry,
    #[sea_orm(has_many = "super::project_partner::Entity")]
    ProjectPartner,
    #[sea_orm(has_many = "super::vacancy::Entity")]
    Vacancy,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LeadOrganisation.def()
    }
}

impl Related<super::project_country::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProjectCountry.def()
    }
}

impl Related<super::project_partner::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProjectPartner.def()
    }
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
