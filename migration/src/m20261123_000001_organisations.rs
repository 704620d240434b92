use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, sort_order, updated_at, version,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Organisation {
    Table,
    Acronym,
    NameEn,
    NameFr,
    Kind,
    FoundedYear,
    DescriptionEn,
    DescriptionFr,
    Website,
    RecruitmentEmail,
}

#[derive(DeriveIden, Clone, Copy)]
enum OrganisationAcronym {
    Table,
    OrganisationId,
    Language,
    Acronym,
}

#[derive(DeriveIden, Clone, Copy)]
enum Office {
    Table,
    OrganisationId,
    Name,
    City,
    CountryCode,
    Address,
    Phone,
    Email,
}

const KINDS: &[&str] = &[
    "UN_AGENCY",
    "RELATED_ORGANISATION",
    "INTERGOVERNMENTAL",
    "GOVERNMENT",
    "NGO",
    "DONOR",
    "OTHER",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut founded = integer_null(Organisation::FoundedYear);
        founded.check(Expr::col(Organisation::FoundedYear).between(1800, 2100));
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(id())
                    .col(string_len_uniq(Organisation::Acronym, 32))
                    .col(string(Organisation::NameEn))
                    .col(string(Organisation::NameFr))
                    .col(code_in(Organisation::Kind, KINDS))
                    .col(founded)
                    .col(text_null(Organisation::DescriptionEn))
                    .col(text_null(Organisation::DescriptionFr))
                    .col(string_null(Organisation::Website))
                    .col(string_null(Organisation::RecruitmentEmail))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganisationAcronym::Table)
                    .col(id())
                    .col(reference(OrganisationAcronym::OrganisationId))
                    .col(string_len(OrganisationAcronym::Language, 8))
                    .col(string_len_uniq(OrganisationAcronym::Acronym, 32))
                    .foreign_key(&mut foreign_key(
                        OrganisationAcronym::Table,
                        OrganisationAcronym::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Office::Table)
                    .col(id())
                    .col(reference(Office::OrganisationId))
                    .col(string_null(Office::Name))
                    .col(string(Office::City))
                    .col(string_len(Office::CountryCode, 2))
                    .col(text_null(Office::Address))
                    .col(string_null(Office::Phone))
                    .col(string_null(Office::Email))
                    .col(sort_order())
                    .foreign_key(&mut foreign_key(
                        Office::Table,
                        Office::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    OrganisationAcronym::Table,
                    &[OrganisationAcronym::OrganisationId],
                    false,
                ),
                index(Office::Table, &[Office::OrganisationId], false),
                index(Office::Table, &[Office::CountryCode], false),
                index(Organisation::Table, &[Organisation::Kind], false),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[Office::Table]).await?;
        columns::drop_tables(manager, &[OrganisationAcronym::Table]).await?;
        columns::drop_tables(manager, &[Organisation::Table]).await
    }
}
