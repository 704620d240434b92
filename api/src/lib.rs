//! The job board API: configuration, HTTP routes, GraphQL schema and domain services.

pub mod app;
pub mod auth;
pub mod cache;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod event_bus;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod policy;
pub mod seed;
pub mod service;
pub mod telemetry;
