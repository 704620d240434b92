//! Automatic persisted queries, Apollo's protocol (`extensions.persistedQuery`): a client sends
//! only a query's SHA-256 hash; on `PersistedQueryNotFound` it sends the query with the hash once,
//! and after that the hash alone works, by POST or by GET (`?extensions=…`, cacheable).
//!
//! The queries are kept in async-graphql's LRU storage, one per process: another replica that
//! has not seen a hash answers `PERSISTED_QUERY_NOT_FOUND` and the client sends the text again,
//! as the protocol expects. The hash is resolved here, before the handler's own checks (a
//! mutation over GET, the depth limit), rather than by async-graphql's extension, which would
//! resolve it only once execution starts, after those checks.
//!
//! Two policies. **Open registration** (the default): any client registers a query by sending
//! it with its hash. That is safe because a hash only ever stands for the document it is the
//! SHA-256 of, and whatever is cached for a hash-only request is keyed by that hash. **An
//! allow-list** (`PERSISTED_QUERIES_MANIFEST`, an Apollo persisted-query manifest as client
//! build tools write it): only the listed documents are served by hash, and nothing a client
//! sends is remembered; a query sent in full still runs as any request does.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, Value};

use crate::domain::document::sha256_hex;
use crate::error::{with_code, Code};

/// How many distinct queries each server process remembers (the least recently used go first).
pub const CAPACITY: usize = 1000;

/// The message and code Apollo clients look for to send the full query again.
const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";

/// The queries this process serves by hash.
#[derive(Clone)]
pub enum PersistedQueries {
    /// Those clients have sent with their hash.
    Open(LruCacheStorage),
    /// Those of a manifest, and no others.
    AllowList(Arc<HashMap<String, ExecutableDocument>>),
}

impl Default for PersistedQueries {
    fn default() -> Self {
        Self::Open(LruCacheStorage::new(CAPACITY))
    }
}

/// Why a persisted-query manifest cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read the persisted-query manifest {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the persisted-query manifest is not an Apollo manifest: {0}")]
    Format(String),
    #[error("operation {id} of the persisted-query manifest: {reason}")]
    Operation { id: String, reason: String },
}

/// An Apollo persisted-query manifest: `{"format": "apollo-persisted-query-manifest",
/// "version": 1, "operations": [{"id", "name", "type", "body"}]}`.
#[derive(serde::Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    operations: Vec<ManifestOperation>,
}

#[derive(serde::Deserialize)]
struct ManifestOperation {
    id: String,
    body: String,
}

/// The SHA-256 of a query's text, in lower-case hexadecimal: how a persisted query is named.
pub fn document_hash(query: &str) -> String {
    sha256_hex(query.as_bytes())
}

impl PersistedQueries {
    /// The allow-list of the manifest at `path`. Every operation must parse and its `id` be the
    /// SHA-256 of its body.
    pub fn from_manifest(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| ManifestError::Format(e.to_string()))?;
        if manifest.format != "apollo-persisted-query-manifest" || manifest.version != 1 {
            return Err(ManifestError::Format(format!(
                "format {} version {}",
                manifest.format, manifest.version
            )));
        }
        let mut documents = HashMap::new();
        for operation in manifest.operations {
            let id = operation.id.to_ascii_lowercase();
            let refuse = |reason: String| ManifestError::Operation {
                id: id.clone(),
                reason,
            };
            if document_hash(&operation.body) != id {
                return Err(refuse("its id is not the SHA-256 of its body".into()));
            }
            let document = parse_query(&operation.body).map_err(|e| refuse(e.to_string()))?;
            documents.insert(id, document);
        }
        Ok(Self::AllowList(Arc::new(documents)))
    }

    async fn find(&self, hash: &str) -> Option<ExecutableDocument> {
        match self {
            Self::Open(storage) => storage.get(hash.to_owned()).await,
            Self::AllowList(documents) => documents.get(hash).cloned(),
        }
    }
}

impl std::fmt::Debug for PersistedQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersistedQueries")
    }
}

fn error(message: &str, code: Code) -> ServerError {
    with_code(ServerError::new(message, None), code)
}

fn bad_extension(message: &str) -> ServerError {
    let mut error = error(message, Code::BadUserInput);
    if let Some(extensions) = error.extensions.as_mut() {
        extensions.set("field", "extensions.persistedQuery");
    }
    error
}

/// The `persistedQuery` extension of a request, checked.
fn sha256_of_extension(value: &Value) -> Result<String, ServerError> {
    let Value::Object(fields) = value else {
        return Err(bad_extension(
            "extensions.persistedQuery must be {\"version\": 1, \"sha256Hash\": \"…\"}",
        ));
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_i64() == Some(1) => {}
        _ => {
            return Err(bad_extension(
                "only version 1 of the persistedQuery extension is supported",
            ))
        }
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(bad_extension(
            "extensions.persistedQuery.sha256Hash must be the query's SHA-256 in hexadecimal",
        )),
    }
}

impl PersistedQueries {
    /// Applies the request's `persistedQuery` extension, if any: a hash alone is replaced by the
    /// query kept for it; a query with its hash is checked against it and, under open
    /// registration, remembered. Returns the hash of the document the request runs, when it
    /// named one.
    pub async fn resolve(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Option<String>, ServerError> {
        let Some(extension) = request.extensions.remove("persistedQuery") else {
            return Ok(None);
        };
        let hash = sha256_of_extension(&extension)?;
        if request.query.is_empty() {
            let document = self
                .find(&hash)
                .await
                .ok_or_else(|| error(NOT_FOUND_MESSAGE, Code::PersistedQueryNotFound))?;
            request.set_parsed_query(document);
            return Ok(Some(hash));
        }
        if document_hash(&request.query) != hash {
            return Err(bad_extension(
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
            ));
        }
        // A query that does not parse is not remembered; the handler reports the parse error.
        if let (Self::Open(storage), Ok(document)) = (self, request.parsed_query()) {
            let document = document.clone();
            storage.set(hash.clone(), document).await;
        }
        Ok(Some(hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_extension(query: &str, hash: &str) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(query);
        request.extensions.insert(
            "persistedQuery".to_owned(),
            Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash })).unwrap(),
        );
        request
    }

    const QUERY: &str = "{ __typename }";

    fn hash() -> String {
        document_hash(QUERY)
    }

    #[tokio::test]
    async fn a_hash_alone_is_found_after_the_query_was_sent_with_it() {
        let store = PersistedQueries::default();
        let miss = store.resolve(&mut with_extension("", &hash())).await;
        let miss = miss.unwrap_err();
        assert_eq!(miss.message, "PersistedQueryNotFound");

        store
            .resolve(&mut with_extension(QUERY, &hash()))
            .await
            .unwrap();
        let mut hit = with_extension("", &hash().to_uppercase());
        store.resolve(&mut hit).await.unwrap();
        assert!(hit.parsed_query().is_ok());
        assert!(hit.extensions.is_empty());
    }

    #[tokio::test]
    async fn a_hash_that_does_not_match_the_query_is_refused_and_not_stored() {
        let store = PersistedQueries::default();
        let wrong = "0".repeat(64);
        assert!(store
            .resolve(&mut with_extension(QUERY, &wrong))
            .await
            .is_err());
        assert!(store
            .resolve(&mut with_extension("", &wrong))
            .await
            .is_err());
    }

    #[tokio::test]
    async fn malformed_extensions_are_refused() {
        let store = PersistedQueries::default();
        for hash in ["abc".to_owned(), "g".repeat(64)] {
            assert!(store.resolve(&mut with_extension("", &hash)).await.is_err());
        }
        let mut v2 = async_graphql::Request::new("");
        v2.extensions.insert(
            "persistedQuery".to_owned(),
            Value::from_json(serde_json::json!({ "version": 2, "sha256Hash": hash() })).unwrap(),
        );
        assert!(store.resolve(&mut v2).await.is_err());
    }

    #[tokio::test]
    async fn requests_without_the_extension_pass_untouched() {
        let store = PersistedQueries::default();
        let mut request = async_graphql::Request::new(QUERY);
        store.resolve(&mut request).await.unwrap();
        assert_eq!(request.query, QUERY);
    }

    #[tokio::test]
    async fn an_allow_list_serves_its_documents_and_remembers_nothing_else() {
        let dir = std::env::temp_dir().join(format!("apq-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("manifest.json");
        let manifest = serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": hash(), "name": null, "type": "query", "body": QUERY }],
        });
        std::fs::write(&path, manifest.to_string()).unwrap();
        let store = PersistedQueries::from_manifest(&path).unwrap();
        store
            .resolve(&mut with_extension("", &hash()))
            .await
            .unwrap();

        let other = "{ __schema { queryType { name } } }";
        store
            .resolve(&mut with_extension(other, &document_hash(other)))
            .await
            .unwrap();
        let miss = store
            .resolve(&mut with_extension("", &document_hash(other)))
            .await;
        assert_eq!(miss.unwrap_err().message, "PersistedQueryNotFound");

        std::fs::write(
            &path,
            manifest.to_string().replace(&hash(), &"0".repeat(64)),
        )
        .unwrap();
        assert!(PersistedQueries::from_manifest(&path).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
