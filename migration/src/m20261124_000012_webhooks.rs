use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, reference_null, updated_at,
    version,
};
use crate::m20261123_000001_organisations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum WebhookEndpoint {
    Table,
    OrganisationId,
    Url,
    Secret,
    EventKinds,
    Active,
    Description,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDelivery {
    Table,
    EndpointId,
    EventId,
    EventKind,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimedBy,
    LastStatusCode,
    LastError,
    DeliveredAt,
    ReplayOfId,
}

const STATUSES: &[&str] = &["PENDING", "DELIVERED", "FAILED"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut active = boolean(WebhookEndpoint::Active);
        active.default(true);
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(id())
                    .col(reference(WebhookEndpoint::OrganisationId))
                    .col(string_len(WebhookEndpoint::Url, 2048))
                    .col(string_len(WebhookEndpoint::Secret, 128))
                    .col(json(WebhookEndpoint::EventKinds))
                    .col(active)
                    .col(string_len_null(WebhookEndpoint::Description, 500))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut foreign_key(
                        WebhookEndpoint::Table,
                        WebhookEndpoint::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut attempts = integer(WebhookDelivery::Attempts);
        attempts.default(0);
        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(id())
                    .col(reference(WebhookDelivery::EndpointId))
                    .col(string_len(WebhookDelivery::EventId, 64))
                    .col(string_len(WebhookDelivery::EventKind, 64))
                    .col(text(WebhookDelivery::Payload))
                    .col(code_in(WebhookDelivery::Status, STATUSES))
                    .col(attempts)
                    .col(timestamp_with_time_zone(WebhookDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::LockedUntil))
                    .col(string_len_null(WebhookDelivery::ClaimedBy, 64))
                    .col(integer_null(WebhookDelivery::LastStatusCode))
                    .col(string_len_null(WebhookDelivery::LastError, 200))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::DeliveredAt))
                    .col(reference_null(WebhookDelivery::ReplayOfId))
                    .col(created_at())
                    .foreign_key(&mut foreign_key(
                        WebhookDelivery::Table,
                        WebhookDelivery::EndpointId,
                        WebhookEndpoint::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        WebhookDelivery::Table,
                        WebhookDelivery::ReplayOfId,
                        WebhookDelivery::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    WebhookEndpoint::Table,
                    &[WebhookEndpoint::OrganisationId],
                    false,
                ),
                // The worker's claim: due pending deliveries, oldest due first.
                index(
                    WebhookDelivery::Table,
                    &[WebhookDelivery::Status, WebhookDelivery::NextAttemptAt],
                    false,
                ),
                // The log: one endpoint's deliveries, newest first, by status.
                index(
                    WebhookDelivery::Table,
                    &[WebhookDelivery::EndpointId, WebhookDelivery::Status],
                    false,
                ),
                index(WebhookDelivery::Table, &[WebhookDelivery::EventId], false),
                index(
                    WebhookDelivery::Table,
                    &[WebhookDelivery::ReplayOfId],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[WebhookDelivery::Table]).await?;
        columns::drop_tables(manager, &[WebhookEndpoint::Table]).await
    }
}
