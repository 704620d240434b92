//! How many writes this replica has seen. The caches of reads (list totals and facets, anonymous
//! responses) key their entries by this number, so one write makes every cached read stale at
//! once: each mutation this server executes counts before its response goes out, and each
//! domain event the event bus delivers counts too, which covers the other replicas' writes.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Response, ServerResult, Variables};

/// The number of writes seen so far; clones share it.
#[derive(Debug, Clone, Default)]
pub struct Writes(Arc<AtomicU64>);

impl Writes {
    /// How many writes were seen: a cached read made under another number is stale.
    pub fn seen(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Something was written (and committed).
    pub fn record(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Records a write once a document holding a mutation has run, before its response goes out, so
/// the caller's next read sees what it wrote. A document whose mutation failed counts as well:
/// telling them apart is not worth a stale read.
pub struct RecordMutations;

impl ExtensionFactory for RecordMutations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MutationWatch::default())
    }
}

#[derive(Default)]
struct MutationWatch {
    mutates: AtomicBool,
}

#[async_graphql::async_trait::async_trait]
impl Extension for MutationWatch {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let mutates = document
            .operations
            .iter()
            .any(|(_, operation)| operation.node.ty == OperationType::Mutation);
        self.mutates.store(mutates, Ordering::SeqCst);
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        if self.mutates.load(Ordering::SeqCst) {
            if let Some(writes) = ctx.data_opt::<Writes>() {
                writes.record();
            }
        }
        response
    }
}
