//! The GraphQL schema: one module per domain, each with its output types and query fields.

mod competency;
mod context;
pub mod loaders;
mod organisation;
mod project;
mod query;
pub mod relay;
mod vacancy;

use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

pub use query::Query;

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Deepest selection a query may nest.
pub const MAX_DEPTH: usize = 12;
/// Largest complexity a query may have (each field counts 1, lists count by page size).
pub const MAX_COMPLEXITY: usize = 5_000;

pub fn build_schema(db: Option<DatabaseConnection>) -> AppSchema {
    let builder = Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY);
    match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}
