//! The vacancy fields of the Query root.

use async_graphql::{Context, Object, Result, ID};

use super::connection::{prime_vacancy, vacancy_list};
use super::filter::VacancyFilterInput;
use super::types::Vacancy;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::relay::{decode, page_cost, AppConnection, NodeKind};
use crate::graphql::vacancy::facets::VacancyOrderBy;
use crate::service;
use crate::service::pagination::PageArgs;

/// Vacancy queries.
#[derive(Default)]
pub struct VacancyQuery;

/// Vacancy queries.
#[Object]
impl VacancyQuery {
    /// Vacancies the caller may see: published and closed ones for everyone, drafts for their
    /// own organisation's staff.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)]
    async fn vacancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrow the list, and search it.")] filter: Option<VacancyFilterInput>,
        #[graphql(
            desc = "The order: by default RELEVANCE when searching, CLOSING_SOON when only open \
                    vacancies are asked for, else creation order. Cursors are only valid in \
                    the order and search they were read with."
        )]
        order_by: Option<VacancyOrderBy>,
        #[graphql(desc = "Return the first n vacancies (1–100, default 20).")] first: Option<i32>,
        #[graphql(desc = "Return vacancies after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n vacancies (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return vacancies before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Vacancy>> {
        let filter = filter.unwrap_or_default().into_service()?;
        let filter =
            service::vacancy::for_me(context::actor(ctx)?, context::db(ctx)?, filter).await?;
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(vacancy_list(ctx, &filter, order_by.map(Into::into), page).await?)
    }

    /// One vacancy, by `id`, or by `reference` with the `organisation`'s acronym.
    async fn vacancy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] id: Option<ID>,
        #[graphql(desc = "The notice's reference (`VN 2023/005`); needs `organisation`.")]
        reference: Option<String>,
        #[graphql(
            desc = "Any acronym of the posting organisation (`IOM`, `OIM`); with `reference`."
        )]
        organisation: Option<String>,
    ) -> Result<Vacancy> {
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let model = match (id, reference, organisation) {
            (Some(id), None, None) => {
                service::vacancy::get(actor, db, decode("id", NodeKind::Vacancy, &id)?).await?
            }
            (None, Some(reference), Some(organisation)) => {
                service::vacancy::get_by_reference(actor, db, &organisation, &reference).await?
            }
            _ => {
                return Err(AppError::bad_input(
                    "id",
                    "pass either `id`, or `reference` together with `organisation`",
                )
                .into())
            }
        };
        prime_vacancy(ctx, model.id).await?;
        Ok(Vacancy(model))
    }
}
