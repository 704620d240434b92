//! Changing a column's constraints on SQLite, which cannot alter a column: the table is rebuilt
//! as SQLite documents it (<https://sqlite.org/lang_altertable.html#otheralter>). Its current
//! definition is read from `sqlite_master` and edited, so the columns other migrations added
//! since it was created are kept; the rows, the id sequence and the indexes carry over.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::sqlx;
use sea_orm_migration::sea_orm::DatabaseConnection;

fn sqlx_error(table: &str, error: sqlx::Error) -> DbErr {
    DbErr::Migration(format!("rebuilding the {table} table: {error}"))
}

/// Replaces the one occurrence of `from` in a table's definition by `to`; `None` when it does
/// not occur exactly once, which means the table is not what the migration expects.
pub fn replace_once(sql: &str, from: &str, to: &str) -> Option<String> {
    (sql.matches(from).count() == 1).then(|| sql.replacen(from, to, 1))
}

/// Rebuilds `table` with the definition `edit` makes of its current one, in one transaction on
/// one connection with foreign keys off (with them on, dropping the table would delete or
/// refuse for the rows that refer to it; the pragma does nothing inside a transaction and
/// applies to its connection only). The foreign keys are checked before the commit. A row the
/// new definition refuses (a `CHECK`, a `NOT NULL`) fails the rebuild, which changes nothing.
pub async fn rebuild(
    manager: &SchemaManager<'_>,
    table: &str,
    edit: impl Fn(&str) -> Option<String>,
) -> Result<(), DbErr> {
    let db: &DatabaseConnection = match manager.get_connection() {
        SchemaManagerConnection::Connection(db) => db,
        SchemaManagerConnection::Transaction(_) => {
            return Err(DbErr::Migration(format!(
                "rebuilding the {table} table cannot run inside a transaction on SQLite"
            )))
        }
    };
    if !matches!(db, DatabaseConnection::SqlxSqlitePoolConnection(_)) {
        return Err(DbErr::Migration(format!(
            "rebuilding the {table} table needs an SQLite connection pool"
        )));
    }
    let error = |e| sqlx_error(table, e);
    let mut conn = db
        .get_sqlite_connection_pool()
        .acquire()
        .await
        .map_err(error)?;
    let enforced: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .map_err(error)?;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .map_err(error)?;
    let rebuilt = async {
        let mut txn = sqlx::Connection::begin(&mut *conn).await?;
        let definition: String =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
                .bind(table)
                .fetch_one(&mut *txn)
                .await?;
        let edited = edit(&definition).ok_or_else(|| {
            sqlx::Error::Protocol(format!("unexpected definition: {definition}"))
        })?;
        let body = edited
            .find('(')
            .map(|start| &edited[start..])
            .ok_or_else(|| sqlx::Error::Protocol("no column list".to_owned()))?;
        let rebuilt = format!("{table}_rebuilt");
        let indexes: Vec<String> = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        )
        .bind(table)
        .fetch_all(&mut *txn)
        .await?;
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(table)
                .fetch_all(&mut *txn)
                .await?;
        let columns = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let sequence: Option<i64> =
            sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?")
                .bind(table)
                .fetch_optional(&mut *txn)
                .await?;
        let mut statements = vec![
            format!("CREATE TABLE \"{rebuilt}\" {body}"),
            format!("INSERT INTO \"{rebuilt}\" ({columns}) SELECT {columns} FROM \"{table}\""),
            format!("DROP TABLE \"{table}\""),
            format!("ALTER TABLE \"{rebuilt}\" RENAME TO \"{table}\""),
        ];
        statements.extend(indexes);
        for sql in &statements {
            sqlx::query(sql.as_str()).execute(&mut *txn).await?;
        }
        if let Some(seq) = sequence {
            sqlx::query("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?")
                .bind(seq)
                .bind(table)
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
    rebuilt.map_err(error)?;
    restored.map(|_| ()).map_err(error)
}
