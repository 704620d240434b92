//! `documents move`: moves every document to one storage backend without losing a byte.
//!
//! Each document is copied, its copy read back and checked against the sha256 recorded on
//! upload, then its row is switched over (only if it still names the old place), and only then
//! is the old copy deleted. Stopped at any point, a rerun finishes: copies go to a key made of
//! the document's id and hash, so a copy left by a crash is overwritten, not duplicated.

use entity::application_document;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::storage::{self, DocumentStorage, Location};
use crate::domain::document::sha256_hex;
use crate::error::{AppError, AppResult};

/// Documents looked at per query.
const BATCH: u64 = 100;

/// What a move did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MoveReport {
    /// Documents now in the target that were elsewhere.
    pub moved: usize,
    /// Documents that were in the target already.
    pub already: usize,
    /// Documents that could not be moved (logged); a rerun tries them again.
    pub failed: usize,
}

impl std::fmt::Display for MoveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} documents moved, {} already there, {} failed",
            self.moved, self.already, self.failed
        )
    }
}

#[derive(Debug, thiserror::Error)]
#[error("document {id}: {what} does not match its sha256")]
struct Corrupt {
    id: i32,
    what: &'static str,
}

/// Moves every document that is not in `target` there.
pub async fn move_documents(
    db: &DatabaseConnection,
    target: &DocumentStorage,
) -> AppResult<MoveReport> {
    use application_document::Column as C;
    let mut report = MoveReport::default();
    let mut after = 0;
    loop {
        let batch: Vec<(i32, Option<String>)> = application_document::Entity::find()
            .select_only()
            .columns([C::Id, C::StoragePath])
            .filter(C::Id.gt(after))
            .order_by_asc(C::Id)
            .limit(BATCH)
            .into_tuple()
            .all(db)
            .await?;
        let Some((last, _)) = batch.last() else {
            return Ok(report);
        };
        after = *last;
        for (id, path) in batch {
            let location = match path.as_deref().map(Location::parse).transpose() {
                Ok(location) => location.unwrap_or(Location::Database),
                Err(error) => {
                    tracing::error!(id, ?error, "cannot move a document");
                    report.failed += 1;
                    continue;
                }
            };
            if target.holds(&location) {
                report.already += 1;
                continue;
            }
            match move_one(db, target, id).await {
                Ok(true) => report.moved += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::error!(id, ?error, "cannot move a document");
                    report.failed += 1;
                }
            }
        }
    }
}

/// Moves one document; false when it was deleted or moved by someone else meanwhile.
async fn move_one(db: &DatabaseConnection, target: &DocumentStorage, id: i32) -> AppResult<bool> {
    use application_document::Column as C;
    let Some(row) = application_document::Entity::find_by_id(id).one(db).await? else {
        return Ok(false);
    };
    let old = Location::of(&row)?;
    let bytes = storage::read(&row).await?;
    if sha256_hex(&bytes) != row.sha256 {
        return Err(AppError::internal(Corrupt {
            id,
            what: "the stored copy",
        }));
    }
    let key = format!("documents/{id}-{}", row.sha256);
    let new = target.put(&key, &bytes).await?;
    if new != Location::Database && sha256_hex(&new.read().await?) != row.sha256 {
        return Err(AppError::internal(Corrupt {
            id,
            what: "the new copy",
        }));
    }
    let content = (new == Location::Database).then_some(bytes);
    let still_there = match &row.storage_path {
        Some(path) => C::StoragePath.eq(path.clone()),
        None => C::StoragePath.is_null(),
    };
    let switched = application_document::Entity::update_many()
        .col_expr(C::Content, Expr::value(content))
        .col_expr(C::StoragePath, Expr::value(new.storage_path()))
        .filter(C::Id.eq(id))
        .filter(still_there)
        .exec(db)
        .await?
        .rows_affected
        == 1;
    if !switched {
        // Another run may have moved it to this very key: keep the copy its row names.
        let current = application_document::Entity::find_by_id(id)
            .select_only()
            .column(C::StoragePath)
            .into_tuple::<Option<String>>()
            .one(db)
            .await?
            .flatten();
        if current != new.storage_path() {
            Location::discard(std::slice::from_ref(&new)).await;
        }
        return Ok(false);
    }
    if let Err(error) = old.delete().await {
        tracing::warn!(id, ?error, location = ?old.storage_path(), "moved a document, but could not delete its old copy");
    }
    Ok(true)
}
