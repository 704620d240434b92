//! The candidate's mails about an application, received by the test SMTP server: the receipt on
//! applying, and the steps the organisation announces.

use entity::{account, mail_outbox};
use jobboard::domain::{Role, VacancyStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, VacancyBuilder};

const APPLY: &str =
    "mutation ($input: ApplyInput!) { applyToVacancy(input: $input) { id status version } }";
const MOVE: &str = "mutation ($id: ID!, $status: ApplicationStatus!) { updateApplicationStatus(id: $id, status: $status) { id status } }";
const ME: &str = "{ me { id email } }";
const ORGANISATION: &str = "query ($acronym: String!) { organisation(acronym: $acronym) { id version announcedApplicationStatuses } }";
const UPDATE_ORGANISATION: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, version: $version, input: $input) { announcedApplicationStatuses } }";

/// A published IOM notice open for a month; returns its global ID.
async fn open_vacancy(app: &TestApp, reference: &str) -> String {
    let row = VacancyBuilder::new("IOM", reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now())
        .closing_in(chrono::Duration::days(30))
        .insert(&app.db)
        .await;
    vacancy_id(row)
}

/// A new candidate: their token, account row id and address.
async fn candidate(app: &TestApp) -> (String, i32, String) {
    let token = app.sign_in_as(Role::Candidate, None).await;
    let me = app.data_as(&token, ME, json!({})).await;
    let email = me["me"]["email"].as_str().unwrap().to_owned();
    let row = account::Entity::find()
        .filter(account::Column::Email.eq(email.clone()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (token, row.id, email)
}

async fn apply(app: &TestApp, token: &str, vacancy: &str) -> Value {
    let input = json!({
        "vacancyId": vacancy,
        "residenceCountry": "MA",
        "educationLevel": "BACHELOR",
        "yearsExperience": 6,
        "languages": [{ "language": "en", "level": "FLUENT" }],
        "referees": []
    });
    app.data_as(token, APPLY, json!({ "input": input })).await["applyToVacancy"]["id"].clone()
}

/// The mails queued for `address` so far (sent or not), by kind.
async fn queued_kinds(app: &TestApp, address: &str) -> Vec<String> {
    mail_outbox::Entity::find()
        .filter(mail_outbox::Column::Recipient.eq(address))
        .order_by_asc(mail_outbox::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect()
}

#[tokio::test]
async fn a_candidate_gets_a_receipt_and_the_announced_steps_worded_kindly() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = open_vacancy(&app, "IOM-MAIL-1").await;
        let (token, _, email) = candidate(&app).await;
        let application = apply(&app, &token, &vacancy).await;

        let receipt = smtp.first_to(&email).await;
        let subject = receipt.subject();
        assert!(subject.contains("Test post IOM-MAIL-1"), "{subject}");
        assert!(subject.contains("(IOM-MAIL-1)"), "{subject}");
        let text = receipt.text();
        assert!(
            text.contains("International Organization for Migration"),
            "{text}"
        );
        assert!(receipt.header("List-Unsubscribe").is_none());

        // SCREENING is an internal step by default; REJECTED is announced, kindly.
        for status in ["SCREENING", "REJECTED"] {
            app.data_as(
                &recruiter,
                MOVE,
                json!({ "id": application, "status": status }),
            )
            .await;
        }
        let rejected = smtp.nth_to(&email, 2).await;
        assert!(rejected.subject().contains("IOM-MAIL-1"));
        let text = rejected.text();
        assert!(text.contains("says nothing of your worth"), "{text}");
        let unsubscribe = rejected.header("List-Unsubscribe").unwrap();
        assert!(unsubscribe.contains("/unsubscribe?token="), "{unsubscribe}");
        assert_eq!(
            rejected.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert_eq!(
            queued_kinds(&app, &email).await,
            ["application_received", "application_status"],
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn organisations_choose_the_steps_they_announce_and_candidates_may_opt_out() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let org = app
            .data_as(&admin, ORGANISATION, json!({ "acronym": "IOM" }))
            .await["organisation"]
            .clone();
        assert_eq!(
            org["announcedApplicationStatuses"],
            json!(["INTERVIEW", "OFFERED", "HIRED", "REJECTED"])
        );
        // A recruiter may not change it; the organisation's admin may.
        let input =
            json!({ "announcedApplicationStatuses": ["REJECTED", "SHORTLISTED", "SHORTLISTED"] });
        let variables = json!({ "id": org["id"], "version": org["version"], "input": input });
        assert_eq!(
            app.error_code_as(Some(&recruiter), UPDATE_ORGANISATION, variables.clone())
                .await,
            "FORBIDDEN"
        );
        let updated = app.data_as(&admin, UPDATE_ORGANISATION, variables).await;
        assert_eq!(
            updated["updateOrganisation"]["announcedApplicationStatuses"],
            json!(["SHORTLISTED", "REJECTED"])
        );

        let vacancy = open_vacancy(&app, "IOM-MAIL-2").await;
        let (keen, _, keen_email) = candidate(&app).await;
        let (quiet, quiet_id, quiet_email) = candidate(&app).await;
        account::Entity::update_many()
            .col_expr(
                account::Column::NotifyApplicationUpdates,
                Expr::value(false),
            )
            .filter(account::Column::Id.eq(quiet_id))
            .exec(&app.db)
            .await
            .unwrap();
        for (token, email) in [(&keen, &keen_email), (&quiet, &quiet_email)] {
            let application = apply(&app, token, &vacancy).await;
            for status in ["SCREENING", "SHORTLISTED"] {
                app.data_as(
                    &recruiter,
                    MOVE,
                    json!({ "id": application, "status": status }),
                )
                .await;
            }
            smtp.first_to(email).await;
        }
        let shortlisted = smtp.nth_to(&keen_email, 2).await;
        assert!(shortlisted.text().contains("has been shortlisted"));
        assert_eq!(
            queued_kinds(&app, &keen_email).await,
            ["application_received", "application_status"]
        );
        // The candidate who turned updates off still gets the receipt, and nothing else.
        assert_eq!(
            queued_kinds(&app, &quiet_email).await,
            ["application_received"]
        );
        assert_eq!(
            mail_outbox::Entity::find()
                .filter(mail_outbox::Column::Kind.eq("application_status"))
                .count(&app.db)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test]
async fn recruiters_who_ask_get_a_daily_digest_of_new_applications() {
    const PREFERENCES: &str = "mutation ($input: NotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { recruiterDigest } }";
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let vacancy = open_vacancy(&app, "IOM-DIGEST-1").await;
        let opted_in = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let silent = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let other_agency = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let (candidate_token, _, _) = candidate(&app).await;
        apply(&app, &candidate_token, &vacancy).await;
        let (second, _, _) = candidate(&app).await;
        apply(&app, &second, &vacancy).await;
        for token in [&opted_in, &other_agency] {
            app.data_as(
                token,
                PREFERENCES,
                json!({ "input": { "recruiterDigest": true } }),
            )
            .await;
        }
        let address = |token: String| {
            let app = &app;
            async move {
                app.data_as(&token, ME, json!({})).await["me"]["email"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let opted_in_address = address(opted_in.clone()).await;
        let digest = smtp.first_to(&opted_in_address).await;
        assert_eq!(digest.subject(), "2 new applications since yesterday");
        assert!(
            digest.text().contains("(IOM-DIGEST-1): 2"),
            "{}",
            digest.text()
        );
        assert!(digest.header("List-Unsubscribe").is_some());
        // The same round looked at everyone: no digest to one who did not ask, and none to
        // another agency's recruiter with nothing new.
        let queued = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Kind.eq("recruiter_digest"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(queued, 1, "[{}]", app.backend());
        let silent_address = address(silent).await;
        assert!(smtp.received_by(&silent_address).is_empty());
    }
}
