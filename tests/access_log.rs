//! Privacy (issue 15): the access log of applications (staff reads, document downloads, CSV
//! exports), read by the organisation's admins, and a person's own data (`myData`,
//! `GET /me/data.json`).

use jobboard::domain::{Role, VacancyStatus};
use serde_json::{json, Value};

use crate::accounts::organisation_id;
use crate::applications::{application, apply_ok, cv, get, pdf, register};
use crate::helpers::{create_account, vacancy_id, TestApp, VacancyBuilder};

const ONE: &str = "query ($id: ID!) { application(id: $id) { id status } }";
const NODE: &str = "query ($id: ID!) { node(id: $id) { id } }";
const LIST: &str = "query ($vacancy: ID!) { applications(vacancyId: $vacancy) { totalCount edges { node { id coverLetter } } } }";
const LOG: &str = "query ($org: ID!, $application: ID, $first: Int, $after: String) { applicationAccessLog(organisationId: $org, applicationId: $application, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { applicationId action documentId account { email } integrationTokenName readerOrganisation { acronym } createdAt } } } }";
const MY_DATA: &str = "{ myData }";
const SAVE: &str = "mutation ($input: SavedSearchInput!) { saveSearch(input: $input) { id } }";

async fn open_vacancy(app: &TestApp, reference: &str) -> String {
    let row = VacancyBuilder::new("IOM", reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now())
        .closing_in(chrono::Duration::days(30))
        .insert(&app.db)
        .await;
    vacancy_id(row)
}

/// A staff member of `org` with `role`: their token and e-mail address.
async fn staff(app: &TestApp, role: Role, org: &str) -> (String, String) {
    let (id, _) = create_account(&app.db, role, Some(org)).await;
    let token = app.token_for(id).await;
    let me = app.data_as(&token, "{ me { email } }", json!({})).await;
    (token, me["me"]["email"].as_str().unwrap().to_owned())
}

/// Applies with a CV: the application's global ID and the CV's download path.
async fn apply_with_cv(app: &TestApp, candidate: &str, vacancy: &str) -> (String, String) {
    let applied = apply_ok(app, candidate, application(vacancy), vec![cv(pdf(2_000))]).await;
    let id = applied["id"].as_str().unwrap().to_owned();
    let download = applied["documents"][0]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, download)
}

fn entries(log: &Value) -> Vec<Value> {
    log["applicationAccessLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn staff_reads_downloads_and_exports_are_logged_for_the_organisations_admins() {
    for app in TestApp::all_seeded().await {
        let backend = app.backend();
        let vacancy = open_vacancy(&app, "IOM-LOG-001").await;
        let amina = register(&app, "Amina El Idrissi").await;
        let (id, download) = apply_with_cv(&app, &amina, &vacancy).await;
        let iom = organisation_id(&app, "IOM").await;
        let (admin, _) = staff(&app, Role::AgencyAdmin, "IOM").await;
        let log_of = |application: Option<&str>| json!({ "org": iom, "application": application });

        // The candidate reading and downloading their own is not logged.
        app.data_as(&amina, ONE, json!({ "id": id })).await;
        assert_eq!(get(&app, Some(&amina), &download).await.status(), 200);
        let log = app.data_as(&admin, LOG, log_of(None)).await;
        assert_eq!(
            log["applicationAccessLog"]["totalCount"], 0,
            "[{backend}] {log}"
        );

        // A recruiter's list is not logged per item; a detail read, a node read, a download and
        // an export are, in that order.
        let (recruiter, recruiter_email) = staff(&app, Role::Recruiter, "IOM").await;
        let list = app
            .data_as(&recruiter, LIST, json!({ "vacancy": vacancy }))
            .await;
        assert_eq!(list["applications"]["totalCount"], 1);
        let log = app.data_as(&admin, LOG, log_of(None)).await;
        assert_eq!(
            log["applicationAccessLog"]["totalCount"], 0,
            "[{backend}] {log}"
        );
        app.data_as(&recruiter, ONE, json!({ "id": id })).await;
        app.data_as(&recruiter, NODE, json!({ "id": id })).await;
        assert_eq!(get(&app, Some(&recruiter), &download).await.status(), 200);
        let csv = format!("/vacancies/{vacancy}/applications.csv");
        assert_eq!(get(&app, Some(&recruiter), &csv).await.status(), 200);

        // Newest first, with who, what and which document.
        let log = app.data_as(&admin, LOG, log_of(Some(&id))).await;
        let found = entries(&log);
        let actions: Vec<&str> = found
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["CSV_EXPORT", "DOCUMENT_DOWNLOAD", "READ", "READ"],
            "[{backend}] {log}"
        );
        for entry in &found {
            assert_eq!(entry["applicationId"], id.as_str());
            assert_eq!(entry["account"]["email"], recruiter_email.as_str());
            assert_eq!(entry["readerOrganisation"]["acronym"], "IOM");
            assert_eq!(entry["integrationTokenName"], Value::Null);
        }
        let document = download.trim_start_matches("/documents/");
        assert_eq!(found[1]["documentId"], document);
        assert_eq!(found[0]["documentId"], Value::Null);

        // Paged: the second page goes on after the first.
        let first = app
            .data_as(&admin, LOG, json!({ "org": iom, "first": 3 }))
            .await;
        assert_eq!(entries(&first).len(), 3);
        let after = first["applicationAccessLog"]["pageInfo"]["endCursor"].clone();
        let rest = app
            .data_as(
                &admin,
                LOG,
                json!({ "org": iom, "first": 3, "after": after }),
            )
            .await;
        assert_eq!(entries(&rest).len(), 1);
        assert_eq!(entries(&rest)[0]["action"], "READ");

        // Platform admins read it too.
        let (platform_id, _) = create_account(&app.db, Role::PlatformAdmin, None).await;
        let platform = app.token_for(platform_id).await;
        let log = app.data_as(&platform, LOG, log_of(None)).await;
        assert_eq!(log["applicationAccessLog"]["totalCount"], 4);
        // Which the log then records as well, the platform's own organisation-less reads included.
        app.data_as(&platform, ONE, json!({ "id": id })).await;
        let log = app.data_as(&admin, LOG, log_of(None)).await;
        let newest = &entries(&log)[0];
        assert_eq!(newest["action"], "READ");
        assert_eq!(newest["readerOrganisation"], Value::Null);

        // The watched may not read the log; another organisation's admin neither, and does not
        // learn whether an application of another organisation exists.
        assert_eq!(
            app.error_code_as(Some(&recruiter), LOG, log_of(None)).await,
            "FORBIDDEN"
        );
        let (unhcr_admin, _) = staff(&app, Role::AgencyAdmin, "UNHCR").await;
        assert_eq!(
            app.error_code_as(Some(&unhcr_admin), LOG, log_of(Some(&id)))
                .await,
            "FORBIDDEN"
        );
        let unhcr = organisation_id(&app, "UNHCR").await;
        assert_eq!(
            app.error_code_as(
                Some(&unhcr_admin),
                LOG,
                json!({ "org": unhcr, "application": id })
            )
            .await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(None, LOG, log_of(None)).await,
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn a_candidate_downloads_everything_held_on_them() {
    for app in TestApp::all_seeded().await {
        let backend = app.backend();
        let vacancy = open_vacancy(&app, "IOM-DATA-001").await;
        let amina = register(&app, "Amina El Idrissi").await;
        let (id, download) = apply_with_cv(&app, &amina, &vacancy).await;
        let other = register(&app, "Someone Else").await;
        let (_, other_download) = apply_with_cv(&app, &other, &vacancy).await;
        app.data_as(
            &amina,
            SAVE,
            json!({ "input": { "name": "Maroc", "filter": { "country": "MA" } } }),
        )
        .await;
        let (recruiter, recruiter_email) = staff(&app, Role::Recruiter, "IOM").await;
        app.data_as(&recruiter, ONE, json!({ "id": id })).await;

        let data = app.data_as(&amina, MY_DATA, json!({})).await["myData"].clone();
        assert_eq!(
            data["account"]["fullName"], "Amina El Idrissi",
            "[{backend}] {data}"
        );
        assert_eq!(data["account"]["role"], "CANDIDATE");
        assert_eq!(data["account"]["emailVerified"], true);
        assert_eq!(data["notificationPreferences"]["applicationUpdates"], true);
        assert!(!data["sessions"].as_array().unwrap().is_empty(), "{data}");
        assert_eq!(data["savedSearches"][0]["name"], "Maroc");
        let applications = data["applications"].as_array().unwrap();
        assert_eq!(applications.len(), 1, "[{backend}] {data}");
        let mine = &applications[0];
        assert_eq!(mine["id"], id.as_str());
        assert_eq!(mine["vacancy"]["reference"], "IOM-DATA-001");
        assert_eq!(mine["vacancy"]["organisation"]["acronym"], "IOM");
        assert!(mine["vacancy"]["titles"]
            .as_object()
            .is_some_and(|t| !t.is_empty()));
        assert_eq!(mine["status"], "SUBMITTED");
        assert_eq!(mine["coverLetter"], "Je souhaite rejoindre l'équipe ORION.");
        assert_eq!(mine["languages"].as_array().unwrap().len(), 3);
        assert_eq!(mine["referees"][0]["name"], "Salma B.");
        assert_eq!(mine["referees"][0]["email"], "salma@example.org");
        assert_eq!(mine["statusHistory"][0]["to"], "SUBMITTED");
        let documents = mine["documents"].as_array().unwrap();
        assert_eq!(documents.len(), 1);
        assert_eq!(documents[0]["fileName"], "cv.pdf");
        assert_eq!(documents[0]["link"], download.as_str());
        // The recruiter's read: when, what, and which organisation, not who.
        let accesses = mine["accessLog"].as_array().unwrap();
        assert_eq!(accesses.len(), 1, "[{backend}] {data}");
        assert_eq!(accesses[0]["action"], "READ");
        assert_eq!(accesses[0]["organisation"]["acronym"], "IOM");
        let text = data.to_string();
        assert!(!text.contains(&recruiter_email), "{text}");
        assert!(!text.contains("Test RECRUITER"), "{text}");
        // Nothing of another candidate, nor the password hash.
        let other_document = other_download.trim_start_matches("/documents/");
        assert!(!text.contains(other_document), "{text}");
        assert!(!text.contains("Someone Else"), "{text}");
        assert!(!text.contains("password"), "{text}");

        // The same document as a download.
        let response = get(&app, Some(&amina), "/me/data.json").await;
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-disposition"],
            "attachment; filename=\"my-data.json\""
        );
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let mut downloaded: Value = response.json().await.unwrap();
        let mut read = data.clone();
        downloaded["exportedAt"] = Value::Null;
        read["exportedAt"] = Value::Null;
        assert_eq!(downloaded, read);

        // Nobody signed in has no data to download.
        assert_eq!(
            app.error_code_as(None, MY_DATA, json!({})).await,
            "UNAUTHENTICATED"
        );
        assert_eq!(get(&app, None, "/me/data.json").await.status(), 401);
    }
}

#[tokio::test]
async fn an_hr_systems_export_is_logged_under_its_token_name() {
    const CREATE_TOKEN: &str = "mutation ($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { token } }";
    for app in TestApp::all_seeded().await {
        let vacancy = open_vacancy(&app, "IOM-LOG-002").await;
        let amina = register(&app, "Amina El Idrissi").await;
        let (id, _) = apply_with_cv(&app, &amina, &vacancy).await;
        let iom = organisation_id(&app, "IOM").await;
        let (admin, _) = staff(&app, Role::AgencyAdmin, "IOM").await;
        let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
        let created = app
            .data_as(
                &admin,
                CREATE_TOKEN,
                json!({ "input": { "organisationId": iom, "name": "Workday", "expiresAt": expires, "scopes": ["APPLICATIONS_READ"] } }),
            )
            .await;
        let token = created["createIntegrationToken"]["token"].as_str().unwrap();

        let csv = format!("/vacancies/{vacancy}/applications.csv");
        assert_eq!(get(&app, Some(token), &csv).await.status(), 200);
        let log = app.data_as(&admin, LOG, json!({ "org": iom })).await;
        let found = entries(&log);
        assert_eq!(found.len(), 1, "[{}] {log}", app.backend());
        assert_eq!(found[0]["action"], "CSV_EXPORT");
        assert_eq!(found[0]["applicationId"], id.as_str());
        assert_eq!(found[0]["integrationTokenName"], "Workday");
        assert_eq!(found[0]["account"], Value::Null);
        assert_eq!(found[0]["readerOrganisation"]["acronym"], "IOM");

        // A token reads neither the log nor "its own data".
        assert_eq!(
            app.error_code_as(Some(token), LOG, json!({ "org": iom }))
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code_as(Some(token), MY_DATA, json!({})).await,
            "FORBIDDEN"
        );
        assert_eq!(get(&app, Some(token), "/me/data.json").await.status(), 403);
    }
}
