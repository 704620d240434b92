//! `COUNT_CACHE_SECONDS`: list totals and facets are reused for a while when asked, counted on
//! every request when not, never shared between lists that count different rows, and dropped by
//! every write: a mutation on this server, or a domain event from any replica.

use jobboard::config::ServerConfig;
use jobboard::domain::{Role, VacancyStatus};
use serde_json::json;

use std::time::{Duration, Instant};

use crate::events::{notice, publish};
use crate::helpers::{TestApp, TestDatabase, VacancyBuilder};

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
    config.count_cache_seconds = seconds;
    TestApp::spawn_with(database, config).await
}

#[tokio::test]
async fn totals_are_reused_while_fresh_and_only_for_the_same_list() {
    for database in TestDatabase::all().await {
        let app = spawn(database, 300).await;
        let closing = chrono::Utc::now() + chrono::Duration::days(30);
        let all = total(&app, None).await;
        let iom = total(&app, Some("IOM")).await;
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Published)
            .closing_at(closing)
            .insert(&app.db)
            .await;

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
        let closing = chrono::Utc::now() + chrono::Duration::days(30);
        let all = total(&app, None).await;
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Published)
            .closing_at(closing)
            .insert(&app.db)
            .await;
        assert_eq!(total(&app, None).await, all + 1, "[{}]", app.backend());
    }
}

const OPEN: &str = r#"
query {
  vacancies(filter: { openOnly: true }) {
    totalCount
    facets { organisations { count } }
  }
}"#;

const EVERY: &str = r#"
query {
  vacancies {
    totalCount
    facets { organisations { count } }
  }
}"#;

/// A list's total, and the sum of its organisation facet.
async fn counts(app: &TestApp, token: Option<&str>, query: &str) -> (u64, u64) {
    let body = app.graphql_as(token, query, json!({})).await;
    let list = &body["data"]["vacancies"];
    let facets = list["facets"]["organisations"].as_array().unwrap();
    (
        list["totalCount"].as_u64().unwrap(),
        facets.iter().map(|b| b["count"].as_u64().unwrap()).sum(),
    )
}

async fn open_counts(app: &TestApp) -> (u64, u64) {
    counts(app, None, OPEN).await
}

#[tokio::test]
async fn a_mutation_drops_every_cached_count_before_it_answers() {
    for database in TestDatabase::all().await {
        let app = spawn(database, 300).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mine = || counts(&app, Some(&recruiter), EVERY);
        let (total, faceted) = mine().await;
        assert_eq!(total, faceted, "[{}]", app.backend());
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Draft)
            .insert(&app.db)
            .await;
        // Written behind the server's back: both counts are still the cached ones.
        assert_eq!(mine().await, (total, total), "[{}]", app.backend());

        // A draft raises no domain event: only the mutation itself drops the counts, and it
        // does so before answering, so the recruiter's next read counts both drafts.
        let created = app
            .data_as(
                &recruiter,
                crate::events::CREATE,
                json!({ "input": notice(&app, "CACHE/2").await }),
            )
            .await;
        assert!(created["createVacancy"]["id"].is_string());
        assert_eq!(mine().await, (total + 2, total + 2), "[{}]", app.backend());
    }
}

#[tokio::test]
async fn another_replicas_write_drops_the_counts_of_this_one() {
    for database in TestDatabase::all().await {
        let shared = database.shared();
        let reader = spawn(database, 300).await;
        let writer = spawn(shared, 300).await;
        let (total, _) = open_counts(&reader).await;
        let closing = chrono::Utc::now() + chrono::Duration::days(30);
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Published)
            .closing_at(closing)
            .insert(&reader.db)
            .await;
        assert_eq!(
            open_counts(&reader).await.0,
            total,
            "[{}]",
            reader.backend()
        );

        let recruiter = writer.sign_in_as(Role::Recruiter, Some("IOM")).await;
        publish(&writer, &recruiter, notice(&writer, "CACHE/2").await).await;
        // The publication reaches the reader as a domain event (LISTEN/NOTIFY on PostgreSQL,
        // polling on SQLite); without it the reader would answer `total` for 300 seconds.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let counts = open_counts(&reader).await;
            if counts == (total + 2, total + 2) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "[{}] still {counts:?} after the other replica's write",
                reader.backend()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The README's list page, as an anonymous visitor's frontend sends it.
const PUBLIC_LIST: &str = r#"
query ($org: String) {
  vacancies(filter: { organisation: $org }) { totalCount edges { node { reference } } }
}"#;

async fn spawn_with_responses(database: TestDatabase, seconds: u64) -> TestApp {
    let mut config = ServerConfig::for_database(database.url());
    config.seed_demo_data = Some(true);
    config.response_cache_seconds = seconds;
    TestApp::spawn_with(database, config).await
}

fn references(body: &serde_json::Value) -> usize {
    body["data"]["vacancies"]["edges"].as_array().unwrap().len()
}

#[tokio::test]
async fn anonymous_reads_are_served_again_until_a_catalogue_write() {
    for database in TestDatabase::all().await {
        let app = spawn_with_responses(database, 300).await;
        let read = |org: &'static str| app.graphql(PUBLIC_LIST, json!({ "org": org }));
        let first = read("IOM").await;
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Published)
            .closing_in(chrono::Duration::days(30))
            .insert(&app.db)
            .await;
        // The same query and variables: the same response, the new row not in it.
        assert_eq!(read("IOM").await, first, "[{}]", app.backend());
        // Other variables are another request, executed.
        assert_eq!(
            references(&read("OIM").await),
            references(&first) + 1,
            "[{}]",
            app.backend()
        );

        // A write outside the catalogue (a saved search, an application) keeps them.
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        app.data_as(
            &candidate,
            "mutation { saveSearch(input: { name: \"x\" }) { id } }",
            json!({}),
        )
        .await;
        assert_eq!(read("IOM").await, first, "[{}]", app.backend());

        // A catalogue mutation (here a recruiter's new draft) drops every kept response before
        // it answers.
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        app.data_as(
            &recruiter,
            crate::events::CREATE,
            json!({ "input": notice(&app, "CACHE/3").await }),
        )
        .await;
        assert_eq!(
            references(&read("IOM").await),
            references(&first) + 1,
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn signed_in_reads_and_failed_reads_are_never_reused() {
    for database in TestDatabase::all().await {
        let app = spawn_with_responses(database, 300).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let read = || app.graphql_as(Some(&recruiter), PUBLIC_LIST, json!({ "org": "IOM" }));
        let first = read().await;
        VacancyBuilder::new("IOM", "CACHE/1")
            .status(VacancyStatus::Draft)
            .insert(&app.db)
            .await;
        assert_eq!(
            references(&read().await),
            references(&first) + 1,
            "[{}]",
            app.backend()
        );

        // A vacancy that does not exist yet: NOT_FOUND is not kept.
        let by_reference =
            "query { vacancy(organisation: \"IOM\", reference: \"CACHE/2\") { reference } }";
        assert_eq!(app.error_code(by_reference, json!({})).await, "NOT_FOUND");
        VacancyBuilder::new("IOM", "CACHE/2")
            .status(VacancyStatus::Published)
            .closing_in(chrono::Duration::days(30))
            .insert(&app.db)
            .await;
        assert_eq!(
            app.data(by_reference, json!({})).await["vacancy"]["reference"],
            "CACHE/2",
            "[{}]",
            app.backend()
        );
    }
}
