//! The GraphQL schema: one module per domain, each with its output types and query fields.

mod access_log;
mod account;
mod application;
mod audit;
mod competency;
mod context;
mod erasure;
mod invitation;
mod labels;
pub mod limits;
pub mod loaders;
mod mail;
mod mutation;
mod names;
mod organisation;
mod own_data;
mod profile;
mod project;
mod query;
pub mod relay;
mod saved_search;
mod subscription;
mod vacancy;
mod webhook;

use std::sync::Arc;

use async_graphql::{Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::auth::jwt::JwtKeys;
use crate::cache::writes::Writes;
use crate::config::LimitsConfig;

pub use mutation::Mutation;
pub use query::Query;
pub use subscription::Subscription;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Server settings and shared state resolvers need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a sign-in token lasts.
    pub token_ttl: chrono::Duration,
    /// How failed sign-ins are paced.
    pub sign_in_pacing: crate::service::account::Pacing,
    /// Which webhook endpoint URLs are accepted.
    pub webhook_urls: crate::service::webhook::UrlRules,
    /// Seals webhook endpoints' secrets.
    pub webhook_secrets: crate::service::webhook::SecretBox,
    /// List totals and facets, kept until something is written.
    pub counts: crate::cache::counts::CountCache,
    /// Up to how many vacancies a list's `totalCount` is exact when no facet is asked for.
    pub exact_count_bound: u64,
    /// The writes seen, which mutations add to.
    pub writes: Writes,
    /// Most bytes of documents one candidate may keep stored.
    pub document_quota_bytes: u64,
    /// Writes mails and their links.
    pub mailer: crate::service::mail::Mailer,
    /// Where new application documents are written.
    pub documents: crate::service::application::storage::DocumentStorage,
}

/// Deepest any selection may nest, introspection included (GraphiQL's schema query nests 15);
/// data fields are held to [`SchemaOptions::max_depth`] before execution (see [`limits`]).
const MAX_DEPTH_WITH_INTROSPECTION: usize = 20;

/// How the schema answers requests that are not plain queries, and how much a query may ask.
#[derive(Debug, Clone, Copy)]
pub struct SchemaOptions {
    /// Answer introspection queries.
    pub introspection: bool,
    /// Suggest field names ("Did you mean …?") in validation errors; off in production.
    pub suggestions: bool,
    /// Deepest a query may nest data fields (checked before execution, see [`limits`]).
    pub max_depth: usize,
    /// Largest complexity a query may have: each field counts 1, and a connection counts its
    /// page size times what each item costs.
    pub max_complexity: usize,
    /// Deepest nesting of selection sets and fragments.
    pub max_recursion_depth: usize,
    /// Most directives on one field.
    pub max_directives_per_field: usize,
}

impl SchemaOptions {
    /// The options the configuration asks for.
    pub fn new(introspection: bool, suggestions: bool, limits: &LimitsConfig) -> Self {
        Self {
            introspection,
            suggestions,
            max_depth: limits.max_query_depth,
            max_complexity: limits.max_query_complexity,
            max_recursion_depth: limits.max_recursion_depth,
            max_directives_per_field: limits.max_directives_per_field,
        }
    }
}

/// The schema; `runtime` is absent only when exporting the SDL.
pub fn build_schema(
    runtime: Option<(DatabaseConnection, Arc<JwtKeys>, Settings)>,
    options: SchemaOptions,
) -> AppSchema {
    schema_builder(runtime, options).finish()
}

/// The schema's builder, for a transport that adds an extension of its own.
pub fn schema_builder(
    runtime: Option<(DatabaseConnection, Arc<JwtKeys>, Settings)>,
    options: SchemaOptions,
) -> SchemaBuilder<Query, Mutation, Subscription> {
    let mut builder = Schema::build(Query::default(), Mutation::default(), Subscription)
        .limit_depth(MAX_DEPTH_WITH_INTROSPECTION.max(options.max_depth))
        .limit_complexity(options.max_complexity)
        .limit_recursive_depth(options.max_recursion_depth)
        .limit_directives(options.max_directives_per_field);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    match runtime {
        Some((db, jwt, settings)) => builder
            .data(settings.counts.clone())
            .data(settings.writes.clone())
            .data(db)
            .data(jwt)
            .data(settings),
        None => builder,
    }
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    build_schema(
        None,
        SchemaOptions::new(true, true, &LimitsConfig::default()),
    )
    .sdl()
}
