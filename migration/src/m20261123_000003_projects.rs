use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{
    self, code_in, created_at, foreign_key, id, index, reference, sort_order, updated_at, version,
};
use crate::m20261123_000001_organisations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Project {
    Table,
    Code,
    NameEn,
    NameFr,
    DescriptionEn,
    DescriptionFr,
    Objectives,
    StartOn,
    EndOn,
    LeadOrganisationId,
    Status,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectCountry {
    Table,
    ProjectId,
    CountryCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectPartner {
    Table,
    ProjectId,
    OrganisationId,
    Role,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Project::Table)
                    .col(id())
                    .col(string_len_uniq(Project::Code, 32))
                    .col(string(Project::NameEn))
                    .col(string(Project::NameFr))
                    .col(text_null(Project::DescriptionEn))
                    .col(text_null(Project::DescriptionFr))
                    .col(json_null(Project::Objectives))
                    .col(date_null(Project::StartOn))
                    .col(date_null(Project::EndOn))
                    .col(reference(Project::LeadOrganisationId))
                    .col(code_in(Project::Status, &["ACTIVE", "ARCHIVED"]))
                    .col(version())
                    .col(created_at())
                    .col(updated_at())
                    .check(
                        Expr::col(Project::StartOn)
                            .is_null()
                            .or(Expr::col(Project::EndOn).is_null())
                            .or(Expr::col(Project::EndOn).gte(Expr::col(Project::StartOn))),
                    )
                    .foreign_key(&mut foreign_key(
                        Project::Table,
                        Project::LeadOrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectCountry::Table)
                    .col(id())
                    .col(reference(ProjectCountry::ProjectId))
                    .col(string_len(ProjectCountry::CountryCode, 2))
                    .foreign_key(&mut foreign_key(
                        ProjectCountry::Table,
                        ProjectCountry::ProjectId,
                        Project::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectPartner::Table)
                    .col(id())
                    .col(reference(ProjectPartner::ProjectId))
                    .col(reference(ProjectPartner::OrganisationId))
                    .col(code_in(
                        ProjectPartner::Role,
                        &[
                            "LEAD",
                            "CONVENING",
                            "PARTICIPATING",
                            "IMPLEMENTING",
                            "DONOR",
                        ],
                    ))
                    .col(text_null(ProjectPartner::Note))
                    .col(sort_order())
                    .foreign_key(&mut foreign_key(
                        ProjectPartner::Table,
                        ProjectPartner::ProjectId,
                        Project::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        ProjectPartner::Table,
                        ProjectPartner::OrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(Project::Table, &[Project::LeadOrganisationId], false),
                index(Project::Table, &[Project::Status], false),
                index(
                    ProjectCountry::Table,
                    &[ProjectCountry::ProjectId, ProjectCountry::CountryCode],
                    true,
                ),
                index(ProjectCountry::Table, &[ProjectCountry::CountryCode], false),
                index(
                    ProjectPartner::Table,
                    &[
                        ProjectPartner::ProjectId,
                        ProjectPartner::OrganisationId,
                        ProjectPartner::Role,
                    ],
                    true,
                ),
                index(
                    ProjectPartner::Table,
                    &[ProjectPartner::OrganisationId],
                    false,
                ),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_tables(manager, &[ProjectPartner::Table]).await?;
        columns::drop_tables(manager, &[ProjectCountry::Table]).await?;
        columns::drop_tables(manager, &[Project::Table]).await
    }
}
