//! Domain services: validation, policy calls and transactions. Resolvers only call these.

pub mod account;
pub mod application;
pub mod application_form;
pub mod audit;
pub mod competency;
pub mod events;
pub mod feed;
pub mod integration_token;
pub mod job_posting;
pub mod notice;
pub mod organisation;
pub mod pagination;
pub mod project;
pub mod saved_search;
pub mod search_document;
pub mod subscription;
pub mod vacancy;
pub mod vacancy_facets;
pub mod vacancy_order;
pub mod vacancy_write;
pub mod webhook;
pub mod webhook_delivery;
