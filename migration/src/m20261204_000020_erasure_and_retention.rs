//! Erasure and retention of candidates' data: when an account was erased (its row stays as a
//! tombstone so that applications keep their candidate), why a platform admin holds it from
//! erasure, and when an application's personal data was anonymised (by erasure or by the
//! retention period), so that housekeeping never does one twice.

use sea_orm_migration::prelude::*;

use crate::columns;
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::add_column(
            manager,
            Account::Table,
            timestamp_with_time_zone_null(AccountColumns::ErasedAt),
        )
        .await?;
        columns::add_column(
            manager,
            Account::Table,
            string_len_null(AccountColumns::LegalHoldReason, 500),
        )
        .await?;
        columns::add_column(
            manager,
            Application::Table,
            timestamp_with_time_zone_null(Application::AnonymisedAt),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_column(manager, Application::Table, Application::AnonymisedAt).await?;
        columns::drop_column(manager, Account::Table, AccountColumns::LegalHoldReason).await?;
        columns::drop_column(manager, Account::Table, AccountColumns::ErasedAt).await
    }
}
