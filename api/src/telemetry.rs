//! Structured logs: `RUST_LOG` picks the level; production logs JSON lines.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::Environment;

pub fn init(env: Environment) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    // A second init (tests, repeated CLI calls in one process) keeps the first subscriber.
    let _ = match env {
        Environment::Production => builder.json().try_init(),
        Environment::Development => builder.try_init(),
    };
}
