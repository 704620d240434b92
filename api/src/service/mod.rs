//! Domain services: validation, policy calls and transactions. Resolvers only call these.

pub mod account;
pub mod application;
pub mod audit;
pub mod competency;
pub mod erasure;
pub mod events;
pub(crate) mod fields;
pub mod integration_token;
pub mod mail;
pub mod notice_facts;
pub mod notice_import;
pub mod organisation;
pub mod pagination;
pub mod profile;
pub mod project;
pub mod related;
pub mod retention;
pub mod retry;
pub mod saved_search;
pub mod subscription;
pub mod vacancy;
pub mod webhook;
pub mod webhook_delivery;
