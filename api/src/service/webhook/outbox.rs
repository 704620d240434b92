//! The outbox: deliveries queued in the same transaction as the change they report, the
//! delivery log and replays.

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait, Set,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::{load, load_as};
use crate::auth::Actor;
use crate::domain::{WebhookDeliveryStatus, WebhookEventKind};
use crate::error::{AppError, AppResult};
use crate::policy::{self, OrganisationScope};
use crate::service::audit::{self, AuditEntry};
use crate::service::events::StoredEvent;
use crate::service::pagination::{paginate_newest_first, Page, PageRequest};

/// An event to tell an organisation's endpoints about.
#[derive(Debug, Clone)]
pub struct OutboundEvent<'a> {
    /// The event's UUID: receivers de-duplicate on it.
    pub event_id: &'a str,
    pub kind: WebhookEventKind,
    /// The organisation whose endpoints hear of it.
    pub organisation_id: i32,
    pub occurred_at: DateTime<Utc>,
    /// What happened, as the event recorded it.
    pub data: &'a Value,
}

/// A delivery's JSON body, fixed when it is queued so every attempt sends the same bytes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    occurred_at: DateTime<Utc>,
    data: &'a Value,
}

/// Queues one delivery of `event` per active endpoint of its organisation that subscribed to
/// its kind. Call it with the transaction of the change the event reports, so the deliveries
/// are committed (or rolled back) with it: nothing is lost when the server stops.
#[tracing::instrument(level = "debug", skip(conn, event))]
pub async fn enqueue(conn: &impl ConnectionTrait, event: &OutboundEvent<'_>) -> AppResult<u64> {
    let endpoints = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(event.organisation_id))
        .filter(webhook_endpoint::Column::Active.eq(true))
        .all(conn)
        .await?;
    let code = event.kind.as_str();
    let subscribed: Vec<_> = endpoints
        .iter()
        .filter(|e| {
            e.event_kinds
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k.as_str() == Some(code)))
        })
        .collect();
    if subscribed.is_empty() {
        return Ok(0);
    }
    let payload = serde_json::to_string(&Body {
        id: event.event_id,
        kind: event.kind.wire_name(),
        occurred_at: event.occurred_at,
        data: event.data,
    })
    .map_err(AppError::internal)?;
    let now = Utc::now();
    let rows = subscribed
        .iter()
        .map(|endpoint| webhook_delivery::ActiveModel {
            endpoint_id: Set(endpoint.id),
            event_id: Set(event.event_id.to_owned()),
            event_kind: Set(code.to_owned()),
            payload: Set(payload.clone()),
            status: Set(WebhookDeliveryStatus::Pending.as_str().to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            created_at: Set(now),
            ..Default::default()
        });
    webhook_delivery::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(subscribed.len() as u64)
}

/// Queues the webhook deliveries of a recorded domain event; [`crate::service::events::record`]
/// calls it in the
/// transaction of the change.
#[tracing::instrument(level = "debug", skip(conn, event))]
pub async fn enqueue_stored(conn: &impl ConnectionTrait, event: &StoredEvent) -> AppResult<u64> {
    let Some(kind) = WebhookEventKind::from_wire_name(event.kind.as_str()) else {
        return Ok(0);
    };
    enqueue(
        conn,
        &OutboundEvent {
            event_id: &event.event_id,
            kind,
            organisation_id: event.organisation_id,
            occurred_at: event.occurred_at,
            data: &event.payload,
        },
    )
    .await
}

/// Narrows the delivery log; fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub organisation_id: Option<i32>,
    pub endpoint_id: Option<i32>,
    pub status: Option<WebhookDeliveryStatus>,
}

/// The delivery log, newest first. An agency admin reads its own organisation's deliveries
/// (also when it names no organisation or endpoint); platform admins read all of them.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn deliveries(
    actor: &Actor,
    db: &DatabaseConnection,
    filter: &DeliveryFilter,
    page: PageRequest,
) -> AppResult<Page<webhook_delivery::Model>> {
    let mut select = webhook_delivery::Entity::find();
    if let Some(endpoint_id) = filter.endpoint_id {
        load(actor, db, endpoint_id).await?;
        select = select.filter(webhook_delivery::Column::EndpointId.eq(endpoint_id));
    }
    let scope = match (filter.organisation_id, filter.endpoint_id) {
        // The endpoint's own check above settled who may read its deliveries.
        (None, Some(_)) => OrganisationScope::All,
        (requested, _) => policy::webhook_scope(actor, requested)?,
    };
    if let OrganisationScope::Organisation(org) = scope {
        select = select
            .join(
                sea_orm::JoinType::InnerJoin,
                webhook_delivery::Relation::Endpoint.def(),
            )
            .filter(webhook_endpoint::Column::OrganisationId.eq(org));
    }
    if let Some(status) = filter.status {
        select = select.filter(webhook_delivery::Column::Status.eq(status.as_str()));
    }
    paginate_newest_first(db, select, webhook_delivery::Column::Id, page).await
}

/// Most replays of one event to one endpoint within [`REPLAY_WINDOW`].
pub const MAX_REPLAYS_PER_WINDOW: u64 = 5;
/// The window over which replays are counted.
const REPLAY_WINDOW: chrono::Duration = chrono::Duration::hours(1);

/// Each replay is a request to the receiver on the caller's say-so: without a bound, an admin
/// could turn the worker against the endpoint. Replays of replays count too (same event).
async fn check_replay_budget(
    conn: &impl ConnectionTrait,
    original: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use webhook_delivery::Column as C;

    let since = now - REPLAY_WINDOW;
    let recent = webhook_delivery::Entity::find()
        .filter(C::EndpointId.eq(original.endpoint_id))
        .filter(C::EventId.eq(original.event_id.as_str()))
        .filter(C::ReplayOfId.is_not_null())
        .filter(C::CreatedAt.gt(since))
        .order_by_asc(C::CreatedAt)
        .all(conn)
        .await?;
    if (recent.len() as u64) < MAX_REPLAYS_PER_WINDOW {
        return Ok(());
    }
    let oldest = recent.first().map_or(now, |r| r.created_at);
    let retry_after = (oldest + REPLAY_WINDOW - now).num_seconds().max(1);
    Err(AppError::RateLimited {
        retry_after_seconds: u64::try_from(retry_after).unwrap_or(1),
    })
}

/// Queues a delivered or failed delivery again, as a new delivery with the same event id and
/// body (signed afresh when sent). A delivery still pending is already queued: `CONFLICT`; past
/// [`MAX_REPLAYS_PER_WINDOW`] replays of its event in an hour, `RATE_LIMITED`. Another
/// organisation's delivery is not found.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn replay(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<webhook_delivery::Model> {
    let original = webhook_delivery::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("webhook delivery"))?;
    let endpoint = load_as(actor, db, original.endpoint_id, "webhook delivery").await?;
    if original.status == WebhookDeliveryStatus::Pending.as_str() {
        return Err(AppError::Conflict(
            "this delivery is still queued; replay it once it is delivered or failed".into(),
        ));
    }
    if !endpoint.active {
        return Err(AppError::Conflict(
            "the endpoint is inactive; activate it before replaying".into(),
        ));
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    check_replay_budget(&txn, &original, now).await?;
    let replay = webhook_delivery::ActiveModel {
        endpoint_id: Set(original.endpoint_id),
        event_id: Set(original.event_id.clone()),
        event_kind: Set(original.event_kind.clone()),
        payload: Set(original.payload.clone()),
        status: Set(WebhookDeliveryStatus::Pending.as_str().to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        replay_of_id: Set(Some(original.id)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(endpoint.organisation_id),
            entity_type: "webhook_delivery",
            entity_id: replay.id,
            action: "replay",
            changes: json!({ "replayOf": original.id, "eventId": original.event_id }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(replay)
}
