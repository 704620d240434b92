//! A real S3-compatible server for the document storage tests: moto, from PyPI, installed once
//! into a virtualenv under the target directory and started per test on a free port.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use jobboard::config::{DocumentBackend, StorageConfig};
use object_store::aws::AmazonS3Builder;
use object_store::{ObjectStore, ObjectStoreExt};

/// The virtualenv's `moto_server`, installed on first use (and reused after).
fn moto_server() -> &'static Path {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("moto-venv");
        let server = venv.join("bin").join("moto_server");
        let marker = venv.join(".installed");
        if !marker.exists() {
            let run = |program: &Path, args: &[&str]| {
                let status = Command::new(program)
                    .args(args)
                    .status()
                    .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
                assert!(status.success(), "{} {args:?} failed", program.display());
            };
            let venv_arg = venv.to_str().unwrap();
            run(Path::new("python3"), &["-m", "venv", venv_arg]);
            run(
                &venv.join("bin").join("pip"),
                &["install", "--quiet", "moto[server]"],
            );
            std::fs::write(&marker, b"moto[server]\n").unwrap();
        }
        server
    })
}

/// A moto server on a free loopback port, killed when dropped.
pub struct MotoServer {
    child: Option<Child>,
    pub endpoint: String,
}

impl MotoServer {
    pub async fn start() -> Self {
        let server = tokio::task::spawn_blocking(moto_server).await.unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Self {
            child: Some(child),
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "moto did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        moto
    }

    /// Creates a bucket of a new name and returns the name (moto checks no signature).
    pub async fn bucket(&self) -> String {
        let name = format!("jobboard-{}", uuid::Uuid::new_v4().simple());
        let response = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "create bucket: {response:?}"
        );
        name
    }

    /// The storage settings that reach `bucket`, writing new documents to `backend`.
    pub fn storage(&self, bucket: &str, backend: DocumentBackend) -> StorageConfig {
        StorageConfig {
            document_storage: backend,
            s3_bucket: Some(bucket.to_owned()),
            s3_endpoint: Some(self.endpoint.clone()),
            s3_region: Some("us-east-1".into()),
            s3_access_key_id: Some("testing".into()),
            s3_secret_access_key: Some("testing".into()),
            s3_allow_http: true,
            ..StorageConfig::default()
        }
    }

    /// The objects in `bucket`, with their bytes, by key.
    pub async fn objects(&self, bucket: &str) -> Vec<(String, Vec<u8>)> {
        use futures::TryStreamExt;
        let store = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&self.endpoint)
            .with_region("us-east-1")
            .with_access_key_id("testing")
            .with_secret_access_key("testing")
            .with_allow_http(true)
            .build()
            .unwrap();
        let metas: Vec<_> = store.list(None).try_collect().await.unwrap();
        let mut objects = Vec::new();
        for meta in metas {
            let bytes = store
                .get(&meta.location)
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            objects.push((meta.location.to_string(), bytes.to_vec()));
        }
        objects.sort();
        objects
    }

    /// Kills the server: the storage is down.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        self.stop();
    }
}
