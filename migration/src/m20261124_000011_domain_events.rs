use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{self, id, index, reference, reference_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The log of what happened in the domain, written in the transaction of the change. It has no
/// foreign keys on purpose: an event outlives the draft it was about.
#[derive(DeriveIden, Clone, Copy)]
enum DomainEvent {
    Table,
    EventId,
    Kind,
    OrganisationId,
    VacancyId,
    ApplicationId,
    CandidateAccountId,
    Payload,
    OccurredAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DomainEvent::Table)
                    .col(id())
                    .col(string_len_uniq(DomainEvent::EventId, 36))
                    .col(string_len(DomainEvent::Kind, 64))
                    .col(reference(DomainEvent::OrganisationId))
                    .col(reference(DomainEvent::VacancyId))
                    .col(reference_null(DomainEvent::ApplicationId))
                    .col(reference_null(DomainEvent::CandidateAccountId))
                    .col(text(DomainEvent::Payload))
                    .col(timestamp_with_time_zone(DomainEvent::OccurredAt))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    DomainEvent::Table,
                    &[DomainEvent::OrganisationId, DomainEvent::Kind],
                    false,
                ),
                index(DomainEvent::Table, &[DomainEvent::VacancyId], false),
                index(DomainEvent::Table, &[DomainEvent::ApplicationId], false),
                index(
                    DomainEvent::Table,
                    &[DomainEvent::CandidateAccountId],
                    false,
                ),
                index(DomainEvent::Table, &[DomainEvent::OccurredAt], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[DomainEvent::Table]).await
    }
}
