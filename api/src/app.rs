//! Building the application: database, schema and router, shared by `main` and the tests.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::net::TcpListener;

use crate::auth::jwt::JwtKeys;
use crate::config::{ConfigError, Environment, ServerConfig};
use crate::graphql::{self, AppSchema};
use crate::seed::{self, SeedError};
use crate::service::{account, vacancy_write};
use crate::{db, http};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    pub jwt: Arc<JwtKeys>,
    /// How many proxies in front of the server append to `X-Forwarded-For`.
    pub forwarded_hops: usize,
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
}

impl Application {
    /// Connects, migrates, seeds an empty database when asked, and binds the port.
    pub async fn build(config: ServerConfig) -> Result<Self, StartError> {
        let jwt = Arc::new(config.jwt.keys(config.app_env)?);
        let db = db::connect_and_migrate(&config.database).await?;
        if config.seeds_demo_data() && seed::is_empty(&db).await? {
            let report = seed::load_demo(&db).await?;
            tracing::info!("{report}");
        }
        let settings = graphql::Settings {
            token_ttl: config.jwt.token_ttl(),
            total_count_ttl: Duration::from_secs(config.total_count_cache_seconds),
        };
        let state = AppState {
            schema: graphql::build_schema(
                Some((db.clone(), jwt.clone(), settings)),
                graphql::SchemaOptions {
                    introspection: config.introspection,
                    suggestions: config.app_env == Environment::Development,
                },
            ),
            db,
            jwt,
            forwarded_hops: config.forwarded_hops,
        };
        let listener = TcpListener::bind(config.bind_addr)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind_addr,
                source,
            })?;
        Ok(Self {
            listener,
            router: http::router(
                state.clone(),
                &http::HttpOptions {
                    timeout: Duration::from_secs(config.request_timeout_seconds),
                    cors_allowed_origins: config.cors_allowed_origins.clone(),
                },
            )?,
            state,
        })
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
        let closer = tokio::spawn(close_expired_vacancies(self.state.db.clone()));
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        closer.abort();
        result
    }
}

/// How often housekeeping runs: storing the status of notices past their deadline (reads never
/// wait for it: they treat a published notice past its closing instant as closed) and
/// forgetting old failed sign-ins.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);

async fn close_expired_vacancies(db: DatabaseConnection) {
    let mut ticks = tokio::time::interval(HOUSEKEEPING_EVERY);
    loop {
        ticks.tick().await;
        let now = chrono::Utc::now();
        match vacancy_write::close_expired(&db, now).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "closed vacancies past their deadline"),
            Err(error) => tracing::warn!(%error, "could not close expired vacancies"),
        }
        if let Err(error) = account::purge_stale_throttles(&db, now).await {
            tracing::warn!(%error, "could not purge old sign-in failures");
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
