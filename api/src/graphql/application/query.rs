//! The application fields of the Query root.

use async_graphql::{Context, Object, Result, ID};

use super::input::{page_args, ApplicationFilterInput, ApplicationOrderBy};
use super::types::Application;
use crate::error::AppError;
use crate::graphql::context;
use crate::graphql::loaders::preload;
use crate::graphql::relay::{connection, decode, page_cost, AppConnection, NodeKind};
use crate::service;
use crate::service::application::{ApplicationFilter, ApplicationOrder};

/// Reading applications.
#[derive(Default)]
pub struct ApplicationQuery;

/// Reading applications.
#[Object]
impl ApplicationQuery {
    /// The signed-in candidate's applications, newest first.
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn my_applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n applications (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n applications (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return applications before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Application>> {
        let page = page_args(first, after, last, before).validate()?;
        let page =
            service::application::mine(context::actor(ctx)?, context::db(ctx)?, page).await?;
        Ok(connection(page, Application))
    }

    /// One application, for its candidate and the posting organisation's staff; `NOT_FOUND`
    /// for anyone else.
    async fn application(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The application's global ID.")] id: ID,
    ) -> Result<Application> {
        let id = decode("id", NodeKind::Application, &id)?;
        Ok(Application(
            service::application::read(context::actor(ctx)?, context::db(ctx)?, id).await?,
        ))
    }

    /// A vacancy's applications, for the posting organisation's staff; `NOT_FOUND` for anyone
    /// else.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vacancy's global ID.")] vacancy_id: ID,
        #[graphql(desc = "Narrow the list.")] filter: Option<ApplicationFilterInput>,
        #[graphql(desc = "The order (default `SUBMITTED_FIRST`).")] order_by: Option<
            ApplicationOrderBy,
        >,
        #[graphql(desc = "Return the first n applications (1–100, default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Return applications after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n applications (1–100).")] last: Option<i32>,
        #[graphql(desc = "Return applications before this cursor.")] before: Option<String>,
    ) -> Result<AppConnection<Application>> {
        let vacancy_id = decode("vacancyId", NodeKind::Vacancy, &vacancy_id)?;
        let filter = filter.unwrap_or_default();
        let filter = ApplicationFilter {
            statuses: filter.status,
            eligible: filter.eligible,
        };
        let order = match order_by.unwrap_or_default() {
            ApplicationOrderBy::SubmittedFirst => ApplicationOrder::SubmittedFirst,
            ApplicationOrderBy::SubmittedLast => ApplicationOrder::SubmittedLast,
            ApplicationOrderBy::EligibleFirst => ApplicationOrder::EligibleFirst,
        };
        let page = page_args(first, after, last, before).validate()?;
        let (actor, db) = (context::actor(ctx)?, context::db(ctx)?);
        let mut page =
            service::application::for_vacancy(actor, db, vacancy_id, &filter, order, page).await?;
        let look = ctx.look_ahead();
        let wants = |field: &str| {
            look.field("edges").field("node").field(field).exists()
                || look.field("nodes").field(field).exists()
        };
        // A pipeline shows who applied: their accounts in one statement, at once.
        if wants("candidate") {
            preload(
                &context::loaders(ctx)?.account,
                page.rows.iter().map(|(_, row)| row.candidate_id),
            )
            .await
            .map_err(AppError::internal)?;
        }
        // And how each was screened: the few without a stored outcome, screened together.
        if wants("eligibility") {
            service::application::screen_unscreened(db, page.rows.iter_mut().map(|(_, row)| row))
                .await?;
        }
        Ok(connection(page, Application))
    }
}
