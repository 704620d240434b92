//! Integration tests: the whole app over HTTP against a fresh database per test, on SQLite
//! always and on PostgreSQL too when `TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

mod helpers;
mod s3;
mod smtp;

mod access_log;
mod accounts;
mod applications;
mod audit_trail;
mod catalogue_writes;
mod count_cache;
mod document_storage;
mod erasure;
mod events;
mod feeds;
mod fuzz;
mod http;
mod job_posting;
mod labels;
mod list_counts;
mod mail_accounts;
mod metrics;
mod migrations;
mod notice_details;
mod notice_import;
mod notifications;
mod operating;
mod organisations;
mod pagination;
mod parsed_documents;
mod persisted_queries;
mod prepared_statements;
mod profile;
mod projects_and_names;
mod protection;
mod retention;
mod safe_defaults;
mod samples;
mod saved_search_alerts;
mod saved_searches;
mod search;
mod seed_data;
mod statements;
mod subscriptions;
mod synthetic;
mod token_scopes;
mod tokens;
mod vacancies;
mod vacancy_writes;
mod webhooks;
mod websocket_protection;
