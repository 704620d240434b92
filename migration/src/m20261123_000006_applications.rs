use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, code_in_null, created_at, foreign_key, id, index, reference, reference_null,
    sort_order, updated_at, version, EDUCATION_LEVELS, LANGUAGE_LEVELS,
};
use crate::m20261123_000002_accounts::Account;
use crate::m20261123_000005_vacancies::Vacancy;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Application {
    Table,
    VacancyId,
    CandidateId,
    Status,
    CoverLetter,
    InternalCandidate,
    ResidenceCountry,
    EducationLevel,
    EducationField,
    YearsExperience,
    SubmittedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationLanguage {
    Table,
    ApplicationId,
    LanguageCode,
    Level,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationDocument {
    Table,
    ApplicationId,
    Kind,
    FileName,
    MediaType,
    SizeBytes,
    Sha256,
    Content,
    StoragePath,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationReferee {
    Table,
    ApplicationId,
    Name,
    Email,
    Position,
    Relation,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationEvent {
    Table,
    ApplicationId,
    ActorId,
    FromStatus,
    ToStatus,
    Note,
}

const STATUSES: &[&str] = &[
    "SUBMITTED",
    "SCREENING",
    "SHORTLISTED",
    "INTERVIEW",
    "OFFERED",
    "HIRED",
    "REJECTED",
    "WITHDRAWN",
];

fn application_child(
    table: impl IntoIden + Copy + 'static,
    application_id: impl IntoIden + Copy + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id())
        .col(reference(application_id))
        .foreign_key(&mut foreign_key(
            table,
            application_id,
            Application::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut years = integer(Application::YearsExperience);
        years.check(Expr::col(Application::YearsExperience).between(0, 70));
        manager
            .create_table(
                Table::create()
                    .table(Application::Table)
                    .col(id())
                    .col(reference(Application::VacancyId))
                    .col(reference(Application::CandidateId))
                    .col(code_in(Application::Status, STATUSES))
                    .col(text_null(Application::CoverLetter))
                    .col(boolean(Application::InternalCandidate))
                    .col(string_len(Application::ResidenceCountry, 2))
                    .col(code_in(Application::EducationLevel, EDUCATION_LEVELS))
                    .col(string_null(Application::EducationField))
                    .col(years)
                    .col(version())
                    .col(timestamp_with_time_zone(Application::SubmittedAt))
                    .col(updated_at())
                    .foreign_key(&mut foreign_key(
                        Application::Table,
                        Application::VacancyId,
                        Vacancy::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        Application::Table,
                        Application::CandidateId,
                        Account::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                application_child(
                    ApplicationLanguage::Table,
                    ApplicationLanguage::ApplicationId,
                )
                .col(string_len(ApplicationLanguage::LanguageCode, 8))
                .col(code_in(ApplicationLanguage::Level, LANGUAGE_LEVELS))
                .to_owned(),
            )
            .await?;
        let mut size = big_integer(ApplicationDocument::SizeBytes);
        size.check(Expr::col(ApplicationDocument::SizeBytes).gte(0));
        manager
            .create_table(
                application_child(
                    ApplicationDocument::Table,
                    ApplicationDocument::ApplicationId,
                )
                .col(code_in(
                    ApplicationDocument::Kind,
                    &["CV", "COVER_LETTER", "REFERENCES", "DIPLOMA", "OTHER"],
                ))
                .col(string(ApplicationDocument::FileName))
                .col(string_len(ApplicationDocument::MediaType, 128))
                .col(size)
                .col(string_len(ApplicationDocument::Sha256, 64))
                .col(blob_null(ApplicationDocument::Content))
                .col(string_null(ApplicationDocument::StoragePath))
                .col(created_at())
                // A document lives in the database or in the storage folder.
                .check(
                    Expr::col(ApplicationDocument::Content)
                        .is_not_null()
                        .or(Expr::col(ApplicationDocument::StoragePath).is_not_null()),
                )
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                application_child(ApplicationReferee::Table, ApplicationReferee::ApplicationId)
                    .col(string(ApplicationReferee::Name))
                    .col(string(ApplicationReferee::Email))
                    .col(string_null(ApplicationReferee::Position))
                    .col(string_null(ApplicationReferee::Relation))
                    .col(sort_order())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                application_child(ApplicationEvent::Table, ApplicationEvent::ApplicationId)
                    .col(reference_null(ApplicationEvent::ActorId))
                    .col(code_in_null(ApplicationEvent::FromStatus, STATUSES))
                    .col(code_in(ApplicationEvent::ToStatus, STATUSES))
                    .col(text_null(ApplicationEvent::Note))
                    .col(created_at())
                    .foreign_key(&mut foreign_key(
                        ApplicationEvent::Table,
                        ApplicationEvent::ActorId,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    Application::Table,
                    &[Application::VacancyId, Application::CandidateId],
                    true,
                ),
                index(Application::Table, &[Application::CandidateId], false),
                index(
                    Application::Table,
                    &[Application::VacancyId, Application::Status],
                    false,
                ),
                index(
                    ApplicationLanguage::Table,
                    &[ApplicationLanguage::ApplicationId],
                    false,
                ),
                index(
                    ApplicationDocument::Table,
                    &[ApplicationDocument::ApplicationId],
                    false,
                ),
                index(
                    ApplicationReferee::Table,
                    &[ApplicationReferee::ApplicationId],
                    false,
                ),
                index(
                    ApplicationEvent::Table,
                    &[ApplicationEvent::ApplicationId],
                    false,
                ),
                index(ApplicationEvent::Table, &[ApplicationEvent::ActorId], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[ApplicationEvent::Table]).await?;
        columns::drop_tables(manager, &[ApplicationReferee::Table]).await?;
        columns::drop_tables(manager, &[ApplicationDocument::Table]).await?;
        columns::drop_tables(manager, &[ApplicationLanguage::Table]).await?;
        columns::drop_tables(manager, &[Application::Table]).await
    }
}
