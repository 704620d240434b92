//! Safe by default: without `APP_ENV`, only a plainly local server (loopback address, SQLite)
//! gets the development conveniences; the public development secret never checks tokens on an
//! address others can reach.

use jobboard::app::Application;
use jobboard::config::{Environment, ServerConfig};
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};

const TYPO: &str = "{ organisatons { totalCount } }";
const SECRET: &str = "a production secret of at least 32 bytes";

/// Why `Application::build` refused `config`.
async fn refusal(config: ServerConfig) -> String {
    match Application::build(config).await {
        Ok(_) => panic!("the application started"),
        Err(error) => error.to_string(),
    }
}

/// `APP_ENV` unset on a server that is not plainly local: SQLite on every address, PostgreSQL
/// on loopback (either alone makes it so).
fn deployed(database: &TestDatabase) -> ServerConfig {
    let mut config = ServerConfig::for_database(database.url());
    crate::helpers::behind_pooler(&mut config);
    config.app_env = None;
    config.seed_demo_data = None;
    if database.backend() == "sqlite" {
        config.bind_addr = "0.0.0.0:0".parse().unwrap();
    }
    config
}

#[tokio::test]
async fn an_unset_app_env_means_production_unless_the_server_is_plainly_local() {
    for database in TestDatabase::all().await {
        let message = refusal(deployed(&database)).await;
        assert!(message.contains("JWT_SECRET is required"), "{message}");

        let mut config = deployed(&database);
        config.jwt.jwt_secret = Some(SECRET.into());
        config.webhooks.webhook_secret_key =
            Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
        config.public_url = Some("https://api.jobs.example.org".into());
        // Mail must reach people: production names a server and a sender.
        let message = refusal(config.clone()).await;
        assert!(message.contains("SMTP_URL is required"), "{message}");
        config.mail.smtp_url = Some("smtp://127.0.0.1:2525".into());
        let message = refusal(config.clone()).await;
        assert!(message.contains("MAIL_FROM is required"), "{message}");
        config.mail.mail_from = Some("Job board <no-reply@jobs.example.org>".into());
        let app = TestApp::spawn_with(database, config).await;
        // No field suggestions and no demo data.
        let body = app.graphql(TYPO, json!({})).await;
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "{message}");
        let count = app
            .graphql("{ organisations { totalCount } }", json!({}))
            .await;
        assert_eq!(count["data"]["organisations"]["totalCount"], 0, "{count}");
    }
}

#[tokio::test]
async fn a_plainly_local_server_keeps_the_development_conveniences() {
    let database = TestDatabase::all().await.remove(0);
    assert_eq!(database.backend(), "sqlite");
    let mut config = ServerConfig::for_database(database.url());
    crate::helpers::behind_pooler(&mut config);
    config.app_env = None;
    let app = TestApp::spawn_with(database, config).await;
    let body = app.graphql(TYPO, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn the_development_secret_is_refused_on_a_reachable_address() {
    let database = TestDatabase::all().await.remove(0);
    let mut config = ServerConfig::for_database(database.url());
    config.app_env = Some(Environment::Development);
    config.bind_addr = "0.0.0.0:0".parse().unwrap();
    let message = refusal(config.clone()).await;
    assert!(message.contains("not a loopback address"), "{message}");

    config.jwt.jwt_secret = Some(SECRET.into());

    config.webhooks.webhook_secret_key =
        Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
    let app = TestApp::spawn_with(database, config).await;
    let body = app
        .graphql("{ organisations { totalCount } }", json!({}))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
}
