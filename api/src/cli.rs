//! Command line: `serve` (the default), `migrate`, `seed`, `export-schema`, `token`,
//! `retention`, `documents move`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use entity::account;
use migration::MigratorTrait;
use sea_orm::DatabaseConnection;

use crate::app::Application;
use crate::auth::jwt::{IssuedToken, JwtKeys};
use crate::config::{DatabaseConfig, DocumentBackend, Environment, ServerConfig};
use crate::domain::Role;
use crate::{db, graphql, seed, service, telemetry};

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
    /// Load the demo data built from the vacancy notices (idempotent), or, with
    /// `--synthetic N`, generate N synthetic vacancies and their surroundings instead, or, with
    /// `--remove-samples`, delete the sample notices (and any application to them).
    Seed {
        #[command(flatten)]
        database: DatabaseConfig,
        /// Delete every sample notice (`isSample`) in one transaction, with its sections,
        /// search document and any application made to it; the real notices stay.
        #[arg(long, conflicts_with = "synthetic")]
        remove_samples: bool,
        #[command(flatten)]
        synthetic: SyntheticArgs,
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
    /// Mint an access token for development and scripts; prints only the token, on stdout.
    #[command(long_about = TOKEN_HELP)]
    Token(TokenArgs),
    /// Apply the retention periods now (anonymise applications of vacancies closed long ago,
    /// delete old webhook deliveries and mails) and print how many of each went; with
    /// `--dry-run`, only print how many would.
    Retention {
        /// Count what would go, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Manage where application documents are stored.
    #[command(subcommand)]
    Documents(DocumentsCommand),
}

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Move every document to one storage backend (with the storage settings of `serve`):
    /// each is copied, checked against its sha256, switched over, and only then deleted from
    /// its old place. Safe to run again after a crash or a failure.
    Move {
        /// The backend to move documents to.
        #[arg(long, value_enum)]
        to: DocumentBackend,
    },
}

const TOKEN_HELP: &str = "\
Mint an access token for development and scripts, signed with the configured JWT settings
(JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE; the development secret when JWT_SECRET is unset in
development). Only the token is printed, on stdout, so that a script can capture it:

    TOKEN=$(cargo run -q -- token --role RECRUITER --org IOM)
    curl -H \"Authorization: Bearer $TOKEN\" ...

A token always speaks for a real, active account (each request re-reads it):
  * with --subject-account ID, that account; its role and organisation must be --role and --org;
  * otherwise the oldest active account with that role (and organisation), so that repeated
    calls speak for the same account;
  * if there is none, in development only, one is created once and reused afterwards:
    `<role>.<org>@dev.jobboard.invalid` (e.g. recruiter.iom@dev.jobboard.invalid), with no
    password (it cannot sign in, only minted tokens speak for it). In production nothing is
    created: invite the account first (inviteAccount) or pass --subject-account.

In development the database is migrated (and seeded when empty, as `serve` does) first, so the
command works on a fresh checkout.";

/// Options of `seed --synthetic`.
#[derive(Debug, Clone, Args)]
pub struct SyntheticArgs {
    /// Generate this many synthetic vacancies (with organisations, projects and applications)
    /// instead of loading the demo data; refused on a database that already holds them.
    #[arg(long, value_name = "N")]
    pub synthetic: Option<usize>,

    /// Synthetic organisations to generate (ORG001…; 1 to 999).
    #[arg(long, value_name = "K", default_value_t = 100, requires = "synthetic")]
    pub organisations: usize,

    /// Synthetic projects to generate (PRJ0001…; at most 9999).
    #[arg(
        long,
        value_name = "P",
        default_value_t = 2_000,
        requires = "synthetic"
    )]
    pub projects: usize,

    /// Synthetic applications to spread over the published vacancies.
    #[arg(long, value_name = "A", default_value_t = 0, requires = "synthetic")]
    pub applications: usize,
}

/// What the `token` command mints.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The account's role: CANDIDATE, RECRUITER, AGENCY_ADMIN or PLATFORM_ADMIN.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,

    /// The organisation, by any acronym (IOM, OIM, ILO…); required for RECRUITER and
    /// AGENCY_ADMIN, refused for the other roles.
    #[arg(long)]
    pub org: Option<String>,

    /// Speak for this account (its row id) instead of the oldest active one with the role.
    #[arg(long)]
    pub subject_account: Option<i32>,

    /// How long the token lasts, in minutes (1 to 10080); TOKEN_TTL_MINUTES by default.
    #[arg(long)]
    pub ttl_minutes: Option<i64>,
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(&value.trim().to_uppercase().replace('-', "_"))
        .ok_or_else(|| "expected CANDIDATE, RECRUITER, AGENCY_ADMIN or PLATFORM_ADMIN".to_owned())
}

/// A minted token and the account it speaks for.
#[derive(Debug, Clone)]
pub struct MintedToken {
    pub token: IssuedToken,
    pub account: account::Model,
}

/// The `token` command without its input and output: finds (or, in development, creates) the
/// account and signs a token for it. `default_ttl` applies when `--ttl-minutes` is not given.
pub async fn mint_token(
    db: &DatabaseConnection,
    keys: &JwtKeys,
    env: Environment,
    default_ttl: chrono::Duration,
    args: &TokenArgs,
) -> Result<MintedToken, String> {
    let ttl = match args.ttl_minutes {
        Some(minutes) if (1..=10_080).contains(&minutes) => chrono::Duration::minutes(minutes),
        Some(_) => return Err("--ttl-minutes must be between 1 and 10080 (a week)".to_owned()),
        None => default_ttl,
    };
    let organisation = match (args.role, args.org.as_deref()) {
        (Role::Recruiter | Role::AgencyAdmin, None) => {
            return Err(format!("--org is required for {}", args.role.as_str()))
        }
        (Role::Recruiter | Role::AgencyAdmin, Some(acronym)) => Some(
            service::organisation::find_by_acronym(db, acronym)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no organisation has the acronym {acronym:?}"))?,
        ),
        (Role::Candidate | Role::PlatformAdmin, Some(_)) => {
            return Err(format!(
                "{} accounts belong to no organisation: drop --org",
                args.role.as_str()
            ))
        }
        (Role::Candidate | Role::PlatformAdmin, None) => None,
    };
    let organisation_id = organisation.as_ref().map(|org| org.id);
    let describe = || match &organisation {
        Some(org) => format!("{} of {}", args.role.as_str(), org.acronym),
        None => args.role.as_str().to_owned(),
    };

    let account = match args.subject_account {
        Some(id) => {
            let account = service::account::find_active(db, id)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no active account has the id {id}"))?;
            if account.role != args.role.as_str() || account.organisation_id != organisation_id {
                return Err(format!("account {id} is not a {}", describe()));
            }
            account
        }
        None => {
            let found = service::account::first_active(db, args.role, organisation_id)
                .await
                .map_err(|e| e.to_string())?;
            match (found, env) {
                (Some(account), _) => account,
                (None, Environment::Development) => {
                    let account = service::account::create_development_account(
                        db,
                        args.role,
                        organisation.as_ref(),
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                    tracing::info!(
                        email = %account.email,
                        "created a development account ({})",
                        describe()
                    );
                    account
                }
                (None, Environment::Production) => {
                    return Err(format!(
                        "no active {} account: invite one with inviteAccount, \
                         or pass --subject-account",
                        describe()
                    ))
                }
            }
        }
    };
    let signing = service::account::Signing {
        keys,
        ttl,
        pacing: service::account::Pacing::default(),
    };
    let signed_in = service::account::start_session(db, signing, account)
        .await
        .map_err(|e| e.to_string())?;
    Ok(MintedToken {
        token: signed_in.token,
        account: signed_in.account,
    })
}

// The token is the command's output, meant to be captured by a script; logs go to stderr.
#[allow(clippy::print_stdout)]
async fn token(config: &ServerConfig, args: &TokenArgs) -> Result<(), String> {
    let keys = config.jwt_keys().map_err(|e| e.to_string())?;
    let env = config.environment();
    let conn = match env {
        Environment::Development => {
            let conn = db::connect_and_migrate(&config.database)
                .await
                .map_err(|e| e.to_string())?;
            if config.seeds_demo_data() && seed::is_empty(&conn).await.map_err(|e| e.to_string())? {
                let (report, samples) =
                    seed::first_start(&conn, config.loads_samples(), chrono::Utc::now())
                        .await
                        .map_err(|e| e.to_string())?;
                tracing::info!(samples, "{report}");
            }
            conn
        }
        Environment::Production => db::connect(&config.database)
            .await
            .map_err(|e| e.to_string())?,
    };
    let minted = mint_token(&conn, &keys, env, config.jwt.token_ttl(), args).await?;
    tracing::info!(
        account = minted.account.id,
        email = %minted.account.email,
        expires_at = %minted.token.expires_at,
        "minted a token"
    );
    println!("{}", minted.token.token);
    Ok(())
}

pub async fn run(cli: Cli) -> ExitCode {
    telemetry::init(cli.serve.environment());
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.serve).await,
        Command::Migrate { down } => migrate(&cli.serve.database, down).await,
        Command::Seed {
            database,
            remove_samples: true,
            ..
        } => remove_samples(&database).await,
        Command::Seed {
            database,
            synthetic,
            ..
        } => match synthetic.synthetic {
            Some(vacancies) => seed_synthetic(&database, &synthetic, vacancies).await,
            None => seed_demo(&database).await,
        },
        Command::ExportSchema { path, check } => export_schema(&path, check),
        Command::Token(args) => token(&cli.serve, &args).await,
        Command::Retention { dry_run } => retention(&cli.serve, dry_run).await,
        Command::Documents(DocumentsCommand::Move { to }) => {
            move_documents(&cli.serve, to).await.map(|_| ())
        }
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
    let mode = config.mode();
    tracing::info!(
        reason = mode.reason,
        "running in {} mode",
        mode.env.as_str()
    );
    let app = Application::build(config)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        "listening on http://{addr}; playground at http://{addr}/graphql",
        addr = app.local_addr()
    );
    app.run_until_stopped().await.map_err(|e| e.to_string())
}

// The counts are the command's output; logs go to stderr.
#[allow(clippy::print_stdout)]
async fn retention(config: &ServerConfig, dry_run: bool) -> Result<(), String> {
    // No migration: a dry run changes nothing, and the database is the server's, migrated.
    let conn = db::connect(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let report = service::retention::run(
        &conn,
        &crate::app::retention_settings(config),
        chrono::Utc::now(),
        dry_run,
    )
    .await
    .map_err(|e| e.to_string())?;
    let verb = if dry_run { "would go" } else { "went" };
    println!("{verb}: {report}");
    Ok(())
}

/// The `documents move` command: moves every document to `to`; fails if any could not be
/// moved (after moving all the others).
pub async fn move_documents(
    config: &ServerConfig,
    to: DocumentBackend,
) -> Result<service::application::relocate::MoveReport, String> {
    let target = crate::app::document_storage(&config.storage, to).map_err(|e| e.to_string())?;
    let conn = db::connect_and_migrate(&config.database)
        .await
        .map_err(|e| e.to_string())?;
    let report = service::application::relocate::move_documents(&conn, &target)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("{report}");
    if report.failed > 0 {
        return Err(format!(
            "{report}: the failures are logged above; run the command again to retry them"
        ));
    }
    Ok(report)
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

async fn remove_samples(config: &DatabaseConfig) -> Result<(), String> {
    let conn = db::connect_and_migrate(config)
        .await
        .map_err(|e| e.to_string())?;
    let removed = seed::samples::remove(&conn)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        vacancies = removed.vacancies,
        applications = removed.applications,
        "removed the sample notices"
    );
    Ok(())
}

async fn seed_synthetic(
    config: &DatabaseConfig,
    args: &SyntheticArgs,
    vacancies: usize,
) -> Result<(), String> {
    let conn = db::connect_and_migrate(config)
        .await
        .map_err(|e| e.to_string())?;
    let options = seed::synthetic::SyntheticOptions {
        organisations: args.organisations,
        projects: args.projects,
        vacancies,
        applications: args.applications,
        ..Default::default()
    };
    let report = seed::synthetic::generate(&conn, &options)
        .await
        .map_err(|e| e.to_string())?;
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
