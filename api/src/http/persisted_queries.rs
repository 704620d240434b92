//! Automatic persisted queries, Apollo's protocol (`extensions.persistedQuery`): a client sends
//! only a query's SHA-256 hash; on `PersistedQueryNotFound` it sends the query with the hash once,
//! and after that the hash alone works, by POST or by GET (`?extensions=…`, cacheable).
//!
//! The queries are kept in async-graphql's LRU storage, one per process: another replica that
//! has not seen a hash answers `PERSISTED_QUERY_NOT_FOUND` and the client sends the text again,
//! as the protocol expects. The hash is resolved here, before the handler's own checks (a
//! mutation over GET, the depth limit), rather than by async-graphql's extension, which would
//! resolve it only once execution starts, after those checks.

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::{ServerError, Value};
use sha2::{Digest, Sha256};

use crate::error::{with_code, Code};

/// How many distinct queries each server process remembers (the least recently used go first).
pub const CAPACITY: usize = 1000;

/// The message and code Apollo clients look for to send the full query again.
const NOT_FOUND_MESSAGE: &str = "PersistedQueryNotFound";

/// The queries this process has been sent with their hash.
#[derive(Clone)]
pub struct PersistedQueries(LruCacheStorage);

impl Default for PersistedQueries {
    fn default() -> Self {
        Self(LruCacheStorage::new(CAPACITY))
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
    /// query remembered for it; a query with its hash is checked against it and remembered.
    pub async fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), ServerError> {
        let Some(extension) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let hash = sha256_of_extension(&extension)?;
        if request.query.is_empty() {
            let document = self
                .0
                .get(hash)
                .await
                .ok_or_else(|| error(NOT_FOUND_MESSAGE, Code::PersistedQueryNotFound))?;
            request.set_parsed_query(document);
            return Ok(());
        }
        if format!("{:x}", Sha256::digest(request.query.as_bytes())) != hash {
            return Err(bad_extension(
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
            ));
        }
        // A query that does not parse is not remembered; the handler reports the parse error.
        if let Ok(document) = request.parsed_query() {
            let document = document.clone();
            self.0.set(hash, document).await;
        }
        Ok(())
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
        format!("{:x}", Sha256::digest(QUERY.as_bytes()))
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
}
