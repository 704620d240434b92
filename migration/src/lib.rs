//! Reversible schema migrations, applied in order by [`Migrator`].

// `MigrationTrait` is an async_trait whose signatures elide `SchemaManager`'s lifetime.
#![allow(elided_lifetimes_in_paths)]

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261123_000001_organisations;
mod m20261123_000002_accounts;
mod m20261123_000003_projects;
mod m20261123_000004_competencies;
mod m20261123_000005_vacancies;
mod m20261123_000006_applications;
mod m20261124_000007_auth_and_audit;
mod m20261124_000008_application_forms;
mod m20261124_000009_vacancy_search;
mod m20261124_000010_saved_searches;
mod m20261124_000011_domain_events;
mod m20261124_000012_webhooks;
mod m20261124_000013_open_list_index;
mod m20261204_000014_saved_search_filters;
mod m20261204_000015_partnership_acceptance;
mod m20261204_000016_sealed_webhook_secrets;
mod m20261204_000017_accounts_and_mail;
mod m20261204_000018_project_code_per_organisation;
mod m20261204_000019_access_log;
mod m20261204_000020_erasure_and_retention;
mod m20261204_000021_integration_token_scopes;
mod m20261205_000022_notice_details;
mod m20261205_000023_projects_partners_and_names;
mod m20261205_000024_candidate_profile;
mod m20261205_000025_full_text_search;
mod sqlite_rebuild;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_organisations::Migration),
            Box::new(m20261123_000002_accounts::Migration),
            Box::new(m20261123_000003_projects::Migration),
            Box::new(m20261123_000004_competencies::Migration),
            Box::new(m20261123_000005_vacancies::Migration),
            Box::new(m20261123_000006_applications::Migration),
            Box::new(m20261124_000007_auth_and_audit::Migration),
            Box::new(m20261124_000008_application_forms::Migration),
            Box::new(m20261124_000009_vacancy_search::Migration),
            Box::new(m20261124_000010_saved_searches::Migration),
            Box::new(m20261124_000011_domain_events::Migration),
            Box::new(m20261124_000012_webhooks::Migration),
            Box::new(m20261124_000013_open_list_index::Migration),
            Box::new(m20261204_000014_saved_search_filters::Migration),
            Box::new(m20261204_000015_partnership_acceptance::Migration),
            Box::new(m20261204_000016_sealed_webhook_secrets::Migration),
            Box::new(m20261204_000017_accounts_and_mail::Migration),
            Box::new(m20261204_000018_project_code_per_organisation::Migration),
            Box::new(m20261204_000019_access_log::Migration),
            Box::new(m20261204_000020_erasure_and_retention::Migration),
            Box::new(m20261204_000021_integration_token_scopes::Migration),
            Box::new(m20261205_000022_notice_details::Migration),
            Box::new(m20261205_000023_projects_partners_and_names::Migration),
            Box::new(m20261205_000024_candidate_profile::Migration),
            Box::new(m20261205_000025_full_text_search::Migration),
        ]
    }
}
