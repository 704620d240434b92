//! `cargo bench --bench documents`: what a request's GraphQL document costs, parsed or taken
//! from the documents cache (`jobboard::cache::documents`), for the operations the load test
//! sends (`bench/operations/`). No database. Before timing, prints about how many bytes each
//! parsed document holds, which the cache's weight per text byte is set from.

use async_graphql::parser::parse_query;
use async_graphql::Request;
use criterion::{criterion_group, criterion_main, Criterion};
use jobboard::cache::documents::{DocumentCache, Lookup};

const OPERATIONS: [(&str, &str); 4] = [
    (
        "detail",
        include_str!("../../bench/operations/detail.graphql"),
    ),
    ("list", include_str!("../../bench/operations/list.graphql")),
    (
        "search",
        include_str!("../../bench/operations/search.graphql"),
    ),
    (
        "graphiql_introspection",
        include_str!("../../tests/fixtures/graphiql-introspection.graphql"),
    ),
];

/// The process's resident bytes (Linux), 0 elsewhere.
fn resident_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// How much memory a parsed document holds, from the resident size of many copies. All are
/// kept to the end, so that each operation's copies take fresh memory, not what another's left.
fn print_sizes() {
    const COPIES: usize = 2_000;
    let mut kept = Vec::new();
    for (name, text) in OPERATIONS {
        let before = resident_bytes();
        let documents: Vec<_> = (0..COPIES).map(|_| parse_query(text)).collect();
        let each = resident_bytes().saturating_sub(before) / COPIES;
        kept.push(documents);
        let per_byte = each as f64 / text.len() as f64;
        eprintln!(
            "{name}: {} bytes of text, about {each} bytes parsed ({per_byte:.1} per text byte)",
            text.len()
        );
    }
}

fn documents(c: &mut Criterion) {
    print_sizes();
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().build() else {
        panic!("a Tokio runtime");
    };
    let mut group = c.benchmark_group("documents");
    for (name, text) in OPERATIONS {
        let Ok(document) = parse_query(text) else {
            panic!("{name} parses");
        };
        group.bench_function(format!("{name}/parse"), |b| b.iter(|| parse_query(text)));
        group.bench_function(format!("{name}/clone"), |b| b.iter(|| document.clone()));
        let cache = DocumentCache::new();
        runtime.block_on(cache.prepare(&mut Request::new(text)));
        // Both take the request's text as the handler gets it; the hit includes the lookup.
        group.bench_function(format!("{name}/request_parsed"), |b| {
            b.iter(|| {
                let mut request = Request::new(text);
                request.parsed_query().is_ok()
            })
        });
        group.bench_function(format!("{name}/request_cache_hit"), |b| {
            b.to_async(&runtime).iter(|| async {
                let mut request = Request::new(text);
                cache.prepare(&mut request).await == Lookup::Hit
            })
        });
    }
    group.finish();
}

criterion_group!(benches, documents);
criterion_main!(benches);
