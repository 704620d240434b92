//! Accounts people can live with, and mail: verified e-mail addresses, sessions that can be
//! ended, single-use links (verification, password reset), invitations, notification
//! preferences, saved-search alerts, and the outbox every mail is queued in.
//!
//! Accounts stored before are taken as verified: they were made by admins or predate the check.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, reference_null,
};
use crate::m20261123_000001_organisations::Organisation;
use crate::m20261123_000002_accounts::Account;
use crate::m20261123_000005_vacancies::Vacancy;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AccountColumns {
    EmailVerifiedAt,
    Language,
    NotifyApplicationUpdates,
    RecruiterDigest,
    DigestSentThrough,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrganisationColumns {
    AnnouncedStatuses,
}

#[derive(DeriveIden, Clone, Copy)]
enum SavedSearch {
    Table,
    Alert,
    AlertedThrough,
    AlertCheckedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AccountSession {
    Table,
    AccountId,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AccountToken {
    Table,
    AccountId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitation {
    Table,
    OrganisationId,
    Email,
    Role,
    TokenHash,
    InvitedBy,
    AccountId,
    ExpiresAt,
    AcceptedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SavedSearchAlert {
    Table,
    SavedSearchId,
    VacancyId,
}

#[derive(DeriveIden, Clone, Copy)]
enum MailOutbox {
    Table,
    Kind,
    Recipient,
    Language,
    Subject,
    TextBody,
    HtmlBody,
    ListUnsubscribe,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    ClaimedBy,
    LastError,
    SentAt,
}

const TOKEN_PURPOSES: &[&str] = &["VERIFY_EMAIL", "RESET_PASSWORD"];
const INVITED_ROLES: &[&str] = &["RECRUITER", "AGENCY_ADMIN", "PLATFORM_ADMIN"];
const ALERTS: &[&str] = &["OFF", "DAILY", "INSTANT"];
const MAIL_STATUSES: &[&str] = &["PENDING", "SENT", "FAILED"];
/// The steps a candidate hears of unless the organisation says otherwise.
const ANNOUNCED_BY_DEFAULT: &str = r#"["INTERVIEW","OFFERED","HIRED","REJECTED"]"#;

impl Migration {
    async fn alter_existing(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        columns::add_column(
            manager,
            Account::Table,
            timestamp_with_time_zone_null(AccountColumns::EmailVerifiedAt),
        )
        .await?;
        let mut language = string_len(AccountColumns::Language, 8);
        language.default("en");
        columns::add_column(manager, Account::Table, language).await?;
        let mut updates = boolean(AccountColumns::NotifyApplicationUpdates);
        updates.default(true);
        columns::add_column(manager, Account::Table, updates).await?;
        let mut digest = boolean(AccountColumns::RecruiterDigest);
        digest.default(false);
        columns::add_column(manager, Account::Table, digest).await?;
        columns::add_column(
            manager,
            Account::Table,
            timestamp_with_time_zone_null(AccountColumns::DigestSentThrough),
        )
        .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(Account::Table)
                    .value(AccountColumns::EmailVerifiedAt, Expr::current_timestamp())
                    .to_owned(),
            )
            .await?;

        let mut announced = string_len(OrganisationColumns::AnnouncedStatuses, 300);
        announced.default(ANNOUNCED_BY_DEFAULT);
        columns::add_column(manager, Organisation::Table, announced).await?;

        let mut alert = code_in(SavedSearch::Alert, ALERTS);
        alert.default("OFF");
        columns::add_column(manager, SavedSearch::Table, alert).await?;
        columns::add_column(
            manager,
            SavedSearch::Table,
            timestamp_with_time_zone_null(SavedSearch::AlertedThrough),
        )
        .await?;
        columns::add_column(
            manager,
            SavedSearch::Table,
            timestamp_with_time_zone_null(SavedSearch::AlertCheckedAt),
        )
        .await
    }

    async fn create_account_tables(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AccountSession::Table)
                    .col(id())
                    .col(reference(AccountSession::AccountId))
                    .col(created_at())
                    .col(timestamp_with_time_zone(AccountSession::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountSession::RevokedAt))
                    .foreign_key(&mut foreign_key(
                        AccountSession::Table,
                        AccountSession::AccountId,
                        Account::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountToken::Table)
                    .col(id())
                    .col(reference(AccountToken::AccountId))
                    .col(code_in(AccountToken::Purpose, TOKEN_PURPOSES))
                    .col(string_len(AccountToken::TokenHash, 64))
                    .col(created_at())
                    .col(timestamp_with_time_zone(AccountToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountToken::UsedAt))
                    .foreign_key(&mut foreign_key(
                        AccountToken::Table,
                        AccountToken::AccountId,
                        Account::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(id())
                    .col(reference_null(Invitation::OrganisationId))
                    .col(string_len(Invitation::Email, 254))
                    .col(code_in(Invitation::Role, INVITED_ROLES))
                    .col(string_len(Invitation::TokenHash, 64))
                    .col(reference_null(Invitation::InvitedBy))
                    .col(reference_null(Invitation::AccountId))
                    .col(created_at())
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                    .col(timestamp_with_time_zone_null(Invitation::RevokedAt))
                    .foreign_key(&mut foreign_key(
                        Invitation::Table,
                        Invitation::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        Invitation::Table,
                        Invitation::InvitedBy,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut foreign_key(
                        Invitation::Table,
                        Invitation::AccountId,
                        Account::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(AccountSession::Table, &[AccountSession::AccountId], false),
                index(AccountToken::Table, &[AccountToken::TokenHash], true),
                index(
                    AccountToken::Table,
                    &[AccountToken::AccountId, AccountToken::Purpose],
                    false,
                ),
                index(Invitation::Table, &[Invitation::TokenHash], true),
                index(Invitation::Table, &[Invitation::OrganisationId], false),
                index(Invitation::Table, &[Invitation::InvitedBy], false),
                index(Invitation::Table, &[Invitation::AccountId], false),
            ],
        )
        .await
    }

    async fn create_mail_tables(&self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SavedSearchAlert::Table)
                    .col(reference(SavedSearchAlert::SavedSearchId))
                    .col(reference(SavedSearchAlert::VacancyId))
                    .col(created_at())
                    .primary_key(
                        Index::create()
                            .col(SavedSearchAlert::SavedSearchId)
                            .col(SavedSearchAlert::VacancyId),
                    )
                    .foreign_key(&mut foreign_key(
                        SavedSearchAlert::Table,
                        SavedSearchAlert::SavedSearchId,
                        SavedSearch::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        SavedSearchAlert::Table,
                        SavedSearchAlert::VacancyId,
                        Vacancy::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut attempts = integer(MailOutbox::Attempts);
        attempts.default(0);
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(id())
                    .col(string_len(MailOutbox::Kind, 40))
                    .col(string_len(MailOutbox::Recipient, 254))
                    .col(string_len(MailOutbox::Language, 8))
                    .col(string_len(MailOutbox::Subject, 300))
                    .col(text_null(MailOutbox::TextBody))
                    .col(text_null(MailOutbox::HtmlBody))
                    .col(string_len_null(MailOutbox::ListUnsubscribe, 2048))
                    .col(code_in(MailOutbox::Status, MAIL_STATUSES))
                    .col(attempts)
                    .col(timestamp_with_time_zone(MailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailOutbox::LockedUntil))
                    .col(string_len_null(MailOutbox::ClaimedBy, 64))
                    .col(string_len_null(MailOutbox::LastError, 300))
                    .col(timestamp_with_time_zone_null(MailOutbox::SentAt))
                    .col(created_at())
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    SavedSearchAlert::Table,
                    &[SavedSearchAlert::VacancyId],
                    false,
                ),
                // The worker's claim and the admins' list: by status, oldest due first.
                index(
                    MailOutbox::Table,
                    &[MailOutbox::Status, MailOutbox::NextAttemptAt],
                    false,
                ),
                index(
                    SavedSearch::Table,
                    &[SavedSearch::Alert, SavedSearch::AlertCheckedAt],
                    false,
                ),
            ],
        )
        .await
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.alter_existing(manager).await?;
        self.create_account_tables(manager).await?;
        self.create_mail_tables(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_saved_search_alert_alert_checked_at")
                    .table(SavedSearch::Table)
                    .to_owned(),
            )
            .await?;
        columns::drop_tables(manager, &[MailOutbox::Table]).await?;
        columns::drop_tables(manager, &[SavedSearchAlert::Table]).await?;
        columns::drop_tables(manager, &[Invitation::Table]).await?;
        columns::drop_tables(manager, &[AccountToken::Table]).await?;
        columns::drop_tables(manager, &[AccountSession::Table]).await?;
        for column in [
            SavedSearch::AlertCheckedAt,
            SavedSearch::AlertedThrough,
            SavedSearch::Alert,
        ] {
            columns::drop_column(manager, SavedSearch::Table, column).await?;
        }
        columns::drop_column(
            manager,
            Organisation::Table,
            OrganisationColumns::AnnouncedStatuses,
        )
        .await?;
        for column in [
            AccountColumns::DigestSentThrough,
            AccountColumns::RecruiterDigest,
            AccountColumns::NotifyApplicationUpdates,
            AccountColumns::Language,
            AccountColumns::EmailVerifiedAt,
        ] {
            columns::drop_column(manager, Account::Table, column).await?;
        }
        Ok(())
    }
}
