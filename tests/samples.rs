//! Sample notices: a fresh development start shows a live board, production never loads them,
//! and one call removes them.

use entity::vacancy;
use jobboard::config::{Environment, ServerConfig};
use jobboard::domain::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, TestDatabase};

/// The configuration a developer's `cargo run` gets on `database`: development, demo data and
/// samples by default (named, since PostgreSQL alone would mean production).
fn development(database: &TestDatabase) -> ServerConfig {
    let mut config = ServerConfig::for_database(database.url());
    config.app_env = Some(Environment::Development);
    config.seed_demo_data = None;
    config.seed_samples = None;
    config
}

/// The query the playground opens with, read from the script the server serves.
async fn playground_query(app: &TestApp) -> String {
    let script = app
        .client
        .get(app.url("/graphql/assets/playground.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = script.find("var defaultQuery =").expect("a default query");
    let end = start + script[start..].find(";\n").expect("its end");
    // The query is a concatenation of single-quoted lines ending in \n.
    script[start..end]
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(|line| line.replace("\\n", "\n").replace("\\'", "'"))
        .collect()
}

async fn samples(app: &TestApp) -> u64 {
    vacancy::Entity::find()
        .filter(vacancy::Column::IsSample.eq(true))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_fresh_development_start_shows_a_full_page_with_facets_in_the_playground() {
    for database in TestDatabase::all().await {
        let config = development(&database);
        assert!(config.loads_samples());
        let app = TestApp::spawn_with(database, config).await;
        let query = playground_query(&app).await;
        assert!(query.contains("facets"), "{query}");
        let data = app.data(&query, json!({})).await;
        let list = &data["vacancies"];
        let edges = list["edges"].as_array().unwrap();
        assert_eq!(edges.len(), 5, "[{}] {list}", app.backend());
        assert!(list["totalCount"].as_i64().unwrap() >= 250, "{list}");
        assert!(edges.iter().all(|e| e["node"]["isSample"] == true));
        let facets = &list["facets"];
        assert!(
            facets["countries"].as_array().unwrap().len() >= 8,
            "{facets}"
        );
        assert!(
            facets["contractTypes"].as_array().unwrap().len() >= 3,
            "{facets}"
        );

        // Several agencies and projects, titles in three languages, francophone and
        // arabophone duty stations, and a search that finds open notices.
        let open = app
            .data(
                "{ vacancies(first: 1, filter: { openOnly: true }) { facets { \
                 organisations { count } projects { count } gradeCategories { count } } } \
                 ar: vacancies(first: 1, filter: { openOnly: true, country: \"MA\" }) { \
                 edges { node { title(language: \"ar\") fr: title(language: \"fr\") } } } \
                 search: vacancies(first: 1, filter: { openOnly: true, search: \"réintégration\" }) \
                 { totalCount } }",
                json!({}),
            )
            .await;
        let facets = &open["vacancies"]["facets"];
        assert!(
            facets["organisations"].as_array().unwrap().len() >= 4,
            "{facets}"
        );
        assert!(
            facets["projects"].as_array().unwrap().len() >= 4,
            "{facets}"
        );
        assert!(
            facets["gradeCategories"].as_array().unwrap().len() >= 4,
            "{facets}"
        );
        let node = &open["ar"]["edges"][0]["node"];
        assert!(node["title"].as_str().unwrap().contains("الرباط"), "{node}");
        assert!(node["fr"].as_str().unwrap().contains("Rabat"), "{node}");
        assert!(open["search"]["totalCount"].as_i64().unwrap() > 0, "{open}");
    }
}

#[tokio::test]
async fn the_samples_close_in_the_coming_weeks_and_the_real_notices_stay_as_they_are() {
    for database in TestDatabase::all().await {
        let config = development(&database);
        let app = TestApp::spawn_with(database, config).await;
        let rows = vacancy::Entity::find()
            .filter(vacancy::Column::IsSample.eq(true))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), jobboard::seed::samples::SAMPLE_COUNT);
        let now = chrono::Utc::now();
        for row in &rows {
            let closing = row.closing_at.unwrap();
            assert!(
                closing > now + chrono::Duration::days(2),
                "{}",
                row.reference
            );
            assert!(
                closing < now + chrono::Duration::days(60),
                "{}",
                row.reference
            );
        }
        let real = app
            .data(
                "{ vacancies(first: 20, filter: { status: [CLOSED] }) { totalCount edges { node { isSample } } } }",
                json!({}),
            )
            .await;
        assert_eq!(real["vacancies"]["totalCount"], 6, "{real}");
        assert!(real["vacancies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["isSample"] == false));
    }
}

#[tokio::test]
async fn production_never_loads_the_samples_nor_do_tests_unless_asked() {
    for database in TestDatabase::all().await {
        let mut config = development(&database);
        config.app_env = Some(Environment::Production);
        config.seed_demo_data = Some(true);
        config.seed_samples = Some(true);
        assert!(!config.loads_samples());
        config.jwt.jwt_secret = Some("a production secret of at least 32 bytes".into());
        config.webhooks.webhook_secret_key =
            Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
        config.public_url = Some("https://api.jobs.example.org".into());
        config.mail.smtp_url = Some("smtp://127.0.0.1:2525".into());
        config.mail.mail_from = Some("Job board <no-reply@jobs.example.org>".into());
        let app = TestApp::spawn_with(database, config).await;
        let count = app.data("{ vacancies { totalCount } }", json!({})).await;
        // The demo data was asked for by name; the samples never come with it.
        assert_eq!(
            count["vacancies"]["totalCount"],
            6,
            "[{}] {count}",
            app.backend()
        );
        assert_eq!(samples(&app).await, 0);
    }
    for app in TestApp::all_seeded().await {
        assert_eq!(samples(&app).await, 0);
    }
}

#[tokio::test]
async fn removing_the_samples_takes_them_and_their_applications_and_keeps_the_rest() {
    for database in TestDatabase::all().await {
        let config = development(&database);
        let app = TestApp::spawn_with(database, config).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        // One sample, asking for no documents, gets an application.
        let sample = vacancy::Entity::find()
            .filter(vacancy::Column::IsSample.eq(true))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        entity::vacancy_document::Entity::delete_many()
            .filter(entity::vacancy_document::Column::VacancyId.eq(sample.id))
            .exec(&app.db)
            .await
            .unwrap();
        let apply = "mutation ($input: ApplyInput!) { applyToVacancy(input: $input) { id } }";
        let input = json!({ "input": {
            "vacancyId": vacancy_id(sample.id),
            "residenceCountry": "MA",
            "nationality": "MA",
            "educationLevel": "MASTER",
            "yearsExperience": 8,
        } });
        app.data_as(&candidate, apply, input).await;

        let removed = jobboard::seed::samples::remove(&app.db).await.unwrap();
        assert_eq!(removed.vacancies, jobboard::seed::samples::SAMPLE_COUNT);
        assert_eq!(removed.applications, 1);
        assert_eq!(samples(&app).await, 0);
        let left: Value = app
            .data(
                "{ all: vacancies { totalCount } search: vacancies(filter: { search: \"sample\" }) { totalCount } \
                 organisations { totalCount } projects { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(left["all"]["totalCount"], 6, "[{}] {left}", app.backend());
        assert_eq!(left["search"]["totalCount"], 0, "{left}");
        assert_eq!(left["organisations"]["totalCount"], 18);
        assert_eq!(left["projects"]["totalCount"], 6);
        // Removing again finds nothing.
        let again = jobboard::seed::samples::remove(&app.db).await.unwrap();
        assert_eq!(again.vacancies, 0);
    }
}
