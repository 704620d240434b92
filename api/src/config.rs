//! One typed configuration, read from flags and the environment; bad values are refused at start.

use std::net::SocketAddr;

use clap::{Args, ValueEnum};

/// Where the server runs: development is forgiving and chatty, production strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
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
}

/// Settings of the HTTP server.
#[derive(Debug, Clone, Args)]
pub struct ServerConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,

    /// Address and port to listen on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8000")]
    pub bind_addr: SocketAddr,

    /// `development` or `production`.
    #[arg(long, env = "APP_ENV", value_enum, default_value = "development")]
    pub app_env: Environment,

    /// Seed the demo data into an empty database at start.
    #[arg(long, env = "SEED_DEMO_DATA", default_value_t = true, action = clap::ArgAction::Set)]
    pub seed_demo_data: bool,
}

impl ServerConfig {
    /// A configuration for tests and tools: the given database, any free port, no seeding.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database: DatabaseConfig {
                database_url: database_url.into(),
                database_max_connections: 5,
            },
            bind_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            app_env: Environment::Development,
            seed_demo_data: false,
        }
    }
}
