//! A search document per vacancy: normalised text (lowercase, accents folded) written by the
//! application, indexed with `pg_trgm` on PostgreSQL and with an FTS5 table on SQLite.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::foreign_key;
use crate::m20261123_000005_vacancies::Vacancy;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum VacancySearch {
    Table,
    VacancyId,
    Title,
    Document,
    SortTitle,
}

/// SQLite: an external-content FTS5 index over `vacancy_search.document`, kept in step by
/// triggers, so writers only ever write `vacancy_search`.
const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE vacancy_search_fts USING fts5(document, content='vacancy_search', \
     content_rowid='vacancy_id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER vacancy_search_ai AFTER INSERT ON vacancy_search BEGIN \
     INSERT INTO vacancy_search_fts(rowid, document) VALUES (new.vacancy_id, new.document); END",
    "CREATE TRIGGER vacancy_search_ad AFTER DELETE ON vacancy_search BEGIN \
     INSERT INTO vacancy_search_fts(vacancy_search_fts, rowid, document) \
     VALUES ('delete', old.vacancy_id, old.document); END",
    "CREATE TRIGGER vacancy_search_au AFTER UPDATE ON vacancy_search BEGIN \
     INSERT INTO vacancy_search_fts(vacancy_search_fts, rowid, document) \
     VALUES ('delete', old.vacancy_id, old.document); \
     INSERT INTO vacancy_search_fts(rowid, document) VALUES (new.vacancy_id, new.document); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS vacancy_search_au",
    "DROP TRIGGER IF EXISTS vacancy_search_ad",
    "DROP TRIGGER IF EXISTS vacancy_search_ai",
    "DROP TABLE IF EXISTS vacancy_search_fts",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX vacancy_search_document_trgm ON vacancy_search \
     USING gin (document gin_trgm_ops)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(VacancySearch::Table)
                    .col(integer(VacancySearch::VacancyId).primary_key())
                    .col(text(VacancySearch::Title))
                    .col(text(VacancySearch::Document))
                    .col(text(VacancySearch::SortTitle))
                    .foreign_key(&mut foreign_key(
                        VacancySearch::Table,
                        VacancySearch::VacancyId,
                        Vacancy::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("vacancy_search_sort_title")
                    .table(VacancySearch::Table)
                    .col(VacancySearch::SortTitle)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => SQLITE_UP,
            sea_orm::DatabaseBackend::Postgres => POSTGRES_UP,
            sea_orm::DatabaseBackend::MySql => &[],
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            for sql in SQLITE_DOWN {
                manager.get_connection().execute_unprepared(sql).await?;
            }
        }
        // The pg_trgm extension stays: other objects may use it, and it holds no data.
        manager
            .drop_table(Table::drop().table(VacancySearch::Table).to_owned())
            .await
    }
}
