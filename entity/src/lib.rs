//! SeaORM entities of the job board, one module per table. Data only: no business logic.

pub mod account;
pub mod application;
pub mod application_document;
pub mod application_event;
pub mod application_language;
pub mod application_referee;
pub mod audit_event;
pub mod competency;
pub mod competency_indicator;
pub mod integration_token;
pub mod login_throttle;
pub mod office;
pub mod organisation;
pub mod organisation_acronym;
pub mod project;
pub mod project_country;
pub mod project_partner;
pub mod vacancy;
pub mod vacancy_competency;
pub mod vacancy_document;
pub mod vacancy_duty_station;
pub mod vacancy_item;
pub mod vacancy_language;
pub mod vacancy_qualification_path;
pub mod vacancy_text;
