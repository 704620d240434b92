//! `/metrics`: served on its own address only, behind its token, in the Prometheus text format,
//! and its counts move with the requests served.

use serde_json::json;

use crate::helpers::{TestApp, TestDatabase};
use jobboard::config::ServerConfig;

const TOKEN: &str = "scrape-token-for-tests";

pub(crate) async fn with_metrics(database: TestDatabase) -> TestApp {
    with_metrics_and(database, |_| {}).await
}

/// An app serving `/metrics`, its configuration otherwise changed by `change`.
pub(crate) async fn with_metrics_and(
    database: TestDatabase,
    change: impl FnOnce(&mut ServerConfig),
) -> TestApp {
    let mut config = ServerConfig::for_database(database.url());
    change(&mut config);
    config.metrics.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    config.metrics.metrics_token = Some(TOKEN.into());
    TestApp::spawn_with(database, config).await
}

pub(crate) async fn scrape(app: &TestApp) -> String {
    let address = app.metrics_address.as_deref().expect("a metrics address");
    let response = app
        .client
        .get(format!("{address}/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.backend());
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    response.text().await.unwrap()
}

/// The value of the sample whose line starts with `series` (name and labels, as rendered), 0
/// when there is none yet.
pub(crate) fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

#[tokio::test]
async fn metrics_are_not_served_on_the_api_address() {
    for app in TestApp::all_empty().await {
        assert!(app.metrics_address.is_none());
        let response = app.client.get(app.url("/metrics")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{}", app.backend());
    }
}

#[tokio::test]
async fn a_scrape_without_the_token_is_refused() {
    for database in TestDatabase::all().await {
        let app = with_metrics(database).await;
        let url = format!("{}/metrics", app.metrics_address.as_deref().unwrap());
        let none = app.client.get(&url).send().await.unwrap();
        assert_eq!(none.status(), 401, "{}", app.backend());
        let wrong = app
            .client
            .get(&url)
            .bearer_auth("guess")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "{}", app.backend());
        assert!(!wrong.text().await.unwrap().contains("jobboard_"));
        // The metrics address serves nothing else.
        let api = app
            .client
            .post(format!(
                "{}/graphql",
                app.metrics_address.as_deref().unwrap()
            ))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 404, "{}", app.backend());
    }
}

#[tokio::test]
async fn counts_move_with_the_requests_served() {
    for database in TestDatabase::all().await {
        let app = with_metrics(database).await;
        let ok = r#"jobboard_graphql_requests_total{operation="MetricsProbe",code="OK"}"#;
        let failed = r#"jobboard_graphql_requests_total{operation="MetricsProbeBroken",code="GRAPHQL_VALIDATION_FAILED"}"#;
        let latency =
            r#"jobboard_graphql_request_duration_seconds_count{operation="MetricsProbe"}"#;
        let before = scrape(&app).await;
        for _ in 0..3 {
            let response = app
                .graphql("query MetricsProbe { __typename }", json!({}))
                .await;
            assert_eq!(response["data"]["__typename"], "Query");
        }
        let response = app
            .graphql("query MetricsProbeBroken { noSuchField }", json!({}))
            .await;
        assert!(response["errors"].is_array());
        let after = scrape(&app).await;
        // Other tests in this process may run the same operations only under other names.
        assert_eq!(value(&after, ok) - value(&before, ok), 3.0, "{after}");
        assert_eq!(
            value(&after, failed) - value(&before, failed),
            1.0,
            "{after}"
        );
        assert_eq!(
            value(&after, latency) - value(&before, latency),
            3.0,
            "{after}"
        );
        assert!(after.contains("# TYPE jobboard_graphql_request_duration_seconds histogram"));
        assert!(after.contains(r#"jobboard_graphql_request_duration_seconds_bucket{operation="MetricsProbe",le="0.005"}"#));
        assert!(after.contains(r#"jobboard_http_requests_total{route="/graphql",status="200"}"#));
        for series in [
            r#"jobboard_db_pool_connections{state="in_use"}"#,
            r#"jobboard_db_pool_connections{state="idle"}"#,
            "jobboard_db_pool_max_connections",
            "jobboard_subscriptions_open",
            "jobboard_event_bus_lag_events",
            r#"jobboard_outbox_depth{outbox="webhook",status="pending"}"#,
            r#"jobboard_outbox_depth{outbox="mail",status="failed"}"#,
        ] {
            assert!(
                after
                    .lines()
                    .any(|line| line.starts_with(&format!("{series} "))),
                "{series} missing on {}",
                app.backend()
            );
        }
        assert_eq!(value(&after, "jobboard_db_pool_max_connections"), 5.0);
    }
}
