//! Webhooks: the endpoints an organisation registers, the outbox of deliveries queued in the
//! same transaction as the change they report, the delivery log and replays. Sending them is
//! [`crate::service::webhook_delivery`]'s work.

use std::net::IpAddr;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, Utc};
use entity::{organisation, webhook_delivery, webhook_endpoint};
use reqwest::Url;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::auth::Actor;
use crate::domain::{WebhookDeliveryStatus, WebhookEventKind};
use crate::error::{AppError, AppResult};
use crate::policy::{self, OrganisationScope};
use crate::service::audit::{self, AuditEntry};
use crate::service::events::StoredEvent;
use crate::service::pagination::{paginate_newest_first, Page, PageRequest};

/// Most endpoints one organisation may register.
pub const MAX_ENDPOINTS_PER_ORGANISATION: u64 = 20;
/// Longest endpoint URL, in characters.
pub const MAX_URL_CHARS: usize = 2_000;
/// Longest endpoint description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// Which endpoint URLs the configuration accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlRules {
    /// `http://` as well as `https://`.
    pub allow_http: bool,
    /// Loopback, private, link-local and other non-public addresses.
    pub allow_private_networks: bool,
}

/// Whether an address is on the public internet: not loopback, private, link-local,
/// carrier-grade NAT, documentation, multicast, broadcast or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8)
        }
    }
}

/// Checks an endpoint URL: http(s) as configured, a host, no credentials and no fragment, and
/// (unless private networks are allowed) no loopback or private address or `localhost`.
pub fn check_url(field: &str, raw: &str, rules: UrlRules) -> AppResult<Url> {
    let bad = |message: &str| AppError::bad_input(field, format!("`{field}` {message}"));
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(bad(&format!("must be at most {MAX_URL_CHARS} characters")));
    }
    let url = Url::parse(raw).map_err(|_| bad("is not a URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if rules.allow_http => {}
        _ if rules.allow_http => return Err(bad("must be an http or https URL")),
        _ => return Err(bad("must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "must not carry credentials; the signature authenticates deliveries",
        ));
    }
    if url.fragment().is_some() {
        return Err(bad("must not have a #fragment"));
    }
    let host = url.host_str().ok_or_else(|| bad("must name a host"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let public = match host.parse::<IpAddr>() {
        Ok(ip) => is_public(ip),
        Err(_) => {
            let domain = host.trim_end_matches('.').to_ascii_lowercase();
            domain != "localhost" && !domain.ends_with(".localhost")
        }
    };
    if !public && !rules.allow_private_networks {
        return Err(bad("must be on the public internet"));
    }
    Ok(url)
}

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
pub async fn create(
    actor: &Actor,
    db: &DatabaseConnection,
    rules: UrlRules,
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
        secret: Set(secret.clone()),
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
async fn load(
    actor: &Actor,
    db: &impl ConnectionTrait,
    id: i32,
) -> AppResult<webhook_endpoint::Model> {
    let endpoint = webhook_endpoint::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound("webhook endpoint"))?;
    policy::manage_webhooks(actor, endpoint.organisation_id)?;
    Ok(endpoint)
}

/// Changes an endpoint's URL, events, description or active flag; `version` must be the one
/// the caller read. Deliveries already queued keep going to the endpoint's current URL.
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
pub async fn rotate_secret(
    actor: &Actor,
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<EndpointWithSecret> {
    use webhook_endpoint::Column as C;

    let txn = crate::db::begin_write(db).await?;
    let current = load(actor, &txn, id).await?;
    let secret = new_secret();
    webhook_endpoint::Entity::update_many()
        .col_expr(C::Secret, Expr::value(secret.clone()))
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: UrlRules = UrlRules {
        allow_http: true,
        allow_private_networks: true,
    };
    const PROD: UrlRules = UrlRules {
        allow_http: false,
        allow_private_networks: false,
    };

    #[test]
    fn production_urls_are_public_https_without_credentials() {
        assert!(check_url("url", "https://hr.example.org/hooks", PROD).is_ok());
        for refused in [
            "http://hr.example.org/hooks",
            "ftp://hr.example.org/",
            "https://user:pw@hr.example.org/",
            "https://token@hr.example.org/",
            "https://hr.example.org/#x",
            "https://localhost/hook",
            "https://api.localhost/hook",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/hook",
            "https://[fd00::1]/hook",
            "https://[::ffff:192.168.0.1]/hook",
            "not a url",
            "",
        ] {
            let error = check_url("url", refused, PROD).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT", "{refused}");
        }
    }

    #[test]
    fn development_allows_http_on_loopback_but_never_credentials() {
        assert!(check_url("url", "http://127.0.0.1:4000/hook", DEV).is_ok());
        assert!(check_url("url", "http://localhost:4000/hook", DEV).is_ok());
        assert!(check_url("url", "http://a:b@127.0.0.1:4000/hook", DEV).is_err());
        assert!(check_url("url", "file:///etc/passwd", DEV).is_err());
    }

    #[test]
    fn public_addresses_are_told_from_the_rest() {
        for public in ["8.8.8.8", "2a00:1450:4007:80e::200e", "193.0.6.139"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
    }

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
