use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, code_in_null, created_at, foreign_key, id, index, reference, reference_null,
    sort_order, updated_at, version, EDUCATION_LEVELS, LANGUAGE_LEVELS, REQUIREMENTS,
};
use crate::m20261123_000001_organisations::Organisation;
use crate::m20261123_000003_projects::Project;
use crate::m20261123_000004_competencies::Competency;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Vacancy {
    Table,
    OrganisationId,
    ProjectId,
    Reference,
    ExternalJobId,
    Unit,
    AuthoritativeLanguage,
    Grade,
    GradeCategory,
    ContractType,
    DurationMonths,
    Renewable,
    Positions,
    OpenToInternal,
    OpenToExternal,
    InternalFirst,
    Residency,
    TimeZone,
    PublishedAt,
    ClosingAt,
    StartOn,
    StartAsap,
    ApplyEmail,
    ApplyUrl,
    ApplyEmailSubject,
    Status,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyText {
    Table,
    VacancyId,
    Language,
    Title,
    OrganisationIntro,
    Context,
    ReportingLines,
    ResponsibilitiesIntro,
    HowToApply,
    AdditionalInformation,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyItem {
    Table,
    VacancyId,
    Section,
    Language,
    Text,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyDutyStation {
    Table,
    VacancyId,
    City,
    CountryCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyLanguage {
    Table,
    VacancyId,
    LanguageCode,
    Level,
    Requirement,
    OneOf,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyQualificationPath {
    Table,
    VacancyId,
    EducationLevel,
    MinYearsExperience,
    Fields,
    Description,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyCompetency {
    Table,
    VacancyId,
    CompetencyId,
    Level,
    Requirement,
}

#[derive(DeriveIden, Clone, Copy)]
enum VacancyDocument {
    Table,
    VacancyId,
    Kind,
    Count,
    Note,
}

fn vacancy_child(
    table: impl IntoIden + Copy + 'static,
    vacancy_id: impl IntoIden + Copy + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(id())
        .col(reference(vacancy_id))
        .foreign_key(&mut foreign_key(
            table,
            vacancy_id,
            Vacancy::Table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut duration = integer_null(Vacancy::DurationMonths);
        duration.check(Expr::col(Vacancy::DurationMonths).gt(0));
        let mut positions = integer(Vacancy::Positions);
        positions
            .default(1)
            .check(Expr::col(Vacancy::Positions).gte(1));
        manager
            .create_table(
                Table::create()
                    .table(Vacancy::Table)
                    .col(id())
                    .col(reference(Vacancy::OrganisationId))
                    .col(reference_null(Vacancy::ProjectId))
                    .col(string_len(Vacancy::Reference, 64))
                    .col(string_len_null(Vacancy::ExternalJobId, 64))
                    .col(string_null(Vacancy::Unit))
                    .col(string_len(Vacancy::AuthoritativeLanguage, 8))
                    .col(string_len_null(Vacancy::Grade, 16))
                    .col(code_in_null(
                        Vacancy::GradeCategory,
                        &[
                            "GENERAL_SERVICE",
                            "PROFESSIONAL",
                            "DIRECTOR",
                            "NATIONAL_OFFICER",
                            "INTERN",
                            "CONSULTANT",
                        ],
                    ))
                    .col(code_in_null(
                        Vacancy::ContractType,
                        &[
                            "FIXED_TERM",
                            "TEMPORARY",
                            "TECHNICAL_COOPERATION",
                            "INTERNSHIP",
                            "CONSULTANCY",
                        ],
                    ))
                    .col(duration)
                    .col(boolean_null(Vacancy::Renewable))
                    .col(positions)
                    .col(boolean(Vacancy::OpenToInternal))
                    .col(boolean(Vacancy::OpenToExternal))
                    .col(boolean(Vacancy::InternalFirst))
                    .col(code_in(
                        Vacancy::Residency,
                        &[
                            "NONE",
                            "DUTY_STATION_COUNTRY",
                            "DUTY_STATION_OR_NEIGHBOURING",
                        ],
                    ))
                    .col(string_len(Vacancy::TimeZone, 64))
                    .col(timestamp_with_time_zone_null(Vacancy::PublishedAt))
                    .col(timestamp_with_time_zone_null(Vacancy::ClosingAt))
                    .col(date_null(Vacancy::StartOn))
                    .col(boolean(Vacancy::StartAsap))
                    .col(string_null(Vacancy::ApplyEmail))
                    .col(string_null(Vacancy::ApplyUrl))
                    .col(string_null(Vacancy::ApplyEmailSubject))
                    .col(code_in(
                        Vacancy::Status,
                        &["DRAFT", "PUBLISHED", "CLOSED", "ARCHIVED", "CANCELLED"],
                    ))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    // A published notice always says when it closes.
                    .check(
                        Expr::col(Vacancy::Status)
                            .ne("PUBLISHED")
                            .or(Expr::col(Vacancy::ClosingAt).is_not_null()),
                    )
                    .check(
                        Expr::col(Vacancy::OpenToInternal)
                            .eq(true)
                            .or(Expr::col(Vacancy::OpenToExternal).eq(true)),
                    )
                    .foreign_key(&mut foreign_key(
                        Vacancy::Table,
                        Vacancy::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut foreign_key(
                        Vacancy::Table,
                        Vacancy::ProjectId,
                        Project::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                vacancy_child(VacancyText::Table, VacancyText::VacancyId)
                    .col(string_len(VacancyText::Language, 8))
                    .col(string(VacancyText::Title))
                    .col(text_null(VacancyText::OrganisationIntro))
                    .col(text_null(VacancyText::Context))
                    .col(text_null(VacancyText::ReportingLines))
                    .col(text_null(VacancyText::ResponsibilitiesIntro))
                    .col(text_null(VacancyText::HowToApply))
                    .col(text_null(VacancyText::AdditionalInformation))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                vacancy_child(VacancyItem::Table, VacancyItem::VacancyId)
                    .col(code_in(
                        VacancyItem::Section,
                        &["RESPONSIBILITY", "EXPERIENCE", "SKILL", "CONDITION"],
                    ))
                    .col(string_len(VacancyItem::Language, 8))
                    .col(sort_order())
                    .col(text(VacancyItem::Text))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                vacancy_child(VacancyDutyStation::Table, VacancyDutyStation::VacancyId)
                    .col(string(VacancyDutyStation::City))
                    .col(string_len(VacancyDutyStation::CountryCode, 2))
                    .col(sort_order())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                vacancy_child(VacancyLanguage::Table, VacancyLanguage::VacancyId)
                    .col(string_len(VacancyLanguage::LanguageCode, 8))
                    .col(code_in_null(VacancyLanguage::Level, LANGUAGE_LEVELS))
                    .col(code_in(VacancyLanguage::Requirement, REQUIREMENTS))
                    .col(integer_null(VacancyLanguage::OneOf))
                    .col(sort_order())
                    .to_owned(),
            )
            .await?;
        let mut years = integer(VacancyQualificationPath::MinYearsExperience);
        years
            .default(0)
            .check(Expr::col(VacancyQualificationPath::MinYearsExperience).between(0, 60));
        manager
            .create_table(
                vacancy_child(
                    VacancyQualificationPath::Table,
                    VacancyQualificationPath::VacancyId,
                )
                .col(code_in(
                    VacancyQualificationPath::EducationLevel,
                    EDUCATION_LEVELS,
                ))
                .col(years)
                .col(json(VacancyQualificationPath::Fields))
                .col(text_null(VacancyQualificationPath::Description))
                .col(sort_order())
                .to_owned(),
            )
            .await?;
        let mut level = integer_null(VacancyCompetency::Level);
        level.check(Expr::col(VacancyCompetency::Level).between(1, 3));
        manager
            .create_table(
                vacancy_child(VacancyCompetency::Table, VacancyCompetency::VacancyId)
                    .col(reference(VacancyCompetency::CompetencyId))
                    .col(level)
                    .col(code_in(VacancyCompetency::Requirement, REQUIREMENTS))
                    .col(sort_order())
                    .foreign_key(&mut foreign_key(
                        VacancyCompetency::Table,
                        VacancyCompetency::CompetencyId,
                        Competency::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut count = integer_null(VacancyDocument::Count);
        count.check(Expr::col(VacancyDocument::Count).between(1, 10));
        manager
            .create_table(
                vacancy_child(VacancyDocument::Table, VacancyDocument::VacancyId)
                    .col(code_in(
                        VacancyDocument::Kind,
                        &[
                            "CV",
                            "COVER_LETTER",
                            "REFERENCES",
                            "DIPLOMA",
                            "ONLINE_PROFILE",
                            "OTHER",
                        ],
                    ))
                    .col(count)
                    .col(text_null(VacancyDocument::Note))
                    .col(sort_order())
                    .to_owned(),
            )
            .await?;

        columns::create_indexes(
            manager,
            vec![
                index(
                    Vacancy::Table,
                    &[Vacancy::OrganisationId, Vacancy::Reference],
                    true,
                ),
                index(Vacancy::Table, &[Vacancy::ProjectId], false),
                index(
                    Vacancy::Table,
                    &[Vacancy::Status, Vacancy::ClosingAt],
                    false,
                ),
                index(Vacancy::Table, &[Vacancy::ClosingAt], false),
                index(Vacancy::Table, &[Vacancy::PublishedAt], false),
                index(Vacancy::Table, &[Vacancy::Grade], false),
                index(Vacancy::Table, &[Vacancy::GradeCategory], false),
                index(Vacancy::Table, &[Vacancy::ContractType], false),
                index(
                    VacancyText::Table,
                    &[VacancyText::VacancyId, VacancyText::Language],
                    true,
                ),
                index(
                    VacancyItem::Table,
                    &[VacancyItem::VacancyId, VacancyItem::Section],
                    false,
                ),
                index(
                    VacancyDutyStation::Table,
                    &[VacancyDutyStation::VacancyId],
                    false,
                ),
                index(
                    VacancyDutyStation::Table,
                    &[VacancyDutyStation::CountryCode],
                    false,
                ),
                index(VacancyLanguage::Table, &[VacancyLanguage::VacancyId], false),
                index(
                    VacancyQualificationPath::Table,
                    &[VacancyQualificationPath::VacancyId],
                    false,
                ),
                index(
                    VacancyCompetency::Table,
                    &[
                        VacancyCompetency::VacancyId,
                        VacancyCompetency::CompetencyId,
                    ],
                    true,
                ),
                index(
                    VacancyCompetency::Table,
                    &[VacancyCompetency::CompetencyId],
                    false,
                ),
                index(VacancyDocument::Table, &[VacancyDocument::VacancyId], false),
            ],
        )
        .await?;
        // The city filter is case-insensitive; both backends index the expression it uses.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_vacancy_duty_station_city_lower ON vacancy_duty_station (lower(city))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[VacancyDocument::Table]).await?;
        columns::drop_tables(manager, &[VacancyCompetency::Table]).await?;
        columns::drop_tables(manager, &[VacancyQualificationPath::Table]).await?;
        columns::drop_tables(manager, &[VacancyLanguage::Table]).await?;
        columns::drop_tables(manager, &[VacancyDutyStation::Table]).await?;
        columns::drop_tables(manager, &[VacancyItem::Table]).await?;
        columns::drop_tables(manager, &[VacancyText::Table]).await?;
        columns::drop_tables(manager, &[Vacancy::Table]).await
    }
}
