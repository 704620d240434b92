//! A partnership on a project is proposed by the lead organisation's staff and accepted by the
//! partner's admins: until then it is shown only to the two organisations. Partnerships stored
//! before are taken as accepted, as they were shown to everyone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProjectPartner {
    Table,
    AcceptedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProjectPartner::Table)
                    .add_column(
                        ColumnDef::new(ProjectPartner::AcceptedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::update()
                    .table(ProjectPartner::Table)
                    .value(ProjectPartner::AcceptedAt, Expr::current_timestamp())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProjectPartner::Table)
                    .drop_column(ProjectPartner::AcceptedAt)
                    .to_owned(),
            )
            .await
    }
}
