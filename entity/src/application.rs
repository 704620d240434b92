//! A candidate's application to one vacancy.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub vacancy_id: i32,
    pub candidate_id: i32,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub cover_letter: Option<String>,
    pub internal_candidate: bool,
    pub residence_country: String,
    pub education_level: String,
    pub education_field: Option<String>,
    pub years_experience: i32,
    /// Stated only when the vacancy's nationality rule needs it; cleared by anonymisation.
    pub nationality: Option<String>,
    pub version: i32,
    /// Whether the application met the notice's requirements when it was submitted.
    pub eligible: Option<bool>,
    /// The requirements it did not meet, in plain words.
    pub unmet: Option<Json>,
    /// When its personal data was removed (erasure of the candidate, or the retention period
    /// after its vacancy closed); status, dates and eligibility stay.
    pub anonymised_at: Option<DateTimeUtc>,
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::vacancy::Entity",
        from = "Column::VacancyId",
        to = "super::vacancy::Column::Id"
    )]
    Vacancy,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::CandidateId",
        to = "super::account::Column::Id"
    )]
    Candidate,
    #[sea_orm(has_many = "super::application_language::Entity")]
    ApplicationLanguage,
    #[sea_orm(has_many = "super::application_document::Entity")]
    ApplicationDocument,
    #[sea_orm(has_many = "super::application_referee::Entity")]
    ApplicationReferee,
    #[sea_orm(has_many = "super::application_event::Entity")]
    ApplicationEvent,
}

impl Related<super::vacancy::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Vacancy.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Candidate.def()
    }
}

impl Related<super::application_language::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApplicationLanguage.def()
    }
}

impl Related<super::application_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApplicationDocument.def()
    }
}

impl Related<super::application_referee::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApplicationReferee.def()
    }
}

impl Related<super::application_event::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApplicationEvent.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
