//! Parsed GraphQL documents, keyed by their text: the frontend sends the same few operations
//! over and over, with other variables, so a known text is not parsed again.
//!
//! Only parsing is kept. Validation runs on every request, because it depends on more than the
//! text: complexity counts page sizes given as variables (`first: $first`), and the operation
//! run depends on `operationName`. async-graphql still validates a document handed to it ready
//! parsed (`Schema::execute` checks recursion depth, directives, depth and complexity on it).
//!
//! Why in the handler and not an async-graphql extension with a `parse_query` hook: a schema
//! with any extension at all sends every field of every response through its extension chain
//! (`resolver_utils::container`, `resolve_list`: the fast path is taken only when the schema has
//! no extensions), which costs more than parsing saves. The handler parses the document anyway
//! (to check limits and read the operation), and async-graphql executes the document a request
//! carries (`Request::set_parsed_query`) without parsing its text again.
//!
//! async-graphql takes the document by value and changes it (it drops `@skip`ped selections),
//! so a hit is a clone of the kept document, made outside any lock: `cargo bench --bench
//! documents` has it at a fraction of a parse (BENCHMARKS.md).
//!
//! Bounded against a client sending endless distinct queries: texts longer than
//! [`MAX_TEXT_BYTES`] are never kept, and the cache weighs each document by its text, to at
//! most [`MAX_DOCUMENTS`] documents and [`MAX_WEIGHT`] bytes (8 MiB). Its admission policy (TinyLFU)
//! keeps the frequently used documents rather than the last arrivals, so a flood of one-off
//! texts does not push out the hot operations.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;
use moka::future::Cache;

/// Most documents kept at once.
pub const MAX_DOCUMENTS: u64 = 512;

/// Longest text kept: the frontend's operations are a few kilobytes at most (GraphiQL's
/// introspection query is 2 kB); anything longer is parsed for its one request.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A parsed document holds 15 to 27 bytes per byte of its text (`cargo bench --bench documents`
/// prints it for the load test's operations); each is weighed at this many.
const BYTES_PER_TEXT_BYTE: u64 = 32;

/// Most bytes of parsed documents kept, as weighed (8 MiB): 512 documents of up to 512 bytes of
/// text, or fewer larger ones.
pub const MAX_WEIGHT: u64 = MAX_DOCUMENTS * MIN_WEIGHT;

/// What a document weighs at the least, so that no more than [`MAX_DOCUMENTS`] fit.
const MIN_WEIGHT: u64 = 16 * 1024;

/// How a request got its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A kept document: nothing was parsed.
    Hit,
    /// Parsed now (and kept when it parsed and is not too long).
    Miss,
}

#[derive(Clone)]
pub struct DocumentCache {
    kept: Cache<String, Arc<ExecutableDocument>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for DocumentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DocumentCache")
    }
}

fn weigh(text: &str) -> u32 {
    let weight = (text.len() as u64)
        .saturating_mul(BYTES_PER_TEXT_BYTE)
        .max(MIN_WEIGHT);
    u32::try_from(weight).unwrap_or(u32::MAX)
}

impl DocumentCache {
    pub fn new() -> Self {
        Self {
            kept: Cache::builder()
                .max_capacity(MAX_WEIGHT)
                .weigher(|text: &String, _: &Arc<ExecutableDocument>| weigh(text))
                .build(),
        }
    }

    /// Gives `request` the parsed document of its text: a kept one, else parses it (keeping it
    /// when it parses). A request with no text (a persisted query sent by hash alone) is left as
    /// it is and counts as a hit: its document comes parsed from the persisted queries. A text
    /// that does not parse stays unparsed: the handler reports the error.
    pub async fn prepare(&self, request: &mut async_graphql::Request) -> Lookup {
        if request.query.is_empty() {
            return Lookup::Hit;
        }
        if let Some(document) = self.kept.get(request.query.as_str()).await {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return Lookup::Hit;
        }
        if request.query.len() <= MAX_TEXT_BYTES {
            if let Ok(document) = request.parsed_query() {
                let document = Arc::new(document.clone());
                self.kept.insert(request.query.clone(), document).await;
            }
        }
        Lookup::Miss
    }

    /// The cache's bookkeeping done now rather than on later calls (for tests).
    pub async fn settle(&self) {
        self.kept.run_pending_tasks().await;
    }

    /// How many documents are kept.
    pub fn len(&self) -> u64 {
        self.kept.entry_count()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::types::DocumentOperations;

    fn request(query: &str) -> async_graphql::Request {
        async_graphql::Request::new(query)
    }

    #[tokio::test]
    async fn the_second_request_of_a_text_is_a_hit_with_the_same_document() {
        let cache = DocumentCache::new();
        let query = "query A { a } query B($x: Int) { b(x: $x) }";
        let mut first = request(query);
        assert_eq!(cache.prepare(&mut first).await, Lookup::Miss);
        let mut second = request(query).operation_name("B");
        assert_eq!(cache.prepare(&mut second).await, Lookup::Hit);
        let parsed = async_graphql::parser::parse_query(query).unwrap();
        let given = second.parsed_query().unwrap();
        let (DocumentOperations::Multiple(given), DocumentOperations::Multiple(parsed)) =
            (&given.operations, &parsed.operations)
        else {
            panic!("two operations");
        };
        assert_eq!(given.len(), 2);
        for (name, operation) in parsed {
            assert_eq!(format!("{:?}", given[name]), format!("{operation:?}"));
        }
        assert_eq!(second.operation_name.as_deref(), Some("B"));
        assert_eq!(cache.prepare(&mut request("{ c }")).await, Lookup::Miss);
    }

    #[tokio::test]
    async fn texts_that_do_not_parse_or_are_too_long_are_not_kept() {
        let cache = DocumentCache::new();
        for _ in 0..2 {
            let mut broken = request("{ a ");
            assert_eq!(cache.prepare(&mut broken).await, Lookup::Miss);
            assert!(broken.parsed_query().is_err());
        }
        let long = format!("{{ a }}{}", " ".repeat(MAX_TEXT_BYTES));
        for _ in 0..2 {
            assert_eq!(cache.prepare(&mut request(&long)).await, Lookup::Miss);
        }
        cache.settle().await;
        assert!(cache.is_empty());
    }

    #[tokio::test]
    async fn endless_distinct_texts_stay_within_the_bounds() {
        let cache = DocumentCache::new();
        for i in 0..(MAX_DOCUMENTS * 3) {
            cache.prepare(&mut request(&format!("{{ a{i} }}"))).await;
        }
        cache.settle().await;
        assert!(cache.len() <= MAX_DOCUMENTS, "{}", cache.len());
        assert!(cache.kept.weighted_size() <= MAX_WEIGHT);
        let fields = "b ".repeat(MAX_TEXT_BYTES / 2 - 16);
        for i in 0..(MAX_WEIGHT / (MAX_TEXT_BYTES as u64 * BYTES_PER_TEXT_BYTE) * 2) {
            let large = format!("{{ c{i} {fields} }}");
            assert!(large.len() <= MAX_TEXT_BYTES);
            assert_eq!(cache.prepare(&mut request(&large)).await, Lookup::Miss);
        }
        cache.settle().await;
        assert!(cache.kept.weighted_size() <= MAX_WEIGHT);
    }

    #[tokio::test]
    async fn a_flood_of_one_off_texts_does_not_push_out_a_hot_one() {
        let cache = DocumentCache::new();
        let hot = "query Hot { a }";
        for i in 0..(MAX_DOCUMENTS * 4) {
            if i % 8 == 0 {
                cache.prepare(&mut request(hot)).await;
            }
            cache.prepare(&mut request(&format!("{{ a{i} }}"))).await;
        }
        cache.settle().await;
        assert_eq!(cache.prepare(&mut request(hot)).await, Lookup::Hit);
    }
}
