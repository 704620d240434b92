//! Application documents: their descriptions, and their bytes for those who may read them.

use chrono::Utc;
use entity::application_document;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::access::record_one;
use super::get;
use super::storage::{self, Location};
use crate::auth::Actor;
use crate::domain::ApplicationAccessKind;
use crate::error::{AppError, AppResult};
use crate::policy;

/// A document's description, without its bytes.
#[derive(Debug, Clone)]
pub struct DocumentMeta {
    pub id: i32,
    pub kind: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_at: chrono::DateTime<Utc>,
}

type DocumentMetaRow = (
    i32,
    i32,
    String,
    String,
    String,
    i64,
    String,
    chrono::DateTime<Utc>,
);

/// The documents of some applications, in upload order, without their bytes, each with its
/// application's id.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn documents_of(
    db: &impl ConnectionTrait,
    application_ids: &[i32],
) -> AppResult<Vec<(i32, DocumentMeta)>> {
    use application_document::Column as C;
    let rows: Vec<DocumentMetaRow> = application_document::Entity::find()
        .select_only()
        .columns([
            C::ApplicationId,
            C::Id,
            C::Kind,
            C::FileName,
            C::MediaType,
            C::SizeBytes,
            C::Sha256,
            C::CreatedAt,
        ])
        .filter(C::ApplicationId.is_in(application_ids.iter().copied()))
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(application, id, kind, file_name, media_type, size_bytes, sha256, created_at)| {
                let meta = DocumentMeta {
                    id,
                    kind,
                    file_name,
                    media_type,
                    size_bytes,
                    sha256,
                    created_at,
                };
                (application, meta)
            },
        )
        .collect())
}

/// A stored document with its bytes, for its candidate and the posting organisation's staff;
/// for anyone else it does not exist.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn document(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<(application_document::Model, Vec<u8>)> {
    policy::signed_in(actor)?;
    // Whose document it is comes first; its bytes are read only for those who may have them.
    let owner = application_document::Entity::find_by_id(id)
        .select_only()
        .column(application_document::Column::ApplicationId)
        .into_tuple::<i32>()
        .one(db)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let application = get(actor, db, owner).await.map_err(|e| match e {
        AppError::Forbidden => AppError::Forbidden,
        _ => AppError::NotFound("document"),
    })?;
    policy::download_documents(actor)?;
    let row = application_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    let bytes = storage::read(&row).await?;
    record_one(
        db,
        actor,
        &application,
        ApplicationAccessKind::DocumentDownload,
        Some(id),
    )
    .await?;
    Ok((row, bytes))
}

/// Deletes the documents of these applications (erasure, retention): their stored objects, then
/// their rows. Every deletion of documents goes through here.
///
/// Objects go first, so that no copy of a document outlives its row: if the rows' delete (or
/// the caller's transaction around it) fails, the rows remain, pointing at nothing, and running
/// this again finishes the deletion. If storage fails, nothing more is deleted and the error
/// (`STORAGE_UNAVAILABLE`) says so.
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn delete_for_applications(
    conn: &impl ConnectionTrait,
    application_ids: &[i32],
) -> AppResult<()> {
    use application_document::Column as C;
    if application_ids.is_empty() {
        return Ok(());
    }
    let paths: Vec<String> = application_document::Entity::find()
        .select_only()
        .column(C::StoragePath)
        .filter(C::ApplicationId.is_in(application_ids.iter().copied()))
        .filter(C::StoragePath.is_not_null())
        .into_tuple::<Option<String>>()
        .all(conn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    for path in paths {
        Location::parse(&path)?.delete().await?;
    }
    application_document::Entity::delete_many()
        .filter(C::ApplicationId.is_in(application_ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}
