use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, code_in, foreign_key, id, index, reference, sort_order};
use crate::m20261123_000005_vacancies::Vacancy;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum VacancyQuestion {
    Table,
    VacancyId,
    Kind,
    Required,
    Prompt,
    Options,
    MinNumber,
    MaxNumber,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationAnswer {
    Table,
    ApplicationId,
    QuestionId,
    Value,
}

#[derive(DeriveIden, Clone, Copy)]
enum Application {
    Table,
    Eligible,
    Unmet,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VacancyQuestion::Table)
                    .col(id())
                    .col(reference(VacancyQuestion::VacancyId))
                    .col(sort_order())
                    .col(code_in(
                        VacancyQuestion::Kind,
                        &[
                            "TEXT",
                            "YES_NO",
                            "SINGLE_CHOICE",
                            "MULTIPLE_CHOICE",
                            "NUMBER",
                        ],
                    ))
                    .col(boolean(VacancyQuestion::Required))
                    .col(json(VacancyQuestion::Prompt))
                    .col(json_null(VacancyQuestion::Options))
                    .col(double_null(VacancyQuestion::MinNumber))
                    .col(double_null(VacancyQuestion::MaxNumber))
                    .foreign_key(&mut foreign_key(
                        VacancyQuestion::Table,
                        VacancyQuestion::VacancyId,
                        Vacancy::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApplicationAnswer::Table)
                    .col(id())
                    .col(reference(ApplicationAnswer::ApplicationId))
                    .col(reference(ApplicationAnswer::QuestionId))
                    .col(json(ApplicationAnswer::Value))
                    .foreign_key(&mut foreign_key(
                        ApplicationAnswer::Table,
                        ApplicationAnswer::ApplicationId,
                        Application::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        ApplicationAnswer::Table,
                        ApplicationAnswer::QuestionId,
                        VacancyQuestion::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .add_column(boolean_null(Application::Eligible))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Application::Table)
                    .add_column(json_null(Application::Unmet))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(VacancyQuestion::Table, &[VacancyQuestion::VacancyId], false),
                index(
                    ApplicationAnswer::Table,
                    &[
                        ApplicationAnswer::ApplicationId,
                        ApplicationAnswer::QuestionId,
                    ],
                    true,
                ),
                index(
                    ApplicationAnswer::Table,
                    &[ApplicationAnswer::QuestionId],
                    false,
                ),
                index(Application::Table, &[Application::Eligible], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_application_eligible")
                    .table(Application::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Application::Unmet, Application::Eligible] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Application::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        columns::drop_tables(manager, &[ApplicationAnswer::Table]).await?;
        columns::drop_tables(manager, &[VacancyQuestion::Table]).await
    }
}
