//! The Atom feed of open vacancies: valid Atom (parsed with an XML library), public vacancies
//! only, newest first, narrowed by its query parameters.

use chrono::{DateTime, Duration, Utc};
use jobboard::app::Application;
use jobboard::config::{Environment, ServerConfig};
use jobboard::domain::VacancyStatus;

use crate::helpers::{vacancy_id, TestApp, TestDatabase, VacancyBuilder};

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// Inserts a published vacancy open for a month, published at `published`.
async fn open_vacancy(app: &TestApp, org: &str, reference: &str, published: DateTime<Utc>) -> i32 {
    VacancyBuilder::new(org, reference)
        .status(VacancyStatus::Published)
        .closing_in(Duration::days(30))
        .published_at(published)
        .insert(&app.db)
        .await
}

async fn get(app: &TestApp, query: &str) -> (u16, String, String) {
    let response = app
        .client
        .get(app.url(&format!("/feeds/vacancies.atom{query}")))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|n| {
        n.is_element() && n.tag_name().name() == name && n.tag_name().namespace() == Some(ATOM)
    })
}

fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name)
        .and_then(|n| n.text())
        .unwrap_or_else(|| panic!("<{name}> missing"))
        .to_owned()
}

/// Parses the feed and checks what Atom requires of it and of each entry; returns the entries'
/// ids (their JSON-LD links) in order.
fn parse_feed(body: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(body).expect("the feed is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    assert!(text_of(feed, "id").starts_with("http"));
    assert_eq!(text_of(feed, "title"), "Open vacancies");
    DateTime::parse_from_rfc3339(&text_of(feed, "updated")).expect("updated is RFC 3339");
    let self_link = feed
        .children()
        .find(|n| n.tag_name().name() == "link" && n.attribute("rel") == Some("self"))
        .expect("a self link");
    assert!(self_link
        .attribute("href")
        .unwrap()
        .contains("/feeds/vacancies.atom"));
    assert!(child(feed, "author").is_some());
    feed.children()
        .filter(|n| n.tag_name().name() == "entry")
        .map(|entry| {
            let id = text_of(entry, "id");
            assert!(!text_of(entry, "title").is_empty());
            DateTime::parse_from_rfc3339(&text_of(entry, "updated")).expect("entry updated");
            let link = child(entry, "link").expect("an entry link");
            assert_eq!(link.attribute("rel"), Some("alternate"));
            assert_eq!(link.attribute("type"), Some("application/ld+json"));
            assert_eq!(link.attribute("href"), Some(id.as_str()));
            assert!(child(child(entry, "author").expect("author"), "name").is_some());
            id
        })
        .collect()
}

fn posting_url(row: i32) -> String {
    format!("/vacancies/{}/jobposting.json", vacancy_id(row))
}

#[tokio::test]
async fn the_feed_is_valid_atom_of_open_vacancies_newest_first() {
    for app in TestApp::all_seeded().await {
        let now = Utc::now();
        let older = open_vacancy(&app, "IOM", "FEED-OLD", now - Duration::days(3)).await;
        let newer = open_vacancy(&app, "ILO", "FEED-NEW", now - Duration::days(1)).await;
        VacancyBuilder::new("IOM", "FEED-DRAFT")
            .status(VacancyStatus::Draft)
            .closing_at(now + Duration::days(9))
            .insert(&app.db)
            .await;
        VacancyBuilder::new("IOM", "FEED-PAST")
            .status(VacancyStatus::Published)
            .closing_at(now - Duration::days(1))
            .insert(&app.db)
            .await;

        let (status, kind, body) = get(&app, "").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(kind, "application/atom+xml; charset=utf-8");
        let ids = parse_feed(&body);
        // The demo notices are all closed: only the two open ones, the newest first.
        assert_eq!(ids.len(), 2, "[{}] {ids:?}", app.backend());
        assert!(ids[0].ends_with(&posting_url(newer)), "{ids:?}");
        assert!(ids[1].ends_with(&posting_url(older)), "{ids:?}");
        assert!(body.contains("<title>Test post FEED-NEW</title>"), "{body}");

        // Each entry's link serves the vacancy's JSON-LD.
        let path = &ids[0][ids[0].find("/vacancies/").unwrap()..];
        let posting = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(posting.status(), 200);
    }
}

#[tokio::test]
async fn the_feed_takes_the_vacancy_filters_as_query_parameters() {
    for app in TestApp::all_seeded().await {
        let now = Utc::now();
        let iom = open_vacancy(&app, "IOM", "FEED-IOM", now - Duration::days(2)).await;
        let ilo = open_vacancy(&app, "ILO", "FEED-ILO", now - Duration::days(1)).await;

        let only = |query: &'static str, expected: Vec<i32>| {
            let app = &app;
            async move {
                let (status, _, body) = get(app, query).await;
                assert_eq!(status, 200, "{query}: {body}");
                let ids = parse_feed(&body);
                assert_eq!(ids.len(), expected.len(), "{query}: {ids:?}");
                for (id, row) in ids.iter().zip(&expected) {
                    assert!(id.ends_with(&posting_url(*row)), "{query}: {ids:?}");
                }
            }
        };
        only("?organisation=OIM", vec![iom]).await;
        only("?organisation=ILO", vec![ilo]).await;
        only("?country=tn", vec![ilo, iom]).await;
        only("?country=MA", vec![]).await;
        only("?gradeCategory=PROFESSIONAL&organisation=IOM", vec![iom]).await;
        only("?gradeCategory=GENERAL_SERVICE", vec![]).await;
        // Search words, as `vacancies(filter: { search })` takes them.
        jobboard::service::vacancy::search_document::refresh(&app.db, &[iom, ilo])
            .await
            .unwrap();
        only("?search=feed-ilo", vec![ilo]).await;
        only("?search=OIT&country=TN", vec![ilo]).await;
        only("?search=test%20post", vec![ilo, iom]).await;
        only("?search=nowhere", vec![]).await;

        for bad in [
            "?country=Tunisia",
            "?gradeCategory=BOSS",
            "?colour=red",
            "?country=TN&country=MA",
            "?search=",
        ] {
            let (status, kind, body) = get(&app, bad).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert!(kind.starts_with("text/plain"), "{bad}: {kind}");
            assert!(!body.is_empty());
        }
    }
}

#[tokio::test]
async fn production_builds_feed_links_from_public_url_only() {
    let production = |database: &TestDatabase| {
        let mut config = ServerConfig::for_database(database.url());
        config.app_env = Some(Environment::Production);
        config.jwt.jwt_secret = Some("a production secret of at least 32 bytes".into());
        config.webhooks.webhook_secret_key =
            Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into());
        config.seed_demo_data = Some(true);
        config.mail.smtp_url = Some("smtp://127.0.0.1:2525".into());
        config.mail.mail_from = Some("Job board <no-reply@jobs.example.org>".into());
        config
    };
    for database in TestDatabase::all().await {
        let refused = Application::build(production(&database)).await;
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("PUBLIC_URL is required"), "{message}");

        let mut config = production(&database);
        config.public_url = Some("https://api.jobs.example.org/".into());
        let app = TestApp::spawn_with(database, config).await;
        let row = open_vacancy(&app, "IOM", "FEED-HOST", Utc::now() - Duration::days(1)).await;
        for host in ["attacker.example", "localhost:1"] {
            let response = app
                .client
                .get(app.url("/feeds/vacancies.atom"))
                .header("host", host)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let body = response.text().await.unwrap();
            assert!(!body.contains(host), "[{}] {body}", app.backend());
            let ids = parse_feed(&body);
            assert_eq!(
                ids,
                vec![format!("https://api.jobs.example.org{}", posting_url(row))],
                "[{}]",
                app.backend()
            );
            assert!(body.contains("href=\"https://api.jobs.example.org/feeds/vacancies.atom"));
        }
    }
}
