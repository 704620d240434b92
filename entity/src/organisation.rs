//! An agency or partner organisation (IOM, ILO, a ministry, a donor).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Deserialize)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub acronym: String,
    pub name_en: String,
    pub name_fr: String,
    pub kind: String,
    pub founded_year: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub description_en: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description_fr: Option<String>,
    pub website: Option<String>,
    pub recruitment_email: Option<String>,
    /// The application statuses candidates are told of by mail, as a JSON array of codes.
    pub announced_statuses: String,
    /// Name and description in languages other than English and French:
    /// `{"ar": {"name": …, "description": …}}`.
    pub translations: Option<Json>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::organisation_acronym::Entity")]
    OrganisationAcronym,
    #[sea_orm(has_many = "super::office::Entity")]
    Office,
    #[sea_orm(has_many = "super::project::Entity")]
    Project,
    #[sea_orm(has_many = "super::vacancy::Entity")]
    Vacancy,
    #[sea_orm(has_many = "super::account::Entity")]
    Account,
    #[sea_orm(has_many = "super::competency::Entity")]
    Competency,
}

impl Related<super::organisation_acronym::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrganisationAcronym.def()
    }
}

impl Related<super::office::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Office.def()
    }
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl Related<super::competency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Competency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
