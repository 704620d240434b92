//! Erasure of candidates' data, by themselves or by a platform admin, and legal holds.

use entity::{
    account, application, application_document, application_referee, audit_event, mail_outbox,
    saved_search,
};
use jobboard::domain::{Role, VacancyStatus};
use reqwest::multipart::{Form, Part};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{global_id, vacancy_id, TestApp, VacancyBuilder};

const PASSWORD: &str = "orange tram lantern";
const REGISTER: &str = "mutation ($input: RegisterInput!) { register(input: $input) { email } }";
const LOGIN: &str =
    "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token account { id } } }";
const APPLY: &str = "mutation ($input: ApplyInput!, $documents: [DocumentUploadInput!]) { applyToVacancy(input: $input, documents: $documents) { id documents { downloadUrl } } }";
const SAVE: &str = "mutation ($input: SavedSearchInput!) { saveSearch(input: $input) { id } }";
const DELETE_ME: &str =
    "mutation ($password: String!) { deleteMyAccount(password: $password) { erased alreadyErased kept } }";
const ERASE: &str = "mutation ($id: ID!, $reason: String!) { eraseAccount(id: $id, reason: $reason) { erased alreadyErased kept } }";
const HOLD: &str = "mutation ($id: ID!, $hold: Boolean!, $reason: String) { setLegalHold(accountId: $id, hold: $hold, reason: $reason) { id legalHoldReason } }";
const READ: &str = "query ($id: ID!) { application(id: $id) { status coverLetter educationField residenceCountry educationLevel candidate { fullName email erased } referees { name } languages { language } documents { fileName } } }";
const ME: &str = "{ me { id } }";

/// A candidate registered over the API with [`PASSWORD`], address proven: (token, row id).
pub(crate) async fn candidate(app: &TestApp, email: &str) -> (String, i32) {
    let input = json!({ "email": email, "password": PASSWORD, "fullName": "Amina Benali" });
    app.data(REGISTER, json!({ "input": input })).await;
    account::Entity::update_many()
        .col_expr(
            account::Column::EmailVerifiedAt,
            Expr::value(Some(chrono::Utc::now())),
        )
        .filter(account::Column::Email.eq(email))
        .exec(&app.db)
        .await
        .unwrap();
    let body = app
        .data(LOGIN, json!({ "email": email, "password": PASSWORD }))
        .await;
    let token = body["login"]["token"].as_str().unwrap().to_owned();
    let row = account::Entity::find()
        .filter(account::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    (token, row.id)
}

/// A published IOM notice open for a month: its row id.
pub(crate) async fn open_vacancy(app: &TestApp, reference: &str) -> i32 {
    VacancyBuilder::new("IOM", reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now())
        .closing_in(chrono::Duration::days(30))
        .insert(&app.db)
        .await
}

/// Applies with a cover letter, a referee, a language and a PDF CV: the application's row id.
pub(crate) async fn apply(app: &TestApp, token: &str, vacancy: i32) -> i32 {
    let input = json!({
        "vacancyId": vacancy_id(vacancy),
        "coverLetter": "Je souhaite rejoindre l'équipe.",
        "residenceCountry": "MA",
        "educationLevel": "BACHELOR",
        "educationField": "sciences sociales",
        "yearsExperience": 6,
        "languages": [{ "language": "fr", "level": "EXCELLENT" }],
        "referees": [{ "name": "Salma B.", "email": "salma@example.org" }]
    });
    let operations = json!({
        "query": APPLY,
        "variables": { "input": input, "documents": [{ "kind": "CV", "file": null }] },
    });
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    pdf.resize(2_000, b' ');
    let form = Form::new()
        .text("operations", operations.to_string())
        .text(
            "map",
            json!({ "0": ["variables.documents.0.file"] }).to_string(),
        )
        .part(
            "0",
            Part::bytes(pdf)
                .file_name("cv.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("GraphQL-Require-Preflight", "1")
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "[{}] {body}", app.backend());
    let id = body["data"]["applyToVacancy"]["id"].as_str().unwrap();
    application_row(id)
}

fn application_row(global: &str) -> i32 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .unwrap();
    String::from_utf8(raw).unwrap()["Application:".len()..]
        .parse()
        .unwrap()
}

pub(crate) async fn documents_of(app: &TestApp, application: i32) -> u64 {
    application_document::Entity::find()
        .filter(application_document::Column::ApplicationId.eq(application))
        .count(&app.db)
        .await
        .unwrap()
}

/// The audit trail as text, every row's changes.
async fn audit_text(app: &TestApp) -> String {
    audit_event::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|row| row.changes.map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) async fn set_status(app: &TestApp, application: i32, status: &str) {
    application::Entity::update_many()
        .col_expr(application::Column::Status, Expr::value(status))
        .filter(application::Column::Id.eq(application))
        .exec(&app.db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_candidate_erases_themselves_and_recruiters_see_an_erased_candidate() {
    for app in TestApp::all_seeded().await {
        let email = "amina.erase@example.org";
        let (token, id) = candidate(&app, email).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let vacancy = open_vacancy(&app, "IOM-ERASE-1").await;
        let application = apply(&app, &token, vacancy).await;
        let filter = json!({ "country": "ma" });
        app.data_as(
            &token,
            SAVE,
            json!({ "input": { "name": "Maroc", "filter": filter } }),
        )
        .await;
        // Another object's audit row that names the address.
        audit_event::ActiveModel {
            entity_type: Set("invitation".into()),
            entity_id: Set(1),
            action: Set("create".into()),
            changes: Set(Some(json!({ "email": email, "role": "RECRUITER" }))),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        assert!(audit_text(&app).await.contains(email));
        let read = json!({ "id": global_id("Application", application) });
        let before = app.data_as(&recruiter, READ, read.clone()).await;
        assert_eq!(
            before["application"]["candidate"]["fullName"],
            "Amina Benali"
        );

        // The password is checked.
        let body = app
            .graphql_as(
                Some(&token),
                DELETE_ME,
                json!({ "password": "not the password" }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "password");

        let done = app
            .data_as(&token, DELETE_ME, json!({ "password": PASSWORD }))
            .await;
        assert_eq!(
            done["deleteMyAccount"],
            json!({ "erased": true, "alreadyErased": false, "kept": [] })
        );

        // The token died, and signing in fails.
        assert_eq!(
            app.error_code_as(Some(&token), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
        let body = app
            .graphql(LOGIN, json!({ "email": email, "password": PASSWORD }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        // The recruiter sees the decision's facts, not the person.
        let after = app.data_as(&recruiter, READ, read.clone()).await["application"].clone();
        assert_eq!(after["status"], "SUBMITTED");
        assert_eq!(after["educationLevel"], "BACHELOR");
        assert_eq!(
            after["candidate"],
            json!({ "fullName": "Erased candidate", "email": format!("erased-{id}@erased.invalid"), "erased": true })
        );
        assert_eq!(after["coverLetter"], Value::Null);
        assert_eq!(after["educationField"], Value::Null);
        assert_eq!(after["residenceCountry"], "");
        assert_eq!(after["referees"], json!([]));
        assert_eq!(after["languages"], json!([]));
        assert_eq!(after["documents"], json!([]));
        assert_eq!(documents_of(&app, application).await, 0);
        let searches = saved_search::Entity::find()
            .filter(saved_search::Column::AccountId.eq(id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(searches, 0);
        let mails = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::Recipient.eq(email))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(mails, 0);

        // The trail says it happened, not to whom.
        let trail = audit_text(&app).await;
        assert!(!trail.contains(email), "{trail}");
        assert!(!trail.contains("Amina Benali"), "{trail}");
        let erased = audit_event::Entity::find()
            .filter(audit_event::Column::EntityType.eq("account"))
            .filter(audit_event::Column::EntityId.eq(id))
            .filter(audit_event::Column::Action.eq("erase"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(erased, 1);

        // Erasing again succeeds and changes nothing.
        let rows = audit_event::Entity::find().count(&app.db).await.unwrap();
        let again = app
            .data_as(
                &admin,
                ERASE,
                json!({ "id": global_id("Account", id), "reason": "request 2026-17" }),
            )
            .await;
        assert_eq!(
            again["eraseAccount"],
            json!({ "erased": true, "alreadyErased": true, "kept": [] })
        );
        assert_eq!(
            audit_event::Entity::find().count(&app.db).await.unwrap(),
            rows
        );
    }
}

#[tokio::test]
async fn platform_admins_erase_people_and_agency_admins_may_not() {
    for app in TestApp::all_seeded().await {
        let (token, id) = candidate(&app, "karim.erase@example.org").await;
        let vacancy = open_vacancy(&app, "IOM-ERASE-2").await;
        let application = apply(&app, &token, vacancy).await;
        let target = json!({ "id": global_id("Account", id), "reason": "request 2026-18" });
        let agency_admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        for refused in [&agency_admin, &recruiter, &token] {
            assert_eq!(
                app.error_code_as(Some(refused), ERASE, target.clone())
                    .await,
                "FORBIDDEN"
            );
        }
        // Staff delete no account of theirs this way (they are deactivated).
        assert_eq!(
            app.error_code_as(Some(&recruiter), DELETE_ME, json!({ "password": PASSWORD }))
                .await,
            "FORBIDDEN"
        );
        assert_eq!(documents_of(&app, application).await, 1);

        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let blank = json!({ "id": global_id("Account", id), "reason": " " });
        assert_eq!(
            app.error_code_as(Some(&admin), ERASE, blank).await,
            "BAD_USER_INPUT"
        );
        let (staff, _) =
            crate::helpers::create_account(&app.db, Role::Recruiter, Some("IOM")).await;
        let staff = json!({ "id": global_id("Account", staff), "reason": "request" });
        assert_eq!(
            app.error_code_as(Some(&admin), ERASE, staff).await,
            "BAD_USER_INPUT"
        );
        let done = app.data_as(&admin, ERASE, target).await;
        assert_eq!(done["eraseAccount"]["alreadyErased"], false);
        assert_eq!(documents_of(&app, application).await, 0);
        assert_eq!(
            app.error_code_as(Some(&token), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn a_legal_hold_refuses_erasure_and_a_hired_application_is_kept() {
    for app in TestApp::all_seeded().await {
        let (token, id) = candidate(&app, "salma.erase@example.org").await;
        let hired = apply(&app, &token, open_vacancy(&app, "IOM-ERASE-3").await).await;
        let other = apply(&app, &token, open_vacancy(&app, "IOM-ERASE-4").await).await;
        set_status(&app, hired, "HIRED").await;
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let agency_admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let account = global_id("Account", id);

        let hold = json!({ "id": account, "hold": true, "reason": "litigation 2026/4" });
        assert_eq!(
            app.error_code_as(Some(&agency_admin), HOLD, hold.clone())
                .await,
            "FORBIDDEN"
        );
        let no_reason = json!({ "id": account, "hold": true });
        assert_eq!(
            app.error_code_as(Some(&admin), HOLD, no_reason).await,
            "BAD_USER_INPUT"
        );
        let held = app.data_as(&admin, HOLD, hold).await;
        assert_eq!(held["setLegalHold"]["legalHoldReason"], "litigation 2026/4");

        let body = app
            .graphql_as(Some(&token), DELETE_ME, json!({ "password": PASSWORD }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "CONFLICT",
            "{body}"
        );
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("legal hold"), "{message}");
        let erase = json!({ "id": account, "reason": "request 2026-19" });
        assert_eq!(
            app.error_code_as(Some(&admin), ERASE, erase.clone()).await,
            "CONFLICT"
        );
        assert_eq!(documents_of(&app, other).await, 1);
        // The candidate does not learn the hold's reason.
        let me = app
            .data_as(&token, "{ me { legalHoldReason } }", json!({}))
            .await;
        assert_eq!(me["me"]["legalHoldReason"], Value::Null);

        let release = json!({ "id": account, "hold": false });
        app.data_as(&admin, HOLD, release).await;
        let done = app.data_as(&admin, ERASE, erase).await["eraseAccount"].clone();
        let kept = done["kept"].as_array().unwrap();
        assert_eq!(kept.len(), 1, "{done}");
        assert!(kept[0].as_str().unwrap().contains("HIRED"), "{done}");
        // The hired application keeps its documents and referees; the other lost them.
        assert_eq!(documents_of(&app, hired).await, 1);
        assert_eq!(documents_of(&app, other).await, 0);
        let referees = |application: i32| {
            application_referee::Entity::find()
                .filter(application_referee::Column::ApplicationId.eq(application))
                .count(&app.db)
        };
        assert_eq!(referees(hired).await.unwrap(), 1);
        assert_eq!(referees(other).await.unwrap(), 0);
    }
}
