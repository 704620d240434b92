//! Webhooks: the endpoints an organisation registers, the outbox of deliveries queued in the
//! same transaction as the change they report, the delivery log and replays. Sending them is
//! [`crate::service::webhook_delivery`]'s work.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::Utc;
use entity::{organisation, webhook_delivery, webhook_endpoint};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::domain::WebhookEventKind;
use crate::error::{AppError, AppResult};
use crate::policy;
use crate::service::audit::{self, AuditEntry};

mod outbox;
mod secret;
mod url;

pub use outbox::{deliveries, enqueue, enqueue_stored, replay, DeliveryFilter, OutboundEvent};
pub use secret::{seal_stored, SecretBox};
pub use url::{check_url, is_public, UrlRules};

/// Most endpoints one organisation may register.
pub const MAX_ENDPOINTS_PER_ORGANISATION: u64 = 20;
/// Longest endpoint URL, in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest endpoint description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

fn check_events(field: &str, events: &[WebhookEventKind]) -> AppResult<Vec<WebhookEventKind>> {
    let mut events = events.to_vec();
    events.sort();
    events.dedup();
    if events.is_empty() {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must name at least one event"),
        ));
    }
    Ok(events)
}

fn check_description(field: &str, description: Option<&str>) -> AppResult<Option<String>> {
    let Some(text) = description.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS || text.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            format!("`{field}` must be at most {MAX_DESCRIPTION_CHARS} printable characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

fn events_json(events: &[WebhookEventKind]) -> Value {
    Value::Array(events.iter().map(|e| Value::from(e.as_str())).collect())
}

/// The event kinds an endpoint receives, as stored.
pub fn endpoint_events(endpoint: &webhook_endpoint::Model) -> AppResult<Vec<WebhookEventKind>> {
    endpoint
        .event_kinds
        .as_array()
        .map(|codes| {
            codes
                .iter()
                .map(|code| WebhookEventKind::from_db(code.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_else(|| Ok(Vec::new()))
}

/// A fresh signing secret: 32 random bytes, hex, with a prefix that says what it is.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", hex::encode(bytes))
}

/// An endpoint to register.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub organisation_id: i32,
    pub url: String,
    pub events: Vec<WebhookEventKind>,
    pub description: Option<String>,
    pub active: bool,
}

/// Changes to an endpoint; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub events: Option<Vec<WebhookEventKind>>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub active: Option<bool>,
}

/// An endpoint with its signing secret, which is shown only when created or rotated.
#[derive(Debug, Clone)]
pub struct EndpointWithSecret {
    pub secret: String,
    pub endpoint: webhook_endpoint::Model,
}

/// Registers an endpoint for an organisation (its admins and platform admins), with a secret
/// generated here.
#[tracing::instrument(level = "debug", skip(db, secrets, input))]
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    rules: UrlRules,
    secrets: &SecretBox,
    input: NewEndpoint,
) -> AppResult<EndpointWithSecret> {
    policy::manage_webhooks(actor, input.organisation_id)?;
    organisation::Entity::find_by_id(input.organisation_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("organisation"))?;
    let url = check_url("input.url", &input.url, rules)?;
    let events = check_events("input.events", &input.events)?;
    let description = check_description("input.description", input.description.as_deref())?;

    let txn = crate::db::begin_write(db).await?;
    let existing = webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(input.organisation_id))
        .count(&txn)
        .await?;
    if existing >= MAX_ENDPOINTS_PER_ORGANISATION {
        return Err(AppError::Conflict(format!(
            "an organisation has at most {MAX_ENDPOINTS_PER_ORGANISATION} webhook endpoints"
        )));
    }
    let now = Utc::now();
    let secret = new_secret();
    let endpoint = webhook_endpoint::ActiveModel {
        organisation_id: Set(input.organisation_id),
        url: Set(url.to_string()),
        secret: Set(secrets.seal(&secret)?),
        event_kinds: Set(events_json(&events)),
        active: Set(input.active),
        description: Set(description),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(endpoint.organisation_id),
            entity_type: "webhook_endpoint",
            entity_id: endpoint.id,
            action: "create",
            changes: json!({
                "url": endpoint.url,
                "events": endpoint.event_kinds,
                "active": endpoint.active,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(EndpointWithSecret { secret, endpoint })
}

/// An organisation's endpoints, oldest first (never their secrets).
#[tracing::instrument(level = "debug", skip(db))]
pub async fn list(
    actor: &Actor,
    db: &DatabaseConnection,
    organisation_id: i32,
) -> AppResult<Vec<webhook_endpoint::Model>> {
    policy::manage_webhooks(actor, organisation_id)?;
    Ok(webhook_endpoint::Entity::find()
        .filter(webhook_endpoint::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(webhook_endpoint::Column::Id)
        .all(db)
        .await?)
}

/// Loads an endpoint for a caller who must manage its organisation's webhooks.
pub(super) async fn load(
    actor: &Actor,
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<webhook_endpoint::Model> {
    load_as(actor, db, id, "webhook endpoint").await
}

/// [`load`], for a request about `what` (the endpoint or one of its deliveries): to a caller
/// outside the endpoint's organisation, `what` is not found.
pub(super) async fn load_as(
    actor: &Actor,
    db: &impl ConnectionTrait,
    id: i32,
    what: &'static str,
) -> AppResult<webhook_endpoint::Model> {
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound(what))?;
    policy::manage_webhook_object(actor, endpoint.organisation_id, what)?;
    Ok(endpoint)
}

/// Changes an endpoint's URL, events, description or active flag; `version` must be the one
/// the caller read. Deliveries already queued keep going to the endpoint's current URL.
#[tracing::instrument(level = "debug", skip(db, changes))]
pub async fn update(
    actor: &Actor,
    db: &DatabaseConnection,
    rules: UrlRules,
    id: i32,
    version: i32,
    changes: EndpointChanges,
) -> AppResult<webhook_endpoint::Model> {
    use webhook_endpoint::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = load(actor, &txn, id).await?;
    if current.version != version {
        return Err(AppError::stale("webhook endpoint"));
    }
    let url = changes
        .url
        .as_deref()
        .map(|url| check_url("input.url", url, rules))
        .transpose()?
        .map(|url| url.to_string());
    let events = changes
        .events
        .as_deref()
        .map(|events| check_events("input.events", events))
        .transpose()?
        .map(|events| events_json(&events));
    let description = changes
        .description
        .map(|d| check_description("input.description", d.as_deref()))
        .transpose()?;

    let mut update = webhook_endpoint::Entity::update_many()
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .filter(C::Version.eq(version));
    let mut recorded = serde_json::Map::new();
    if let Some(url) = url.filter(|u| *u != current.url) {
        recorded.insert("url".into(), Value::from(url.as_str()));
        update = update.col_expr(C::Url, Expr::value(url));
    }
    if let Some(events) = events.filter(|e| *e != current.event_kinds) {
        recorded.insert("events".into(), events.clone());
        update = update.col_expr(C::EventKinds, Expr::value(events));
    }
    if let Some(description) = description.filter(|d| *d != current.description) {
        recorded.insert("description".into(), json!(description));
        update = update.col_expr(C::Description, Expr::value(description));
    }
    if let Some(active) = changes.active.filter(|a| *a != current.active) {
        recorded.insert("active".into(), Value::from(active));
        update = update.col_expr(C::Active, Expr::value(active));
    }
    if recorded.is_empty() {
        return Ok(current);
    }
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::stale("webhook endpoint"));
    }
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(current.organisation_id),
            entity_type: "webhook_endpoint",
            entity_id: id,
            action: "update",
            changes: Value::Object(recorded),
        },
    )
    .await?;
    let updated = webhook_endpoint::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("webhook endpoint"))?;
    txn.commit().await?;
    Ok(updated)
}

/// Replaces an endpoint's secret: deliveries from now on are signed with the new one, which is
/// shown only in this answer.
#[tracing::instrument(level = "debug", skip(db, secrets))]
pub async fn rotate_secret(
    actor: &Actor,
    db: &DatabaseConnection,
    secrets: &SecretBox,
    id: i32,
) -> AppResult<EndpointWithSecret> {
    use webhook_endpoint::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = load(actor, &txn, id).await?;
    let secret = new_secret();
    webhook_endpoint::Entity::update_many()
        .col_expr(C::Secret, Expr::value(secrets.seal(&secret)?))
        .col_expr(C::Version, Expr::col(C::Version).add(1))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(current.organisation_id),
            entity_type: "webhook_endpoint",
            entity_id: id,
            action: "rotate_secret",
            changes: Value::Null,
        },
    )
    .await?;
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("webhook endpoint"))?;
    txn.commit().await?;
    Ok(EndpointWithSecret { secret, endpoint })
}

/// Removes an endpoint and its delivery log; deliveries still queued for it are dropped.
#[tracing::instrument(level = "debug", skip(db))]
pub async fn delete(actor: &Actor, db: &DatabaseConnection, id: i32) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let current = load(actor, &txn, id).await?;
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::EndpointId.eq(id))
        .exec(&txn)
        .await?;
    webhook_endpoint::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        AuditEntry {
            organisation_id: Some(current.organisation_id),
            entity_type: "webhook_endpoint",
            entity_id: id,
            action: "delete",
            changes: json!({ "url": current.url }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_deduplicated_and_required() {
        let events = check_events(
            "events",
            &[
                WebhookEventKind::VacancyClosed,
                WebhookEventKind::VacancyPublished,
                WebhookEventKind::VacancyClosed,
            ],
        )
        .unwrap();
        assert_eq!(
            events,
            [
                WebhookEventKind::VacancyPublished,
                WebhookEventKind::VacancyClosed
            ]
        );
        assert!(check_events("events", &[]).is_err());
    }

    #[test]
    fn every_domain_event_has_a_webhook_event_kind() {
        for kind in crate::service::events::EventKind::ALL {
            assert!(
                WebhookEventKind::from_wire_name(kind.as_str()).is_some(),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn secrets_are_long_and_fresh() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(a.len(), "whsec_".len() + 64);
        assert_ne!(a, b);
    }
}
