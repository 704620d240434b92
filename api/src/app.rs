//! Building the application: database, schema and router, shared by `main` and the tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::auth::jwt::JwtKeys;
use crate::cache::counts::CountCache;
use crate::cache::responses::ResponseCache;
use crate::cache::writes::Writes;
use crate::config::{ConfigError, DocumentBackend, Environment, ServerConfig, StorageConfig};
use crate::event_bus::{self, EventBus};
use crate::graphql::{self, AppSchema};
use crate::seed::{self, SeedError};
use crate::service::application::storage::{Backend, DocumentStorage, S3Settings, StorageError};
use crate::service::mail::delivery::{MailSettings, MailTransport, MailWorker, TransportError};
use crate::service::mail::{LinkSigner, Mailer};
use crate::service::webhook::SecretBox;
use crate::service::webhook_delivery::{self, DeliverySettings};
use crate::service::{account, application, events, saved_search, vacancy};
use crate::{db, http};

/// What every request handler shares. axum hands each request its own copy of the state, so
/// it is one `Arc`: a copy is a count increment, not a dozen (some of them allocations).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Shared {
    pub db: DatabaseConnection,
    /// Where anonymous reads go: a read-only copy that may lag (`DATABASE_READ_URL`), else `db`.
    pub read_db: DatabaseConnection,
    /// The schema `/graphql` executes over HTTP.
    pub schema: AppSchema,
    /// The same schema for WebSocket connections, which records the writes of mutations itself.
    pub ws_schema: AppSchema,
    pub jwt: Arc<JwtKeys>,
    /// How many proxies in front of the server append to `X-Forwarded-For`.
    pub forwarded_hops: usize,
    /// What one request may ask: query shape, body size, operations per client.
    pub limits: http::limits::RequestLimits,
    /// How webhook deliveries are sent.
    pub webhooks: DeliverySettings,
    /// Automatic persisted queries this process has been sent.
    pub persisted_queries: http::persisted_queries::PersistedQueries,
    /// Domain events of every replica, for subscriptions.
    pub bus: EventBus,
    /// The server's public address for absolute links (`PUBLIC_URL`), when configured.
    pub public_url: Option<String>,
    /// Responses to anonymous queries.
    pub responses: ResponseCache,
    /// Parsed GraphQL documents, by their text.
    pub documents: crate::cache::documents::DocumentCache,
    /// The writes this replica has seen, which cached reads are keyed by.
    pub writes: Writes,
    /// Writes mails and their links (the account pages and unsubscribe links check them).
    pub mailer: Mailer,
    /// How mails are sent.
    pub mail: MailSettings,
    /// How long a session lasts (the invitation page signs the new account in).
    pub token_ttl: chrono::Duration,
    /// How often saved searches are looked at for alerts.
    pub alert_interval: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("CORS_ALLOWED_ORIGINS: {0:?} is not an origin like https://jobs.example.org")]
    CorsOrigin(String),
    #[error("demo data: {0}")]
    Seed(#[from] SeedError),
    #[error("webhook secrets: {0}")]
    WebhookSecrets(#[source] crate::error::AppError),
    #[error("mail: {0}")]
    Mail(#[from] TransportError),
    #[error("document storage: {0}")]
    DocumentStorage(#[from] StorageError),
    #[error("{0}")]
    PersistedQueries(#[from] http::persisted_queries::ManifestError),
    #[error("the metrics recorder cannot be installed")]
    Metrics,
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    /// How long domain events are kept.
    event_retention: chrono::Duration,
    /// How long candidates' data, webhook deliveries and mails are kept.
    retention: crate::service::retention::Retention,
    /// Where the event bus LISTENs (a direct connection, past any pooler).
    listen_url: String,
    /// The listener of `/metrics`, when `METRICS_ADDR` is set.
    metrics: Option<(TcpListener, Router)>,
}

impl Application {
    /// Connects, migrates, seeds an empty database when asked, and binds the port.
    pub async fn build(config: ServerConfig) -> Result<Self, StartError> {
        let jwt = Arc::new(config.jwt_keys()?);
        config.limits.validate()?;
        let public_url = config.public_url()?;
        let db = db::connect_and_migrate(&config.database).await?;
        let indexed = crate::service::vacancy::search_document::refresh_missing(&db).await?;
        if indexed > 0 {
            tracing::info!(
                indexed,
                "wrote the search documents of vacancies that had none"
            );
        }
        if config.seeds_demo_data() && seed::is_empty(&db).await? {
            let (report, samples) =
                seed::first_start(&db, config.loads_samples(), chrono::Utc::now()).await?;
            tracing::info!(samples, "{report}");
        }
        let documents = document_storage(&config.storage, config.storage.document_storage)?;
        tracing::info!(
            backend = documents.backend().as_str(),
            "application documents are written to this storage"
        );
        let webhooks = webhook_settings(&config)?;
        let sealed = crate::service::webhook::seal_stored(&db, &webhooks.secrets)
            .await
            .map_err(StartError::WebhookSecrets)?;
        if sealed > 0 {
            tracing::info!(sealed, "sealed webhook secrets stored in the clear");
        }
        let listener = TcpListener::bind(config.bind_addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind_addr,
                source,
            })?;
        let local_addr = listener.local_addr().unwrap_or(config.bind_addr);
        let env = config.environment();
        let mailer = Mailer::new(
            public_url
                .as_deref()
                .unwrap_or(&format!("http://{local_addr}")),
            LinkSigner::derive(config.jwt.secret(env)?.as_bytes()),
        );
        let mail = mail_settings(&config)?;
        if let MailTransport::Files(dir) = &mail.transport {
            tracing::info!(
                dir = %dir.display(),
                "SMTP_URL is not set: mails are written as .eml files into this folder"
            );
        }
        let writes = Writes::default();
        let counts = CountCache::new(
            Duration::from_secs(config.count_cache_seconds),
            writes.clone(),
        );
        let settings = graphql::Settings {
            token_ttl: config.jwt.token_ttl(),
            sign_in_pacing: sign_in_pacing(&config),
            webhook_urls: webhooks.urls,
            webhook_secrets: webhooks.secrets.clone(),
            counts,
            exact_count_bound: config.exact_count_bound,
            writes: writes.clone(),
            document_quota_bytes: config.limits.max_document_bytes_per_account,
            mailer: mailer.clone(),
            documents,
        };
        let options = graphql::SchemaOptions::new(
            config.introspection,
            config.environment() == Environment::Development,
            &config.limits,
        );
        let read_db = db::connect_reader(&config.database, &db).await?;
        let state = AppState(Arc::new(Shared {
            read_db,
            schema: graphql::build_schema(
                Some((db.clone(), jwt.clone(), settings.clone())),
                options,
            ),
            ws_schema: graphql::schema_builder(Some((db.clone(), jwt.clone(), settings)), options)
                .extension(http::subscription::Admission)
                .finish(),
            db,
            jwt,
            forwarded_hops: config.forwarded_hops,
            limits: http::limits::RequestLimits::new(&config.limits),
            webhooks,
            persisted_queries: match &config.persisted_queries_manifest {
                Some(path) => http::persisted_queries::PersistedQueries::from_manifest(path)?,
                None => Default::default(),
            },
            bus: EventBus::new(event_bus::CAPACITY, writes.clone()),
            public_url,
            responses: ResponseCache::new(
                Duration::from_secs(config.response_cache_seconds),
                writes.clone(),
            ),
            documents: Default::default(),
            writes,
            mailer,
            mail,
            token_ttl: config.jwt.token_ttl(),
            alert_interval: Duration::from_secs(config.mail.alert_interval_seconds),
        }));
        let metrics = match config.metrics.metrics_addr {
            Some(addr) => Some(metrics_listener(&config, addr, &state).await?),
            None => None,
        };
        Ok(Self {
            metrics,
            listener,
            router: http::router(
                state.clone(),
                &http::HttpOptions {
                    timeout: Duration::from_secs(config.request_timeout_seconds),
                    cors_allowed_origins: config.cors_allowed_origins.clone(),
                    strict_transport_security: state
                        .public_url
                        .as_deref()
                        .is_some_and(|url| url.starts_with("https://")),
                },
            )?,
            state,
            event_retention: chrono::Duration::days(i64::from(config.event_retention_days)),
            retention: retention_settings(&config),
            listen_url: config.database.listen_url().to_owned(),
        })
    }

    /// Where `/metrics` is served, when it is.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `signal` resolves; then subscriptions end (each client gets `complete`
    /// and a close frame) and the requests in flight finish.
    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let closer = tokio::spawn(close_expired_vacancies(
            self.state.db.clone(),
            self.event_retention,
            self.retention,
        ));
        // Dropped (and so stopped) with this future, also when it is cancelled.
        let _deliveries =
            match webhook_delivery::Worker::new(self.state.db.clone(), self.state.webhooks.clone())
            {
                Ok(worker) => Some(AbortOnDrop(tokio::spawn(worker.run()))),
                Err(error) => {
                    tracing::error!(%error, "webhook deliveries cannot be sent: no HTTP client");
                    None
                }
            };
        let _mails = AbortOnDrop(tokio::spawn(
            MailWorker::new(self.state.db.clone(), self.state.mail.clone()).run(),
        ));
        let _alerts = AbortOnDrop(tokio::spawn(send_alerts(
            self.state.db.clone(),
            self.state.mailer.clone(),
            self.state.alert_interval,
        )));
        let bus = self.state.bus.clone();
        let dispatcher =
            event_bus::spawn_dispatcher(bus.clone(), self.state.db.clone(), self.listen_url);
        let _metrics = self.metrics.map(|(listener, router)| {
            AbortOnDrop(tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics listener stopped");
                }
            }))
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let stopping = bus.clone();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(async move {
                signal.await;
                // Subscriptions end and their connections close, so shutdown can finish.
                stopping.shut_down();
            })
            .await;
        bus.shut_down();
        closer.abort();
        let _ = dispatcher.await;
        result
    }
}

/// Binds `METRICS_ADDR` and installs the recorder.
async fn metrics_listener(
    config: &ServerConfig,
    addr: SocketAddr,
    state: &AppState,
) -> Result<(TcpListener, Router), StartError> {
    let handle = crate::metrics::install().ok_or(StartError::Metrics)?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let token = config
        .metrics
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty());
    if token.is_none() && !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "metrics are served without METRICS_TOKEN on an address other machines can reach"
        );
    }
    let router = http::metrics::router(http::metrics::Scrape {
        handle,
        token: token.map(Arc::from),
        db: state.db.clone(),
        bus: state.bus.clone(),
        max_connections: config.database.database_max_connections,
    });
    tracing::info!(%addr, "serving /metrics");
    Ok((listener, router))
}

/// Stops a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A request waits for its sign-in turn at most half its time, so the wait never times it out.
fn sign_in_pacing(config: &ServerConfig) -> account::Pacing {
    let max_delay = Duration::from_millis(config.limits.sign_in_max_delay_ms);
    account::Pacing {
        first_delay: Duration::from_millis(config.limits.sign_in_delay_ms),
        max_delay,
        max_wait: max_delay.min(Duration::from_secs(config.request_timeout_seconds) / 2),
    }
}

/// The retention periods of `RETENTION_MONTHS_AFTER_CLOSING`, `WEBHOOK_DELIVERY_RETENTION_DAYS`
/// and `MAIL_RETENTION_DAYS`.
pub fn retention_settings(config: &ServerConfig) -> crate::service::retention::Retention {
    let retention = &config.retention;
    crate::service::retention::Retention {
        months_after_closing: retention.retention_months_after_closing,
        webhook_delivery_days: retention.webhook_delivery_retention_days,
        mail_days: retention.mail_retention_days,
    }
}

/// The document storage that writes to `backend`, with the configured directory and bucket
/// readable (the server writes to `DOCUMENT_STORAGE`; `documents move` to its `--to`).
pub fn document_storage(
    config: &StorageConfig,
    backend: DocumentBackend,
) -> Result<DocumentStorage, StorageError> {
    let backend = match backend {
        DocumentBackend::Database => Backend::Database,
        DocumentBackend::Directory => Backend::Directory,
        DocumentBackend::S3 => Backend::S3,
    };
    let s3 = config.s3_bucket.as_ref().map(|bucket| S3Settings {
        bucket: bucket.clone(),
        endpoint: config.s3_endpoint.clone(),
        region: config.s3_region.clone(),
        access_key_id: config.s3_access_key_id.clone(),
        secret_access_key: config.s3_secret_access_key.clone(),
        allow_http: config.s3_allow_http,
    });
    DocumentStorage::new(backend, config.document_dir.as_deref(), s3.as_ref())
}

fn mail_settings(config: &ServerConfig) -> Result<MailSettings, StartError> {
    let mail = &config.mail;
    Ok(MailSettings {
        transport: MailTransport::new(
            mail.smtp_url.as_deref(),
            &mail.mail_dir,
            Duration::from_secs(mail.mail_timeout_seconds),
        )?,
        from: mail.from(config.environment())?,
        poll_interval: Duration::from_millis(mail.mail_poll_interval_ms),
        retry_base: Duration::from_millis(mail.mail_retry_base_ms),
        max_attempts: mail.mail_max_attempts,
    })
}

fn webhook_settings(config: &ServerConfig) -> Result<DeliverySettings, ConfigError> {
    let webhooks = &config.webhooks;
    let env = config.environment();
    let secrets = SecretBox::new(&webhooks.secret_key(env)?);
    Ok(DeliverySettings {
        poll_interval: Duration::from_millis(webhooks.webhook_poll_interval_ms),
        retry_base: Duration::from_millis(webhooks.webhook_retry_base_ms),
        retry_horizon: Duration::from_secs(webhooks.webhook_retry_horizon_seconds),
        timeout: Duration::from_secs(webhooks.webhook_timeout_seconds),
        urls: crate::service::webhook::UrlRules {
            allow_http: webhooks.allow_http(env),
            allow_private_networks: webhooks.allow_private_networks(env),
        },
        secrets,
    })
}

/// How often housekeeping runs: storing the status of notices past their deadline (reads never
/// wait for it: they treat a published notice past its closing instant as closed) and
/// forgetting old failed sign-ins and old domain events, and applying the retention periods.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

async fn close_expired_vacancies(
    db: DatabaseConnection,
    event_retention: chrono::Duration,
    retention: crate::service::retention::Retention,
) {
    let mut ticks = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        ticks.tick().await;
        let now = chrono::Utc::now();
        match vacancy::write::close_expired(&db, now).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "closed vacancies past their deadline"),
            Err(error) => tracing::warn!(%error, "could not close expired vacancies"),
        }
        if let Err(error) = account::purge_stale_throttles(&db, now).await {
            tracing::warn!(%error, "could not purge old sign-in failures");
        }
        if let Err(error) = account::purge_ended(&db, now).await {
            tracing::warn!(%error, "could not purge ended sessions and links");
        }
        match crate::service::retention::run(&db, &retention, now, false).await {
            Ok(report) if report.is_empty() => {}
            Ok(report) => tracing::info!(%report, "applied the retention periods"),
            Err(error) => tracing::warn!(%error, "could not apply the retention periods"),
        }
        match events::purge_older_than(&db, now - event_retention).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "forgot old domain events"),
            Err(error) => tracing::warn!(%error, "could not purge old domain events"),
        }
    }
}

/// Mails saved-search alerts and recruiters' digests; the first run is at start, so a replica
/// that restarts often still sends them.
async fn send_alerts(db: DatabaseConnection, mailer: Mailer, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match saved_search::send_due_alerts(&db, &mailer, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "queued saved-search alerts"),
            Err(error) => tracing::warn!(%error, "could not look for saved-search alerts"),
        }
        match application::send_due_digests(&db, &mailer, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "queued recruiters' digests"),
            Err(error) => tracing::warn!(%error, "could not look for recruiters' digests"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
