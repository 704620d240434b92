//! Parsed documents are kept by their text: the second request of a text is not parsed again,
//! and still runs with its own variables, operation and limits.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestDatabase};
use crate::metrics::{scrape, value, with_metrics_and};

/// POSTs a request body; the response body.
async fn post(app: &TestApp, body: Value) -> Value {
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&body)
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

/// The hits and misses counted for `operation` from the scrape `before` to now (the counts
/// are the process's, shared by every app of the test binary).
async fn lookups(app: &TestApp, before: &str, operation: &str) -> (f64, f64) {
    let now = scrape(app).await;
    let series = |result: &str| {
        format!(r#"jobboard_parsed_documents_total{{operation="{operation}",result="{result}"}}"#)
    };
    let counted = |result: &str| value(&now, &series(result)) - value(before, &series(result));
    (counted("hit"), counted("miss"))
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error with a code: {body}"))
}

const PAGE: &str = "query ParsedPage($first: Int!) { vacancies(first: $first) { edges { node { \
     reference title grade organisation { acronym } dutyStations { city country } } } } }";

const TWO_OPERATIONS: &str = "query ParsedFirst { __typename } \
     query ParsedSecond { organisations(first: 1) { totalCount } }";

/// Seven levels of data fields.
const DEEP: &str = "query ParsedDeep { organisations(first: 1) { edges { node { \
     projects(first: 1) { edges { node { id } } } } } } }";

#[tokio::test]
async fn a_known_text_is_not_parsed_again_and_keeps_its_own_variables_and_limits() {
    for database in TestDatabase::all().await {
        // Each app has its own documents: the first request of each text here is a miss.
        let app = with_metrics_and(database, |config| {
            config.seed_demo_data = Some(true);
            config.limits.max_query_complexity = 200;
            config.limits.max_query_depth = 6;
        })
        .await;
        let backend = app.backend();
        let before = scrape(&app).await;

        let page = |first: u32| json!({ "query": PAGE, "variables": { "first": first } });
        let one = post(&app, page(1)).await;
        assert_eq!(
            one["data"]["vacancies"]["edges"].as_array().unwrap().len(),
            1
        );
        let two = post(&app, page(2)).await;
        assert_eq!(
            two["data"]["vacancies"]["edges"].as_array().unwrap().len(),
            2
        );
        // Complexity counts `first` from the variables, on a kept document too.
        assert_eq!(
            code(&post(&app, page(21)).await),
            "GRAPHQL_VALIDATION_FAILED"
        );
        assert_eq!(
            lookups(&app, &before, "ParsedPage").await,
            (2.0, 1.0),
            "{backend}"
        );

        let run = |operation: &str| json!({ "query": TWO_OPERATIONS, "operationName": operation });
        let first = post(&app, run("ParsedFirst")).await;
        assert_eq!(first["data"], json!({ "__typename": "Query" }), "{backend}");
        let second = post(&app, run("ParsedSecond")).await;
        assert!(
            second["data"]["organisations"]["totalCount"].is_number(),
            "{second}"
        );
        assert_eq!(
            lookups(&app, &before, "ParsedFirst").await,
            (0.0, 1.0),
            "{backend}"
        );
        assert_eq!(
            lookups(&app, &before, "ParsedSecond").await,
            (1.0, 0.0),
            "{backend}"
        );

        for _ in 0..2 {
            let refused = post(&app, json!({ "query": DEEP })).await;
            assert_eq!(code(&refused), "GRAPHQL_VALIDATION_FAILED", "{backend}");
        }
        assert_eq!(
            lookups(&app, &before, "ParsedDeep").await,
            (1.0, 1.0),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_persisted_query_sent_by_hash_is_not_parsed() {
    for database in TestDatabase::all().await {
        let app = with_metrics_and(database, |_| {}).await;
        let before = scrape(&app).await;
        let query = "query ParsedPersisted { __typename }";
        let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
        let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
        post(&app, json!({ "query": query, "extensions": extensions })).await;
        let by_hash = post(&app, json!({ "extensions": extensions })).await;
        assert_eq!(by_hash["data"]["__typename"], "Query", "{}", app.backend());
        assert_eq!(lookups(&app, &before, "ParsedPersisted").await, (1.0, 1.0));
    }
}
