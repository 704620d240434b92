//! PostgreSQL: a repeated request runs the statements its connection prepared the first time,
//! without preparing them again (sqlx's per-connection statement cache,
//! `DATABASE_STATEMENT_CACHE`).

use jobboard::config::ServerConfig;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};

/// The README's detail page.
const DETAIL: &str = r#"{
  vacancy(organisation: "OIM", reference: "VN 2023/005") {
    title status closingAt
    text(language: "fr") { context responsibilities howToApply }
    languages { language level requirement }
    qualificationPaths { educationLevel minYearsExperience fields }
    competencies { level requirement competency { name(language: "fr") kind } }
  }
}"#;

/// The statements prepared on the session `db` runs on (one connection), and how many times
/// each ran.
async fn prepared(app: &TestApp) -> Vec<(String, i64)> {
    let rows = app
        .db
        .query_all(Statement::from_string(
            DbBackend::Postgres,
            "SELECT statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements \
             WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY statement",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            (
                row.try_get::<String>("", "statement").unwrap(),
                row.try_get::<i64>("", "runs").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_repeated_request_reuses_the_statements_prepared_the_first_time() {
    // Behind a transaction pooler the server runs without a statement cache.
    if std::env::var("TEST_DATABASE_LISTEN_URL").is_ok_and(|url| !url.is_empty()) {
        return;
    }
    let Some(database) = TestDatabase::postgres_only().await else {
        return;
    };
    // One connection, so the test reads the very session the requests ran on.
    let mut config = ServerConfig::for_database(database.url());
    config.seed_demo_data = Some(true);
    config.database.database_max_connections = 1;
    let app = TestApp::spawn_with(database, config).await;

    let detail = app.data(DETAIL, json!({})).await;
    assert_eq!(detail["vacancy"]["status"], "CLOSED");
    let once = prepared(&app).await;
    assert!(!once.is_empty(), "nothing was prepared");
    for _ in 0..3 {
        app.data(DETAIL, json!({})).await;
    }
    let again = prepared(&app).await;
    // The connection's cache is full of the migrations' statements, so the app's background
    // work (housekeeping) may evict one and prepare its own; the detail's own statements (the
    // notice by its reference, its relations) were never prepared again.
    let new: Vec<&String> = again
        .iter()
        .map(|(s, _)| s)
        .filter(|s| !once.iter().any(|(o, _)| o == *s))
        .collect();
    assert!(
        new.iter().all(|s| !s.starts_with("WITH ids")
            && !s.contains("\"organisation_acronym\".\"acronym\" = $")
            && !s.contains("\"vacancy\".\"reference\" = $")),
        "the repeated requests prepared statements of their own: {new:?}"
    );
    // Each statement of the detail ran again, on its prepared form: three more runs each
    // (statements of the app's background work may run more often).
    let reused: Vec<&String> = again
        .iter()
        .filter_map(|(statement, after)| {
            let (_, before) = once.iter().find(|(o, _)| o == statement)?;
            (after - before >= 3).then_some(statement)
        })
        .collect();
    assert!(
        reused.iter().any(|s| s.contains("vacancy_competency")),
        "the relations' statement was not reused: {reused:?}"
    );
    assert!(
        reused.len() >= 2,
        "{} statements reused: {reused:?}",
        reused.len()
    );
}
