//! The GraphQL schema: one module per domain, each with its output types and query fields.

mod account;
mod application;
mod audit;
mod competency;
mod context;
pub mod count_cache;
pub mod depth;
pub mod loaders;
mod mutation;
mod organisation;
mod project;
mod query;
pub mod relay;
mod vacancy;
mod vacancy_input;

use std::sync::Arc;

use async_graphql::{EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;

pub use mutation::Mutation;
pub use query::Query;

pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// Server settings resolvers need.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long a sign-in token lasts.
    pub token_ttl: chrono::Duration,
    /// How long a list's `totalCount` is reused (zero: counted every time).
    pub total_count_ttl: std::time::Duration,
}

/// Deepest a query may nest data fields (checked by [`depth::data_depth`] before execution).
pub const MAX_DEPTH: usize = 10;
/// Deepest any selection may nest, introspection included (GraphiQL's schema query nests 15).
const MAX_DEPTH_WITH_INTROSPECTION: usize = 20;
/// Largest complexity a query may have: each field counts 1, and a connection counts its page
/// size times what each item costs.
pub const MAX_COMPLEXITY: usize = 5_000;

/// How the schema answers requests that are not plain queries.
#[derive(Debug, Clone, Copy)]
pub struct SchemaOptions {
    /// Answer introspection queries.
    pub introspection: bool,
    /// Suggest field names ("Did you mean …?") in validation errors; off in production.
    pub suggestions: bool,
}

/// The schema; `runtime` is absent only when exporting the SDL.
pub fn build_schema(
    runtime: Option<(DatabaseConnection, Arc<JwtKeys>, Settings)>,
    options: SchemaOptions,
) -> AppSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH_WITH_INTROSPECTION)
        .limit_complexity(MAX_COMPLEXITY);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    match runtime {
        Some((db, jwt, settings)) => builder
            .data(count_cache::CountCache::new(settings.total_count_ttl))
            .data(db)
            .data(jwt)
            .data(settings)
            .finish(),
        None => builder.finish(),
    }
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(
        None,
        SchemaOptions {
            introspection: true,
            suggestions: true,
        },
    )
    .sdl()
}
