//! Search through an inverted index on PostgreSQL: a text search configuration that only
//! splits words (the application folds case, accents and Arabic letter forms before storing
//! and before querying, the same way for both databases, so nothing may stem), a stored
//! `tsvector` of each search document with its title part weighted `A`, and GIN indexes on it
//! and on the titles alone (relevance). The trigram index, which nothing uses any more, goes.
//! SQLite keeps its FTS5 index.
//!
//! On both databases, documents holding the Arabic letters whose folding changed are deleted:
//! the server writes every missing document when it starts.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE TEXT SEARCH CONFIGURATION jobboard_search (COPY = simple)",
    "ALTER TABLE vacancy_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS \
     (setweight(to_tsvector('jobboard_search', title), 'A') || \
     setweight(to_tsvector('jobboard_search', document), 'D')) STORED",
    "CREATE INDEX vacancy_search_tsv ON vacancy_search USING gin (tsv)",
    "CREATE INDEX vacancy_search_title_tsv ON vacancy_search \
     USING gin (to_tsvector('jobboard_search', title))",
    "DROP INDEX IF EXISTS vacancy_search_document_trgm",
    // Matching a stored document costs microseconds, not the one operator cost PostgreSQL
    // assumes: without this, a word that a third of the notices hold is matched by reading
    // every document (180 ms at 10k notices) rather than through the GIN index (4 ms). Owning
    // the function takes a superuser; without one the index is still used for rarer words.
    "DO $$ BEGIN ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST 100; \
     EXCEPTION WHEN insufficient_privilege THEN \
     RAISE NOTICE 'ts_match_vq keeps its cost: not its owner'; END $$",
];

const POSTGRES_DOWN: &[&str] = &[
    "DO $$ BEGIN ALTER FUNCTION ts_match_vq(tsvector, tsquery) COST 1; \
     EXCEPTION WHEN insufficient_privilege THEN NULL; END $$",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS vacancy_search_document_trgm ON vacancy_search \
     USING gin (document gin_trgm_ops)",
    "DROP INDEX IF EXISTS vacancy_search_title_tsv",
    "DROP INDEX IF EXISTS vacancy_search_tsv",
    "ALTER TABLE vacancy_search DROP COLUMN IF EXISTS tsv",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS jobboard_search",
];

/// Tatweel, alef wasla, taa marbuta, alef maqsura and the Arabic-Indic digits: what
/// `search_text::words` now folds and did not before.
fn refolded() -> Vec<char> {
    ['\u{0640}', '\u{0671}', '\u{0629}', '\u{0649}']
        .into_iter()
        .chain('\u{0660}'..='\u{0669}')
        .chain('\u{06F0}'..='\u{06F9}')
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for sql in POSTGRES_UP {
                db.execute_unprepared(sql).await?;
            }
        }
        let stale = refolded()
            .into_iter()
            .map(|c| format!("document LIKE '%{c}%'"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let ids: Vec<i32> = db
            .query_all(sea_orm::Statement::from_string(
                manager.get_database_backend(),
                format!("SELECT vacancy_id FROM vacancy_search WHERE {stale}"),
            ))
            .await?
            .iter()
            .map(|row| row.try_get_by_index::<i32>(0))
            .collect::<Result<_, _>>()?;
        // By id, read first: a `DELETE … WHERE document LIKE …` fails on SQLite here ("no such
        // table") though the same `SELECT` does not.
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            db.execute_unprepared(&format!(
                "DELETE FROM vacancy_search WHERE vacancy_id IN ({list})"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for sql in POSTGRES_DOWN {
                manager.get_connection().execute_unprepared(sql).await?;
            }
        }
        Ok(())
    }
}
