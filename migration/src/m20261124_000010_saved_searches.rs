use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, created_at, foreign_key, id, index, reference, updated_at, version};
use crate::m20261123_000002_accounts::Account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SavedSearch {
    Table,
    AccountId,
    Name,
    Search,
    Filter,
    LastSeenAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedSearch::Table)
                    .col(id())
                    .col(reference(SavedSearch::AccountId))
                    .col(string_len(SavedSearch::Name, 100))
                    .col(string_len_null(SavedSearch::Search, 200))
                    .col(json(SavedSearch::Filter))
                    .col(timestamp_with_time_zone(SavedSearch::LastSeenAt))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut foreign_key(
                        SavedSearch::Table,
                        SavedSearch::AccountId,
                        Account::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![index(
                SavedSearch::Table,
                &[SavedSearch::AccountId, SavedSearch::Name],
                true,
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[SavedSearch::Table]).await
    }
}
