//! One vacancy notice.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancy")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub project_id: Option<i32>,
    pub reference: String,
    pub external_job_id: Option<String>,
    pub unit: Option<String>,
    pub authoritative_language: String,
    pub grade: Option<String>,
    pub grade_category: Option<String>,
    pub contract_type: Option<String>,
    pub duration_months: Option<i32>,
    pub renewable: Option<bool>,
    pub positions: i32,
    pub open_to_internal: bool,
    pub open_to_external: bool,
    pub internal_first: bool,
    pub residency: String,
    pub time_zone: String,
    pub published_at: Option<DateTimeUtc>,
    pub closing_at: Option<DateTimeUtc>,
    pub start_on: Option<Date>,
    pub start_asap: bool,
    pub apply_email: Option<String>,
    pub apply_url: Option<String>,
    pub apply_email_subject: Option<String>,
    /// The language the post works in (ISO 639), when the notice names one.
    pub working_language: Option<String>,
    /// The job family or category the notice files the post under ("Finance").
    pub job_family: Option<String>,
    /// The department, when the notice names one besides its unit.
    pub department: Option<String>,
    /// Whom candidates who need reasonable accommodation write to.
    pub accommodation_contact: Option<String>,
    /// The publication date the notice states, which `published_at` (when it went live) need not be.
    pub stated_publication_date: Option<Date>,
    pub status: String,
    /// Generated sample data (development only), removed by `seed --remove-samples`.
    pub is_sample: bool,
    /// `NONE`, `DUTY_STATION_COUNTRY` or `LISTED_COUNTRIES`: who may apply by nationality.
    pub nationality_rule: String,
    /// For `LISTED_COUNTRIES`: a JSON array of ISO 3166-1 alpha-2 codes.
    #[sea_orm(column_type = "Text", nullable)]
    pub nationality_countries: Option<String>,
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
    #[sea_orm(
        belongs_to = "super::project::Entity",
        from = "Column::ProjectId",
        to = "super::project::Column::Id"
    )]
    Project,
    #[sea_orm(has_many = "super::vacancy_text::Entity")]
    VacancyText,
    #[sea_orm(has_many = "super::vacancy_item::Entity")]
    VacancyItem,
    #[sea_orm(has_many = "super::vacancy_duty_station::Entity")]
    VacancyDutyStation,
    #[sea_orm(has_many = "super::vacancy_language::Entity")]
    VacancyLanguage,
    #[sea_orm(has_many = "super::vacancy_qualification_path::Entity")]
    VacancyQualificationPath,
    #[sea_orm(has_many = "super::vacancy_competency::Entity")]
    VacancyCompetency,
    #[sea_orm(has_many = "super::vacancy_document::Entity")]
    VacancyDocument,
    #[sea_orm(has_many = "super::application::Entity")]
    Application,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::project::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl Related<super::vacancy_text::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyText.def()
    }
}

impl Related<super::vacancy_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyItem.def()
    }
}

impl Related<super::vacancy_duty_station::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyDutyStation.def()
    }
}

impl Related<super::vacancy_language::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyLanguage.def()
    }
}

impl Related<super::vacancy_qualification_path::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyQualificationPath.def()
    }
}

impl Related<super::vacancy_competency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyCompetency.def()
    }
}

impl Related<super::vacancy_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VacancyDocument.def()
    }
}

impl Related<super::application::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Application.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
