//! Protection against abusive requests: each limit refuses what exceeds it and lets a normal
//! frontend request through; rate limits per address and per account; GraphQL over HTTP.

use jobboard::config::ServerConfig;
use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, TestDatabase};

/// The README's list page: what a job-search frontend sends.
const LIST_PAGE: &str = r#"{
  vacancies(first: 20, filter: { country: "MA" }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id reference title closingAt grade gradeCategory contractType
        organisation { acronym name(language: "fr") }
        project { code }
        dutyStations { city country }
      }
    }
  }
}"#;

/// The README's detail page.
const DETAIL_PAGE: &str = r#"{
  vacancy(organisation: "OIM", reference: "VN 2023/005") {
    title status isOpen closingAt timeZone
    text(language: "fr") { context responsibilities howToApply }
    languages { language level requirement oneOfGroup }
    qualificationPaths { educationLevel minYearsExperience fields }
    competencies { level requirement competency { name(language: "fr") kind } }
    requiredDocuments { kind count note }
  }
}"#;

/// An app on every configured backend, its configuration changed by `change`.
async fn apps_with(seed: bool, change: impl Fn(&mut ServerConfig)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for database in TestDatabase::all().await {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(seed);
        change(&mut config);
        apps.push(TestApp::spawn_with(database, config).await);
    }
    apps
}

/// POSTs an operation, as `token` when given; the response as it came.
async fn post(app: &TestApp, token: Option<&str>, query: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

/// The first error of a response that must fail: its code and message.
fn first_error(body: &Value) -> (String, String) {
    let error = &body["errors"][0];
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code: {body}"))
            .to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

/// A query nesting data fields `levels` deep (at least 4): organisations' projects' lead
/// organisations' projects, and so on.
fn nested_fields(levels: usize) -> String {
    let cycle = ["projects(first: 1)", "edges", "node", "leadOrganisation"];
    // What to select at the end, by the type each step of the cycle leads to.
    let leaves = ["id", "totalCount", "cursor", "id"];
    let steps = levels - 4;
    let mut query = String::from("{ organisations(first: 1) { edges { node { ");
    for step in 0..steps {
        query.push_str(cycle[step % 4]);
        query.push_str(" { ");
    }
    query.push_str(leaves[steps % 4]);
    query.push_str(&" }".repeat(steps + 4));
    query
}

#[tokio::test]
async fn normal_frontend_queries_pass_every_default_limit() {
    for app in TestApp::all_seeded().await {
        let list = app.data(LIST_PAGE, json!({})).await;
        assert!(list["vacancies"]["totalCount"].is_number());
        let detail = app.data(DETAIL_PAGE, json!({})).await;
        assert_eq!(detail["vacancy"]["status"], "CLOSED");
        let graphiql = include_str!("fixtures/graphiql-introspection.graphql");
        app.data(graphiql, json!({})).await;
        // A recruiter's pipeline: 50 applications with their screening (bench/operations).
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let pipeline = include_str!("../bench/operations/pipeline.graphql");
        let page = app
            .data_as(&recruiter, pipeline, json!({ "vacancy": vacancy_id(1) }))
            .await;
        assert!(page["applications"]["totalCount"].is_number());
    }
}

#[tokio::test]
async fn query_depth_is_limited_by_the_configuration() {
    for app in apps_with(false, |config| config.limits.max_query_depth = 6).await {
        app.data(&nested_fields(6), json!({})).await;
        let body = app.graphql(&nested_fields(7), json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("at most 6 levels"), "{message}");
    }
    // The default: ten levels.
    for app in TestApp::all_empty().await {
        app.data(&nested_fields(10), json!({})).await;
        assert_eq!(
            app.error_code(&nested_fields(11), json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn complexity_counts_page_sizes_against_the_configured_limit() {
    let page = |first: u32| {
        format!(
            "{{ vacancies(first: {first}) {{ edges {{ node {{ reference title grade \
             organisation {{ acronym }} dutyStations {{ city country }} }} }} }} }}"
        )
    };
    // Per item: 3 scalars + organisation 2 + duty stations 3 + node + edges = 10; the default
    // limit (2,000) takes 100 of them and refuses 100 of 21.
    for app in TestApp::all_seeded().await {
        app.data(&page(100), json!({})).await;
        let body = app
            .graphql(
                &page(100).replace(
                    "grade",
                    "grade positions contractType unit durationMonths renewable openToInternal \
                     openToExternal internalFirst timeZone closingAt publishedAt",
                ),
                json!({}),
            )
            .await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("complex"), "{message}");
    }
    for app in apps_with(true, |config| config.limits.max_query_complexity = 200).await {
        app.data(&page(20), json!({})).await;
        assert_eq!(
            app.error_code(&page(21), json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn recursion_through_fragments_is_limited() {
    let inline = |levels: usize| {
        format!(
            "{{ {}organisations {{ totalCount }}{} }}",
            "... on Query { ".repeat(levels),
            " }".repeat(levels)
        )
    };
    for app in TestApp::all_empty().await {
        // Inline fragments nest no data fields, but do nest the selection sets.
        app.data(&inline(20), json!({})).await;
        let body = app.graphql(&inline(40), json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("at most 32 levels"), "{message}");
    }
    for app in apps_with(false, |config| config.limits.max_recursion_depth = 8).await {
        app.data(&inline(6), json!({})).await;
        assert_eq!(
            app.error_code(&inline(9), json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn fragments_spread_into_fragments_are_refused_without_expanding_them() {
    // Each fragment spreads the next one ten times: 10^20 fields once spread. Expanding it
    // would keep the server busy for ever; measured fragment by fragment it is refused at once.
    let mut query = String::from("{ ...F0 }");
    for i in 0..20 {
        let next = format!(" ...F{}", i + 1).repeat(10);
        query.push_str(&format!(" fragment F{i} on Query {{ __typename{next} }}"));
    }
    query.push_str(" fragment F20 on Query { __typename }");
    for app in TestApp::all_empty().await {
        let body = app.graphql(&query, json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("too many fields"), "{message}");
    }
}

#[tokio::test]
async fn aliases_per_operation_are_limited() {
    let aliased = |n: usize| {
        let fields: String = (0..n).map(|i| format!(" a{i}: __typename")).collect();
        format!("{{{fields} }}")
    };
    let through_fragment = "{ ...F ...F organisations { totalCount } } fragment F on Query { a: __typename b: __typename c: __typename }";
    for app in TestApp::all_empty().await {
        app.data(&aliased(15), json!({})).await;
        let body = app.graphql(&aliased(16), json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("at most 15"), "{message}");
    }
    for app in apps_with(false, |config| config.limits.max_aliases = 5).await {
        app.data(&aliased(5), json!({})).await;
        // Three aliases spread twice count six.
        assert_eq!(
            app.error_code(through_fragment, json!({})).await,
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn directives_per_field_are_limited() {
    let query = "{ organisations @include(if: true) @skip(if: false) { totalCount } }";
    for app in apps_with(false, |config| config.limits.max_directives_per_field = 1).await {
        app.data(
            "{ organisations @include(if: true) { totalCount } }",
            json!({}),
        )
        .await;
        let body = app.graphql(query, json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("directives"), "{message}");
    }
    for app in TestApp::all_empty().await {
        app.data(query, json!({})).await;
        let many = format!(
            "{{ organisations {} {{ totalCount }} }}",
            "@include(if: true) ".repeat(6)
        );
        let (code, message) = first_error(&app.graphql(&many, json!({})).await);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(message.contains("directives"), "{message}");
    }
}

#[tokio::test]
async fn json_bodies_are_limited_in_size() {
    let padded = |size: usize| {
        let query = "{ organisations { totalCount } }";
        let body = json!({ "query": format!("{query}{}", " ".repeat(size - query.len() - 20)) });
        let text = body.to_string();
        assert!(text.len() <= size);
        text
    };
    let send = |app: &TestApp, body: String| {
        app.client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for app in TestApp::all_empty().await {
        assert_eq!(send(&app, padded(1024 * 1024)).await.unwrap().status(), 200);
        let too_large = send(&app, padded(1024 * 1024 + 100)).await.unwrap();
        assert_eq!(too_large.status(), 413);
    }
    for app in apps_with(false, |config| config.limits.max_json_body_bytes = 4096).await {
        assert_eq!(send(&app, padded(4096)).await.unwrap().status(), 200);
        assert_eq!(send(&app, padded(5000)).await.unwrap().status(), 413);
    }
}

#[tokio::test]
async fn a_request_gets_the_configured_time_and_no_more() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    for app in apps_with(true, |config| config.request_timeout_seconds = 1).await {
        // A normal page is well within a second.
        assert_eq!(post(&app, None, LIST_PAGE).await.status(), 200);

        // A client that announces a body and stops sending half-way (a slow-loris) holds a
        // connection and a task: at the limit the server answers 408 and lets go.
        let body = json!({ "query": LIST_PAGE }).to_string();
        let address = app.url("").replacen("http://", "", 1);
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream
            .write_all(&body.as_bytes()[..body.len() / 2])
            .await
            .unwrap();
        let started = std::time::Instant::now();
        let mut answer = vec![0; 1024];
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut answer))
                .await
                .expect("the server answers within its limit")
                .unwrap();
        let answer = String::from_utf8_lossy(&answer[..read]);
        assert!(
            answer.starts_with("HTTP/1.1 408"),
            "[{}] {answer}",
            app.backend()
        );
        assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    }
}

#[tokio::test]
async fn limits_that_would_disable_protection_stop_the_server_from_starting() {
    let database = TestDatabase::all().await.remove(0);
    let mut config = ServerConfig::for_database(database.url());
    config.limits.max_query_complexity = 0;
    assert!(jobboard::app::Application::build(config).await.is_err());
    let mut config = ServerConfig::for_database(database.url());
    config.limits.max_json_body_bytes = 64 * 1024 * 1024;
    assert!(jobboard::app::Application::build(config).await.is_err());
}

fn rate_limited(per_minute: u32, burst: u32) -> impl Fn(&mut ServerConfig) {
    move |config| {
        config.limits.rate_limit_operations_per_minute = per_minute;
        config.limits.rate_limit_burst = burst;
    }
}

async fn assert_rate_limited(response: reqwest::Response) {
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["retryAfter"], retry_after);
    assert!(body["data"].is_null(), "nothing ran: {body}");
}

#[tokio::test]
async fn an_address_is_refused_past_its_operations_per_minute() {
    for app in apps_with(false, rate_limited(1, 3)).await {
        for _ in 0..3 {
            let response = post(&app, None, "{ organisations { totalCount } }").await;
            assert_eq!(response.status(), 200);
            assert!(response.headers().get("retry-after").is_none());
        }
        assert_rate_limited(post(&app, None, "{ organisations { totalCount } }").await).await;
        // A signed-in account has a budget of its own.
        let token = app.sign_in_as(Role::Candidate, None).await;
        let response = post(&app, Some(&token), "{ me { role } }").await;
        assert_eq!(response.status(), 200);
    }
}

#[tokio::test]
async fn one_account_exhausted_does_not_block_another() {
    for app in apps_with(false, rate_limited(1, 2)).await {
        let amina = app.sign_in_as(Role::Candidate, None).await;
        let omar = app.sign_in_as(Role::Candidate, None).await;
        for _ in 0..2 {
            assert_eq!(
                post(&app, Some(&amina), "{ me { role } }").await.status(),
                200
            );
        }
        assert_rate_limited(post(&app, Some(&amina), "{ me { role } }").await).await;
        assert_eq!(
            post(&app, Some(&omar), "{ me { role } }").await.status(),
            200
        );
        // The address's anonymous budget is untouched too.
        assert_eq!(post(&app, None, "{ __typename }").await.status(), 200);
    }
}

#[tokio::test]
async fn every_root_field_counts_aliases_included() {
    for app in apps_with(false, rate_limited(1, 4)).await {
        // Three operations, then one is left.
        let three =
            "{ a: organisations { totalCount } b: organisations { totalCount } c: __typename }";
        assert_eq!(post(&app, None, three).await.status(), 200);
        assert_rate_limited(post(&app, None, "{ x: __typename y: __typename }").await).await;
        assert_eq!(post(&app, None, "{ __typename }").await.status(), 200);
        assert_rate_limited(post(&app, None, "{ __typename }").await).await;
    }
    // More operations than a full budget holds are refused outright.
    for app in apps_with(false, rate_limited(60, 2)).await {
        assert_rate_limited(
            post(&app, None, "{ a: __typename b: __typename c: __typename }").await,
        )
        .await;
    }
}

#[tokio::test]
async fn a_refusal_speaks_the_media_type_the_client_accepts() {
    for app in apps_with(false, rate_limited(1, 1)).await {
        assert_eq!(post(&app, None, "{ __typename }").await.status(), 200);
        let accept = "application/graphql-response+json";
        let refused = app
            .client
            .post(app.url("/graphql"))
            .header("accept", accept)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.headers()["content-type"], accept);
        assert_rate_limited(refused).await;
    }
}

#[tokio::test]
async fn a_mutation_over_get_is_refused_and_writes_nothing() {
    for app in TestApp::all_empty().await {
        let register = r#"mutation { register(input: { email: "get@example.org", password: "long enough password", fullName: "Over Get" }) { email } }"#;
        let refused = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", register)])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 405);
        // Nothing written: the same registration over POST is the first one.
        let data = app.data(register, json!({})).await;
        assert!(data["register"]["email"].is_string());
    }
}

#[tokio::test]
async fn only_json_is_accepted_in_a_post() {
    for app in TestApp::all_empty().await {
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/graphql",
        ] {
            let response = app
                .client
                .post(app.url("/graphql"))
                .header("content-type", content_type)
                .body(r#"{"query":"{ __typename }"}"#)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 415, "{content_type}");
        }
        let json = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json; charset=utf-8")
            .body(r#"{"query":"{ __typename }"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), 200);
    }
}

#[tokio::test]
async fn plain_json_clients_get_200_even_for_request_errors() {
    for app in TestApp::all_empty().await {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("accept", "application/json")
            .json(&json!({ "query": "{ nonsense }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "GRAPHQL_VALIDATION_FAILED"
        );
    }
}

#[tokio::test]
async fn uploads_need_the_preflight_header() {
    for app in TestApp::all_empty().await {
        let form = || {
            reqwest::multipart::Form::new()
                .text("operations", r#"{"query":"{ __typename }","variables":{}}"#)
                .text("map", "{}")
        };
        let refused = app
            .client
            .post(app.url("/graphql"))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400);
        // Uploads are for signed-in callers (anonymous ones get 401 before the body is read).
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let allowed = app
            .client
            .post(app.url("/graphql"))
            .header("GraphQL-Require-Preflight", "1")
            .bearer_auth(candidate)
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(allowed.status(), 200);
    }
}

#[tokio::test]
async fn production_suggests_no_field_names() {
    let typo = "{ organisatons { totalCount } }";
    for app in TestApp::all_empty().await {
        let (_, message) = first_error(&app.graphql(typo, json!({})).await);
        assert!(message.contains("Did you mean"), "{message}");
    }
    let production = |config: &mut ServerConfig| {
        config.app_env = Some(jobboard::config::Environment::Production);
        config.public_url = Some("https://jobs.example.org".into());
        config.jwt.jwt_secret = Some("a production secret of at least 32 bytes".into());
        config.webhooks.webhook_secret_key =
            Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
        config.mail.smtp_url = Some("smtp://127.0.0.1:2525".into());
        config.mail.mail_from = Some("Job board <no-reply@jobs.example.org>".into());
    };
    for app in apps_with(false, production).await {
        let (code, message) = first_error(&app.graphql(typo, json!({})).await);
        assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
        assert!(!message.contains("Did you mean"), "{message}");
    }
}

#[tokio::test]
async fn parse_errors_do_not_echo_a_large_request() {
    for app in TestApp::all_empty().await {
        let query = format!("{{ a(x: \"{}) }}", "x".repeat(100_000));
        let body = app.graphql(&query, json!({})).await;
        let (code, message) = first_error(&body);
        assert_eq!(code, "GRAPHQL_PARSE_FAILED");
        assert!(message.chars().count() <= 501, "{} chars", message.len());
    }
}
