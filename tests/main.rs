//! Integration tests: the whole app over HTTP against a fresh database per test, on SQLite
//! always and on PostgreSQL too when `TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

mod helpers;

mod accounts;
mod applications;
mod count_cache;
mod http;
mod migrations;
mod organisations;
mod pagination;
mod seed_data;
mod statements;
mod synthetic;
mod tokens;
mod vacancies;
mod vacancy_writes;
mod writes;
