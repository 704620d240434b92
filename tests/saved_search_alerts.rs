//! Saved-search alerts, received by the test SMTP server: new matching vacancies are mailed once
//! each, with a one-click unsubscribe link.

use entity::mail_outbox;
use jobboard::domain::{Role, VacancyStatus};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{TestApp, VacancyBuilder};

const SAVE: &str =
    "mutation ($input: SavedSearchInput!) { saveSearch(input: $input) { id alert version } }";
const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: SavedSearchInput!) { updateSavedSearch(id: $id, version: $version, input: $input) { id alert version } }";
const ME: &str = "{ me { email } }";

/// Publishes a bare notice of `organisation` now; its title is "Test post {reference}".
async fn publish(app: &TestApp, organisation: &str, reference: &str) {
    VacancyBuilder::new(organisation, reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now())
        .closing_in(chrono::Duration::days(30))
        .insert(&app.db)
        .await;
}

async fn candidate(app: &TestApp) -> (String, String) {
    let token = app.sign_in_as(Role::Candidate, None).await;
    let email = app.data_as(&token, ME, json!({})).await["me"]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, email)
}

fn iom_search(name: &str, alert: Option<&str>) -> Value {
    json!({ "input": { "name": name, "filter": { "organisation": "IOM" }, "alert": alert } })
}

async fn alerts_queued_to(app: &TestApp, address: &str) -> u64 {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Recipient.eq(address))
        .filter(mail_outbox::Column::Kind.eq("saved_search_alert"))
        .count(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn instant_alerts_mail_each_new_match_once_and_off_mails_nothing() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let (keen, keen_email) = candidate(&app).await;
        let (idle, idle_email) = candidate(&app).await;
        let saved = app
            .data_as(&keen, SAVE, iom_search("IOM posts", Some("INSTANT")))
            .await["saveSearch"]
            .clone();
        assert_eq!(saved["alert"], "INSTANT");
        let off = app
            .data_as(&idle, SAVE, iom_search("IOM posts", None))
            .await["saveSearch"]
            .clone();
        assert_eq!(off["alert"], "OFF");

        // The seeded IOM notices were published before the alert was on: not announced.
        publish(&app, "IOM", "IOM-ALERT-1").await;
        publish(&app, "ILO", "ILO-ALERT-1").await;
        let first = smtp.first_to(&keen_email).await;
        assert_eq!(first.subject(), "New vacancies for \"IOM posts\"");
        let text = first.text();
        assert!(text.contains("Test post IOM-ALERT-1"), "{text}");
        assert!(
            text.contains("International Organization for Migration, Tunis (TN)"),
            "{text}"
        );
        assert!(text.contains("(Africa/Tunis)"), "{text}");
        assert!(text.contains("/jobposting.json"), "{text}");
        assert!(!text.contains("ILO-ALERT-1"), "{text}");
        assert_eq!(text.matches("Test post").count(), 1, "{text}");
        let unsubscribe = first.header("List-Unsubscribe").unwrap();
        assert!(unsubscribe.contains("/unsubscribe?token="), "{unsubscribe}");
        assert_eq!(
            first.link("/unsubscribe").as_deref(),
            Some(unsubscribe.trim_matches(['<', '>']))
        );

        // A second publication is announced alone.
        publish(&app, "IOM", "IOM-ALERT-2").await;
        let second = smtp.nth_to(&keen_email, 2).await;
        let text = second.text();
        assert!(text.contains("Test post IOM-ALERT-2"), "{text}");
        assert!(!text.contains("IOM-ALERT-1"), "{text}");

        // Later runs find nothing new; the search with alerts off never mails.
        tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
        assert_eq!(
            alerts_queued_to(&app, &keen_email).await,
            2,
            "[{}]",
            app.backend()
        );
        assert_eq!(alerts_queued_to(&app, &idle_email).await, 0);
        assert!(smtp.received_by(&idle_email).is_empty());

        // Turned on later, it announces what is published from then on only.
        let on = json!({ "id": off["id"], "version": off["version"], "input": iom_search("IOM posts", Some("INSTANT"))["input"] });
        let updated = app.data_as(&idle, UPDATE, on).await["updateSavedSearch"].clone();
        assert_eq!(updated["alert"], "INSTANT");
        publish(&app, "IOM", "IOM-ALERT-3").await;
        let text = smtp.first_to(&idle_email).await.text();
        assert!(text.contains("IOM-ALERT-3"), "{text}");
        assert!(!text.contains("IOM-ALERT-2"), "{text}");
    }
}
