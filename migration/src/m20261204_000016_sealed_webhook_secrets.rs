//! Webhook signing secrets are stored sealed (a nonce, the ciphertext and its tag, in base64),
//! longer than the 128 characters the clear secret took. SQLite does not enforce lengths, so
//! only PostgreSQL's column changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Secret,
}

async fn secret_width(manager: &SchemaManager<'_>, width: u32) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    manager
        .alter_table(
            Table::alter()
                .table(WebhookEndpoint::Table)
                .modify_column(
                    ColumnDef::new(WebhookEndpoint::Secret)
                        .string_len(width)
                        .not_null(),
                )
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        secret_width(manager, 512).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        secret_width(manager, 128).await
    }
}
