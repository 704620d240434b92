//! Automatic persisted queries (Apollo's APQ): a hash alone over POST or GET, once the query was
//! sent with it.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use jobboard::config::ServerConfig;

use crate::helpers::{TestApp, TestDatabase};

fn sha256(query: &str) -> String {
    format!("{:x}", Sha256::digest(query.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs a body as JSON, asking for `application/graphql-response+json`; returns status and body.
async fn post(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// GETs `/graphql` with the hash alone in `extensions` (and variables); status and body.
async fn get_by_hash(app: &TestApp, hash: &str, variables: Option<Value>) -> (u16, Value) {
    let mut params = vec![("extensions", persisted(hash).to_string())];
    if let Some(variables) = variables {
        params.push(("variables", variables.to_string()));
    }
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "application/graphql-response+json")
        .query(&params)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

const ORGANISATION: &str =
    "query Organisation($acronym: String!) { organisation(acronym: $acronym) { acronym } }";

#[tokio::test]
async fn an_unknown_hash_answers_persisted_query_not_found_over_post_and_get() {
    for app in TestApp::all_seeded().await {
        let hash = sha256(ORGANISATION);
        let (status, body) = post(&app, json!({ "extensions": persisted(&hash) })).await;
        // Apollo clients expect the miss with 200 and then send the query with its hash.
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_NOT_FOUND"
        );

        let (status, body) = get_by_hash(&app, &hash, Some(json!({ "acronym": "IOM" }))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn a_query_sent_with_its_hash_then_runs_by_hash_over_get_and_post() {
    for app in TestApp::all_seeded().await {
        let hash = sha256(ORGANISATION);
        let (status, body) = post(
            &app,
            json!({
                "query": ORGANISATION,
                "variables": { "acronym": "IOM" },
                "extensions": persisted(&hash),
            }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["organisation"]["acronym"], "IOM", "{body}");

        let (status, body) = get_by_hash(&app, &hash, Some(json!({ "acronym": "ILO" }))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["organisation"]["acronym"], "ILO", "{body}");

        let (status, body) = post(
            &app,
            json!({ "variables": { "acronym": "UNHCR" }, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["organisation"]["acronym"], "UNHCR", "{body}");

        // The hash names that query only: another hash is still unknown.
        let (_, body) = get_by_hash(&app, &sha256("{ __typename }"), None).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "PERSISTED_QUERY_NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn a_hash_that_is_not_the_querys_is_refused_and_not_remembered() {
    for app in TestApp::all_seeded().await {
        let wrong = sha256("{ __typename }");
        let (status, body) = post(
            &app,
            json!({
                "query": ORGANISATION,
                "variables": { "acronym": "IOM" },
                "extensions": persisted(&wrong),
            }),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert!(body.get("data").is_none_or(Value::is_null), "{body}");

        let (_, body) = get_by_hash(&app, &wrong, None).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
            "the refused query must not be stored under the wrong hash"
        );

        for extension in [
            json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256(ORGANISATION) } }),
            json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
        ] {
            let (status, body) = post(&app, json!({ "extensions": extension })).await;
            assert_eq!(status, 400, "{body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        }
    }
}

const REGISTER: &str = "mutation Register($email: String!) { register(input: { email: $email, password: \"a long passphrase\", fullName: \"Amina Benali\" }) { email } }";

#[tokio::test]
async fn a_persisted_mutation_runs_over_post_but_is_refused_over_get() {
    for app in TestApp::all_empty().await {
        let hash = sha256(REGISTER);
        let (status, body) = post(
            &app,
            json!({
                "query": REGISTER,
                "variables": { "email": "first@example.org" },
                "extensions": persisted(&hash),
            }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["register"]["email"].is_string(), "{body}");

        let (status, _) =
            get_by_hash(&app, &hash, Some(json!({ "email": "second@example.org" }))).await;
        assert_eq!(status, 405);

        // Nothing was written by the GET: the same e-mail registers by hash over POST.
        let (status, body) = post(
            &app,
            json!({
                "variables": { "email": "second@example.org" },
                "extensions": persisted(&hash),
            }),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["register"]["email"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn a_persisted_document_cannot_take_over_another_ones_cached_response() {
    // The public page a visitor's frontend asks for by hash, and an attacker's document under
    // the same operation name, with the same variables.
    const PAGE: &str =
        "query Page($acronym: String!) { organisation(acronym: $acronym) { acronym } }";
    const FORGED: &str =
        "query Page($acronym: String!) { organisation(acronym: $acronym) { forged: name } }";
    for database in TestDatabase::all().await {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(true);
        config.response_cache_seconds = 300;
        let app = TestApp::spawn_with(database, config).await;
        let variables = json!({ "acronym": "IOM" });
        for query in [PAGE, FORGED] {
            let (status, _) = post(
                &app,
                json!({ "query": query, "variables": variables, "extensions": persisted(&sha256(query)) }),
            )
            .await;
            assert_eq!(status, 200, "[{}] {query}", app.backend());
        }
        // The attacker fills the cache with its document's response, by hash alone.
        for _ in 0..3 {
            let (_, body) = get_by_hash(&app, &sha256(FORGED), Some(variables.clone())).await;
            assert!(body["data"]["organisation"]["forged"].is_string(), "{body}");
        }
        // A visitor asking for the page by its hash gets the page.
        let (status, body) = get_by_hash(&app, &sha256(PAGE), Some(variables.clone())).await;
        assert_eq!(status, 200, "[{}] {body}", app.backend());
        assert_eq!(
            body,
            json!({ "data": { "organisation": { "acronym": "IOM" } } }),
            "[{}]",
            app.backend()
        );
    }
}
