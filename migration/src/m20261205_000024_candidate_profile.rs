//! Sample notices, nationality rules and candidate profiles.
//!
//! - `vacancy.is_sample`: generated sample data (development only), removable in one command;
//! - `vacancy.nationality_rule` (+ `nationality_countries`, a JSON array of ISO codes for
//!   `LISTED_COUNTRIES`): who may apply by nationality, distinct from the residency rule;
//! - `application.nationality`: stated only when the vacancy's rule needs it;
//! - `candidate_profile`: one per candidate account, what pre-fills their applications.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, updated_at, version,
    EDUCATION_LEVELS,
};
use crate::m20261123_000002_accounts::Account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Vacancy {
    Table,
    IsSample,
    NationalityRule,
    NationalityCountries,
}

#[derive(DeriveIden, Clone, Copy)]
enum Application {
    Table,
    Nationality,
}

#[derive(DeriveIden, Clone, Copy)]
enum CandidateProfile {
    Table,
    AccountId,
    ResidenceCountry,
    Nationality,
    EducationLevel,
    EducationField,
    YearsExperience,
    Languages,
    InternalCandidate,
}

const NATIONALITY_RULES: &[&str] = &["NONE", "DUTY_STATION_COUNTRY", "LISTED_COUNTRIES"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut sample = boolean(Vacancy::IsSample);
        sample.default(false);
        columns::add_column(manager, Vacancy::Table, sample).await?;
        let mut rule = code_in(Vacancy::NationalityRule, NATIONALITY_RULES);
        rule.default("NONE");
        columns::add_column(manager, Vacancy::Table, rule).await?;
        columns::add_column(
            manager,
            Vacancy::Table,
            text_null(Vacancy::NationalityCountries),
        )
        .await?;
        columns::add_column(
            manager,
            Application::Table,
            string_len_null(Application::Nationality, 2),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(CandidateProfile::Table)
                    .col(id())
                    .col(reference(CandidateProfile::AccountId))
                    .col(string_len_null(CandidateProfile::ResidenceCountry, 2))
                    .col(string_len_null(CandidateProfile::Nationality, 2))
                    .col(columns::code_in_null(
                        CandidateProfile::EducationLevel,
                        EDUCATION_LEVELS,
                    ))
                    .col(string_len_null(CandidateProfile::EducationField, 255))
                    .col(integer_null(CandidateProfile::YearsExperience))
                    .col(json(CandidateProfile::Languages))
                    .col(boolean(CandidateProfile::InternalCandidate))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut foreign_key(
                        CandidateProfile::Table,
                        CandidateProfile::AccountId,
                        Account::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                CandidateProfile::Table,
                &[CandidateProfile::AccountId],
                true,
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CandidateProfile::Table).to_owned())
            .await?;
        columns::drop_column(manager, Application::Table, Application::Nationality).await?;
        for column in [
            Vacancy::NationalityCountries,
            Vacancy::NationalityRule,
            Vacancy::IsSample,
        ] {
            columns::drop_column(manager, Vacancy::Table, column).await?;
        }
        Ok(())
    }
}
