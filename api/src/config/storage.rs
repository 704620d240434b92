//! Where application documents are stored: the database (the default), a local directory, or
//! an S3-compatible bucket.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// The backend new documents are written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentBackend {
    Database,
    Directory,
    S3,
}

/// Document storage settings. The directory and the bucket, when set, stay readable whichever
/// backend writes, so documents stored there before are still served.
#[derive(Debug, Clone, Args)]
pub struct StorageConfig {
    /// Where new application documents are written: `database`, `directory` (`DOCUMENT_DIR`)
    /// or `s3` (`S3_BUCKET` and the other `S3_` settings). `documents move` moves older ones.
    #[arg(long, env = "DOCUMENT_STORAGE", value_enum, default_value = "database")]
    pub document_storage: DocumentBackend,

    /// The folder documents are written to with `DOCUMENT_STORAGE=directory` (created if
    /// missing).
    #[arg(long, env = "DOCUMENT_DIR")]
    pub document_dir: Option<PathBuf>,

    /// The bucket documents are written to with `DOCUMENT_STORAGE=s3`.
    #[arg(long, env = "S3_BUCKET")]
    pub s3_bucket: Option<String>,

    /// The address of an S3-compatible server (`https://minio.internal:9000`); AWS when unset.
    #[arg(long, env = "S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// The bucket's region (AWS_REGION, or `us-east-1`, when unset).
    #[arg(long, env = "S3_REGION")]
    pub s3_region: Option<String>,

    /// The access key; unset, the usual AWS environment and instance credentials apply.
    #[arg(long, env = "S3_ACCESS_KEY_ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,

    /// The secret of the access key.
    #[arg(long, env = "S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,

    /// Allow a plain-http `S3_ENDPOINT` (a local test server); https otherwise.
    #[arg(long, env = "S3_ALLOW_HTTP")]
    pub s3_allow_http: bool,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            document_storage: DocumentBackend::Database,
            document_dir: None,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_allow_http: false,
        }
    }
}
