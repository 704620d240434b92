use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, created_at, foreign_key, id, index, reference, reference_null};
use crate::m20261123_000001_organisations::Organisation;
use crate::m20261123_000002_accounts::Account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum IntegrationToken {
    Table,
    OrganisationId,
    Name,
    Jti,
    CreatedBy,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    WindowStartedAt,
    LockedUntil,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    ActorAccountId,
    ActorTokenId,
    OrganisationId,
    EntityType,
    EntityId,
    Action,
    Changes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IntegrationToken::Table)
                    .col(id())
                    .col(reference(IntegrationToken::OrganisationId))
                    .col(string(IntegrationToken::Name))
                    .col(string_len_uniq(IntegrationToken::Jti, 64))
                    .col(reference_null(IntegrationToken::CreatedBy))
                    .col(timestamp_with_time_zone(IntegrationToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(IntegrationToken::RevokedAt))
                    .col(created_at())
                    .foreign_key(&mut foreign_key(
                        IntegrationToken::Table,
                        IntegrationToken::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        IntegrationToken::Table,
                        IntegrationToken::CreatedBy,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut failures = integer(LoginThrottle::Failures);
        failures.default(0);
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(id())
                    .col(string_uniq(LoginThrottle::Key))
                    .col(failures)
                    .col(timestamp_with_time_zone(LoginThrottle::WindowStartedAt))
                    .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(id())
                    .col(reference_null(AuditEvent::ActorAccountId))
                    .col(reference_null(AuditEvent::ActorTokenId))
                    .col(reference_null(AuditEvent::OrganisationId))
                    .col(string_len(AuditEvent::EntityType, 32))
                    .col(integer(AuditEvent::EntityId))
                    .col(string_len(AuditEvent::Action, 32))
                    .col(json_null(AuditEvent::Changes))
                    .col(created_at())
                    .foreign_key(&mut foreign_key(
                        AuditEvent::Table,
                        AuditEvent::ActorAccountId,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        AuditEvent::Table,
                        AuditEvent::ActorTokenId,
                        IntegrationToken::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        AuditEvent::Table,
                        AuditEvent::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    IntegrationToken::Table,
                    &[IntegrationToken::OrganisationId],
                    false,
                ),
                index(
                    IntegrationToken::Table,
                    &[IntegrationToken::CreatedBy],
                    false,
                ),
                index(AuditEvent::Table, &[AuditEvent::OrganisationId], false),
                index(
                    AuditEvent::Table,
                    &[AuditEvent::EntityType, AuditEvent::EntityId],
                    false,
                ),
                index(AuditEvent::Table, &[AuditEvent::ActorAccountId], false),
                index(AuditEvent::Table, &[AuditEvent::ActorTokenId], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[AuditEvent::Table]).await?;
        columns::drop_tables(manager, &[LoginThrottle::Table]).await?;
        columns::drop_tables(manager, &[IntegrationToken::Table]).await
    }
}
