use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, reference_null, sort_order,
    updated_at, version,
};
use crate::m20261123_000001_organisations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Competency {
    Table,
    OrganisationId,
    Code,
    Kind,
    NameEn,
    NameFr,
    DescriptionEn,
    DescriptionFr,
}

#[derive(DeriveIden, Clone, Copy)]
enum CompetencyIndicator {
    Table,
    CompetencyId,
    Level,
    Language,
    Text,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Competency::Table)
                    .col(id())
                    .col(reference_null(Competency::OrganisationId))
                    .col(string_len(Competency::Code, 64))
                    .col(code_in(
                        Competency::Kind,
                        &["VALUE", "CORE", "MANAGERIAL", "TECHNICAL", "BEHAVIOURAL"],
                    ))
                    .col(string(Competency::NameEn))
                    .col(string(Competency::NameFr))
                    .col(text_null(Competency::DescriptionEn))
                    .col(text_null(Competency::DescriptionFr))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .foreign_key(&mut foreign_key(
                        Competency::Table,
                        Competency::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        let mut level = integer_null(CompetencyIndicator::Level);
        level.check(Expr::col(CompetencyIndicator::Level).between(1, 3));
        manager
            .create_table(
                Table::create()
                    .table(CompetencyIndicator::Table)
                    .col(id())
                    .col(reference(CompetencyIndicator::CompetencyId))
                    .col(level)
                    .col(string_len(CompetencyIndicator::Language, 8))
                    .col(text(CompetencyIndicator::Text))
                    .col(sort_order())
                    .foreign_key(&mut foreign_key(
                        CompetencyIndicator::Table,
                        CompetencyIndicator::CompetencyId,
                        Competency::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    Competency::Table,
                    &[Competency::OrganisationId, Competency::Code],
                    true,
                ),
                index(Competency::Table, &[Competency::Kind], false),
                index(
                    CompetencyIndicator::Table,
                    &[CompetencyIndicator::CompetencyId],
                    false,
                ),
            ],
        )
        .await?;
        // Codes of global competencies (no organisation) are unique too; the index above
        // cannot see that, as NULLs are distinct.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_competency_global_code ON competency (code) WHERE organisation_id IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[CompetencyIndicator::Table]).await?;
        columns::drop_tables(manager, &[Competency::Table]).await
    }
}
