//! Applications: candidates apply with documents over GraphQL multipart requests and follow
//! their applications; the posting organisation's staff screen, decide, download and export;
//! nobody else sees any of it.

use jobboard::domain::{Role, VacancyStatus};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, VacancyBuilder};
use crate::vacancy_writes::orion_like;

const CREATE: &str =
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
const PUBLISH: &str =
    "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id } }";
const APPLY: &str = "mutation ($input: ApplyInput!, $documents: [DocumentUploadInput!]) { applyToVacancy(input: $input, documents: $documents) { id status version documents { kind fileName mediaType sizeBytes sha256 downloadUrl } } }";
const MOVE: &str = "mutation ($id: ID!, $status: ApplicationStatus!, $note: String, $version: Int) { updateApplicationStatus(id: $id, status: $status, note: $note, version: $version) { id status version } }";
const WITHDRAW: &str = "mutation ($id: ID!) { withdrawApplication(id: $id) { id status } }";
const MINE: &str = "{ myApplications(first: 10) { totalCount edges { node { id status vacancy { reference } history { from to note } } } } }";
const ONE: &str = "query ($id: ID!) { application(id: $id) { id status candidate { fullName } eligibility { eligible unmet { kind message } } } }";
const LIST: &str = "query ($vacancy: ID!, $filter: ApplicationFilterInput) { applications(vacancyId: $vacancy, filter: $filter) { totalCount edges { node { id status candidate { email } educationLevel yearsExperience coverLetter languages { language level } referees { name } eligibility { eligible unmet { kind message } } history { from to note actor { fullName } } documents { fileName downloadUrl } } } } }";
const PIPELINE: &str =
    "query ($id: ID!) { vacancy(id: $id) { applicationCount pipeline { status count } } }";

pub(crate) fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    bytes.resize(len.max(bytes.len()), b' ');
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
    ];
    bytes.extend_from_slice(b"IHDR not really an image");
    bytes
}

/// A document to upload: its kind, file name and bytes.
pub(crate) struct Doc {
    kind: &'static str,
    name: &'static str,
    bytes: Vec<u8>,
}

pub(crate) fn cv(bytes: Vec<u8>) -> Doc {
    Doc {
        kind: "CV",
        name: "cv.pdf",
        bytes,
    }
}

/// A candidate whose address is proven: its token.
pub(crate) async fn register(app: &TestApp, name: &str) -> String {
    let (id, _) = crate::helpers::create_account(&app.db, Role::Candidate, None).await;
    crate::helpers::rename_account(&app.db, id, name).await;
    app.token_for(id).await
}

/// Creates and publishes a notice as `token`; returns its global ID.
pub(crate) async fn publish(app: &TestApp, token: &str, input: Value) -> String {
    let created = app.data_as(token, CREATE, json!({ "input": input })).await;
    let id = created["createVacancy"]["id"].clone();
    let version = created["createVacancy"]["version"].clone();
    app.data_as(token, PUBLISH, json!({ "id": id, "version": version }))
        .await;
    id.as_str().unwrap().to_owned()
}

/// An application that meets the ORION-like notice's requirements.
pub(crate) fn application(vacancy: &str) -> Value {
    json!({
        "vacancyId": vacancy,
        "coverLetter": "Je souhaite rejoindre l'équipe ORION.",
        "residenceCountry": "MA",
        "educationLevel": "BACHELOR",
        "educationField": "sciences sociales",
        "yearsExperience": 6,
        "languages": [
            { "language": "fr", "level": "EXCELLENT" },
            { "language": "ary", "level": "FLUENT" },
            { "language": "en", "level": "FLUENT" }
        ],
        "referees": [{ "name": "Salma B.", "email": "salma@example.org", "relation": "former supervisor" }]
    })
}

/// Sends `applyToVacancy` as a GraphQL multipart request; returns the HTTP status and body.
async fn apply_multipart(
    app: &TestApp,
    token: Option<&str>,
    input: Value,
    documents: Vec<Doc>,
    preflight: bool,
) -> (u16, String) {
    let variables = json!({
        "input": input,
        "documents": documents.iter().map(|d| json!({ "kind": d.kind, "file": null })).collect::<Vec<_>>(),
    });
    let map: serde_json::Map<String, Value> = (0..documents.len())
        .map(|i| {
            (
                i.to_string(),
                json!([format!("variables.documents.{i}.file")]),
            )
        })
        .collect();
    let mut form = Form::new()
        .text(
            "operations",
            json!({ "query": APPLY, "variables": variables }).to_string(),
        )
        .text("map", Value::Object(map).to_string());
    for (i, doc) in documents.into_iter().enumerate() {
        form = form.part(
            i.to_string(),
            Part::bytes(doc.bytes)
                .file_name(doc.name)
                .mime_str("application/pdf")
                .unwrap(),
        );
    }
    let mut request = app.client.post(app.url("/graphql")).multipart(form);
    if preflight {
        request = request.header("GraphQL-Require-Preflight", "1");
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Applies and expects success; returns `applyToVacancy`.
pub(crate) async fn apply_ok(
    app: &TestApp,
    token: &str,
    input: Value,
    documents: Vec<Doc>,
) -> Value {
    let (status, body) = apply_multipart(app, Some(token), input, documents, true).await;
    assert_eq!(status, 200, "[{}] {body}", app.backend());
    let body: Value = serde_json::from_str(&body).unwrap();
    assert!(
        body.get("errors").is_none(),
        "[{}] unexpected errors: {body}",
        app.backend()
    );
    body["data"]["applyToVacancy"].clone()
}

/// Applies and expects a refusal; returns the first error's code and field.
async fn apply_refused(
    app: &TestApp,
    token: &str,
    input: Value,
    documents: Vec<Doc>,
) -> (String, String) {
    let (status, body) = apply_multipart(app, Some(token), input, documents, true).await;
    assert_eq!(status, 200, "[{}] {body}", app.backend());
    let body: Value = serde_json::from_str(&body).unwrap();
    let error = &body["errors"][0];
    assert!(
        error.is_object(),
        "[{}] expected an error: {body}",
        app.backend()
    );
    (
        error["extensions"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

pub(crate) async fn get(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_candidate_applies_with_a_pdf_cv_and_follows_the_recruiters_decisions() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-MA-2026-ORION").await).await;
        let amina = register(&app, "Amina El Idrissi").await;
        let other = register(&app, "Someone Else").await;

        // Refused: a PNG renamed to .pdf, no CV at all, no preflight header.
        let renamed = Doc {
            kind: "CV",
            name: "cv.pdf",
            bytes: png(),
        };
        let (code, field) = apply_refused(&app, &amina, application(&vacancy), vec![renamed]).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "documents[0]")
        );
        let (code, field) = apply_refused(&app, &amina, application(&vacancy), vec![]).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "documents")
        );
        let (status, body) = apply_multipart(
            &app,
            Some(&amina),
            application(&vacancy),
            vec![cv(pdf(100))],
            false,
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains("GraphQL-Require-Preflight"), "{body}");
        // Anonymous callers cannot apply: refused before their upload is read.
        let (status, body) =
            apply_multipart(&app, None, application(&vacancy), vec![cv(pdf(100))], true).await;
        assert_eq!(status, 401);
        assert!(body.contains("UNAUTHENTICATED"), "{body}");

        // Accepted with a PDF CV.
        let cv_bytes = pdf(2048);
        let applied = apply_ok(
            &app,
            &amina,
            application(&vacancy),
            vec![cv(cv_bytes.clone())],
        )
        .await;
        assert_eq!(applied["status"], "SUBMITTED");
        let id = applied["id"].as_str().unwrap().to_owned();
        let document = &applied["documents"][0];
        assert_eq!(document["kind"], "CV");
        assert_eq!(document["mediaType"], "application/pdf");
        assert_eq!(document["sizeBytes"], 2048);
        assert_eq!(document["sha256"].as_str().unwrap().len(), 64);
        let download = document["downloadUrl"].as_str().unwrap().to_owned();

        // A second application to the same vacancy is a conflict.
        let (code, _) =
            apply_refused(&app, &amina, application(&vacancy), vec![cv(pdf(100))]).await;
        assert_eq!(code, "CONFLICT");

        // The recruiter sees it, eligible, with the pipeline.
        let list = app.data_as(&iom, LIST, json!({ "vacancy": vacancy })).await;
        assert_eq!(list["applications"]["totalCount"], 1, "{list}");
        let node = &list["applications"]["edges"][0]["node"];
        assert_eq!(node["id"], id.as_str());
        assert_eq!(node["educationLevel"], "BACHELOR");
        assert_eq!(
            node["eligibility"],
            json!({ "eligible": true, "unmet": [] })
        );
        assert_eq!(
            node["languages"][1],
            json!({ "language": "ary", "level": "FLUENT" })
        );
        assert_eq!(node["referees"][0]["name"], "Salma B.");
        let pipeline = app.data_as(&iom, PIPELINE, json!({ "id": vacancy })).await;
        assert_eq!(pipeline["vacancy"]["applicationCount"], 1);
        assert!(pipeline["vacancy"]["pipeline"]
            .as_array()
            .unwrap()
            .contains(&json!({ "status": "SUBMITTED", "count": 1 })));

        // The recruiter and the candidate download the CV; the bytes are the same.
        for token in [&iom, &amina] {
            let response = get(&app, Some(token), &download).await;
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-type"], "application/pdf");
            assert!(response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"cv.pdf\""));
            assert_eq!(
                response.bytes().await.unwrap().as_ref(),
                cv_bytes.as_slice()
            );
        }

        // The CSV export: a header and one row per application.
        let csv_path = format!("/vacancies/{vacancy}/applications.csv");
        let response = get(&app, Some(&iom), &csv_path).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "id");
        assert!(header.iter().any(|h| h == "unmet_requirements"));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1, "{text}");
        assert_eq!(&rows[0][0], id.as_str());
        assert!(rows[0].iter().any(|c| c == "Amina El Idrissi"), "{text}");
        assert!(rows[0].iter().any(|c| c == "cv.pdf"), "{text}");

        // An illegal jump is a conflict; the recruiter shortlists step by step.
        let jump = json!({ "id": id, "status": "HIRED" });
        assert_eq!(app.error_code_as(Some(&iom), MOVE, jump).await, "CONFLICT");
        for (status, note) in [
            ("SCREENING", "CV received"),
            ("SHORTLISTED", "strong profile"),
        ] {
            let moved = app
                .data_as(
                    &iom,
                    MOVE,
                    json!({ "id": id, "status": status, "note": note }),
                )
                .await;
            assert_eq!(moved["updateApplicationStatus"]["status"], status);
            let mine = app.data_as(&amina, MINE, json!({})).await;
            let node = &mine["myApplications"]["edges"][0]["node"];
            assert_eq!(node["status"], status);
            assert_eq!(node["vacancy"]["reference"], "IOM-MA-2026-ORION");
        }
        // The candidate cannot move it.
        let own = json!({ "id": id, "status": "INTERVIEW" });
        assert_eq!(
            app.error_code_as(Some(&amina), MOVE, own).await,
            "FORBIDDEN"
        );

        // Then rejects; nothing moves after that, the candidate included.
        let rejected = app
            .data_as(
                &iom,
                MOVE,
                json!({ "id": id, "status": "REJECTED", "note": "another profile fits better" }),
            )
            .await;
        assert_eq!(rejected["updateApplicationStatus"]["status"], "REJECTED");
        let after = json!({ "id": id, "status": "INTERVIEW" });
        assert_eq!(app.error_code_as(Some(&iom), MOVE, after).await, "CONFLICT");
        assert_eq!(
            app.error_code_as(Some(&amina), WITHDRAW, json!({ "id": id }))
                .await,
            "CONFLICT"
        );
        let mine = app.data_as(&amina, MINE, json!({})).await;
        let history = &mine["myApplications"]["edges"][0]["node"]["history"];
        // The candidate follows every move; the recruiters' notes stay with the recruiters.
        assert_eq!(
            history,
            &json!([
                { "from": null, "to": "SUBMITTED", "note": null },
                { "from": "SUBMITTED", "to": "SCREENING", "note": null },
                { "from": "SCREENING", "to": "SHORTLISTED", "note": null },
                { "from": "SHORTLISTED", "to": "REJECTED", "note": null }
            ])
        );
        let list = app.data_as(&iom, LIST, json!({ "vacancy": vacancy })).await;
        let events = &list["applications"]["edges"][0]["node"]["history"];
        assert_eq!(events[3]["note"], "another profile fits better");
        assert_eq!(events[0]["actor"]["fullName"], "Amina El Idrissi");
        assert_eq!(events[1]["actor"]["fullName"], "Test RECRUITER");
        let by_status = json!({ "vacancy": vacancy, "filter": { "status": ["SUBMITTED"] } });
        let none = app.data_as(&iom, LIST, by_status).await;
        assert_eq!(none["applications"]["totalCount"], 0);

        // An ILO recruiter sees nothing of it.
        let list = json!({ "vacancy": vacancy });
        assert_eq!(app.error_code_as(Some(&ilo), LIST, list).await, "NOT_FOUND");
        let one = json!({ "id": id });
        assert_eq!(
            app.error_code_as(Some(&ilo), ONE, one.clone()).await,
            "NOT_FOUND"
        );
        let node = "query ($id: ID!) { node(id: $id) { id } }";
        assert_eq!(
            app.error_code_as(Some(&ilo), node, one.clone()).await,
            "NOT_FOUND"
        );
        let mv = json!({ "id": id, "status": "SCREENING" });
        assert_eq!(app.error_code_as(Some(&ilo), MOVE, mv).await, "NOT_FOUND");
        assert_eq!(get(&app, Some(&ilo), &download).await.status(), 404);
        assert_eq!(get(&app, Some(&ilo), &csv_path).await.status(), 404);
        let pipeline = app.data_as(&ilo, PIPELINE, json!({ "id": vacancy })).await;
        assert_eq!(
            pipeline["vacancy"],
            json!({ "applicationCount": null, "pipeline": null })
        );

        // Nor does another candidate, nor anyone anonymous.
        assert_eq!(
            app.error_code_as(Some(&other), ONE, one.clone()).await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(Some(&other), WITHDRAW, one.clone()).await,
            "NOT_FOUND"
        );
        assert_eq!(get(&app, Some(&other), &download).await.status(), 404);
        assert_eq!(get(&app, Some(&other), &csv_path).await.status(), 404);
        let theirs = app.data_as(&other, MINE, json!({})).await;
        assert_eq!(theirs["myApplications"]["totalCount"], 0);
        assert_eq!(app.error_code(ONE, one).await, "UNAUTHENTICATED");
        assert_eq!(app.error_code(MINE, json!({})).await, "UNAUTHENTICATED");
        assert_eq!(get(&app, None, &download).await.status(), 401);
        assert_eq!(get(&app, None, &csv_path).await.status(), 401);
        let pipeline = app.data(PIPELINE, json!({ "id": vacancy })).await;
        assert_eq!(pipeline["vacancy"]["pipeline"], Value::Null);

        // The owner still reads it, by `application` and by `node`.
        let mine = app.data_as(&amina, ONE, json!({ "id": id })).await;
        assert_eq!(mine["application"]["status"], "REJECTED");
        assert_eq!(
            mine["application"]["candidate"]["fullName"],
            "Amina El Idrissi"
        );
    }
}

#[tokio::test]
async fn applications_are_refused_after_the_deadline_and_with_bad_documents() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let candidate = register(&app, "Karim").await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-DOCS-1").await).await;

        let past = chrono::Utc::now() - chrono::Duration::days(1);
        let expired = vacancy_id(
            VacancyBuilder::new("IOM", "EXPIRED-1")
                .status(VacancyStatus::Published)
                .closing_at(past)
                .insert(&app.db)
                .await,
        );
        let (code, field) =
            apply_refused(&app, &candidate, application(&expired), vec![cv(pdf(100))]).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "vacancyId")
        );
        let draft = vacancy_id(
            VacancyBuilder::new("IOM", "DRAFT-1")
                .status(VacancyStatus::Draft)
                .insert(&app.db)
                .await,
        );
        let (code, _) =
            apply_refused(&app, &candidate, application(&draft), vec![cv(pdf(100))]).await;
        assert_eq!(code, "NOT_FOUND");

        let six = (0..6).map(|_| cv(pdf(100))).collect();
        let (code, field) = apply_refused(&app, &candidate, application(&vacancy), six).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "documents")
        );

        let big = cv(pdf(5 * 1024 * 1024 + 10));
        let (code, field) = apply_refused(&app, &candidate, application(&vacancy), vec![big]).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "documents[0]")
        );

        // Exactly 5 MiB is fine, and five documents are.
        let mut docs = vec![cv(pdf(5 * 1024 * 1024))];
        docs.extend((0..4).map(|_| Doc {
            kind: "OTHER",
            name: "other.pdf",
            bytes: pdf(100),
        }));
        let applied = apply_ok(&app, &candidate, application(&vacancy), docs).await;
        assert_eq!(applied["documents"].as_array().unwrap().len(), 5);

        // A staff account cannot apply.
        let (code, _) = apply_refused(&app, &iom, application(&vacancy), vec![cv(pdf(100))]).await;
        assert_eq!(code, "FORBIDDEN");

        // A JSON body over 1 MiB is refused before it is parsed.
        let huge = "x".repeat(1024 * 1024 + 1);
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ __typename }", "variables": { "pad": huge } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413);
    }
}

#[tokio::test]
async fn screening_answers_are_checked_against_the_application_form() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let candidate = register(&app, "Nadia").await;
        let mut input = orion_like(&app, "IOM-FORM-1").await;
        input["questions"] = json!([
            { "kind": "YES_NO", "required": true, "prompt": [
                { "language": "fr", "text": "Avez-vous un permis de travail ?" },
                { "language": "en", "text": "Do you hold a work permit?" } ] },
            { "kind": "SINGLE_CHOICE", "prompt": [{ "language": "fr", "text": "Disponibilité" }],
              "options": [
                { "value": "NOW", "labels": [{ "language": "fr", "text": "Immédiate" }] },
                { "value": "LATER", "labels": [{ "language": "fr", "text": "Dans un mois" }] } ] },
            { "kind": "NUMBER", "required": true, "minNumber": 0, "maxNumber": 40,
              "prompt": [{ "language": "fr", "text": "Années au Maroc" }] }
        ]);
        let vacancy = publish(&app, &iom, input).await;

        // The form is public, in the language asked for with a fallback.
        let form = app
            .data(
                "query ($id: ID!) { vacancy(id: $id) { applicationForm { id kind required en: prompt(language: \"en\") prompt options(language: \"en\") { value label } minNumber maxNumber } } }",
                json!({ "id": vacancy }),
            )
            .await;
        let questions = form["vacancy"]["applicationForm"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(questions.len(), 3);
        assert_eq!(questions[0]["en"], "Do you hold a work permit?");
        assert_eq!(questions[0]["prompt"], "Avez-vous un permis de travail ?");
        assert_eq!(
            questions[1]["options"][1],
            json!({ "value": "LATER", "label": "Dans un mois" })
        );
        assert_eq!(questions[2]["maxNumber"], 40.0);
        let q: Vec<i64> = questions
            .iter()
            .map(|q| q["id"].as_i64().unwrap())
            .collect();

        let with = |answers: Value| {
            let mut input = application(&vacancy);
            input["answers"] = answers;
            input
        };
        let cases = [
            (
                json!([{ "questionId": q[2], "number": 3 }]),
                "input.answers",
                "work permit",
            ),
            (
                json!([{ "questionId": q[0], "yes": true }, { "questionId": q[1], "choices": ["TOMORROW"] }, { "questionId": q[2], "number": 3 }]),
                "input.answers[1].choices",
                "TOMORROW",
            ),
            (
                json!([{ "questionId": q[0], "yes": true }, { "questionId": q[2], "number": 41 }]),
                "input.answers[1].number",
                "Années au Maroc",
            ),
        ];
        for (answers, field, named) in cases {
            let (status, body) = apply_multipart(
                &app,
                Some(&candidate),
                with(answers),
                vec![cv(pdf(100))],
                true,
            )
            .await;
            assert_eq!(status, 200);
            let body: Value = serde_json::from_str(&body).unwrap();
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
            assert_eq!(error["extensions"]["field"], field, "{body}");
            assert!(error["message"].as_str().unwrap().contains(named), "{body}");
        }

        let answers = json!([{ "questionId": q[0], "yes": true }, { "questionId": q[1], "choices": ["NOW"] }, { "questionId": q[2], "number": 12.5 }]);
        let applied = apply_ok(&app, &candidate, with(answers), vec![cv(pdf(100))]).await;
        let id = applied["id"].clone();
        let read = app
            .data_as(
                &iom,
                "query ($id: ID!) { application(id: $id) { answers { questionId value } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            read["application"]["answers"],
            json!([
                { "questionId": q[0], "value": true },
                { "questionId": q[1], "value": ["NOW"] },
                { "questionId": q[2], "value": 12.5 }
            ])
        );
    }
}

#[tokio::test]
async fn candidates_withdraw_before_a_decision_and_concurrent_moves_have_one_winner() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let iom_admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-RACE-1").await).await;
        let first = register(&app, "First").await;
        let second = register(&app, "Second").await;
        let a =
            apply_ok(&app, &first, application(&vacancy), vec![cv(pdf(100))]).await["id"].clone();
        let b =
            apply_ok(&app, &second, application(&vacancy), vec![cv(pdf(100))]).await["id"].clone();

        // Withdrawing while open works; a recruiter cannot withdraw for the candidate.
        app.data_as(&iom, MOVE, json!({ "id": a, "status": "SCREENING" }))
            .await;
        assert_eq!(
            app.error_code_as(Some(&iom), WITHDRAW, json!({ "id": a }))
                .await,
            "FORBIDDEN"
        );
        let withdrawn = app.data_as(&first, WITHDRAW, json!({ "id": a })).await;
        assert_eq!(withdrawn["withdrawApplication"]["status"], "WITHDRAWN");
        assert_eq!(
            app.error_code_as(Some(&first), WITHDRAW, json!({ "id": a }))
                .await,
            "CONFLICT"
        );
        let again = json!({ "id": a, "status": "SHORTLISTED" });
        assert_eq!(app.error_code_as(Some(&iom), MOVE, again).await, "CONFLICT");

        // A stale version is a conflict.
        let stale = json!({ "id": b, "status": "SCREENING", "version": 7 });
        assert_eq!(app.error_code_as(Some(&iom), MOVE, stale).await, "CONFLICT");

        // Two recruiters move the same application, both from the version they read: exactly
        // one wins, however the two requests interleave.
        let (one, two) = tokio::join!(
            app.graphql_as(
                Some(&iom),
                MOVE,
                json!({ "id": b, "status": "SCREENING", "version": 1 })
            ),
            app.graphql_as(
                Some(&iom_admin),
                MOVE,
                json!({ "id": b, "status": "REJECTED", "version": 1 })
            ),
        );
        let outcomes: Vec<&Value> = [&one, &two].into_iter().collect();
        let winners = outcomes
            .iter()
            .filter(|r| r.get("errors").is_none())
            .count();
        assert_eq!(winners, 1, "[{}] {one} {two}", app.backend());
        let loser = outcomes.iter().find(|r| r.get("errors").is_some()).unwrap();
        assert_eq!(
            loser["errors"][0]["extensions"]["code"], "CONFLICT",
            "{loser}"
        );
        let read = app
            .data_as(
                &iom,
                "query ($id: ID!) { application(id: $id) { version history { to } } }",
                json!({ "id": b }),
            )
            .await;
        assert_eq!(read["application"]["version"], 2);
        assert_eq!(read["application"]["history"].as_array().unwrap().len(), 2);

        let pipeline = app
            .data_as(&iom_admin, PIPELINE, json!({ "id": vacancy }))
            .await;
        assert_eq!(pipeline["vacancy"]["applicationCount"], 2);
        assert!(pipeline["vacancy"]["pipeline"]
            .as_array()
            .unwrap()
            .contains(&json!({ "status": "WITHDRAWN", "count": 1 })));
    }
}

#[tokio::test]
async fn recruiters_see_eligibility_with_reasons_under_the_thamm_plus_rule() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = orion_like(&app, "IOM-THAMM-1").await;
        input["qualificationPaths"] = json!([
            { "educationLevel": "SECONDARY", "minYearsExperience": 7 },
            { "educationLevel": "BACHELOR", "minYearsExperience": 5 }
        ]);
        let vacancy = publish(&app, &iom, input).await;

        let secondary = register(&app, "Secondary Seven").await;
        let mut with_diploma = application(&vacancy);
        with_diploma["educationLevel"] = json!("SECONDARY");
        with_diploma["yearsExperience"] = json!(7);
        let ok = apply_ok(&app, &secondary, with_diploma, vec![cv(pdf(100))]).await["id"].clone();

        let bachelor = register(&app, "Bachelor Four").await;
        let mut short = application(&vacancy);
        short["yearsExperience"] = json!(4);
        let ko = apply_ok(&app, &bachelor, short, vec![cv(pdf(100))]).await["id"].clone();

        let eligible = app.data_as(&iom, ONE, json!({ "id": ok })).await;
        assert_eq!(
            eligible["application"]["eligibility"],
            json!({ "eligible": true, "unmet": [] })
        );
        let not = app.data_as(&iom, ONE, json!({ "id": ko })).await;
        let eligibility = &not["application"]["eligibility"];
        assert_eq!(eligibility["eligible"], false);
        assert_eq!(eligibility["unmet"][0]["kind"], "QUALIFICATION");
        let message = eligibility["unmet"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("a bachelor's degree with 5 years")
                && message.contains("(has a bachelor's degree with 4 years)"),
            "{message}"
        );

        // The list filters on eligibility.
        let filter = json!({ "vacancy": vacancy, "filter": { "eligible": false } });
        let list = app.data_as(&iom, LIST, filter).await;
        assert_eq!(list["applications"]["totalCount"], 1);
        assert_eq!(list["applications"]["edges"][0]["node"]["id"], ko);
    }
}

#[tokio::test]
async fn recruiters_page_through_eligible_applications_first() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = orion_like(&app, "IOM-ORDER-1").await;
        input["qualificationPaths"] =
            json!([{ "educationLevel": "BACHELOR", "minYearsExperience": 5 }]);
        let vacancy = publish(&app, &iom, input).await;

        // Submitted in this order: no, yes, no, yes, yes.
        let mut expected_eligible = Vec::new();
        let mut expected_other = Vec::new();
        for (i, years) in [2, 6, 3, 8, 5].into_iter().enumerate() {
            let candidate = register(&app, &format!("Order {i}")).await;
            let mut form = application(&vacancy);
            form["yearsExperience"] = json!(years);
            let id = apply_ok(&app, &candidate, form, vec![cv(pdf(50))]).await["id"].clone();
            if years >= 5 {
                expected_eligible.push(id)
            } else {
                expected_other.push(id)
            }
        }
        let expected: Vec<Value> = expected_eligible
            .into_iter()
            .chain(expected_other)
            .collect();

        let page = "query ($vacancy: ID!, $after: String) { applications(vacancyId: $vacancy, orderBy: ELIGIBLE_FIRST, first: 2, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id } } } }";
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let data = app
                .data_as(&iom, page, json!({ "vacancy": vacancy, "after": after }))
                .await;
            let list = &data["applications"];
            seen.extend(
                list["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"]["id"].clone()),
            );
            if list["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = list["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen, expected, "[{}]", app.backend());
    }
}

#[tokio::test]
async fn forged_or_too_many_upload_references_are_refused_before_reading() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-FORGED-1").await).await;
        let candidate = register(&app, "Forger").await;
        let mutation = "mutation ($input: ApplyInput!, $documents: [DocumentUploadInput!]) { applyToVacancy(input: $input, documents: $documents) { id } }";

        // JSON naming files it does not carry: refused, never a crash.
        for forged in ["#__graphql_file__:9", "#__graphql_file__:x"] {
            let variables = json!({ "input": application(&vacancy), "documents": [{ "kind": "CV", "file": forged }] });
            let body = app.graphql_as(Some(&candidate), mutation, variables).await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{forged}: {body}"
            );
        }
        // One uploaded file mapped to many documents is refused by count before any is read.
        let documents: Vec<Value> = (0..6)
            .map(|_| json!({ "kind": "OTHER", "file": null }))
            .collect();
        let operations = json!({
            "query": mutation,
            "variables": { "input": application(&vacancy), "documents": documents }
        });
        let paths: Vec<String> = (0..6)
            .map(|i| format!("variables.documents.{i}.file"))
            .collect();
        let map = json!({ "0": paths });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", map.to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(pdf(100)).file_name("cv.pdf"),
            );
        let body: Value = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&candidate)
            .header("GraphQL-Require-Preflight", "1")
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "documents",
            "{body}"
        );
    }
}

#[tokio::test]
async fn only_the_candidate_and_the_posting_organisation_reach_an_application() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-PRIVACY-1").await).await;
        let owner = register(&app, "Owner").await;
        let applied = apply_ok(&app, &owner, application(&vacancy), vec![cv(pdf(100))]).await;
        let id = applied["id"].clone();
        let download = applied["documents"][0]["downloadUrl"]
            .as_str()
            .unwrap()
            .to_owned();
        let csv = format!("/vacancies/{vacancy}/applications.csv");

        let read = "query ($id: ID!) { application(id: $id) { id } }";
        let list = "query ($v: ID!) { applications(vacancyId: $v) { totalCount } }";
        let pipeline =
            "query ($v: ID!) { vacancy(id: $v) { applicationCount pipeline { status count } } }";
        let withdraw = "mutation ($id: ID!) { withdrawApplication(id: $id) { status } }";

        // Everyone else: anonymous callers must sign in; to the others it does not exist.
        let outsiders = [
            ("anonymous", None),
            ("another candidate", Some(register(&app, "Nosy").await)),
            (
                "ILO recruiter",
                Some(app.sign_in_as(Role::Recruiter, Some("ILO")).await),
            ),
            (
                "ILO admin",
                Some(app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await),
            ),
            (
                "ILO token",
                Some(crate::catalogue_writes::integration_token(&app, "ILO").await),
            ),
        ];
        for (who, token) in &outsiders {
            let token = token.as_deref();
            let hidden = if token.is_none() {
                "UNAUTHENTICATED"
            } else {
                "NOT_FOUND"
            };
            assert_eq!(
                app.error_code_as(token, read, json!({ "id": id })).await,
                hidden,
                "{who} read"
            );
            assert_eq!(
                app.error_code_as(token, list, json!({ "v": vacancy }))
                    .await,
                hidden,
                "{who} list"
            );
            let moved = json!({ "id": id, "status": "SCREENING" });
            assert_eq!(
                app.error_code_as(token, MOVE, moved).await,
                hidden,
                "{who} move"
            );
            let counts = app
                .graphql_as(token, pipeline, json!({ "v": vacancy }))
                .await;
            assert!(
                counts["data"]["vacancy"]["pipeline"].is_null(),
                "{who} pipeline: {counts}"
            );
            assert!(
                counts["data"]["vacancy"]["applicationCount"].is_null(),
                "{who} count"
            );
            let expected_http = if token.is_none() { 401 } else { 404 };
            assert_eq!(
                get(&app, token, &download).await.status(),
                expected_http,
                "{who} download"
            );
            assert_eq!(
                get(&app, token, &csv).await.status(),
                expected_http,
                "{who} csv"
            );
            assert_ne!(
                app.graphql_as(token, withdraw, json!({ "id": id })).await["errors"],
                Value::Null,
                "{who} withdraw"
            );
        }

        // The posting organisation's staff, its integration token and platform admins: each
        // reads everything and moves the application one step.
        let staff = [
            ("IOM recruiter", iom.clone(), "SCREENING"),
            (
                "IOM admin",
                app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await,
                "SHORTLISTED",
            ),
            (
                "IOM token",
                crate::catalogue_writes::integration_token(&app, "IOM").await,
                "INTERVIEW",
            ),
            (
                "platform admin",
                app.sign_in_as(Role::PlatformAdmin, None).await,
                "OFFERED",
            ),
        ];
        for (who, token, next) in &staff {
            assert_eq!(
                app.data_as(token, read, json!({ "id": id })).await["application"]["id"],
                id,
                "{who}"
            );
            assert_eq!(
                app.data_as(token, list, json!({ "v": vacancy })).await["applications"]
                    ["totalCount"],
                1,
                "{who}"
            );
            let counts = app.data_as(token, pipeline, json!({ "v": vacancy })).await;
            assert_eq!(counts["vacancy"]["applicationCount"], 1, "{who}");
            assert_eq!(
                get(&app, Some(token), &download).await.status(),
                200,
                "{who} download"
            );
            assert_eq!(
                get(&app, Some(token), &csv).await.status(),
                200,
                "{who} csv"
            );
            let moved = app
                .data_as(token, MOVE, json!({ "id": id, "status": next }))
                .await;
            assert_eq!(moved["updateApplicationStatus"]["status"], *next, "{who}");
            let withdrawn = app
                .graphql_as(Some(token), withdraw, json!({ "id": id }))
                .await;
            assert_eq!(
                withdrawn["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{who} withdraws"
            );
        }

        // The candidate reads their own application and its document, not the organisation's
        // views, cannot move it, and withdraws it before the decision.
        assert_eq!(
            app.data_as(&owner, read, json!({ "id": id })).await["application"]["id"],
            id
        );
        assert_eq!(get(&app, Some(&owner), &download).await.status(), 200);
        assert_eq!(get(&app, Some(&owner), &csv).await.status(), 404);
        assert_eq!(
            app.error_code_as(Some(&owner), list, json!({ "v": vacancy }))
                .await,
            "NOT_FOUND"
        );
        let hired = json!({ "id": id, "status": "HIRED" });
        assert_eq!(
            app.error_code_as(Some(&owner), MOVE, hired).await,
            "FORBIDDEN"
        );
        let withdrawn = app.data_as(&owner, withdraw, json!({ "id": id })).await;
        assert_eq!(withdrawn["withdrawApplication"]["status"], "WITHDRAWN");
    }
}

#[tokio::test]
async fn overlong_answers_are_refused_with_their_field() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-LONG-1").await).await;
        let candidate = register(&app, "Verbose").await;
        let mutation = "mutation ($input: ApplyInput!) { applyToVacancy(input: $input) { id } }";
        let mut input = application(&vacancy);
        input["coverLetter"] = json!("x".repeat(20_001));
        let body = app
            .graphql_as(Some(&candidate), mutation, json!({ "input": input }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.coverLetter",
            "{body}"
        );
        let mut input = application(&vacancy);
        input["referees"][0]["name"] = json!("n".repeat(256));
        let body = app
            .graphql_as(Some(&candidate), mutation, json!({ "input": input }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.referees[0].name",
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_anonymous_upload_is_refused_before_its_body_is_read() {
    for app in TestApp::all_empty().await {
        // Not even a GraphQL multipart request: reading it would answer a parse error.
        let form = Form::new().text("operations", "not json at all");
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("GraphQL-Require-Preflight", "1")
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "[{}]", app.backend());
        let body = response.text().await.unwrap();
        assert!(
            body.contains("UNAUTHENTICATED"),
            "[{}] {body}",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_candidates_stored_documents_are_bounded_by_a_quota() {
    for database in crate::helpers::TestDatabase::all().await {
        let mut config = jobboard::config::ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(true);
        config.limits.max_document_bytes_per_account = 3_000;
        let app = TestApp::spawn_with(database, config).await;
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let first = publish(&app, &iom, orion_like(&app, "QUOTA-1").await).await;
        let second = publish(&app, &iom, orion_like(&app, "QUOTA-2").await).await;
        let amina = register(&app, "Amina El Idrissi").await;
        apply_ok(&app, &amina, application(&first), vec![cv(pdf(2_000))]).await;
        let (code, field) =
            apply_refused(&app, &amina, application(&second), vec![cv(pdf(2_000))]).await;
        assert_eq!(
            (code.as_str(), field.as_str()),
            ("BAD_USER_INPUT", "documents"),
            "[{}]",
            app.backend()
        );
        // Another candidate has a quota of their own.
        let other = register(&app, "Someone Else").await;
        apply_ok(&app, &other, application(&second), vec![cv(pdf(2_000))]).await;
    }
}

/// The `Content-Disposition` of a download.
async fn disposition(app: &TestApp, token: &str, path: &str) -> String {
    let response = get(app, Some(token), path).await;
    assert_eq!(response.status(), 200);
    response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn file_names_lose_bidirectional_overrides_and_controls() {
    use sea_orm::{ActiveModelTrait, Set};
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-BIDI-1").await).await;
        let amina = register(&app, "Amina El Idrissi").await;
        // Shown as "cvexe.pdf" by a bidi-aware viewer; an executable in fact.
        let disguised = Doc {
            kind: "CV",
            name: "cv\u{202E}fdp.exe",
            bytes: pdf(100),
        };
        let applied = apply_ok(&app, &amina, application(&vacancy), vec![disguised]).await;
        let document = &applied["documents"][0];
        assert_eq!(document["fileName"], "cvfdp.exe", "[{}]", app.backend());
        let download = document["downloadUrl"].as_str().unwrap().to_owned();
        let served = disposition(&app, &iom, &download).await;
        assert_eq!(
            served,
            "attachment; filename=\"cvfdp.exe\"; filename*=UTF-8''cvfdp.exe"
        );

        // A name stored before names were cleaned is cleaned when served.
        let row = document_named(&app, "cvfdp.exe").await;
        let mut active: entity::application_document::ActiveModel = row.into();
        active.file_name = Set("cv\u{202E}\u{2066}\u{7}fdp.exe".to_owned());
        active.update(&app.db).await.unwrap();
        let served = disposition(&app, &iom, &download).await;
        assert!(!served.contains("%E2%80"), "{served}");
        assert!(!served.contains("%07"), "{served}");
        assert!(served.ends_with("filename*=UTF-8''cvfdp.exe"), "{served}");
    }
}

/// The one stored document of this name.
async fn document_named(app: &TestApp, name: &str) -> entity::application_document::Model {
    use entity::application_document::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut rows = Entity::find()
        .filter(Column::FileName.eq(name))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "[{}]", app.backend());
    rows.remove(0)
}

#[tokio::test]
async fn a_candidate_applies_only_once_their_address_is_proven() {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let vacancy = publish(&app, &iom, orion_like(&app, "IOM-PROVEN-1").await).await;
        let (id, _) = crate::helpers::create_account(&app.db, Role::Candidate, None).await;
        let set_verified = |verified: Option<chrono::DateTime<chrono::Utc>>| {
            entity::account::Entity::update_many()
                .col_expr(
                    entity::account::Column::EmailVerifiedAt,
                    Expr::value(verified),
                )
                .filter(entity::account::Column::Id.eq(id))
                .exec(&app.db)
        };
        set_verified(None).await.unwrap();
        let token = app.token_for(id).await;
        // Refused before the CV is read: an unproven candidate sends nobody their documents.
        let (code, _) =
            apply_refused(&app, &token, application(&vacancy), vec![cv(pdf(2_000))]).await;
        assert_eq!(code, "EMAIL_NOT_VERIFIED");
        // The same session applies once the address is proven: every request re-reads it.
        set_verified(Some(chrono::Utc::now())).await.unwrap();
        let applied = apply_ok(&app, &token, application(&vacancy), vec![cv(pdf(2_000))]).await;
        assert!(applied["id"].is_string());
    }
}
