use serde_json::{json, Value};

use crate::helpers::TestApp;

#[tokio::test]
async fn browser_gets_the_playground_with_local_assets() {
    for app in TestApp::all_empty().await {
        let page = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("/graphql/assets/graphiql.min.js"));
        assert!(
            !html.contains("https://"),
            "the playground must not load anything from another origin"
        );

        let asset = app
            .client
            .get(app.url("/graphql/assets/graphiql.min.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(asset.status(), 200);
        assert!(asset.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript"));
        let missing = app
            .client
            .get(app.url("/graphql/assets/nope.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    for app in TestApp::all_empty().await {
        let health = app.client.get(app.url("/health")).send().await.unwrap();
        assert_eq!(health.status(), 200);
        assert!(health.headers().contains_key("x-request-id"));
        let ready: Value = app
            .client
            .get(app.url("/ready"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(ready["status"], "ready");
    }
}

#[tokio::test]
async fn queries_run_over_get_but_mutations_are_refused() {
    for app in TestApp::all_seeded().await {
        let ok: Value = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", "{ organisation(acronym: \"IOM\") { acronym } }")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(ok["data"]["organisation"]["acronym"], "IOM");

        let refused = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", "mutation { anything }")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 405);
        assert_eq!(refused.headers()["allow"], "POST");
    }
}

#[tokio::test]
async fn post_requires_json() {
    for app in TestApp::all_empty().await {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "text/plain")
            .body("{ organisations { totalCount } }")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415);
    }
}

#[tokio::test]
async fn batched_requests_are_refused() {
    for app in TestApp::all_empty().await {
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!([{ "query": "{ __typename }" }, { "query": "{ __typename }" }]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
}

#[tokio::test]
async fn request_errors_carry_their_code() {
    for app in TestApp::all_empty().await {
        assert_eq!(
            app.error_code("{ organisations { ", json!({})).await,
            "GRAPHQL_PARSE_FAILED"
        );
        assert_eq!(
            app.error_code("{ nonsense }", json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn graphql_response_media_type_uses_http_status_codes() {
    for app in TestApp::all_empty().await {
        let accept = "application/graphql-response+json";
        let bad = app
            .client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": "{ nonsense }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        assert_eq!(bad.headers()["content-type"], accept);
        // A request that never ran has no `data` at all, not `"data": null`.
        let body: Value = bad.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"].is_array(), "{body}");

        let good = app
            .client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": "{ organisations { totalCount } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(good.status(), 200);
        assert_eq!(good.headers()["content-type"], accept);
    }
}

#[tokio::test]
async fn overly_deep_queries_are_refused() {
    for app in TestApp::all_seeded().await {
        let deep = "{ vacancies { edges { node { organisation { projects { edges { node { vacancies { edges { node { project { leadOrganisation { acronym } } } } } } } } } } } } }";
        assert_eq!(
            app.error_code(deep, json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn nested_lists_cost_their_page_sizes() {
    for app in TestApp::all_seeded().await {
        let greedy = "{ organisations(first: 100) { edges { node { vacancies(first: 100) { edges { node { reference title project { code } dutyStations { city } } } } } } } }";
        assert_eq!(
            app.error_code(greedy, json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
        let list_page = "{ vacancies(first: 20) { totalCount edges { node { reference title closingAt organisation { acronym } project { code } dutyStations { city country } competencies { competency { code } } } } } }";
        app.data(list_page, json!({})).await;
    }
}

#[tokio::test]
async fn the_playground_can_read_the_whole_schema() {
    for app in TestApp::all_empty().await {
        let graphiql = include_str!("fixtures/graphiql-introspection.graphql");
        let data = app.data(graphiql, json!({})).await;
        assert_eq!(data["__schema"]["queryType"]["name"], "Query");
        assert_eq!(data["__schema"]["mutationType"]["name"], "Mutation");
    }
}

#[tokio::test]
async fn browsers_of_allowed_origins_may_call_cross_site() {
    for database in crate::helpers::TestDatabase::all().await {
        let mut config = jobboard::config::ServerConfig::for_database(database.url());
        config.cors_allowed_origins = vec!["https://jobs.example.org".into()];
        let app = TestApp::spawn_with(database, config).await;
        let preflight = |origin: &'static str| {
            app.client
                .request(reqwest::Method::OPTIONS, app.url("/graphql"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization,content-type",
                )
                .send()
        };
        let allowed = preflight("https://jobs.example.org").await.unwrap();
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "https://jobs.example.org"
        );
        let other = preflight("https://evil.example.com").await.unwrap();
        assert!(other.headers().get("access-control-allow-origin").is_none());
    }
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    for database in crate::helpers::TestDatabase::all().await {
        let mut config = jobboard::config::ServerConfig::for_database(database.url());
        config.introspection = false;
        let app = TestApp::spawn_with(database, config).await;
        let body = app
            .graphql("{ __schema { queryType { name } } }", json!({}))
            .await;
        assert!(
            body.get("errors").is_some() || body["data"]["__schema"].is_null(),
            "{body}"
        );
        app.data("{ organisations { totalCount } }", json!({}))
            .await;
    }
}

#[tokio::test]
async fn a_body_that_is_not_graphql_gets_a_readable_error() {
    for app in TestApp::all_empty().await {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body("{ not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );
        assert!(
            !body.to_string().contains("line:"),
            "no parser internals: {body}"
        );
    }
}

#[tokio::test]
async fn an_accept_header_without_json_gets_406() {
    for app in TestApp::all_empty().await {
        let send = |accept: &'static str| {
            app.client
                .post(app.url("/graphql"))
                .header("accept", accept)
                .json(&json!({ "query": "{ __typename }" }))
                .send()
        };
        assert_eq!(send("application/xml").await.unwrap().status(), 406);
        assert_eq!(send("text/plain, image/png").await.unwrap().status(), 406);
        for accepted in [
            "application/json",
            "application/graphql-response+json;charset=utf-8",
            "text/html, */*;q=0.1",
        ] {
            assert_eq!(send(accepted).await.unwrap().status(), 200, "{accepted}");
        }
    }
}

#[tokio::test]
async fn a_document_repeating_one_field_hundreds_of_times_is_refused() {
    for app in TestApp::all_empty().await {
        let repeated = format!("{{ {} }}", "__typename ".repeat(400));
        assert_eq!(
            app.error_code(&repeated, json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
        let few = format!("{{ {} }}", "__typename ".repeat(20));
        app.data(&few, json!({})).await;
    }
}

/// The value of a response header, or "" when absent.
fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_playground_runs_its_own_scripts_only_and_keeps_no_token() {
    for app in TestApp::all_empty().await {
        let page = app
            .client
            .get(app.url("/graphql"))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        let policy = header(&page, "content-security-policy");
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{policy}");
        }
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(header(&page, "x-frame-options"), "DENY");
        let html = page.text().await.unwrap();
        assert!(!html.contains("<script>"), "no inline script: {html}");
        assert!(!html.contains("<style>"), "no inline style: {html}");
        assert!(html.contains("/graphql/assets/playground.js"));

        let script = app
            .client
            .get(app.url("/graphql/assets/playground.js"))
            .send()
            .await
            .unwrap();
        assert_eq!(script.status(), 200);
        let script = script.text().await.unwrap();
        assert!(script.contains("shouldPersistHeaders: false"), "{script}");
        assert!(!script.contains("shouldPersistHeaders: true"), "{script}");
        let style = app
            .client
            .get(app.url("/graphql/assets/playground.css"))
            .send()
            .await
            .unwrap();
        assert_eq!(style.status(), 200);
    }
}

#[tokio::test]
async fn every_response_forbids_sniffing_and_referrers_and_https_servers_pin_https() {
    for plain in TestApp::all_empty().await {
        let database = plain.database.shared();
        let mut config = jobboard::config::ServerConfig::for_database(database.url());
        config.public_url = Some("https://jobs.example.org".into());
        let https = TestApp::spawn_with(database, config).await;
        for (app, hsts) in [(&https, "max-age=31536000"), (&plain, "")] {
            for (path, status) in [
                ("/health", 200),
                ("/graphql?query=%7B__typename%7D", 200),
                ("/graphql/assets/graphiql.min.css", 200),
                ("/documents/nope", 401),
                ("/nowhere", 404),
            ] {
                let response = app.client.get(app.url(path)).send().await.unwrap();
                assert_eq!(response.status(), status, "{path}");
                assert_eq!(
                    header(&response, "x-content-type-options"),
                    "nosniff",
                    "{path}"
                );
                assert_eq!(
                    header(&response, "referrer-policy"),
                    "no-referrer",
                    "{path}"
                );
                assert_eq!(
                    header(&response, "strict-transport-security"),
                    hsts,
                    "{path}"
                );
            }
        }
    }
}
