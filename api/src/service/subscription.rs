//! What subscribers receive: the bus's events, narrowed to what the caller asked for and may
//! see, read again from the database when they arrive.

use std::sync::Arc;

use async_graphql::futures_util::stream::{Stream, StreamExt};
use chrono::{DateTime, Utc};
use entity::{application, vacancy};
use sea_orm::DatabaseConnection;

use crate::auth::Actor;
use crate::domain::ApplicationStatus;
use crate::error::{AppError, AppResult};
use crate::event_bus::EventBus;
use crate::policy;
use crate::service::application as applications;
use crate::service::events::{EventKind, StoredEvent};
use crate::service::vacancy::{self as vacancies, VacancyFilter};

/// Vacancies as they are published, those the caller may see that pass `filter` (the same
/// filter as the vacancy list, checked against the vacancy when its event arrives).
pub fn vacancies_published(
    actor: Actor,
    db: DatabaseConnection,
    bus: &EventBus,
    filter: VacancyFilter,
) -> AppResult<impl Stream<Item = vacancy::Model> + Send + 'static> {
    filter.check()?;
    let context = Arc::new((actor, db, filter));
    Ok(bus
        .subscribe()
        .filter(|event| std::future::ready(event.kind == EventKind::VacancyPublished))
        .filter_map(move |event| {
            let context = context.clone();
            async move {
                let (actor, db, filter) = &*context;
                let read = || vacancies::matching(actor, db, event.vacancy_id, filter);
                match while_unavailable(read).await {
                    Ok(found) => found,
                    Err(error) => {
                        tracing::warn!(%error, event = event.id, "cannot check a published vacancy");
                        None
                    }
                }
            }
        }))
}

/// How long an event waits for an unreachable database (a restart, a failover) before the
/// subscriber skips it.
const WAIT_FOR_DATABASE: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs `read` again while the database is unavailable (up to [`WAIT_FOR_DATABASE`]), so that
/// an event arriving during a restart still reaches its subscribers, in order.
async fn while_unavailable<T, F: std::future::Future<Output = AppResult<T>>>(
    read: impl Fn() -> F,
) -> AppResult<T> {
    let started = std::time::Instant::now();
    let mut wait = std::time::Duration::from_millis(100);
    loop {
        match read().await {
            Err(AppError::DatabaseUnavailable(_)) if started.elapsed() < WAIT_FOR_DATABASE => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(2));
            }
            outcome => return outcome,
        }
    }
}

/// A move of one of the caller's applications.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub application: application::Model,
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub occurred_at: DateTime<Utc>,
}

fn status(event: &StoredEvent, end: &str) -> Option<ApplicationStatus> {
    ApplicationStatus::parse(event.payload["status"][end].as_str()?)
}

/// Status changes of the signed-in candidate's own applications.
pub fn application_status_changes(
    actor: Actor,
    db: DatabaseConnection,
    bus: &EventBus,
) -> AppResult<impl Stream<Item = StatusChange> + Send + 'static> {
    let candidate = policy::act_as_candidate(&actor)?;
    let context = Arc::new((actor, db));
    Ok(bus
        .subscribe()
        .filter(move |event| {
            std::future::ready(
                event.kind == EventKind::ApplicationStatusChanged
                    && event.candidate_account_id == Some(candidate),
            )
        })
        .filter_map(move |event| {
            let context = context.clone();
            async move {
                let (actor, db) = &*context;
                let id = event.application_id?;
                // Read through the service, so the application's own visibility rule applies.
                let application = match while_unavailable(|| applications::get(actor, db, id)).await
                {
                    Ok(application) => application,
                    Err(AppError::NotFound(_)) => return None,
                    Err(error) => {
                        tracing::warn!(%error, event = event.id, "cannot read a moved application");
                        return None;
                    }
                };
                Some(StatusChange {
                    application,
                    from: status(&event, "from")?,
                    to: status(&event, "to")?,
                    occurred_at: event.occurred_at,
                })
            }
        }))
}
