//! Command line: `serve` (the default), `migrate`, `seed`, `export-schema`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migration::MigratorTrait;

use crate::app::Application;
use crate::config::{DatabaseConfig, Environment, ServerConfig};
use crate::{db, graphql, seed, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "jobboard",
    version,
    about = "GraphQL job board API for international agencies"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServerConfig,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the HTTP server (migrates, and seeds an empty database).
    Serve,
    /// Apply pending migrations, or roll the last ones back.
    Migrate {
        /// Roll back this many migrations instead of applying.
        #[arg(long)]
        down: Option<u32>,
    },
    /// Load the demo data built from the vacancy notices (idempotent).
    Seed {
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Write the GraphQL schema (SDL), or check that a file matches it.
    ExportSchema {
        /// File to write or check.
        #[arg(long, default_value = "schema.graphql")]
        path: PathBuf,
        /// Fail if the file differs from the schema instead of writing it.
        #[arg(long)]
        check: bool,
    },
}

pub async fn run(cli: Cli) -> ExitCode {
    telemetry::init(cli.serve.app_env);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.serve).await,
        Command::Migrate { down } => migrate(&cli.serve.database, down).await,
        Command::Seed { database } => seed_demo(&database).await,
        Command::ExportSchema { path, check } => export_schema(&path, check),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: ServerConfig) -> Result<(), String> {
    if config.app_env == Environment::Development {
        tracing::info!("running in development mode");
    }
    let app = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        "listening on http://{addr}; playground at http://{addr}/graphql",
        addr = app.local_addr()
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

async fn migrate(config: &DatabaseConfig, down: Option<u32>) -> Result<(), String> {
    let conn = db::connect(config).await.map_err(|e| e.to_string())?;
    match down {
        Some(steps) => migration::Migrator::down(&conn, Some(steps)).await,
        None => migration::Migrator::up(&conn, None).await,
    }
    .map_err(|e| format!("migration failed: {e}"))?;
    tracing::info!("migrations done");
    Ok(())
}

async fn seed_demo(config: &DatabaseConfig) -> Result<(), String> {
    let conn = db::connect_and_migrate(config)
        .await
        .map_err(|e| e.to_string())?;
    let report = seed::load_demo(&conn).await.map_err(|e| e.to_string())?;
    tracing::info!("{report}");
    Ok(())
}

fn export_schema(path: &PathBuf, check: bool) -> Result<(), String> {
    let sdl = graphql::sdl();
    if check {
        let current = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if current != sdl {
            return Err(format!(
                "{} is out of date: run `cargo run -- export-schema` and commit it",
                path.display()
            ));
        }
        tracing::info!("{} matches the schema", path.display());
        return Ok(());
    }
    std::fs::write(path, sdl).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tracing::info!("wrote {}", path.display());
    Ok(())
}
