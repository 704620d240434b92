//! Whole responses to anonymous queries, reused until something is written.
//!
//! The public pages of a job board (the list of open vacancies, a search, a notice) are asked
//! for again and again by visitors who are not signed in, with the very same query and
//! variables, and change only when something is written. Such a response is kept for
//! `RESPONSE_CACHE_SECONDS` (0 turns this off) and dropped with every other cached read on the
//! next write to the catalogue (`crate::cache::writes`). Only responses without errors are kept; signed-in callers,
//! mutations and uploads are never served from here. How a kept response is refreshed:
//! `crate::cache::reuse`. What a reused response can show out of date for that long is what depends on the
//! clock alone: a deadline passing (`isOpen`) before the deadline task closes the notice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::cache::reuse::Reuse;
use crate::cache::writes::Writes;
use crate::domain::document::sha256_hex;

/// Most bytes of responses (and their keys) kept at once.
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A response as sent: status, media type and body.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub status: StatusCode,
    pub content_type: &'static str,
    pub body: Bytes,
}

impl Rendered {
    pub fn to_response(&self) -> Response {
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            )],
            self.body.clone(),
        )
            .into_response()
    }
}

#[derive(Clone, Default)]
pub struct ResponseCache {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    writes: Writes,
    responses: Reuse<Arc<Rendered>>,
}

impl ResponseCache {
    /// Keeps responses for `ttl`, or until `writes` records one; zero keeps none.
    pub fn new(ttl: Duration, writes: Writes) -> Self {
        if ttl.is_zero() {
            return Self { inner: None };
        }
        let weigh = |request: &str, response: &Arc<Rendered>| {
            u32::try_from(request.len() + response.body.len()).unwrap_or(u32::MAX)
        };
        Self {
            inner: Some(Arc::new(Inner {
                writes,
                responses: Reuse::new("responses", ttl, MAX_BYTES, weigh),
            })),
        }
    }

    /// What identifies an anonymous query's response: the document (by its SHA-256: the hash a
    /// persisted query named, else that of the text sent), the operation, the variables and the
    /// media type asked for. None for requests with uploads.
    pub fn key(
        request: &async_graphql::Request,
        persisted_hash: Option<&str>,
        graphql_response: bool,
    ) -> Option<String> {
        if !request.uploads.is_empty() {
            return None;
        }
        let document = match persisted_hash {
            Some(hash) => hash.to_owned(),
            None => sha256_hex(request.query.as_bytes()),
        };
        let variables = serde_json::to_string(&request.variables).ok()?;
        Some(format!(
            "{graphql_response}\n{document}\n{:?}\n{variables}",
            request.operation_name
        ))
    }

    /// The response to the request `key` names: a kept one, else `execute`'s, kept when it went
    /// well (a status of 200 and no errors, as `execute` says).
    pub async fn get_or_execute(
        &self,
        key: String,
        execute: impl Future<Output = (Rendered, bool)>,
    ) -> Rendered {
        let Some(inner) = &self.inner else {
            return execute.await.0;
        };
        // Anonymous callers read nothing but the catalogue.
        let key = (inner.writes.seen_in_catalogue(), key);
        let outcome = inner
            .responses
            .get_or_compute(key, async {
                match execute.await {
                    (rendered, true) => Ok(Arc::new(rendered)),
                    // Not kept; the requests waiting for it get it all the same.
                    (rendered, false) => Err(rendered),
                }
            })
            .await;
        match outcome {
            Ok(kept) => kept.as_ref().clone(),
            Err(not_kept) => not_kept.as_ref().clone(),
        }
    }
}
