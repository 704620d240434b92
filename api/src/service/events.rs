//! Domain events: what happened (a vacancy published, an application moved), recorded in the
//! writer's transaction so an event exists exactly when its change was committed.
//!
//! [`record`] is the single hook every write calls. On PostgreSQL it also announces the event's
//! id on the `jobboard_events` channel with `pg_notify`, which PostgreSQL delivers to every
//! listening replica when (and only if) the transaction commits. Listeners read the event from
//! the table: any database role may NOTIFY on any channel, so a notification's text is never
//! trusted, only the row its id names.

use chrono::{DateTime, Utc};
use entity::{application, domain_event, vacancy, vacancy_text};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::{ApplicationStatus, VacancyStatus};
use crate::error::{AppError, AppResult};
// The payload names objects by the IDs clients see, so it is self-contained for subscribers
// and webhooks alike.
use crate::domain::global_id::{global_id, NodeKind};

/// The PostgreSQL channel events are announced on.
pub const CHANNEL: &str = "jobboard_events";

/// Longest title copied into a payload, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// What kind of thing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "vacancy.published")]
    VacancyPublished,
    #[serde(rename = "vacancy.closed")]
    VacancyClosed,
    #[serde(rename = "vacancy.updated")]
    VacancyUpdated,
    #[serde(rename = "application.submitted")]
    ApplicationSubmitted,
    #[serde(rename = "application.status_changed")]
    ApplicationStatusChanged,
}

impl EventKind {
    pub const ALL: [Self; 5] = [
        Self::VacancyPublished,
        Self::VacancyClosed,
        Self::VacancyUpdated,
        Self::ApplicationSubmitted,
        Self::ApplicationStatusChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::VacancyPublished => "vacancy.published",
            Self::VacancyClosed => "vacancy.closed",
            Self::VacancyUpdated => "vacancy.updated",
            Self::ApplicationSubmitted => "application.submitted",
            Self::ApplicationStatusChanged => "application.status_changed",
        }
    }

    pub fn parse(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

/// The facts about a vacancy an event carries.
#[derive(Debug, Clone)]
pub struct VacancyFacts {
    pub id: i32,
    pub organisation_id: i32,
    pub reference: String,
    /// The title in the notice's authoritative language (or its first one).
    pub title: Option<String>,
    pub status: VacancyStatus,
    pub version: i32,
}

impl VacancyFacts {
    /// The facts of a vacancy row as it is now (read through `conn`, so inside the transaction).
    #[tracing::instrument(level = "debug", skip(conn, row))]
    pub async fn load(conn: &impl ConnectionTrait, row: &vacancy::Model) -> AppResult<Self> {
        let titles: Vec<(String, String)> = vacancy_text::Entity::find()
            .select_only()
            .column(vacancy_text::Column::Language)
            .column(vacancy_text::Column::Title)
            .filter(vacancy_text::Column::VacancyId.eq(row.id))
            .order_by_asc(vacancy_text::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        let title = titles
            .iter()
            .find(|(language, _)| *language == row.authoritative_language)
            .or(titles.first())
            .map(|(_, title)| title.chars().take(MAX_TITLE_CHARS).collect());
        Ok(Self {
            id: row.id,
            organisation_id: row.organisation_id,
            reference: row.reference.clone(),
            title,
            status: VacancyStatus::from_db(&row.status)?,
            version: row.version,
        })
    }

    fn json(&self) -> Value {
        json!({
            "id": global_id(NodeKind::Vacancy, self.id).0,
            "organisationId": global_id(NodeKind::Organisation, self.organisation_id).0,
            "reference": self.reference,
            "title": self.title,
            "status": self.status.as_str(),
            "version": self.version,
        })
    }
}

/// The facts about an application an event carries.
#[derive(Debug, Clone)]
pub struct ApplicationFacts {
    pub id: i32,
    pub candidate_account_id: i32,
    pub status: ApplicationStatus,
    pub version: i32,
    pub vacancy: VacancyFacts,
}

impl ApplicationFacts {
    /// The facts of an application row as it is now, with its vacancy's.
    #[tracing::instrument(level = "debug", skip(conn, row))]
    pub async fn load(conn: &impl ConnectionTrait, row: &application::Model) -> AppResult<Self> {
        let vacancy = vacancy::Entity::find_by_id(row.vacancy_id)
            .one(conn)
            .await?
            .ok_or(AppError::NotFound("vacancy"))?;
        Ok(Self {
            id: row.id,
            candidate_account_id: row.candidate_id,
            status: ApplicationStatus::from_db(&row.status)?,
            version: row.version,
            vacancy: VacancyFacts::load(conn, &vacancy).await?,
        })
    }

    fn json(&self) -> Value {
        json!({
            "id": global_id(NodeKind::Application, self.id).0,
            "candidateId": global_id(NodeKind::Account, self.candidate_account_id).0,
            "status": self.status.as_str(),
            "version": self.version,
        })
    }
}

/// Something that happened, as the writer describes it.
#[derive(Debug, Clone)]
pub enum DomainEvent {
    /// A draft was published (`vacancy.status` is PUBLISHED).
    VacancyPublished { vacancy: VacancyFacts },
    /// A notice stopped taking applications: closed by hand or at its deadline, or cancelled
    /// (`vacancy.status` says which), or archived.
    VacancyClosed {
        vacancy: VacancyFacts,
        from: VacancyStatus,
    },
    /// A notice's content was replaced (edited, or re-imported with changes).
    VacancyUpdated {
        vacancy: VacancyFacts,
        changed_fields: Vec<String>,
    },
    /// A candidate applied.
    ApplicationSubmitted { application: ApplicationFacts },
    /// An application moved (`application.status` is where it is now).
    ApplicationStatusChanged {
        application: ApplicationFacts,
        from: ApplicationStatus,
    },
}

impl DomainEvent {
    pub fn kind(&self) -> EventKind {
        match self {
            Self::VacancyPublished { .. } => EventKind::VacancyPublished,
            Self::VacancyClosed { .. } => EventKind::VacancyClosed,
            Self::VacancyUpdated { .. } => EventKind::VacancyUpdated,
            Self::ApplicationSubmitted { .. } => EventKind::ApplicationSubmitted,
            Self::ApplicationStatusChanged { .. } => EventKind::ApplicationStatusChanged,
        }
    }

    fn vacancy(&self) -> &VacancyFacts {
        match self {
            Self::VacancyPublished { vacancy }
            | Self::VacancyClosed { vacancy, .. }
            | Self::VacancyUpdated { vacancy, .. } => vacancy,
            Self::ApplicationSubmitted { application }
            | Self::ApplicationStatusChanged { application, .. } => &application.vacancy,
        }
    }

    fn application(&self) -> Option<&ApplicationFacts> {
        match self {
            Self::ApplicationSubmitted { application }
            | Self::ApplicationStatusChanged { application, .. } => Some(application),
            _ => None,
        }
    }

    /// The self-contained JSON description stored and sent with the event.
    fn payload(&self, event_id: &str, occurred_at: DateTime<Utc>) -> Value {
        let vacancy = self.vacancy();
        let mut payload = json!({
            "eventId": event_id,
            "kind": self.kind().as_str(),
            "occurredAt": occurred_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "organisationId": global_id(NodeKind::Organisation, vacancy.organisation_id).0,
            "vacancy": vacancy.json(),
        });
        if let Some(application) = self.application() {
            payload["application"] = application.json();
        }
        match self {
            Self::VacancyPublished { .. } => {
                payload["status"] = json!({ "from": "DRAFT", "to": vacancy.status.as_str() });
            }
            Self::VacancyClosed { from, .. } => {
                payload["status"] = json!({ "from": from.as_str(), "to": vacancy.status.as_str() });
            }
            Self::VacancyUpdated { changed_fields, .. } => {
                payload["changedFields"] = json!(changed_fields);
            }
            Self::ApplicationSubmitted { application } => {
                payload["status"] = json!({ "from": null, "to": application.status.as_str() });
            }
            Self::ApplicationStatusChanged { application, from } => {
                payload["status"] =
                    json!({ "from": from.as_str(), "to": application.status.as_str() });
            }
        }
        payload
    }
}

/// An event as stored, and as it travels between replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// The row id: increasing in commit order on SQLite, in insertion order on PostgreSQL.
    pub id: i32,
    /// A UUID for de-duplication.
    pub event_id: String,
    pub kind: EventKind,
    pub organisation_id: i32,
    pub vacancy_id: i32,
    pub application_id: Option<i32>,
    pub candidate_account_id: Option<i32>,
    /// The self-contained JSON description (global IDs, reference, title, status from/to, …).
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
#[error("stored domain event {id} is unreadable: {reason}")]
struct BadEvent {
    id: i32,
    reason: String,
}

impl TryFrom<domain_event::Model> for StoredEvent {
    type Error = AppError;

    fn try_from(row: domain_event::Model) -> AppResult<Self> {
        let bad = |reason: String| AppError::internal(BadEvent { id: row.id, reason });
        let kind = EventKind::parse(&row.kind).ok_or_else(|| bad(format!("kind {}", row.kind)))?;
        let payload = serde_json::from_str(&row.payload).map_err(|e| bad(e.to_string()))?;
        Ok(Self {
            id: row.id,
            event_id: row.event_id,
            kind,
            organisation_id: row.organisation_id,
            vacancy_id: row.vacancy_id,
            application_id: row.application_id,
            candidate_account_id: row.candidate_account_id,
            payload,
            occurred_at: row.occurred_at,
        })
    }
}

/// What is sent on the [`CHANNEL`]: the id of a committed event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notification {
    pub id: i32,
}

/// Records `event` through `conn`, which must be the transaction of the change it describes,
/// and on PostgreSQL announces it to every replica on commit.
#[tracing::instrument(level = "debug", skip(conn, event))]
pub async fn record<C: ConnectionTrait>(conn: &C, event: DomainEvent) -> AppResult<StoredEvent> {
    let event_id = uuid::Uuid::new_v4().to_string();
    let occurred_at = Utc::now();
    let payload = event.payload(&event_id, occurred_at);
    let vacancy = event.vacancy();
    let application = event.application();
    let row = domain_event::ActiveModel {
        event_id: Set(event_id),
        kind: Set(event.kind().as_str().to_owned()),
        organisation_id: Set(vacancy.organisation_id),
        vacancy_id: Set(vacancy.id),
        application_id: Set(application.map(|a| a.id)),
        candidate_account_id: Set(application.map(|a| a.candidate_account_id)),
        payload: Set(payload.to_string()),
        occurred_at: Set(occurred_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let stored = StoredEvent::try_from(row)?;
    // The webhook outbox: deliveries commit (or roll back) with the change and its event.
    crate::service::webhook::enqueue_stored(conn, &stored).await?;
    if conn.get_database_backend() == DbBackend::Postgres {
        notify(conn, &stored).await?;
    }
    Ok(stored)
}

async fn notify<C: ConnectionTrait>(conn: &C, event: &StoredEvent) -> AppResult<()> {
    let text = serde_json::to_string(&Notification { id: event.id }).map_err(AppError::internal)?;
    conn.execute(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), text.into()],
    ))
    .await?;
    Ok(())
}

/// Events with an id above `after`, oldest first, at most `limit`.
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn after(
    conn: &impl ConnectionTrait,
    after: i32,
    limit: u64,
) -> AppResult<Vec<StoredEvent>> {
    domain_event::Entity::find()
        .filter(domain_event::Column::Id.gt(after))
        .order_by_asc(domain_event::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(StoredEvent::try_from)
        .collect()
}

/// One event by its row id.
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn by_id(conn: &impl ConnectionTrait, id: i32) -> AppResult<Option<StoredEvent>> {
    domain_event::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(StoredEvent::try_from)
        .transpose()
}

/// The newest event's id (0 when there is none).
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn latest_id(conn: &impl ConnectionTrait) -> AppResult<i32> {
    let id: Option<Option<i32>> = domain_event::Entity::find()
        .select_only()
        .column_as(domain_event::Column::Id.max(), "id")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(id.flatten().unwrap_or(0))
}

/// Forgets events that happened before `cutoff`; returns how many.
#[tracing::instrument(level = "debug", skip(conn))]
pub async fn purge_older_than(
    conn: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> AppResult<u64> {
    let result = domain_event::Entity::delete_many()
        .filter(domain_event::Column::OccurredAt.lt(cutoff))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vacancy() -> VacancyFacts {
        VacancyFacts {
            id: 7,
            organisation_id: 2,
            reference: "VN 2023/005".into(),
            title: Some("Assistant".into()),
            status: VacancyStatus::Published,
            version: 3,
        }
    }

    #[test]
    fn kinds_round_trip_through_their_codes_and_serde() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                json!(kind.as_str()),
                "{kind:?}"
            );
        }
        assert_eq!(EventKind::parse("vacancy.deleted"), None);
    }

    #[test]
    fn payloads_name_objects_by_global_id_and_say_the_status_change() {
        let event = DomainEvent::ApplicationStatusChanged {
            application: ApplicationFacts {
                id: 11,
                candidate_account_id: 5,
                status: ApplicationStatus::Screening,
                version: 2,
                vacancy: vacancy(),
            },
            from: ApplicationStatus::Submitted,
        };
        let payload = event.payload("e-1", Utc::now());
        assert_eq!(payload["kind"], "application.status_changed");
        assert_eq!(payload["vacancy"]["id"], global_id(NodeKind::Vacancy, 7).0);
        assert_eq!(
            payload["application"]["id"],
            global_id(NodeKind::Application, 11).0
        );
        assert_eq!(
            payload["status"],
            json!({ "from": "SUBMITTED", "to": "SCREENING" })
        );
        assert_eq!(payload["vacancy"]["reference"], "VN 2023/005");
    }
}
