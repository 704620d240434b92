//! The public list of open vacancies is read closing soonest first and paged by (deadline, id):
//! an index in exactly that order lets a page stop after its rows instead of sorting every open
//! notice. It replaces the index on (status, closing_at), which it covers.

use sea_orm_migration::prelude::*;

use crate::columns::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Vacancy {
    Table,
    Id,
    Status,
    ClosingAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                Vacancy::Table,
                &[Vacancy::Status, Vacancy::ClosingAt, Vacancy::Id],
                false,
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_vacancy_status_closing_at")
                    .table(Vacancy::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                Vacancy::Table,
                &[Vacancy::Status, Vacancy::ClosingAt],
                false,
            ))
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_vacancy_status_closing_at_id")
                    .table(Vacancy::Table)
                    .to_owned(),
            )
            .await
    }
}
