//! The subscription root, served over WebSocket at `/graphql/ws` (and `/graphql`).

use async_graphql::futures_util::stream::{Stream, StreamExt};
use async_graphql::{Context, Object, Result, Subscription as SubscriptionRoot};
use chrono::{DateTime, Utc};

use crate::domain::ApplicationStatus;
use crate::graphql::application::Application;
use crate::graphql::context;
use crate::graphql::vacancy::{Vacancy, VacancyFilterInput};
use crate::service::subscription::{self, StatusChange};

/// Events pushed to the client as they happen, on every replica.
#[derive(Default)]
pub struct Subscription;

/// Events pushed to the client as they happen, on every replica.
#[SubscriptionRoot]
impl Subscription {
    /// Vacancies as they are published, anywhere in the deployment. Only those the caller may
    /// see and that pass `filter` arrive, with the same filter semantics as `vacancies`.
    async fn vacancy_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only vacancies passing this filter, as in `vacancies`.")] filter: Option<
            VacancyFilterInput,
        >,
    ) -> Result<impl Stream<Item = Vacancy>> {
        let filter = filter
            .map(VacancyFilterInput::into_service)
            .transpose()?
            .unwrap_or_default();
        let stream = subscription::vacancies_published(
            context::actor(ctx)?.clone(),
            context::db(ctx)?.clone(),
            context::bus(ctx)?,
            filter,
        )?;
        Ok(stream.map(Vacancy))
    }

    /// Status changes of the signed-in candidate's own applications (a recruiter moving one, or
    /// the candidate withdrawing it). Needs a candidate's token in the `connection_init`
    /// payload: `UNAUTHENTICATED` without one, `FORBIDDEN` for other roles.
    async fn application_status_changed(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = ApplicationStatusChange>> {
        let stream = subscription::application_status_changes(
            context::actor(ctx)?.clone(),
            context::db(ctx)?.clone(),
            context::bus(ctx)?,
        )?;
        Ok(stream.map(ApplicationStatusChange))
    }
}

/// An application moved from one status to another.
pub struct ApplicationStatusChange(StatusChange);

/// An application moved from one status to another.
#[Object]
impl ApplicationStatusChange {
    /// The application, as it is now.
    async fn application(&self) -> Application {
        Application(self.0.application.clone())
    }

    /// The status it left.
    async fn from(&self) -> ApplicationStatus {
        self.0.from
    }

    /// The status it moved to.
    async fn to(&self) -> ApplicationStatus {
        self.0.to
    }

    /// When it moved.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
}
