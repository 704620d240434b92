//! Operating the server: `DATABASE_READ_URL` (anonymous reads go to the read-only copy,
//! everything else to the primary) and a database that cannot be reached (503 with a code).

use jobboard::config::ServerConfig;
use jobboard::domain::Role;
use migration::MigratorTrait;
use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};

const COUNT: &str = "{ vacancies(first: 1) { totalCount } }";

#[tokio::test]
async fn anonymous_reads_go_to_the_copy_and_signed_in_callers_to_the_primary() {
    let primaries = TestDatabase::all().await;
    for primary in primaries {
        // A copy that lags as far as can be: migrated, never written.
        let copy = match primary.backend() {
            "postgres" => TestDatabase::postgres_only().await.unwrap(),
            _ => TestDatabase::sqlite_for_tests().await,
        };
        migration::Migrator::up(&copy.connect().await, None)
            .await
            .unwrap();
        let mut config = ServerConfig::for_database(primary.url());
        config.seed_demo_data = Some(true);
        config.database.database_read_url = Some(copy.url());
        let app = TestApp::spawn_with(primary, config).await;

        let anonymous = app.graphql(COUNT, json!({})).await;
        assert_eq!(
            anonymous["data"]["vacancies"]["totalCount"],
            0,
            "{}",
            app.backend()
        );
        let token = app.sign_in_as(Role::Candidate, None).await;
        let signed_in = app.graphql_as(Some(&token), COUNT, json!({})).await;
        let total = signed_in["data"]["vacancies"]["totalCount"]
            .as_i64()
            .unwrap();
        assert!(total > 0, "{} {signed_in}", app.backend());
        drop(copy);
    }
}

#[tokio::test]
async fn the_same_server_as_both_urls_reads_what_was_written() {
    for database in TestDatabase::all().await {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(true);
        config.database.database_read_url = Some(database.url());
        let app = TestApp::spawn_with(database, config).await;
        let anonymous = app.graphql(COUNT, json!({})).await;
        let total = anonymous["data"]["vacancies"]["totalCount"]
            .as_i64()
            .unwrap();
        assert!(total > 0, "{} {anonymous}", app.backend());
    }
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_answers_503_with_a_code() {
    for app in TestApp::all_empty().await {
        // Every connection of the server's pool is gone, as while the database restarts.
        app.db.clone().close().await.unwrap();
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": COUNT }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503, "{}", app.backend());
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "DATABASE_UNAVAILABLE",
            "{} {body}",
            app.backend()
        );
        // No SQL or driver detail reaches the client.
        assert_eq!(
            body["errors"][0]["message"],
            "the database is unavailable; try again shortly"
        );
        let ready = app.client.get(app.url("/ready")).send().await.unwrap();
        assert_eq!(ready.status(), 503);
    }
}
