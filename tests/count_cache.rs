//! `TOTAL_COUNT_CACHE_SECONDS`: a list's total is reused for a while when asked, counted on
//! every request when not, and never shared between lists that count different rows.

use jobboard::config::ServerConfig;
use serde_json::json;

use crate::helpers::{insert_vacancy, TestApp, TestDatabase};

const TOTAL: &str = r#"
query ($org: String) {
  vacancies(filter: { organisation: $org }) { totalCount }
}"#;

async fn total(app: &TestApp, org: Option<&str>) -> u64 {
    app.data(TOTAL, json!({ "org": org })).await["vacancies"]["totalCount"]
        .as_u64()
        .unwrap()
}

async fn spawn(database: TestDatabase, seconds: u64) -> TestApp {
    let mut config = ServerConfig::for_database(database.url());
    config.seed_demo_data = Some(true);
    config.total_count_cache_seconds = seconds;
    TestApp::spawn_with(database, config).await
}

#[tokio::test]
async fn totals_are_reused_while_fresh_and_only_for_the_same_list() {
    for database in TestDatabase::all().await {
        let app = spawn(database, 300).await;
        let closing = Some(chrono::Utc::now() + chrono::Duration::days(30));
        let all = total(&app, None).await;
        let iom = total(&app, Some("IOM")).await;
        insert_vacancy(&app.db, "IOM", "CACHE/1", "PUBLISHED", closing).await;

        // The same lists: the totals counted a moment ago.
        assert_eq!(total(&app, None).await, all, "[{}]", app.backend());
        assert_eq!(total(&app, Some("IOM")).await, iom, "[{}]", app.backend());
        // A list not counted yet is counted now, with the new notice.
        assert_eq!(
            total(&app, Some("OIM")).await,
            iom + 1,
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn totals_are_counted_every_time_without_the_cache() {
    for database in TestDatabase::all().await {
        let app = spawn(database, 0).await;
        let closing = Some(chrono::Utc::now() + chrono::Duration::days(30));
        let all = total(&app, None).await;
        insert_vacancy(&app.db, "IOM", "CACHE/1", "PUBLISHED", closing).await;
        assert_eq!(total(&app, None).await, all + 1, "[{}]", app.backend());
    }
}
