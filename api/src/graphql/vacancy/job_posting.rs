//! `Vacancy.jobPosting` and `Vacancy.jobPostingScript`: the schema.org `JobPosting` of a
//! vacancy, built from the per-request loaders so that a page of vacancies costs a handful of
//! statements, not one set per vacancy.

use async_graphql::{Context, Result};
use chrono::Utc;
use entity::vacancy;

use crate::graphql::context;
use crate::graphql::loaders::{children, one};
use crate::service::vacancy::job_posting::{build, PostingParts};

/// The posting of a vacancy the caller already reads.
pub async fn job_posting(
    ctx: &Context<'_>,
    row: &vacancy::Model,
    language: Option<&str>,
) -> Result<serde_json::Value> {
    let loaders = context::loaders(ctx)?;
    let parts = PostingParts {
        vacancy: row.clone(),
        organisation: one(&loaders.organisation, row.organisation_id).await?,
        texts: children(&loaders.vacancy_texts, row.id).await?,
        items: children(&loaders.vacancy_items, row.id).await?,
        duty_stations: children(&loaders.duty_stations, row.id).await?,
        qualification_paths: children(&loaders.qualification_paths, row.id).await?,
    };
    Ok(build(&parts, language, Utc::now())?)
}
