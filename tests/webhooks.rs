//! Webhooks over HTTP: endpoints, signed deliveries to a receiver on loopback that fails and
//! recovers, retries, replays, the outbox across a restart and across two apps.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use jobboard::app::Application;
use jobboard::config::ServerConfig;
use jobboard::domain::{Role, WebhookEventKind};
use jobboard::service::webhook::{enqueue, OutboundEvent};
use jobboard::service::webhook_delivery::Worker;
use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::accounts::organisation_id;
use crate::helpers::{TestApp, TestDatabase};
use crate::vacancy_writes::orion_like;

const CREATE: &str = "mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret webhookEndpoint { id url events active description version organisation { acronym } } } }";
const ENDPOINTS: &str =
    "query ($org: ID!) { webhookEndpoints(organisationId: $org) { id url events active version } }";
const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, version: $version, input: $input) { id url events active description version } }";
const DELETE: &str = "mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }";
const ROTATE: &str = "mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret webhookEndpoint { id version } } }";
const REPLAY: &str = "mutation ($id: ID!) { replayWebhookDelivery(id: $id) { id eventId status attempts replayOfId } }";
const DELIVERIES: &str = "query ($org: ID, $endpoint: ID, $status: WebhookDeliveryStatus) { webhookDeliveries(organisationId: $org, endpointId: $endpoint, status: $status) { totalCount nodes { id eventId event status attempts nextAttemptAt lastStatusCode lastError deliveredAt replayOfId payload endpoint { id } } } }";

/// Long enough for anything the tests wait for; only reached when something is broken.
const PATIENCE: Duration = Duration::from_secs(30);

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    event_id: String,
    body: Value,
    signature_valid: bool,
    timestamp_fresh: bool,
    answered: u16,
}

/// A webhook receiver on loopback: answers 503 to the first `failures` requests, then 200; checks
/// every signature with the secret it is given.
#[derive(Clone)]
struct Receiver {
    url: String,
    failures: Arc<AtomicUsize>,
    secret: Arc<Mutex<String>>,
    received: Arc<Mutex<Vec<Received>>>,
    events: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Received>>>,
}

#[derive(Clone)]
struct ReceiverState {
    failures: Arc<AtomicUsize>,
    secret: Arc<Mutex<String>>,
    received: Arc<Mutex<Vec<Received>>>,
    sender: mpsc::UnboundedSender<Received>,
}

fn verify(secret: &str, timestamp: &str, body: &[u8], signature: &str) -> bool {
    let Some(hex_mac) = signature.strip_prefix("v1=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_mac) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

async fn receive(
    State(state): State<ReceiverState>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let timestamp = header("webhook-timestamp");
    let secret = state.secret.lock().unwrap().clone();
    let signature_valid = verify(&secret, &timestamp, &body, &header("webhook-signature"));
    let timestamp_fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= 300);
    let failing = state
        .failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if failing {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let received = Received {
        event_id: header("webhook-id"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        signature_valid,
        timestamp_fresh,
        answered: answered.as_u16(),
    };
    state.received.lock().unwrap().push(received.clone());
    let _ = state.sender.send(received);
    answered
}

impl Receiver {
    async fn start(failures: usize) -> Self {
        let (sender, events) = mpsc::unbounded_channel();
        let state = ReceiverState {
            failures: Arc::new(AtomicUsize::new(failures)),
            secret: Arc::new(Mutex::new(String::new())),
            received: Arc::new(Mutex::new(Vec::new())),
            sender,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let router = Router::new()
            .route("/hooks", post(receive))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self {
            url,
            failures: state.failures,
            secret: state.secret,
            received: state.received,
            events: Arc::new(tokio::sync::Mutex::new(events)),
        }
    }

    fn set_secret(&self, secret: &str) {
        *self.secret.lock().unwrap() = secret.to_owned();
    }

    fn fail_next(&self, n: usize) {
        self.failures.store(n, Ordering::SeqCst);
    }

    /// The next request, waiting for it.
    async fn next(&self) -> Received {
        tokio::time::timeout(PATIENCE, self.events.lock().await.recv())
            .await
            .expect("a delivery reached the receiver")
            .unwrap()
    }

    fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// A configuration that sends and retries at once (base 1 ms), polling every 10 ms.
fn fast(database: &TestDatabase) -> ServerConfig {
    let mut config = ServerConfig::for_database(database.url());
    crate::helpers::behind_pooler(&mut config);
    config.seed_demo_data = Some(true);
    config.webhooks.webhook_poll_interval_ms = 10;
    config.webhooks.webhook_retry_base_ms = 1;
    config.webhooks.webhook_retry_horizon_seconds = 3_600;
    config
}

/// A configuration whose worker retries only an hour after a failure.
fn slow_retries(database: &TestDatabase) -> ServerConfig {
    let mut config = fast(database);
    config.webhooks.webhook_retry_base_ms = 3_600_000;
    config
}

async fn spawn_each(config: fn(&TestDatabase) -> ServerConfig) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for database in TestDatabase::all().await {
        let config = config(&database);
        apps.push(TestApp::spawn_with(database, config).await);
    }
    apps
}

/// Registers an endpoint as `token`; returns its ID and secret.
async fn register(
    app: &TestApp,
    token: &str,
    org: &str,
    url: &str,
    events: &[&str],
) -> (String, String) {
    let data = app
        .data_as(
            token,
            CREATE,
            json!({ "input": { "organisationId": org, "url": url, "events": events } }),
        )
        .await;
    let created = &data["createWebhookEndpoint"];
    (
        created["webhookEndpoint"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// The row id inside an organisation's global ID.
async fn organisation_row(app: &TestApp, acronym: &str) -> i32 {
    use base64::Engine;
    let id = organisation_id(app, acronym).await;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id)
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .trim_start_matches("Organisation:")
        .parse()
        .unwrap()
}

/// Queues an event through the outbox, as a write's transaction does; returns its id.
async fn emit(db: &DatabaseConnection, organisation: i32, kind: WebhookEventKind) -> String {
    let event_id = uuid::Uuid::new_v4().to_string();
    let data = json!({ "vacancy": { "reference": "VN 2026/001" } });
    enqueue(
        db,
        &OutboundEvent {
            event_id: &event_id,
            kind,
            organisation_id: organisation,
            occurred_at: chrono::Utc::now(),
            data: &data,
        },
    )
    .await
    .unwrap();
    event_id
}

async fn deliveries(app: &TestApp, token: &str, vars: Value) -> Vec<Value> {
    app.data_as(token, DELIVERIES, vars).await["webhookDeliveries"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

/// Reads the log until `done` holds for it (the worker records an outcome just after the
/// receiver answered).
async fn log_until(
    app: &TestApp,
    token: &str,
    vars: Value,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let nodes = deliveries(app, token, vars.clone()).await;
        if done(&nodes) {
            return nodes;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "[{}] the log never got there: {nodes:?}",
            app.backend()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn deliveries_are_signed_retried_until_the_receiver_recovers_and_logged() {
    for app in spawn_each(fast).await {
        let receiver = Receiver::start(2).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) = register(
            &app,
            &admin,
            &iom,
            &receiver.url,
            &["VACANCY_PUBLISHED", "APPLICATION_SUBMITTED"],
        )
        .await;
        assert!(secret.starts_with("whsec_") && secret.len() > 60);
        receiver.set_secret(&secret);

        let org = organisation_row(&app, "IOM").await;
        // Not subscribed: nothing is queued for it.
        emit(&app.db, org, WebhookEventKind::VacancyClosed).await;
        // Another organisation's event never reaches IOM's endpoint.
        emit(
            &app.db,
            organisation_row(&app, "ILO").await,
            WebhookEventKind::VacancyPublished,
        )
        .await;
        let event_id = emit(&app.db, org, WebhookEventKind::VacancyPublished).await;

        let attempts = [
            receiver.next().await,
            receiver.next().await,
            receiver.next().await,
        ];
        assert_eq!(
            attempts.iter().map(|r| r.answered).collect::<Vec<_>>(),
            [503, 503, 200]
        );
        for attempt in &attempts {
            assert_eq!(attempt.event_id, event_id);
            assert!(attempt.signature_valid, "{attempt:?}");
            assert!(attempt.timestamp_fresh, "{attempt:?}");
            assert_eq!(attempt.body, attempts[0].body);
        }
        assert_eq!(attempts[0].body["id"], event_id.as_str());
        assert_eq!(attempts[0].body["type"], "vacancy.published");
        assert_eq!(
            attempts[0].body["data"]["vacancy"]["reference"],
            "VN 2026/001"
        );
        assert!(attempts[0].body["occurredAt"].as_str().is_some());

        let log = log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.first().is_some_and(|d| d["status"] == "DELIVERED")
        })
        .await;
        assert_eq!(log.len(), 1, "{log:?}");
        let delivery = &log[0];
        assert_eq!(delivery["eventId"], event_id.as_str());
        assert_eq!(delivery["event"], "VACANCY_PUBLISHED");
        assert_eq!(delivery["attempts"], 3);
        assert_eq!(delivery["lastStatusCode"], 200);
        assert_eq!(delivery["lastError"], Value::Null);
        assert_eq!(delivery["nextAttemptAt"], Value::Null);
        assert!(delivery["deliveredAt"].as_str().is_some());
        assert_eq!(delivery["endpoint"]["id"], endpoint.as_str());
        let payload: Value = serde_json::from_str(delivery["payload"].as_str().unwrap()).unwrap();
        assert_eq!(payload, attempts[0].body);
        // The log filters by status, and without a filter reads the caller's organisation.
        assert!(deliveries(&app, &admin, json!({ "status": "FAILED" }))
            .await
            .is_empty());
        assert_eq!(deliveries(&app, &admin, json!({})).await.len(), 1);

        // A replay sends the same event again, with the same id, as a new delivery.
        let replayed = app
            .data_as(&admin, REPLAY, json!({ "id": delivery["id"] }))
            .await;
        let replay = &replayed["replayWebhookDelivery"];
        assert_eq!(replay["eventId"], event_id.as_str());
        assert_eq!(replay["status"], "PENDING");
        assert_eq!(replay["replayOfId"], delivery["id"]);
        let again = receiver.next().await;
        assert_eq!(again.event_id, event_id);
        assert_eq!(again.body, attempts[0].body);
        assert!(again.signature_valid);
        log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.len() == 2 && nodes.iter().all(|d| d["status"] == "DELIVERED")
        })
        .await;
        assert_eq!(receiver.all().len(), 4);
    }
}

#[tokio::test]
async fn a_failing_delivery_waits_for_its_next_attempt_and_a_pending_one_is_not_replayed() {
    for app in spawn_each(slow_retries).await {
        let receiver = Receiver::start(usize::MAX).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) =
            register(&app, &admin, &iom, &receiver.url, &["VACANCY_CLOSED"]).await;
        receiver.set_secret(&secret);
        emit(
            &app.db,
            organisation_row(&app, "IOM").await,
            WebhookEventKind::VacancyClosed,
        )
        .await;
        assert_eq!(receiver.next().await.answered, 503);
        let log = log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.first().is_some_and(|d| d["attempts"] == 1)
        })
        .await;
        let delivery = &log[0];
        assert_eq!(delivery["status"], "PENDING");
        assert_eq!(delivery["lastStatusCode"], 503);
        assert_eq!(delivery["lastError"], "non-2xx response");
        let next: chrono::DateTime<chrono::Utc> =
            delivery["nextAttemptAt"].as_str().unwrap().parse().unwrap();
        assert!(next > chrono::Utc::now() + chrono::Duration::minutes(30));
        assert_eq!(
            app.error_code_as(Some(&admin), REPLAY, json!({ "id": delivery["id"] }))
                .await,
            "CONFLICT"
        );
    }
}

#[tokio::test]
async fn a_delivery_failing_past_the_horizon_is_failed_and_a_replay_delivers_it() {
    fn give_up_at_once(database: &TestDatabase) -> ServerConfig {
        let mut config = fast(database);
        config.webhooks.webhook_retry_horizon_seconds = 0;
        config
    }
    for app in spawn_each(give_up_at_once).await {
        let receiver = Receiver::start(1).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) = register(
            &app,
            &admin,
            &iom,
            &receiver.url,
            &["APPLICATION_STATUS_CHANGED"],
        )
        .await;
        receiver.set_secret(&secret);
        let event_id = emit(
            &app.db,
            organisation_row(&app, "IOM").await,
            WebhookEventKind::ApplicationStatusChanged,
        )
        .await;
        assert_eq!(receiver.next().await.answered, 503);
        let log = log_until(
            &app,
            &admin,
            json!({ "endpoint": endpoint, "status": "FAILED" }),
            |nodes| nodes.len() == 1,
        )
        .await;
        assert_eq!(log[0]["attempts"], 1);
        assert_eq!(log[0]["deliveredAt"], Value::Null);

        // After a rotation, deliveries are signed with the new secret.
        let rotated = app.data_as(&admin, ROTATE, json!({ "id": endpoint })).await;
        let new_secret = rotated["rotateWebhookSecret"]["secret"].as_str().unwrap();
        assert_ne!(new_secret, secret);
        receiver.set_secret(new_secret);
        app.data_as(&admin, REPLAY, json!({ "id": log[0]["id"] }))
            .await;
        let replayed = receiver.next().await;
        assert_eq!(
            (replayed.answered, replayed.event_id.as_str()),
            (200, event_id.as_str())
        );
        assert!(replayed.signature_valid);
        log_until(
            &app,
            &admin,
            json!({ "endpoint": endpoint, "status": "DELIVERED" }),
            |nodes| nodes.len() == 1 && nodes[0]["replayOfId"] == log[0]["id"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_delivery_queued_while_the_receiver_is_down_survives_a_restart() {
    for database in TestDatabase::all().await {
        let receiver = Receiver::start(usize::MAX).await;
        let config = slow_retries(&database);
        let mut app = TestApp::spawn_with(database, config).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) =
            register(&app, &admin, &iom, &receiver.url, &["VACANCY_UPDATED"]).await;
        receiver.set_secret(&secret);
        let event_id = emit(
            &app.db,
            organisation_row(&app, "IOM").await,
            WebhookEventKind::VacancyUpdated,
        )
        .await;
        assert_eq!(receiver.next().await.answered, 503);
        log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.first().is_some_and(|d| d["attempts"] == 1)
        })
        .await;

        // The server stops with the delivery queued; the receiver recovers; an hour passes.
        app.stop.take().unwrap().send(()).unwrap();
        (&mut app.server).await.unwrap().unwrap();
        receiver.fail_next(0);
        sea_orm::ConnectionTrait::execute_unprepared(
            &app.db,
            "UPDATE webhook_delivery SET next_attempt_at = created_at",
        )
        .await
        .unwrap();

        // A new server on the same database sends it.
        let config = fast(&app.database);
        let restarted = TestApp::spawn_with(app.database, config).await;
        let delivered = receiver.next().await;
        assert_eq!(delivered.answered, 200);
        assert_eq!(delivered.event_id, event_id);
        assert!(delivered.signature_valid);
        let log = log_until(
            &restarted,
            &admin,
            json!({ "endpoint": endpoint }),
            |nodes| nodes.first().is_some_and(|d| d["status"] == "DELIVERED"),
        )
        .await;
        assert_eq!(log[0]["attempts"], 2);
        assert_eq!(log.len(), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_database_send_each_delivery_once() {
    for app in spawn_each(slow_retries).await {
        let receiver = Receiver::start(0).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (_, secret) = register(&app, &admin, &iom, &receiver.url, &["VACANCY_PUBLISHED"]).await;
        receiver.set_secret(&secret);
        // A second replica: its own server, connection pool and worker, on the same database.
        let replica = Application::build(slow_retries(&app.database))
            .await
            .unwrap();
        let replica_db = replica.state().db.clone();
        let settings = replica.state().webhooks.clone();
        tokio::spawn(replica.run_until_stopped());

        let org = organisation_row(&app, "IOM").await;
        let mut events = HashSet::new();
        for _ in 0..30 {
            events.insert(emit(&app.db, org, WebhookEventKind::VacancyPublished).await);
        }
        // Both replicas' workers race for the same due deliveries (the apps' own workers too).
        let (a, b) = (
            Worker::new(app.db.clone(), settings.clone()).unwrap(),
            Worker::new(replica_db, settings).unwrap(),
        );
        let (sent_a, sent_b) = tokio::join!(a.run_once(), b.run_once());
        sent_a.unwrap();
        sent_b.unwrap();
        let started = std::time::Instant::now();
        loop {
            let delivered = app
                .data_as(
                    &admin,
                    "{ webhookDeliveries(status: DELIVERED) { totalCount } }",
                    json!({}),
                )
                .await["webhookDeliveries"]["totalCount"]
                .as_i64()
                .unwrap();
            if delivered == 30 {
                break;
            }
            assert!(started.elapsed() < PATIENCE, "{delivered} of 30 delivered");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let received = receiver.all();
        let ids: HashSet<String> = received.iter().map(|r| r.event_id.clone()).collect();
        assert_eq!(ids, events, "[{}]", app.backend());
        assert_eq!(
            received.len(),
            30,
            "[{}] some event was sent twice",
            app.backend()
        );
        assert!(received.iter().all(|r| r.signature_valid));
    }
}

#[tokio::test]
async fn only_the_organisations_admins_and_platform_admins_manage_webhooks() {
    for app in spawn_each(fast).await {
        let receiver = Receiver::start(0).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        // Organisations are public, so naming one is answered FORBIDDEN; an endpoint or a
        // delivery of another organisation does not exist for the caller (ids are sequential).
        let by_organisation = [
            (Some(ilo_admin.as_str()), "FORBIDDEN"),
            (Some(recruiter.as_str()), "FORBIDDEN"),
            (Some(candidate.as_str()), "FORBIDDEN"),
            (None, "UNAUTHENTICATED"),
        ];
        let by_id = [
            (Some(ilo_admin.as_str()), "NOT_FOUND"),
            (Some(recruiter.as_str()), "FORBIDDEN"),
            (Some(candidate.as_str()), "NOT_FOUND"),
            (None, "UNAUTHENTICATED"),
        ];
        let check_refused = |query: &'static str, vars: Value| {
            let app = &app;
            let refused = if vars.get("org").is_some() || query == CREATE {
                by_organisation
            } else {
                by_id
            };
            async move {
                for (token, code) in refused {
                    assert_eq!(
                        app.error_code_as(token, query, vars.clone()).await,
                        code,
                        "[{}] {query} as {token:?}",
                        app.backend()
                    );
                }
            }
        };

        let input = json!({ "input": {
            "organisationId": iom, "url": receiver.url, "events": ["VACANCY_PUBLISHED"],
        }});
        check_refused(CREATE, input.clone()).await;
        let (by_admin, secret) =
            register(&app, &admin, &iom, &receiver.url, &["VACANCY_PUBLISHED"]).await;
        receiver.set_secret(&secret);
        let (by_platform, _) =
            register(&app, &platform, &iom, &receiver.url, &["VACANCY_CLOSED"]).await;

        check_refused(ENDPOINTS, json!({ "org": iom })).await;
        for token in [&admin, &platform] {
            let listed = app.data_as(token, ENDPOINTS, json!({ "org": iom })).await;
            assert_eq!(listed["webhookEndpoints"].as_array().unwrap().len(), 2);
            assert!(!listed.to_string().contains(&secret));
        }

        let update = |version: i32| json!({ "id": by_admin, "version": version, "input": { "description": "HR system" } });
        check_refused(UPDATE, update(1)).await;
        let updated = app.data_as(&admin, UPDATE, update(1)).await;
        assert_eq!(updated["updateWebhookEndpoint"]["version"], 2);
        assert_eq!(updated["updateWebhookEndpoint"]["description"], "HR system");
        // A stale version is refused rather than overwriting the other edit.
        assert_eq!(
            app.error_code_as(Some(&platform), UPDATE, update(1)).await,
            "CONFLICT"
        );
        let cleared = app
            .data_as(
                &platform,
                UPDATE,
                json!({ "id": by_admin, "version": 2, "input": { "description": null, "events": ["VACANCY_PUBLISHED", "VACANCY_UPDATED"] } }),
            )
            .await;
        assert_eq!(cleared["updateWebhookEndpoint"]["description"], Value::Null);
        assert_eq!(
            cleared["updateWebhookEndpoint"]["events"],
            json!(["VACANCY_PUBLISHED", "VACANCY_UPDATED"])
        );

        check_refused(ROTATE, json!({ "id": by_platform })).await;
        for token in [&admin, &platform] {
            app.data_as(token, ROTATE, json!({ "id": by_platform }))
                .await;
        }

        emit(
            &app.db,
            organisation_row(&app, "IOM").await,
            WebhookEventKind::VacancyPublished,
        )
        .await;
        receiver.next().await;
        let log = log_until(&app, &admin, json!({ "endpoint": by_admin }), |nodes| {
            nodes.first().is_some_and(|d| d["status"] == "DELIVERED")
        })
        .await;
        check_refused(DELIVERIES, json!({ "endpoint": by_admin })).await;
        check_refused(DELIVERIES, json!({ "org": iom })).await;
        assert_eq!(
            deliveries(&app, &platform, json!({ "org": iom }))
                .await
                .len(),
            1
        );
        // Another organisation's admin reads its own (empty) log by default.
        assert!(deliveries(&app, &ilo_admin, json!({})).await.is_empty());

        check_refused(REPLAY, json!({ "id": log[0]["id"] })).await;
        for token in [&admin, &platform] {
            app.data_as(token, REPLAY, json!({ "id": log[0]["id"] }))
                .await;
        }

        check_refused(DELETE, json!({ "id": by_admin })).await;
        app.data_as(&admin, DELETE, json!({ "id": by_admin })).await;
        app.data_as(&platform, DELETE, json!({ "id": by_platform }))
            .await;
        for query in [DELETE, ROTATE] {
            assert_eq!(
                app.error_code_as(Some(&admin), query, json!({ "id": by_admin }))
                    .await,
                "NOT_FOUND"
            );
        }
        assert_eq!(
            app.error_code_as(Some(&admin), DELIVERIES, json!({ "endpoint": by_admin }))
                .await,
            "NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn production_takes_public_https_urls_and_shows_a_secret_once() {
    fn production_rules(database: &TestDatabase) -> ServerConfig {
        let mut config = fast(database);
        config.webhooks.webhook_allow_http = Some(false);
        config.webhooks.webhook_allow_private_networks = Some(false);
        config
    }
    for app in spawn_each(production_rules).await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        for (url, events) in [
            (
                "http://hooks.example.org/jobs",
                json!(["VACANCY_PUBLISHED"]),
            ),
            (
                "https://hr:secret@hooks.example.org/jobs",
                json!(["VACANCY_PUBLISHED"]),
            ),
            ("https://127.0.0.1/jobs", json!(["VACANCY_PUBLISHED"])),
            (
                "https://169.254.169.254/latest",
                json!(["VACANCY_PUBLISHED"]),
            ),
            ("https://localhost/jobs", json!(["VACANCY_PUBLISHED"])),
            ("https://hooks.example.org/jobs", json!([])),
        ] {
            let body = app
                .graphql_as(
                    Some(&admin),
                    CREATE,
                    json!({ "input": { "organisationId": iom, "url": url, "events": events } }),
                )
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{url}"
            );
            let field = body["errors"][0]["extensions"]["field"].as_str().unwrap();
            assert!(field == "input.url" || field == "input.events", "{body}");
        }
        let (id, secret) = register(
            &app,
            &admin,
            &iom,
            "https://hooks.example.org/jobs",
            &["VACANCY_PUBLISHED"],
        )
        .await;
        assert_eq!(
            app.error_code_as(
                Some(&admin),
                UPDATE,
                json!({ "id": id, "version": 1, "input": { "url": "http://hooks.example.org/jobs" } })
            )
            .await,
            "BAD_USER_INPUT"
        );
        let introspection = app
            .data(
                r#"{ __type(name: "WebhookEndpoint") { fields { name } } }"#,
                json!({}),
            )
            .await;
        assert!(!introspection.to_string().contains("secret"));
        let listed = app.data_as(&admin, ENDPOINTS, json!({ "org": iom })).await;
        assert!(!listed.to_string().contains(&secret));
        let rotated = app.data_as(&admin, ROTATE, json!({ "id": id })).await;
        assert_ne!(rotated["rotateWebhookSecret"]["secret"], secret.as_str());
        assert_eq!(
            rotated["rotateWebhookSecret"]["webhookEndpoint"]["version"],
            2
        );
    }
}

#[tokio::test]
async fn publishing_a_vacancy_sends_vacancy_published_from_its_transaction() {
    const CREATE_VACANCY: &str =
        "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
    const PUBLISH: &str = "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id version } }";
    for app in spawn_each(fast).await {
        let receiver = Receiver::start(0).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) =
            register(&app, &admin, &iom, &receiver.url, &["VACANCY_PUBLISHED"]).await;
        receiver.set_secret(&secret);

        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let input = orion_like(&app, "RAB/HOOK/001").await;
        let created = app
            .data_as(&recruiter, CREATE_VACANCY, json!({ "input": input }))
            .await;
        let vacancy = created["createVacancy"]["id"].clone();
        app.data_as(
            &recruiter,
            PUBLISH,
            json!({ "id": vacancy, "version": created["createVacancy"]["version"] }),
        )
        .await;

        let delivery = receiver.next().await;
        assert!(delivery.signature_valid);
        assert_eq!(delivery.body["type"], "vacancy.published");
        assert_eq!(delivery.body["id"], delivery.event_id.as_str());
        assert_eq!(delivery.body["data"]["eventId"], delivery.event_id.as_str());
        assert_eq!(delivery.body["data"]["vacancy"]["id"], vacancy);
        assert_eq!(
            delivery.body["data"]["vacancy"]["reference"],
            "RAB/HOOK/001"
        );
        let log = log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.first().is_some_and(|d| d["status"] == "DELIVERED")
        })
        .await;
        // Creating the draft told no one; publishing queued exactly one delivery.
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["event"], "VACANCY_PUBLISHED");
        assert_eq!(receiver.all().len(), 1);
    }
}

#[tokio::test]
async fn replays_of_one_event_are_bounded() {
    for app in spawn_each(fast).await {
        let receiver = Receiver::start(0).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (endpoint, secret) =
            register(&app, &admin, &iom, &receiver.url, &["VACANCY_CLOSED"]).await;
        receiver.set_secret(&secret);
        emit(
            &app.db,
            organisation_row(&app, "IOM").await,
            WebhookEventKind::VacancyClosed,
        )
        .await;
        let log = log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.first().is_some_and(|d| d["status"] == "DELIVERED")
        })
        .await;
        let original = log[0]["id"].clone();
        for _ in 0..5 {
            app.data_as(&admin, REPLAY, json!({ "id": original })).await;
        }
        assert_eq!(
            app.error_code_as(Some(&admin), REPLAY, json!({ "id": original }))
                .await,
            "RATE_LIMITED",
            "[{}]",
            app.backend()
        );
        // A replay of a replay is the same event: it counts against the same bound.
        let log = log_until(&app, &admin, json!({ "endpoint": endpoint }), |nodes| {
            nodes.len() == 6 && nodes.iter().all(|d| d["status"] == "DELIVERED")
        })
        .await;
        assert_eq!(
            app.error_code_as(Some(&admin), REPLAY, json!({ "id": log[0]["id"] }))
                .await,
            "RATE_LIMITED"
        );
    }
}

#[tokio::test]
async fn signing_secrets_are_sealed_at_rest_and_old_clear_ones_sealed_at_start() {
    use entity::webhook_endpoint;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    for app in spawn_each(fast).await {
        let receiver = Receiver::start(0).await;
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let (_, secret) = register(&app, &admin, &iom, &receiver.url, &["VACANCY_PUBLISHED"]).await;
        receiver.set_secret(&secret);
        let stored = || async {
            webhook_endpoint::Entity::find()
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
        };
        let row = stored().await;
        assert!(row.secret.starts_with("sealed:v1:"), "{}", row.secret);
        assert!(!row.secret.contains(&secret["whsec_".len()..]));

        // Deliveries are still signed with the secret the admin was shown.
        let org = organisation_row(&app, "IOM").await;
        emit(&app.db, org, WebhookEventKind::VacancyPublished).await;
        let received = receiver.next().await;
        assert!(received.signature_valid, "[{}]", app.backend());

        // A secret stored in the clear (before sealing existed) is sealed when a server starts,
        // and keeps verifying.
        let mut clear: webhook_endpoint::ActiveModel = row.into();
        clear.secret = Set(secret.clone());
        clear.update(&app.db).await.unwrap();
        let replica = Application::build(fast(&app.database)).await.unwrap();
        drop(replica);
        let row = stored().await;
        assert!(row.secret.starts_with("sealed:v1:"), "[{}]", app.backend());
        emit(&app.db, org, WebhookEventKind::VacancyPublished).await;
        let received = receiver.next().await;
        assert!(received.signature_valid, "[{}]", app.backend());
    }
}
