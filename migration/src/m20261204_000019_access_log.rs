//! The access log of applications: who among the staff read an application's detail, downloaded
//! one of its documents or exported it in a CSV, and when (issue 15, access audit).
//!
//! An entry goes with its application (and its document's number is forgotten with the
//! document): the log is about the candidate, so erasing the candidate erases it too.

use sea_orm_migration::prelude::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, reference_null,
};
use crate::m20261123_000001_organisations::Organisation;
use crate::m20261123_000002_accounts::Account;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationAccess {
    Table,
    Id,
    ApplicationId,
    OrganisationId,
    ReaderAccountId,
    ReaderTokenId,
    ReaderOrganisationId,
    Action,
    DocumentId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Application {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApplicationDocument {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum IntegrationToken {
    Table,
}

const ACTIONS: &[&str] = &["READ", "DOCUMENT_DOWNLOAD", "CSV_EXPORT"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ApplicationAccess as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(id())
                    .col(reference(A::ApplicationId))
                    .col(reference(A::OrganisationId))
                    .col(reference_null(A::ReaderAccountId))
                    .col(reference_null(A::ReaderTokenId))
                    .col(reference_null(A::ReaderOrganisationId))
                    .col(code_in(A::Action, ACTIONS))
                    .col(reference_null(A::DocumentId))
                    .col(created_at())
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::ApplicationId,
                        Application::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::ReaderAccountId,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::ReaderTokenId,
                        IntegrationToken::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::ReaderOrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        A::Table,
                        A::DocumentId,
                        ApplicationDocument::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The admins' log (by organisation, optionally one application, newest first) and the
        // candidate's own (by application); the reader columns for their foreign keys.
        columns::create_indexes(
            manager,
            vec![
                index(
                    A::Table,
                    &[A::OrganisationId, A::ApplicationId, A::Id],
                    false,
                ),
                index(A::Table, &[A::OrganisationId, A::Id], false),
                index(A::Table, &[A::ApplicationId, A::Id], false),
                index(A::Table, &[A::ReaderAccountId], false),
                index(A::Table, &[A::ReaderTokenId], false),
                index(A::Table, &[A::DocumentId], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[ApplicationAccess::Table]).await
    }
}
