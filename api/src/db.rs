//! Database connection and migrations.

use std::time::Duration;

use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, TransactionTrait,
};

use crate::config::DatabaseConfig;

/// The `tracing` target of the event logged for each SQL statement when `log_statements` is on.
pub const STATEMENT_TARGET: &str = "jobboard::sql";

pub async fn connect(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let statement_cache = config.database_statement_cache;
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx's own statement log is off: on SQLite it is emitted from the connection's worker
        // thread, outside the request's span. `log_statements` logs from the caller instead.
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(move |opts| opts.statement_cache_capacity(statement_cache))
        // SQLite: readers never wait for the writer, and a writer waits for another.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let mut conn = Database::connect(options).await?;
    if config.log_statements {
        // Called by sea-orm after each statement, in the task that ran it (so in its span).
        conn.set_metric_callback(|info| {
            tracing::info!(
                target: STATEMENT_TARGET,
                sql = %info.statement.sql,
                elapsed_ms = info.elapsed.as_secs_f64() * 1000.0,
                failed = info.failed,
                "SQL statement"
            );
        });
    }
    Ok(conn)
}

/// The connection anonymous reads use: a read-only copy (`DATABASE_READ_URL`), else `primary`.
pub async fn connect_reader(
    config: &DatabaseConfig,
    primary: &DatabaseConnection,
) -> Result<DatabaseConnection, DbErr> {
    match &config.database_read_url {
        Some(url) if !url.is_empty() => {
            connect(&DatabaseConfig {
                database_url: url.clone(),
                ..config.clone()
            })
            .await
        }
        _ => Ok(primary.clone()),
    }
}

/// Whether a request may read from the copy, which can lag behind the primary: anonymous
/// reads only. A signed-in caller always reads the primary, so it reads its own writes (and
/// anonymous callers write nothing).
pub fn may_read_from_copy(anonymous: bool, writes: bool) -> bool {
    anonymous && !writes
}

pub async fn connect_and_migrate(config: &DatabaseConfig) -> Result<DatabaseConnection, DbErr> {
    let conn = connect(config).await?;
    migration::Migrator::up(&conn, None).await?;
    Ok(conn)
}

/// Starts a transaction that will write.
///
/// On SQLite a plain `BEGIN` takes the write lock only at the first write, and if another
/// writer committed since the transaction's first read, SQLite refuses at once ("database is
/// locked") instead of waiting. Writing first (a statement that changes nothing) takes the lock
/// up front, so concurrent writers queue behind the busy timeout. PostgreSQL needs nothing.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let txn = db.begin().await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE seaql_migrations SET version = version WHERE 1 = 0")
            .await?;
    }
    Ok(txn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_reads_go_to_the_copy() {
        assert!(may_read_from_copy(true, false));
        assert!(!may_read_from_copy(true, true));
        assert!(!may_read_from_copy(false, false));
        assert!(!may_read_from_copy(false, true));
    }
}
