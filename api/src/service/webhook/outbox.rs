//! The outbox: deliveries queued in the same transaction as the change they report, the
//! delivery log and replays.

use chrono::{DateTime, Utc};
use entity::{webhook_delivery, webhook_endpoint};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, RelationTrait, Set,
};
use serde::Serialize;
use serde_json::{json, Value};

use super::*;
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

/// Queues a delivered or failed delivery again, as a new delivery with the same event id and
/// body (signed afresh when sent). A delivery still pending is already queued: `CONFLICT`.
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
    let endpoint = load(actor, db, original.endpoint_id).await?;
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
