//! Erasure and retention of candidates' data: when an account was erased (its row stays as a
//! tombstone so that applications keep their candidate), why a platform admin holds it from
//! erasure, and when an application's personal data was anonymised (by erasure or by the
//! retention period), so that housekeeping never does one twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::m20261123_000002_accounts::Account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AccountColumns {
    ErasedAt,
    LegalHoldReason,
}

#[derive(DeriveIden, Clone, Copy)]
enum Application {
    Table,
    AnonymisedAt,
}

async fn add_column<T: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: ColumnDef,
) -> Result<(), DbErr> {
    // SQLite adds one column per statement.
    manager
        .alter_table(Table::alter().table(table).add_column(column).to_owned())
        .await
}

async fn drop_column<T: IntoIden + Copy + 'static, C: IntoIden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: C,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(column).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Account::Table,
            timestamp_with_time_zone_null(AccountColumns::ErasedAt),
        )
        .await?;
        add_column(
            manager,
            Account::Table,
            string_len_null(AccountColumns::LegalHoldReason, 500),
        )
        .await?;
        add_column(
            manager,
            Application::Table,
            timestamp_with_time_zone_null(Application::AnonymisedAt),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, Application::Table, Application::AnonymisedAt).await?;
        drop_column(manager, Account::Table, AccountColumns::LegalHoldReason).await?;
        drop_column(manager, Account::Table, AccountColumns::ErasedAt).await
    }
}
