use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference_null, updated_at, version,
};
use crate::m20261123_000001_organisations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Account {
    Table,
    Email,
    PasswordHash,
    FullName,
    Role,
    OrganisationId,
    Active,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut active = boolean(Account::Active);
        active.default(true);
        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(id())
                    .col(string_uniq(Account::Email))
                    .col(string(Account::PasswordHash))
                    .col(string(Account::FullName))
                    .col(code_in(
                        Account::Role,
                        &["CANDIDATE", "RECRUITER", "AGENCY_ADMIN", "PLATFORM_ADMIN"],
                    ))
                    .col(reference_null(Account::OrganisationId))
                    .col(active)
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    // Agency roles always belong to an organisation.
                    .check(
                        Expr::col(Account::Role)
                            .is_in(["CANDIDATE", "PLATFORM_ADMIN"])
                            .or(Expr::col(Account::OrganisationId).is_not_null()),
                    )
                    .foreign_key(&mut foreign_key(
                        Account::Table,
                        Account::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![index(Account::Table, &[Account::OrganisationId], false)],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[Account::Table]).await
    }
}
