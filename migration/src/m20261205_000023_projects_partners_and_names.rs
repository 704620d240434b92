//! Projects and their partners as the notices describe them, and names in any language.
//!
//! - `vacancy_project`: the projects a post serves besides its main one (`vacancy.project_id`),
//!   in order (the LMI post serves THAMM+ and Y-MED).
//! - `project_partner.role` also takes `COORDINATING` (a partner the project is coordinated
//!   with) and `FUND_MANAGER` (manages a donor's funds: ICMPD for the European Commission), and
//!   `through_organisation_id` says through whom a donor's funds flow.
//! - `translations` on `organisation`, `project` and `competency`: the name and description in
//!   languages other than English and French, as `{"ar": {"name": …, "description": …}}`, so a
//!   further language needs no migration.
//!
//! A role is a checked code: PostgreSQL replaces the check constraint; SQLite cannot alter one,
//! so it rebuilds `project_partner` (no table refers to it) in one transaction. `down` folds the
//! new roles into the nearest old ones (`COORDINATING` → `PARTICIPATING`, `FUND_MANAGER` →
//! `IMPLEMENTING`) and forgets the through-organisation, the links and the translations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement, TransactionTrait};

use crate::columns::{
    self, code_in, foreign_key, id, index, reference, reference_null, sort_order,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum VacancyProject {
    Table,
    VacancyId,
    ProjectId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Vacancy {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Project {
    Table,
    Translations,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organisation {
    Table,
    Translations,
}

#[derive(DeriveIden, Clone, Copy)]
enum Competency {
    Table,
    Translations,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProjectPartner {
    Table,
    ProjectId,
    OrganisationId,
    Role,
    Note,
    AcceptedAt,
    ThroughOrganisationId,
}

/// The table the SQLite rebuild fills before it takes the name `project_partner`.
#[derive(DeriveIden, Clone, Copy)]
enum ProjectPartnerRebuilt {
    Table,
}

const OLD_ROLES: &[&str] = &[
    "LEAD",
    "CONVENING",
    "PARTICIPATING",
    "IMPLEMENTING",
    "DONOR",
];
const NEW_ROLES: &[&str] = &[
    "LEAD",
    "CONVENING",
    "PARTICIPATING",
    "IMPLEMENTING",
    "DONOR",
    "COORDINATING",
    "FUND_MANAGER",
];

/// PostgreSQL's name for the check of `project_partner.role` (`<table>_<column>_check`).
const ROLE_CHECK: &str = "project_partner_role_check";

/// The columns both shapes of `project_partner` have.
const COMMON_COLUMNS: &str = "id, project_id, organisation_id, role, note, sort_order, accepted_at";

/// `project_partner` under `table`, with the roles of before or after this migration.
fn partner_table(table: ProjectPartnerRebuilt, new: bool) -> TableCreateStatement {
    let mut create = Table::create();
    create
        .table(table)
        .col(id())
        .col(reference(ProjectPartner::ProjectId))
        .col(reference(ProjectPartner::OrganisationId))
        .col(code_in(
            ProjectPartner::Role,
            if new { NEW_ROLES } else { OLD_ROLES },
        ))
        .col(text_null(ProjectPartner::Note))
        .col(sort_order())
        .col(timestamp_with_time_zone_null(ProjectPartner::AcceptedAt))
        .foreign_key(&mut foreign_key(
            table,
            ProjectPartner::ProjectId,
            Project::Table,
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut foreign_key(
            table,
            ProjectPartner::OrganisationId,
            Organisation::Table,
            ForeignKeyAction::Restrict,
        ));
    if new {
        create
            .col(reference_null(ProjectPartner::ThroughOrganisationId))
            .foreign_key(&mut foreign_key(
                table,
                ProjectPartner::ThroughOrganisationId,
                Organisation::Table,
                ForeignKeyAction::Restrict,
            ));
    }
    create.to_owned()
}

/// The indexes of `project_partner` before this migration.
fn old_partner_indexes() -> Vec<IndexCreateStatement> {
    vec![
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
    ]
}

/// The indexes this migration adds: the filters by partner and role, and by role alone.
fn new_partner_indexes() -> Vec<IndexCreateStatement> {
    vec![
        index(
            ProjectPartner::Table,
            &[ProjectPartner::OrganisationId, ProjectPartner::Role],
            false,
        ),
        index(ProjectPartner::Table, &[ProjectPartner::Role], false),
    ]
}

/// Rebuilds `project_partner` on SQLite, with the roles of after (`new`) or before this
/// migration, in one transaction; the sequence of ids carries over.
async fn sqlite_rebuild(manager: &SchemaManager<'_>, new: bool) -> Result<(), DbErr> {
    let SchemaManagerConnection::Connection(db) = manager.get_connection() else {
        return Err(DbErr::Migration(
            "rebuilding project_partner cannot run inside a transaction on SQLite".to_owned(),
        ));
    };
    let rebuilt = ProjectPartnerRebuilt::Table.to_string();
    let mut indexes = old_partner_indexes();
    if new {
        indexes.extend(new_partner_indexes());
    }
    let mut statements = vec![
        partner_table(ProjectPartnerRebuilt::Table, new).to_string(SqliteQueryBuilder),
        format!(
            "INSERT INTO {rebuilt} ({COMMON_COLUMNS}) SELECT {COMMON_COLUMNS} FROM project_partner"
        ),
        "DROP TABLE project_partner".to_owned(),
        format!("ALTER TABLE {rebuilt} RENAME TO project_partner"),
    ];
    statements.extend(indexes.iter().map(|i| i.to_string(SqliteQueryBuilder)));

    let txn = db.begin().await?;
    let sequence = txn
        .query_one(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT seq FROM sqlite_sequence WHERE name = 'project_partner'",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "seq"))
        .transpose()?;
    for sql in statements {
        txn.execute_unprepared(&sql).await?;
    }
    if let Some(seq) = sequence {
        txn.execute_unprepared(&format!(
            "UPDATE sqlite_sequence SET seq = max(seq, {seq}) WHERE name = 'project_partner'"
        ))
        .await?;
    }
    txn.commit().await
}

/// Replaces the PostgreSQL check of `project_partner.role` with one accepting `roles`.
async fn postgres_role_check(manager: &SchemaManager<'_>, roles: &[&str]) -> Result<(), DbErr> {
    let list = roles
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "ALTER TABLE project_partner DROP CONSTRAINT {ROLE_CHECK}"
    ))
    .await?;
    db.execute_unprepared(&format!(
        "ALTER TABLE project_partner ADD CONSTRAINT {ROLE_CHECK} CHECK (role IN ({list}))"
    ))
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VacancyProject::Table)
                    .col(id())
                    .col(reference(VacancyProject::VacancyId))
                    .col(reference(VacancyProject::ProjectId))
                    .col(sort_order())
                    .foreign_key(&mut foreign_key(
                        VacancyProject::Table,
                        VacancyProject::VacancyId,
                        Vacancy::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        VacancyProject::Table,
                        VacancyProject::ProjectId,
                        Project::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        columns::create_indexes(
            manager,
            vec![
                index(
                    VacancyProject::Table,
                    &[VacancyProject::VacancyId, VacancyProject::ProjectId],
                    true,
                ),
                index(VacancyProject::Table, &[VacancyProject::ProjectId], false),
            ],
        )
        .await?;

        if manager.get_database_backend() == DbBackend::Sqlite {
            sqlite_rebuild(manager, true).await?;
        } else {
            postgres_role_check(manager, NEW_ROLES).await?;
            columns::add_column(
                manager,
                ProjectPartner::Table,
                reference_null(ProjectPartner::ThroughOrganisationId),
            )
            .await?;
            manager
                .create_foreign_key(
                    foreign_key(
                        ProjectPartner::Table,
                        ProjectPartner::ThroughOrganisationId,
                        Organisation::Table,
                        ForeignKeyAction::Restrict,
                    )
                    .name("fk_project_partner_through_organisation_id")
                    .to_owned(),
                )
                .await?;
            columns::create_indexes(manager, new_partner_indexes()).await?;
        }

        columns::add_column(
            manager,
            Organisation::Table,
            json_null(Organisation::Translations),
        )
        .await?;
        columns::add_column(manager, Project::Table, json_null(Project::Translations)).await?;
        columns::add_column(
            manager,
            Competency::Table,
            json_null(Competency::Translations),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop_column(manager, Competency::Table, Competency::Translations).await?;
        columns::drop_column(manager, Project::Table, Project::Translations).await?;
        columns::drop_column(manager, Organisation::Table, Organisation::Translations).await?;

        for (new, old) in [
            ("COORDINATING", "PARTICIPATING"),
            ("FUND_MANAGER", "IMPLEMENTING"),
        ] {
            manager
                .exec_stmt(
                    Query::update()
                        .table(ProjectPartner::Table)
                        .value(ProjectPartner::Role, old)
                        .and_where(Expr::col(ProjectPartner::Role).eq(new))
                        .to_owned(),
                )
                .await?;
        }
        if manager.get_database_backend() == DbBackend::Sqlite {
            sqlite_rebuild(manager, false).await?;
        } else {
            for name in [
                "ix_project_partner_organisation_id_role",
                "ix_project_partner_role",
            ] {
                manager
                    .drop_index(
                        Index::drop()
                            .name(name)
                            .table(ProjectPartner::Table)
                            .to_owned(),
                    )
                    .await?;
            }
            columns::drop_column(
                manager,
                ProjectPartner::Table,
                ProjectPartner::ThroughOrganisationId,
            )
            .await?;
            postgres_role_check(manager, OLD_ROLES).await?;
        }
        columns::drop_tables(manager, &[VacancyProject::Table]).await
    }
}
