//! Where application documents' bytes live: in the database row, in a local directory, or in
//! an S3-compatible bucket. New documents go to the configured backend; every row says where its
//! own bytes are (`storage_path`: none for the database, `file:/abs/path` for a directory,
//! `s3://bucket/key` for a bucket), so a server reads documents of every backend it can reach.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};
use std::time::Duration;

use entity::application_document;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig,
};

use crate::error::{AppError, AppResult};

/// Which backend new documents are written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Database,
    Directory,
    S3,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::Directory => "directory",
            Self::S3 => "s3",
        }
    }
}

/// An S3-compatible bucket and how to reach it.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// For S3-compatible servers (MinIO, moto, …); AWS when unset.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub allow_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("DOCUMENT_STORAGE={0} needs {1}")]
    Missing(&'static str, &'static str),
    #[error("DOCUMENT_DIR {0}: {1}")]
    Directory(String, #[source] std::io::Error),
    #[error("S3 bucket {0}: {1}")]
    S3(String, #[source] object_store::Error),
}

/// Buckets this process can reach, by name. Erasure and retention delete documents with only
/// a database connection in hand, so the bucket a row names is looked up here.
static BUCKETS: LazyLock<RwLock<HashMap<String, Arc<dyn ObjectStore>>>> =
    LazyLock::new(Default::default);

fn bucket(name: &str) -> AppResult<Arc<dyn ObjectStore>> {
    BUCKETS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(name)
        .cloned()
        .ok_or_else(|| AppError::storage(NotConfigured(name.to_owned())))
}

#[derive(Debug, thiserror::Error)]
#[error("document storage: bucket {0} is not configured on this server")]
struct NotConfigured(String);

#[derive(Debug, thiserror::Error)]
#[error("document storage: {0}")]
struct BadLocation(String);

/// Where one document's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Database,
    File(PathBuf),
    S3 { bucket: String, key: String },
}

impl Location {
    /// The location a row records.
    pub fn of(row: &application_document::Model) -> AppResult<Self> {
        match row.storage_path.as_deref() {
            None => Ok(Self::Database),
            Some(path) => Self::parse(path),
        }
    }

    /// A `storage_path` read back.
    pub fn parse(path: &str) -> AppResult<Self> {
        if let Some(file) = path.strip_prefix("file:") {
            return Ok(Self::File(PathBuf::from(file)));
        }
        if let Some((bucket, key)) = path
            .strip_prefix("s3://")
            .and_then(|rest| rest.split_once('/'))
        {
            return Ok(Self::S3 {
                bucket: bucket.to_owned(),
                key: key.to_owned(),
            });
        }
        Err(AppError::internal(BadLocation(format!(
            "unknown storage path {path:?}"
        ))))
    }

    /// The value of `storage_path`: none for the database.
    pub fn storage_path(&self) -> Option<String> {
        match self {
            Self::Database => None,
            Self::File(path) => Some(format!("file:{}", path.display())),
            Self::S3 { bucket, key } => Some(format!("s3://{bucket}/{key}")),
        }
    }

    fn store_and_path(&self) -> AppResult<(Arc<dyn ObjectStore>, Path)> {
        match self {
            Self::Database => Err(AppError::internal(BadLocation(
                "the database holds no object".into(),
            ))),
            Self::File(path) => Ok((
                Arc::new(LocalFileSystem::new()),
                Path::from_absolute_path(path).map_err(AppError::internal)?,
            )),
            Self::S3 { bucket: name, key } => Ok((bucket(name)?, Path::from(key.as_str()))),
        }
    }

    /// The stored bytes of an object (never of the database: the row has them).
    pub async fn read(&self) -> AppResult<Vec<u8>> {
        let (store, path) = self.store_and_path()?;
        let result = match store.get(&path).await {
            Ok(result) => result.bytes().await,
            Err(error) => Err(error),
        };
        match result {
            Ok(bytes) => Ok(bytes.to_vec()),
            Err(object_store::Error::NotFound { .. }) => {
                tracing::warn!(location = ?self.storage_path(), "a document's object is missing");
                Err(AppError::NotFound("document"))
            }
            Err(error) => Err(AppError::storage(error)),
        }
    }

    /// Deletes the object; one already gone is deleted.
    pub async fn delete(&self) -> AppResult<()> {
        if *self == Self::Database {
            return Ok(());
        }
        let (store, path) = self.store_and_path()?;
        match store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(AppError::storage(error)),
        }
    }

    /// Deletes the objects, logging those that could not be (after a failed write, the caller
    /// reports the write's own error).
    pub async fn discard(locations: &[Self]) {
        for location in locations {
            if let Err(error) = location.delete().await {
                tracing::warn!(location = ?location.storage_path(), %error, "could not delete a document's object");
            }
        }
    }
}

/// Where new documents are written, and how.
#[derive(Debug, Clone)]
pub struct DocumentStorage {
    target: Target,
}

#[derive(Debug, Clone)]
enum Target {
    Database,
    Directory {
        root: PathBuf,
        store: Arc<LocalFileSystem>,
    },
    S3 {
        bucket: String,
        store: Arc<dyn ObjectStore>,
    },
}

impl Default for DocumentStorage {
    fn default() -> Self {
        Self {
            target: Target::Database,
        }
    }
}

impl DocumentStorage {
    /// Writes new documents to `backend`. The directory and the bucket, when given, are
    /// opened (and the bucket registered) whichever backend writes, so that documents written
    /// there before stay readable.
    pub fn new(
        backend: Backend,
        directory: Option<&FsPath>,
        s3: Option<&S3Settings>,
    ) -> Result<Self, StorageError> {
        let directory = directory.map(open_directory).transpose()?;
        let s3 = s3.map(open_bucket).transpose()?;
        let target = match backend {
            Backend::Database => Target::Database,
            Backend::Directory => {
                let (root, store) =
                    directory.ok_or(StorageError::Missing("directory", "DOCUMENT_DIR"))?;
                Target::Directory { root, store }
            }
            Backend::S3 => {
                let (bucket, store) = s3.ok_or(StorageError::Missing("s3", "S3_BUCKET"))?;
                Target::S3 { bucket, store }
            }
        };
        Ok(Self { target })
    }

    pub fn backend(&self) -> Backend {
        match self.target {
            Target::Database => Backend::Database,
            Target::Directory { .. } => Backend::Directory,
            Target::S3 { .. } => Backend::S3,
        }
    }

    /// Whether a document at `location` is already where this storage writes.
    pub fn holds(&self, location: &Location) -> bool {
        match (&self.target, location) {
            (Target::Database, Location::Database) => true,
            (Target::Directory { root, .. }, Location::File(path)) => path.starts_with(root),
            (Target::S3 { bucket, .. }, Location::S3 { bucket: other, .. }) => bucket == other,
            _ => false,
        }
    }

    /// Writes one document's bytes under `key` (a relative path) and says where they are; the
    /// database backend writes nothing here (the row will hold them).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> AppResult<Location> {
        let path = Path::from(key);
        let payload = PutPayload::from(bytes.to_vec());
        match &self.target {
            Target::Database => Ok(Location::Database),
            Target::Directory { root, store } => {
                store.put(&path, payload).await.map_err(AppError::storage)?;
                Ok(Location::File(root.join(key)))
            }
            Target::S3 { bucket, store } => {
                store.put(&path, payload).await.map_err(AppError::storage)?;
                Ok(Location::S3 {
                    bucket: bucket.clone(),
                    key: key.to_owned(),
                })
            }
        }
    }

    /// Writes the documents of a new application; if one fails, those already written are
    /// deleted and the apply fails.
    pub async fn put_new(&self, documents: &[&[u8]]) -> AppResult<Vec<Location>> {
        let mut written = Vec::new();
        for bytes in documents {
            let key = format!("documents/{}", uuid::Uuid::new_v4().simple());
            match self.put(&key, bytes).await {
                Ok(location) => written.push(location),
                Err(error) => {
                    Location::discard(&written).await;
                    return Err(error);
                }
            }
        }
        Ok(written)
    }
}

/// The bytes of a stored document, wherever they are.
pub async fn read(row: &application_document::Model) -> AppResult<Vec<u8>> {
    match (&row.content, Location::of(row)?) {
        (Some(bytes), _) => Ok(bytes.clone()),
        (None, Location::Database) => Err(AppError::internal(BadLocation(format!(
            "document {} has neither content nor a storage path",
            row.id
        )))),
        (None, location) => location.read().await,
    }
}

fn open_directory(dir: &FsPath) -> Result<(PathBuf, Arc<LocalFileSystem>), StorageError> {
    let error = |e| StorageError::Directory(dir.display().to_string(), e);
    std::fs::create_dir_all(dir).map_err(error)?;
    let root = dir.canonicalize().map_err(error)?;
    let store = LocalFileSystem::new_with_prefix(&root)
        .map_err(|e| error(std::io::Error::other(e.to_string())))?;
    Ok((root, Arc::new(store)))
}

/// Builds the bucket's client and registers it for reads and deletes by name.
fn open_bucket(s3: &S3Settings) -> Result<(String, Arc<dyn ObjectStore>), StorageError> {
    // Fail fast when the storage is down: the caller answers 503 and the client retries.
    let retry = RetryConfig {
        backoff: BackoffConfig::default(),
        max_retries: 2,
        retry_timeout: Duration::from_secs(5),
    };
    let client = ClientOptions::new()
        .with_allow_http(s3.allow_http)
        .with_connect_timeout(Duration::from_secs(3))
        .with_timeout(Duration::from_secs(30));
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(&s3.bucket)
        .with_allow_http(s3.allow_http)
        .with_retry(retry)
        .with_client_options(client);
    if let Some(region) = &s3.region {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_virtual_hosted_style_request(false);
    }
    if let Some(key) = &s3.access_key_id {
        builder = builder.with_access_key_id(key);
    }
    if let Some(secret) = &s3.secret_access_key {
        builder = builder.with_secret_access_key(secret);
    }
    let store: Arc<dyn ObjectStore> = Arc::new(
        builder
            .build()
            .map_err(|e| StorageError::S3(s3.bucket.clone(), e))?,
    );
    BUCKETS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(s3.bucket.clone(), store.clone());
    Ok((s3.bucket.clone(), store))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_back_as_written() {
        let locations = [
            Location::File(PathBuf::from("/srv/documents/documents/ab12")),
            Location::S3 {
                bucket: "cvs".into(),
                key: "documents/ab12".into(),
            },
        ];
        for location in locations {
            let path = location.storage_path().unwrap();
            assert_eq!(Location::parse(&path).unwrap(), location);
        }
        assert_eq!(Location::Database.storage_path(), None);
        assert!(Location::parse("ftp://x/y").is_err());
        assert!(Location::parse("s3://bucket-without-key").is_err());
    }

    #[test]
    fn a_backend_needs_its_settings() {
        assert!(matches!(
            DocumentStorage::new(Backend::Directory, None, None),
            Err(StorageError::Missing("directory", "DOCUMENT_DIR"))
        ));
        assert!(matches!(
            DocumentStorage::new(Backend::S3, None, None),
            Err(StorageError::Missing("s3", "S3_BUCKET"))
        ));
        let storage = DocumentStorage::new(Backend::Database, None, None).unwrap();
        assert!(storage.holds(&Location::Database));
    }
}
