//! A project's code is unique within its lead organisation, no longer across every project: a
//! recruiter of one agency could otherwise take another agency's code (`ORION`) first and block
//! it. The unique index is on (code, lead organisation), code first, so that it also serves the
//! lookups and filters by code alone (`project(code:)`, `vacancies(filter: { project })`).
//!
//! PostgreSQL drops the column's unique constraint. SQLite cannot drop the unique constraint of
//! a column (nor its automatic index), so the table is rebuilt as SQLite documents it: foreign
//! key enforcement off on one connection, a new table, the rows copied, the old table dropped and
//! the new one renamed, the indexes created again, then a foreign key check before the commit.
//!
//! `down` restores the unique code across all projects. It fails, and changes nothing, when two
//! organisations have come to have projects with the same code since: rename one of them first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::sqlx;
use sea_orm_migration::sea_orm::{DatabaseConnection, DbBackend};

use crate::columns::{code_in, created_at, foreign_key, id, index, reference, updated_at, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Project {
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
enum Organisation {
    Table,
}

/// The table the SQLite rebuild fills before it takes the name `project`.
#[derive(DeriveIden, Clone, Copy)]
enum ProjectRebuilt {
    Table,
}

/// PostgreSQL's name for the unique constraint of `project.code` (`<table>_<column>_key`).
const CODE_CONSTRAINT: &str = "project_code_key";

/// Every column of `project`, in the order of its definition.
const COLUMNS: &str = "id, code, name_en, name_fr, description_en, description_fr, objectives, \
     start_on, end_on, lead_organisation_id, status, version, created_at, updated_at";

/// The index of this migration: one code per lead organisation.
fn code_per_organisation() -> IndexCreateStatement {
    index(
        Project::Table,
        &[Project::Code, Project::LeadOrganisationId],
        true,
    )
}

/// `project` as migration 000003 creates it, under `table`, with its code unique or not.
fn project_table(table: ProjectRebuilt, unique_code: bool) -> TableCreateStatement {
    let code = if unique_code {
        string_len_uniq(Project::Code, 32)
    } else {
        string_len(Project::Code, 32)
    };
    Table::create()
        .table(table)
        .col(id())
        .col(code)
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
            table,
            Project::LeadOrganisationId,
            Organisation::Table,
            ForeignKeyAction::Restrict,
        ))
        .to_owned()
}

/// The SQLite statements that rebuild `project`, with its code unique or not, and then
/// create `indexes` (the rebuild drops every index of the old table).
fn rebuild_statements(unique_code: bool, indexes: &[IndexCreateStatement]) -> Vec<String> {
    let rebuilt = ProjectRebuilt::Table.to_string();
    let mut statements = vec![
        project_table(ProjectRebuilt::Table, unique_code).to_string(SqliteQueryBuilder),
        format!("INSERT INTO {rebuilt} ({COLUMNS}) SELECT {COLUMNS} FROM project"),
        "DROP TABLE project".to_owned(),
        format!("ALTER TABLE {rebuilt} RENAME TO project"),
    ];
    statements.extend(indexes.iter().map(|i| i.to_string(SqliteQueryBuilder)));
    statements
}

/// The indexes migration 000003 gave `project` besides its unique code.
fn plain_indexes() -> Vec<IndexCreateStatement> {
    vec![
        index(Project::Table, &[Project::LeadOrganisationId], false),
        index(Project::Table, &[Project::Status], false),
    ]
}

fn sqlx_error(error: sqlx::Error) -> DbErr {
    DbErr::Migration(format!("rebuilding the project table: {error}"))
}

/// Runs `statements` in one transaction on one SQLite connection with foreign keys off, as a
/// table rebuild needs (with them on, dropping `project` would delete the rows that refer to
/// it): the pragma applies to its connection only and does nothing inside a transaction, so
/// the pool's other connections cannot be used. The sequence of ids carries over, so an id is
/// never given twice, and the foreign keys are checked before the commit.
async fn sqlite_rebuild_project(
    db: &DatabaseConnection,
    statements: &[String],
) -> Result<(), DbErr> {
    if !matches!(db, DatabaseConnection::SqlxSqlitePoolConnection(_)) {
        return Err(DbErr::Migration(
            "rebuilding the project table needs an SQLite connection pool".to_owned(),
        ));
    }
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(sqlx_error)?;
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .map_err(sqlx_error)?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(sqlx_error)?;
    let rebuilt = async {
        let mut txn = sqlx::Connection::begin(&mut *conn).await?;
        let sequence: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'project'")
                .fetch_optional(&mut *txn)
                .await?;
        for sql in statements {
            sqlx::query(sql.as_str()).execute(&mut *txn).await?;
        }
        if let Some(seq) = sequence {
            sqlx::query("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'project'")
                .bind(seq)
                .execute(&mut *txn)
                .await?;
        }
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *txn)
            .await?;
        if !broken.is_empty() {
            return Err(sqlx::Error::Protocol(format!(
                "{} rows would break a foreign key",
                broken.len()
            )));
        }
        txn.commit().await
    }
    .await;
    // Put the connection back as the pool made it, even after a failure (the transaction
    // rolled back when it was dropped); if that fails, close it rather than return it.
    let restored = sqlx::query(if enforced != 0 {
        "PRAGMA foreign_keys = ON"
    } else {
        "PRAGMA foreign_keys = OFF"
    })
    .execute(&mut *conn)
    .await;
    if restored.is_err() {
        conn.close().await.ok();
    }
    rebuilt.map_err(sqlx_error)?;
    restored.map(|_| ()).map_err(sqlx_error)
}

/// The pool the migration runs on: SQLite migrations run outside a transaction.
fn sqlite_pool<'a>(manager: &'a SchemaManager<'_>) -> Result<&'a DatabaseConnection, DbErr> {
    match manager.get_connection() {
        SchemaManagerConnection::Connection(db) => Ok(db),
        SchemaManagerConnection::Transaction(_) => Err(DbErr::Migration(
            "rebuilding the project table cannot run inside a transaction on SQLite".to_owned(),
        )),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            let mut indexes = plain_indexes();
            indexes.push(code_per_organisation());
            return sqlite_rebuild_project(
                sqlite_pool(manager)?,
                &rebuild_statements(false, &indexes),
            )
            .await;
        }
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE project DROP CONSTRAINT {CODE_CONSTRAINT}"
            ))
            .await?;
        manager.create_index(code_per_organisation()).await
    }

    /// Fails with a unique violation, and changes nothing, if two projects share a code.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return sqlite_rebuild_project(
                sqlite_pool(manager)?,
                &rebuild_statements(true, &plain_indexes()),
            )
            .await;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ux_project_code_lead_organisation_id")
                    .table(Project::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "ALTER TABLE project ADD CONSTRAINT {CODE_CONSTRAINT} UNIQUE (code)"
            ))
            .await?;
        Ok(())
    }
}
