//! Prometheus metrics: recorded where things happen (the `metrics` facade, a no-op until the
//! recorder is installed), sampled gauges read at each scrape, rendered in the text format by
//! `/metrics` on `METRICS_ADDR` (README, "Operating", lists them all).

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::domain::{MailStatus, WebhookDeliveryStatus};
use crate::event_bus::EventBus;

/// Latency buckets in seconds, from a cached read to a request near its timeout.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Most distinct operation names given a label of their own; later ones count as `other`.
/// Clients name their operations, so without a bound they could grow the metrics without end.
const MAX_OPERATION_NAMES: usize = 200;

/// The process's recorder, installed the first time it is asked for (one per process: test
/// servers in one process share it, and compare counts before and after).
pub fn install() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(error) => {
                    tracing::error!(%error, "cannot install the metrics recorder");
                    None
                }
            }
        })
        .as_ref()
}

/// The label an operation is counted under: its name when it is a plain GraphQL name among the
/// first [`MAX_OPERATION_NAMES`], `anonymous` without one, `other` past the bound.
pub fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return "anonymous".into();
    };
    let plain = name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        return "other".into();
    }
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else {
        return "other".into();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// One GraphQL request over HTTP: its operation, outcome code (`OK` or the first error's code)
/// and time.
pub fn graphql_request(operation: &str, code: &str, elapsed: Duration) {
    counter!("jobboard_graphql_requests_total", "operation" => operation.to_owned(), "code" => code.to_owned())
        .increment(1);
    histogram!("jobboard_graphql_request_duration_seconds", "operation" => operation.to_owned())
        .record(elapsed.as_secs_f64());
}

/// One HTTP request: its route (the pattern, never the path itself) and status.
pub fn http_request(route: &str, status: u16, elapsed: Duration) {
    counter!("jobboard_http_requests_total", "route" => route.to_owned(), "status" => status.to_string())
        .increment(1);
    histogram!("jobboard_http_request_duration_seconds", "route" => route.to_owned())
        .record(elapsed.as_secs_f64());
}

/// A cache lookup: `hit` when a kept value served it.
pub fn cache_lookup(cache: &'static str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    counter!("jobboard_cache_requests_total", "cache" => cache, "result" => result).increment(1);
}

/// Whether a request's GraphQL document was taken ready parsed (`hit`) or parsed (`miss`), by
/// operation ([`operation_label`]).
pub fn document_lookup(operation: &str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    counter!("jobboard_parsed_documents_total", "operation" => operation.to_owned(), "result" => result)
        .increment(1);
}

/// A sign-in or mail request refused by the throttle; `key` is the throttle key (`ip:…`,
/// `pair:…`, `mail:…`), of which only the kind is recorded.
pub fn login_throttled(key: &str) {
    let scope = match key.split(':').next() {
        Some("ip") => "address",
        Some("pair") => "address_and_account",
        Some("mail") => "mail",
        _ => "other",
    };
    counter!("jobboard_login_throttled_total", "scope" => scope).increment(1);
}

/// An operation refused by the per-client rate limit.
pub fn rate_limited() {
    counter!("jobboard_rate_limited_total").increment(1);
}

/// One attempt of an outbox worker: `outbox` is `webhook` or `mail`; `outcome` `delivered`,
/// `retry` or `failed` (given up).
pub fn outbox_attempt(outbox: &'static str, outcome: &'static str) {
    counter!("jobboard_outbox_attempts_total", "outbox" => outbox, "outcome" => outcome)
        .increment(1);
}

/// Something the event bus did: `published`, `reconnected`, `skipped` (by a slow subscriber).
pub fn event_bus(what: &'static str, count: u64) {
    counter!("jobboard_event_bus_events_total", "what" => what).increment(count);
}

/// Reads the gauges that are cheaper to sample when scraped than to keep up to date: the pool,
/// open subscriptions, the event bus's lag and the outboxes' depth.
pub async fn sample(db: &DatabaseConnection, bus: &EventBus, max_connections: u32) {
    let (size, idle) = pool_counts(db);
    gauge!("jobboard_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    gauge!("jobboard_db_pool_connections", "state" => "idle").set(f64::from(idle));
    gauge!("jobboard_db_pool_max_connections").set(f64::from(max_connections));
    gauge!("jobboard_subscriptions_open").set(bus.subscriber_count() as f64);
    if let Ok(newest) = crate::service::events::latest_id(db).await {
        let lag = i64::from(newest) - i64::from(bus.last_published());
        gauge!("jobboard_event_bus_lag_events").set(lag.max(0) as f64);
    }
    use entity::{mail_outbox, webhook_delivery};
    for (status, label) in [
        (WebhookDeliveryStatus::Pending, "pending"),
        (WebhookDeliveryStatus::Failed, "failed"),
    ] {
        let rows = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(status.as_str()))
            .count(db)
            .await;
        match rows {
            Ok(rows) => gauge!("jobboard_outbox_depth", "outbox" => "webhook", "status" => label)
                .set(rows as f64),
            Err(error) => tracing::warn!(%error, "cannot count the webhook outbox"),
        }
    }
    for (status, label) in [
        (MailStatus::Pending, "pending"),
        (MailStatus::Failed, "failed"),
    ] {
        let rows = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Status.eq(status.as_str()))
            .count(db)
            .await;
        match rows {
            Ok(rows) => gauge!("jobboard_outbox_depth", "outbox" => "mail", "status" => label)
                .set(rows as f64),
            Err(error) => tracing::warn!(%error, "cannot count the mail outbox"),
        }
    }
}

/// Open and idle connections of the pool.
fn pool_counts(db: &DatabaseConnection) -> (u32, u32) {
    match db {
        DatabaseConnection::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(0))
        }
        DatabaseConnection::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(0))
        }
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_plain_names() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("")), "anonymous");
        assert_eq!(operation_label(Some("Vacancies")), "Vacancies");
        assert_eq!(operation_label(Some("a b")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
    }
}
