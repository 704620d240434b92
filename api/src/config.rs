//! One typed configuration, read from flags and the environment; bad values are refused at start.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

use crate::auth::jwt::JwtKeys;

pub mod limits;
pub mod mail;
pub mod metrics;
pub mod retention;
pub mod storage;

pub use limits::LimitsConfig;
pub use mail::MailConfig;
pub use metrics::MetricsConfig;
pub use retention::RetentionConfig;
pub use storage::{DocumentBackend, StorageConfig};

/// Where the server runs: development is forgiving and chatty, production strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// The environment a configuration runs in, and why (logged at start).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    pub env: Environment,
    pub reason: &'static str,
}

/// Settings shared by every subcommand that touches the database.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// Database to use: `sqlite://FILE?mode=rwc` (created if missing) or `postgres://…`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://jobboard.db?mode=rwc"
    )]
    pub database_url: String,

    /// Most connections the pool opens.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Log every SQL statement (target `jobboard::sql`, level INFO), in the span of the request
    /// that ran it.
    #[arg(long, env = "LOG_STATEMENTS")]
    pub log_statements: bool,

    /// Prepared statements each PostgreSQL connection keeps for reuse (sqlx's statement cache);
    /// 0 prepares every statement afresh and closes it after use, as a pooler in transaction
    /// mode (PgBouncer) needs.
    #[arg(long, env = "DATABASE_STATEMENT_CACHE", default_value_t = 100)]
    pub database_statement_cache: usize,

    /// A direct PostgreSQL connection (not through a transaction pooler) for the event bus's
    /// `LISTEN`, which holds its connection for good; default `DATABASE_URL`.
    #[arg(long, env = "DATABASE_LISTEN_URL", hide_env_values = true)]
    pub database_listen_url: Option<String>,

    /// A read-only copy of the database (a streaming replica) for anonymous reads, which may lag
    /// behind the primary; default `DATABASE_URL`. Signed-in callers always read the primary,
    /// so a writer reads its own writes.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
}

impl DatabaseConfig {
    /// The defaults, on `database_url`.
    pub fn for_url(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            database_max_connections: 10,
            log_statements: false,
            database_statement_cache: 100,
            database_listen_url: None,
            database_read_url: None,
        }
    }

    /// Where the event bus listens.
    pub fn listen_url(&self) -> &str {
        self.database_listen_url
            .as_deref()
            .unwrap_or(&self.database_url)
    }
}

/// How tokens are signed and checked.
#[derive(Debug, Clone, Args)]
pub struct JwtConfig {
    /// Secret that signs tokens (HS256), at least 32 bytes. Required in production.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// The `iss` claim tokens carry and must carry.
    #[arg(long, env = "JWT_ISSUER", default_value = "jobboard")]
    pub jwt_issuer: String,

    /// The `aud` claim tokens carry and must carry.
    #[arg(long, env = "JWT_AUDIENCE", default_value = "jobboard-api")]
    pub jwt_audience: String,

    /// How long a sign-in token lasts, in minutes.
    #[arg(long, env = "TOKEN_TTL_MINUTES", default_value_t = 60)]
    pub token_ttl_minutes: i64,
}

/// Signs development tokens when no `JWT_SECRET` is set; refused in production.
const DEVELOPMENT_SECRET: &str = "development-only-secret-do-not-use-in-production!";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("JWT_SECRET is required in production (at least 32 bytes)")]
    MissingSecret,
    #[error("JWT_SECRET must be at least 32 bytes")]
    WeakSecret,
    #[error("JWT_SECRET is the public development secret; set a secret of your own in production")]
    DevelopmentSecret,
    #[error("SMTP_URL is required in production: without it, no mail would reach anyone")]
    MissingSmtpUrl,
    #[error("MAIL_FROM is required in production (`Job board <no-reply@jobs.example.org>`)")]
    MissingMailFrom,
    #[error("MAIL_FROM is not a mailbox like `Job board <no-reply@jobs.example.org>`")]
    MailFrom,
    #[error("TOKEN_TTL_MINUTES must be between 1 and 10080 (a week)")]
    TokenTtl,
    #[error("{setting} must be {range}")]
    Limit {
        setting: &'static str,
        range: &'static str,
    },
    #[error("PUBLIC_URL must be an absolute http(s) URL without query or fragment, like https://jobs.example.org")]
    PublicUrl,
    #[error(
        "WEBHOOK_SECRET_KEY is required in production (32 bytes, base64: openssl rand -base64 32)"
    )]
    MissingWebhookKey,
    #[error("WEBHOOK_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)")]
    BadWebhookKey,
    #[error(
        "PUBLIC_URL is required in production: feed links must not come from the request's Host \
         header (set it to the address clients reach the server at, like https://api.jobs.example.org)"
    )]
    MissingPublicUrl,
    #[error(
        "the server binds {0}, which is not a loopback address, but tokens would be checked with \
         the public development secret: set JWT_SECRET (at least 32 bytes of your own), or bind \
         127.0.0.1"
    )]
    ExposedDevelopmentSecret(SocketAddr),
}

impl JwtConfig {
    /// The signing keys; without a secret, development uses a fixed one and says so loudly.
    pub fn keys(&self, env: Environment) -> Result<JwtKeys, ConfigError> {
        if !(1..=10_080).contains(&self.token_ttl_minutes) {
            return Err(ConfigError::TokenTtl);
        }
        JwtKeys::hs256(
            self.secret(env)?.as_bytes(),
            &self.jwt_issuer,
            &self.jwt_audience,
        )
        .map_err(|_| ConfigError::WeakSecret)
    }

    /// The secret tokens are signed with (and mail links' key is derived from).
    pub fn secret(&self, env: Environment) -> Result<&str, ConfigError> {
        let secret = match (&self.jwt_secret, env) {
            (Some(secret), Environment::Production) if secret == DEVELOPMENT_SECRET => {
                return Err(ConfigError::DevelopmentSecret)
            }
            (Some(secret), _) => secret.as_str(),
            (None, Environment::Production) => return Err(ConfigError::MissingSecret),
            (None, Environment::Development) => {
                tracing::warn!(
                    "JWT_SECRET is not set: signing tokens with the public DEVELOPMENT secret. \
                     Never run like this in production (APP_ENV=production refuses to)."
                );
                DEVELOPMENT_SECRET
            }
        };
        Ok(secret)
    }

    /// Whether tokens would be checked with the secret published in this repository.
    fn uses_development_secret(&self) -> bool {
        self.jwt_secret
            .as_deref()
            .is_none_or(|secret| secret == DEVELOPMENT_SECRET)
    }

    pub fn token_ttl(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.token_ttl_minutes)
    }
}

impl Default for JwtConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_issuer: "jobboard".into(),
            jwt_audience: "jobboard-api".into(),
            token_ttl_minutes: 60,
        }
    }
}

/// Settings of the HTTP server.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    #[command(flatten)]
    pub jwt: JwtConfig,

    /// Address and port to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8000")]
    pub bind_addr: SocketAddr,

    /// `development` or `production`. Unset, the server runs in development only when it is
    /// plainly local (it binds a loopback address and uses SQLite), in production otherwise.
    #[arg(long, env = "APP_ENV", value_enum)]
    pub app_env: Option<Environment>,

    /// Seed the demo data into an empty database at start (default: in development only).
    #[arg(long, env = "SEED_DEMO_DATA", action = clap::ArgAction::Set)]
    pub seed_demo_data: Option<bool>,

    /// With the demo data, also load a few hundred sample notices (open, marked `isSample`)
    /// into an empty database (default true). Development only: production never loads them.
    #[arg(long, env = "SEED_SAMPLES", action = clap::ArgAction::Set)]
    pub seed_samples: Option<bool>,

    /// Longest a request may take, in seconds, before it is answered 408.
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub request_timeout_seconds: u64,

    /// Whether the schema answers introspection (the playground and code generators need it).
    #[arg(long, env = "GRAPHQL_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// How many trusted proxies (load balancers) stand in front of the server and append the
    /// client's address to `X-Forwarded-For`; 0 trusts no such header.
    #[arg(long, env = "FORWARDED_HOPS", default_value_t = 0)]
    pub forwarded_hops: usize,

    /// How long list totals (`totalCount`) and vacancy facets are reused, in seconds, unless
    /// something they count is written first (a mutation, or any replica's domain event, drops
    /// them); 0 counts on every request. Past it, the next request recounts while the others
    /// still get the old count. Counting the public list of open vacancies reads most of the
    /// table; a reused count can lag a deadline passing, or another replica's new draft, by up
    /// to twice this.
    #[arg(long, env = "COUNT_CACHE_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub count_cache_seconds: u64,

    /// Up to how many vacancies a list's `totalCount` is exact when no facet is asked for: past
    /// it, the count stops there and `totalCountIsExact` is false. With facets it is always exact.
    #[arg(long, env = "EXACT_COUNT_BOUND", default_value_t = crate::service::vacancy::listing::EXACT_COUNT_BOUND, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub exact_count_bound: u64,

    /// How long a response to an anonymous query is reused for the same query and variables,
    /// in seconds, unless the catalogue is written first (as for `COUNT_CACHE_SECONDS`); 0
    /// executes every request. A reused response can show a deadline that just passed as still
    /// open for up to twice this.
    #[arg(long, env = "RESPONSE_CACHE_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub response_cache_seconds: u64,

    /// Browser origins allowed to call the API from another site, comma-separated
    /// (`https://jobs.example.org`); none by default.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,

    #[command(flatten)]
    pub limits: LimitsConfig,
    /// How many days domain events (vacancy published, application moved, …) are kept before
    /// housekeeping deletes them.
    #[arg(long, env = "EVENT_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub event_retention_days: u32,
    /// The server's public address (`https://api.jobs.example.org`), for the absolute links of
    /// the Atom feed; by default taken from each request's `Host` header.
    #[arg(long, env = "PUBLIC_URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub webhooks: WebhookConfig,
    #[command(flatten)]
    pub mail: MailConfig,
    #[command(flatten)]
    pub retention: RetentionConfig,
    #[command(flatten)]
    pub storage: StorageConfig,
    #[command(flatten)]
    pub metrics: MetricsConfig,
    /// An Apollo persisted-query manifest: when set, only its documents are served by hash and
    /// clients cannot register others (automatic persisted queries become an allow-list).
    #[arg(long, env = "PERSISTED_QUERIES_MANIFEST")]
    pub persisted_queries_manifest: Option<std::path::PathBuf>,
}

impl ServerConfig {
    /// The environment asked for by `APP_ENV`; unset, development only for a plainly local
    /// server, so that a forgotten setting never opens a deployed one.
    pub fn mode(&self) -> Mode {
        let (env, reason) = match self.app_env {
            Some(Environment::Production) => (Environment::Production, "APP_ENV=production"),
            Some(Environment::Development) => (Environment::Development, "APP_ENV=development"),
            None if self.is_plainly_local() => (
                Environment::Development,
                "APP_ENV is unset and the server is plainly local (loopback address, SQLite)",
            ),
            None => (
                Environment::Production,
                "APP_ENV is unset and the server is not plainly local (it binds a non-loopback \
                 address or uses PostgreSQL)",
            ),
        };
        Mode { env, reason }
    }

    pub fn environment(&self) -> Environment {
        self.mode().env
    }

    /// Reachable from this machine only, with a database no other machine shares.
    fn is_plainly_local(&self) -> bool {
        let url = self.database.database_url.trim_start().to_ascii_lowercase();
        self.bind_addr.ip().is_loopback() && url.starts_with("sqlite:")
    }

    /// The signing keys. The public development secret never checks tokens on an address
    /// others can reach, whatever `APP_ENV` says.
    pub fn jwt_keys(&self) -> Result<JwtKeys, ConfigError> {
        let env = self.environment();
        if env == Environment::Development
            && !self.bind_addr.ip().is_loopback()
            && self.jwt.uses_development_secret()
        {
            return Err(ConfigError::ExposedDevelopmentSecret(self.bind_addr));
        }
        self.jwt.keys(env)
    }

    /// Whether to load the demo data into an empty database: asked, or by default in development.
    pub fn seeds_demo_data(&self) -> bool {
        self.seed_demo_data
            .unwrap_or(self.environment() == Environment::Development)
    }

    /// Whether an empty database also gets the sample notices: with the demo data, in
    /// development only (whatever `SEED_SAMPLES` says in production), unless refused.
    pub fn loads_samples(&self) -> bool {
        self.environment() == Environment::Development
            && self.seeds_demo_data()
            && self.seed_samples.unwrap_or(true)
    }

    /// A configuration for tests and tools: the given database, any free port, no seeding.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database: DatabaseConfig {
                database_max_connections: 5,
                ..DatabaseConfig::for_url(database_url)
            },
            jwt: JwtConfig::default(),
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            // Asked for by name: tests run on PostgreSQL too, which alone would mean production.
            app_env: Some(Environment::Development),
            seed_demo_data: Some(false),
            seed_samples: Some(false),
            request_timeout_seconds: 10,
            introspection: true,
            cors_allowed_origins: Vec::new(),
            forwarded_hops: 0,
            // The default limits, but a rate no test's burst of requests reaches, and sign-in
            // delays of milliseconds, not seconds.
            limits: LimitsConfig {
                rate_limit_operations_per_minute: 60_000,
                rate_limit_burst: 10_000,
                sign_in_delay_ms: 20,
                sign_in_max_delay_ms: 100,
                ..LimitsConfig::default()
            },
            event_retention_days: 30,
            public_url: None,
            webhooks: WebhookConfig::default(),
            // Each test's development mails in a folder of its own, polled often.
            mail: MailConfig {
                mail_dir: std::env::temp_dir()
                    .join(format!("jobboard-mail-{}", uuid::Uuid::new_v4().simple())),
                mail_poll_interval_ms: 50,
                mail_retry_base_ms: 200,
                alert_interval_seconds: 1,
                ..MailConfig::default()
            },
            persisted_queries_manifest: None,
            retention: RetentionConfig::default(),
            storage: StorageConfig::default(),
            metrics: MetricsConfig::default(),
            // Counted and executed on every request: tests also write straight to the database.
            count_cache_seconds: 0,
            response_cache_seconds: 0,
            exact_count_bound: crate::service::vacancy::listing::EXACT_COUNT_BOUND,
        }
    }

    /// The public address without its trailing slash, checked: absolute http(s), no query.
    /// Required in production: links built from a request's `Host` are the caller's to choose,
    /// and feeds are cached publicly.
    pub fn public_url(&self) -> Result<Option<String>, ConfigError> {
        let Some(url) = self.public_url.as_deref().map(str::trim) else {
            return match self.environment() {
                Environment::Production => Err(ConfigError::MissingPublicUrl),
                Environment::Development => Ok(None),
            };
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or(ConfigError::PublicUrl)?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || url.contains(['?', '#', ' ', '"', '<', '>']) {
            return Err(ConfigError::PublicUrl);
        }
        Ok(Some(url.trim_end_matches('/').to_owned()))
    }
}

/// How webhook deliveries are sent and retried.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Allow `http://` webhook URLs (default: in development only; production requires https).
    #[arg(long, env = "WEBHOOK_ALLOW_HTTP", action = clap::ArgAction::Set)]
    pub webhook_allow_http: Option<bool>,

    /// Allow webhook URLs on loopback, private and link-local addresses (default: in
    /// development only).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE_NETWORKS", action = clap::ArgAction::Set)]
    pub webhook_allow_private_networks: Option<bool>,

    /// How often the delivery worker looks for deliveries that are due, in milliseconds.
    #[arg(long, env = "WEBHOOK_POLL_INTERVAL_MS", default_value_t = 1_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub webhook_poll_interval_ms: u64,

    /// The delay before the first retry, in milliseconds; each further retry waits twice as
    /// long (at most 6 hours, with ±20 % jitter).
    #[arg(long, env = "WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub webhook_retry_base_ms: u64,

    /// How long a failing delivery is retried, in seconds from when it was queued, before it is
    /// marked FAILED (default 25 hours).
    #[arg(long, env = "WEBHOOK_RETRY_HORIZON_SECONDS", default_value_t = 90_000, value_parser = clap::value_parser!(u64).range(0..=2_592_000))]
    pub webhook_retry_horizon_seconds: u64,

    /// How long one delivery request may take, in seconds.
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=60))]
    pub webhook_timeout_seconds: u64,

    /// The key endpoints' signing secrets are sealed under at rest: 32 bytes, base64. Required
    /// in production; development falls back to a published key, with a warning.
    #[arg(long, env = "WEBHOOK_SECRET_KEY", hide_env_values = true)]
    pub webhook_secret_key: Option<String>,
}

/// Seals development servers' webhook secrets; published here, so never for production.
const DEVELOPMENT_WEBHOOK_KEY: &[u8; 32] = b"development-webhook-key-public!!";

impl WebhookConfig {
    /// The key endpoints' secrets are sealed under: the configured one; in development without
    /// one, a published key, with a warning.
    pub fn secret_key(&self, env: Environment) -> Result<[u8; 32], ConfigError> {
        use base64::Engine;

        match (&self.webhook_secret_key, env) {
            (Some(encoded), _) => {
                let key: [u8; 32] = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or(ConfigError::BadWebhookKey)?;
                Ok(key)
            }
            (None, Environment::Production) => Err(ConfigError::MissingWebhookKey),
            (None, Environment::Development) => {
                tracing::warn!(
                    "WEBHOOK_SECRET_KEY is not set: webhook secrets are sealed under a published \
                     development key"
                );
                Ok(*DEVELOPMENT_WEBHOOK_KEY)
            }
        }
    }
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            webhook_allow_http: None,
            webhook_allow_private_networks: None,
            webhook_poll_interval_ms: 1_000,
            webhook_retry_base_ms: 30_000,
            webhook_retry_horizon_seconds: 90_000,
            webhook_timeout_seconds: 10,
            webhook_secret_key: None,
        }
    }
}

impl WebhookConfig {
    pub fn allow_http(&self, env: Environment) -> bool {
        self.webhook_allow_http
            .unwrap_or(env == Environment::Development)
    }

    pub fn allow_private_networks(&self, env: Environment) -> bool {
        self.webhook_allow_private_networks
            .unwrap_or(env == Environment::Development)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_to_start_without_a_strong_secret() {
        let missing = JwtConfig::default();
        assert!(matches!(
            missing.keys(Environment::Production),
            Err(ConfigError::MissingSecret)
        ));
        let weak = JwtConfig {
            jwt_secret: Some("short".into()),
            ..JwtConfig::default()
        };
        assert!(matches!(
            weak.keys(Environment::Production),
            Err(ConfigError::WeakSecret)
        ));
        assert!(matches!(
            weak.keys(Environment::Development),
            Err(ConfigError::WeakSecret)
        ));
        let strong = JwtConfig {
            jwt_secret: Some("x".repeat(32)),
            ..JwtConfig::default()
        };
        assert!(strong.keys(Environment::Production).is_ok());
        let public = JwtConfig {
            jwt_secret: Some(DEVELOPMENT_SECRET.into()),
            ..JwtConfig::default()
        };
        assert!(matches!(
            public.keys(Environment::Production),
            Err(ConfigError::DevelopmentSecret)
        ));
    }

    #[test]
    fn public_urls_are_absolute_http_addresses() {
        let with = |url: &str| ServerConfig {
            public_url: Some(url.into()),
            ..ServerConfig::for_database("sqlite::memory:")
        };
        assert_eq!(
            with("https://jobs.example.org/").public_url().unwrap(),
            Some("https://jobs.example.org".to_owned())
        );
        assert!(with("jobs.example.org").public_url().is_err());
        assert!(with("https://").public_url().is_err());
        assert!(with("https://x.org/?a=1").public_url().is_err());
        assert_eq!(
            ServerConfig::for_database("sqlite::memory:")
                .public_url()
                .unwrap(),
            None
        );
    }

    fn config(app_env: Option<Environment>, bind: &str, database_url: &str) -> ServerConfig {
        ServerConfig {
            app_env,
            bind_addr: bind.parse().unwrap(),
            ..ServerConfig::for_database(database_url)
        }
    }

    #[test]
    fn an_unset_environment_is_development_only_when_plainly_local() {
        let sqlite = "sqlite://jobboard.db?mode=rwc";
        let postgres = "postgres://jobboard@db.internal/jobboard";
        let local = [("127.0.0.1:8000", sqlite), ("[::1]:8000", sqlite)];
        for (bind, url) in local {
            assert_eq!(
                config(None, bind, url).environment(),
                Environment::Development,
                "{bind} {url}"
            );
        }
        let deployed = [
            ("0.0.0.0:8000", sqlite),
            ("10.1.2.3:8000", sqlite),
            ("[::]:8000", sqlite),
            ("127.0.0.1:8000", postgres),
            ("0.0.0.0:8000", postgres),
        ];
        for (bind, url) in deployed {
            assert_eq!(
                config(None, bind, url).environment(),
                Environment::Production,
                "{bind} {url}"
            );
        }
        // Asked for by name, either way.
        let asked = config(Some(Environment::Development), "127.0.0.1:8000", postgres);
        assert_eq!(asked.environment(), Environment::Development);
        let asked = config(Some(Environment::Production), "127.0.0.1:8000", sqlite);
        assert_eq!(asked.environment(), Environment::Production);
    }

    #[test]
    fn samples_load_in_development_only() {
        let local = ServerConfig {
            seed_demo_data: None,
            seed_samples: None,
            ..config(None, "127.0.0.1:8000", "sqlite://jobboard.db?mode=rwc")
        };
        assert!(local.loads_samples());
        let refused = ServerConfig {
            seed_samples: Some(false),
            ..local.clone()
        };
        assert!(!refused.loads_samples());
        // Asked for by name in production, they still stay out, with the demo data or not.
        for seed_demo_data in [None, Some(true)] {
            let production = ServerConfig {
                seed_demo_data,
                seed_samples: Some(true),
                ..config(
                    Some(Environment::Production),
                    "127.0.0.1:8000",
                    "sqlite://j.db",
                )
            };
            assert!(!production.loads_samples());
            let deployed = ServerConfig {
                seed_demo_data,
                seed_samples: None,
                ..config(None, "0.0.0.0:8000", "postgres://db.internal/jobboard")
            };
            assert!(!deployed.loads_samples());
        }
    }

    #[test]
    fn an_unset_environment_on_a_deployed_server_has_no_conveniences() {
        let deployed = ServerConfig {
            seed_demo_data: None,
            ..config(None, "0.0.0.0:8000", "sqlite://jobboard.db?mode=rwc")
        };
        assert!(!deployed.seeds_demo_data());
        assert!(!deployed.webhooks.allow_http(deployed.environment()));
        assert!(!deployed
            .webhooks
            .allow_private_networks(deployed.environment()));
        assert!(matches!(
            deployed.jwt_keys(),
            Err(ConfigError::MissingSecret)
        ));
    }

    #[test]
    fn the_development_secret_never_checks_tokens_on_a_reachable_address() {
        let development = Some(Environment::Development);
        let reachable = config(development, "0.0.0.0:8000", "sqlite://jobboard.db");
        assert!(matches!(
            reachable.jwt_keys(),
            Err(ConfigError::ExposedDevelopmentSecret(_))
        ));
        let named = ServerConfig {
            jwt: JwtConfig {
                jwt_secret: Some(DEVELOPMENT_SECRET.into()),
                ..JwtConfig::default()
            },
            ..reachable.clone()
        };
        assert!(matches!(
            named.jwt_keys(),
            Err(ConfigError::ExposedDevelopmentSecret(_))
        ));
        let own = ServerConfig {
            jwt: JwtConfig {
                jwt_secret: Some("x".repeat(32)),
                ..JwtConfig::default()
            },
            ..reachable
        };
        assert!(own.jwt_keys().is_ok());
        let local = config(
            development,
            "127.0.0.1:8000",
            "postgres://localhost/jobboard",
        );
        assert!(local.jwt_keys().is_ok());
    }

    #[test]
    fn production_requires_a_public_url() {
        let production = config(
            Some(Environment::Production),
            "127.0.0.1:0",
            "sqlite::memory:",
        );
        assert!(matches!(
            production.public_url(),
            Err(ConfigError::MissingPublicUrl)
        ));
        let with = ServerConfig {
            public_url: Some("https://jobs.example.org".into()),
            ..production
        };
        assert_eq!(
            with.public_url().unwrap().as_deref(),
            Some("https://jobs.example.org")
        );
    }

    #[test]
    fn development_falls_back_to_the_development_secret() {
        assert!(JwtConfig::default().keys(Environment::Development).is_ok());
    }

    #[test]
    fn token_lifetimes_are_bounded() {
        let config = JwtConfig {
            token_ttl_minutes: 0,
            ..JwtConfig::default()
        };
        assert!(matches!(
            config.keys(Environment::Development),
            Err(ConfigError::TokenTtl)
        ));
    }

    #[test]
    fn webhook_secrets_need_a_key_of_their_own_in_production() {
        let mut webhooks = WebhookConfig::default();
        assert!(matches!(
            webhooks.secret_key(Environment::Production),
            Err(ConfigError::MissingWebhookKey)
        ));
        assert_eq!(
            webhooks.secret_key(Environment::Development).unwrap(),
            *DEVELOPMENT_WEBHOOK_KEY
        );
        webhooks.webhook_secret_key = Some("c2hvcnQ=".into());
        assert!(matches!(
            webhooks.secret_key(Environment::Production),
            Err(ConfigError::BadWebhookKey)
        ));
        webhooks.webhook_secret_key = Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
        assert_eq!(
            webhooks.secret_key(Environment::Production).unwrap()[31],
            31
        );
    }
}
