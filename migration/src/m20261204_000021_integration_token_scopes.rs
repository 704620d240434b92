//! Least-privilege integration tokens: the scopes a token holds and the client networks it may
//! call from. Tokens stored before hold every scope, today's rights, until they are replaced;
//! a new column's default is no scope at all, so a row written without scopes can do nothing.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum IntegrationToken {
    Table,
    Scopes,
    AllowedNetworks,
}

/// Every scope there was when scopes came in.
const EVERY_SCOPE: &str =
    r#"["POSTINGS_WRITE","APPLICATIONS_READ","APPLICATIONS_WRITE","DOCUMENTS_READ"]"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut scopes = string_len(IntegrationToken::Scopes, 200);
        scopes.default("[]");
        columns::add_column(manager, IntegrationToken::Table, scopes).await?;
        columns::add_column(
            manager,
            IntegrationToken::Table,
            text_null(IntegrationToken::AllowedNetworks),
        )
        .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(IntegrationToken::Table)
                    .value(IntegrationToken::Scopes, EVERY_SCOPE)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [IntegrationToken::AllowedNetworks, IntegrationToken::Scopes] {
            columns::drop_column(manager, IntegrationToken::Table, column).await?;
        }
        Ok(())
    }
}
