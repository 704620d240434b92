use chrono::Duration;
use jobboard::domain::VacancyStatus;
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, VacancyBuilder};

const LIST: &str = "query ($filter: VacancyFilterInput) { vacancies(filter: $filter, first: 100) { totalCount edges { node { reference status isOpen } } } }";

async fn references(app: &TestApp, filter: Value) -> Vec<String> {
    let data = app.data(LIST, json!({ "filter": filter })).await;
    let mut refs: Vec<String> = data["vacancies"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["reference"].as_str().unwrap().to_owned())
        .collect();
    refs.sort();
    assert_eq!(
        data["vacancies"]["totalCount"],
        refs.len(),
        "totalCount agrees with the list"
    );
    refs
}

#[tokio::test]
async fn anonymous_callers_never_see_drafts() {
    for app in TestApp::all_seeded().await {
        let draft = VacancyBuilder::new("IOM", "DRAFT-1")
            .status(VacancyStatus::Draft)
            .closing_in(Duration::days(30))
            .insert(&app.db)
            .await;
        let all = references(&app, json!({})).await;
        assert!(
            !all.contains(&"DRAFT-1".to_owned()),
            "[{}] {all:?}",
            app.backend()
        );
        // The six seeded posts are public, past deadlines and all.
        assert!(all.contains(&"IOM-MA-AVRR-INTERN".to_owned()));
        assert_eq!(all.len(), 6);

        let by_id = "query ($id: ID!) { vacancy(id: $id) { reference } }";
        assert_eq!(
            app.error_code(by_id, json!({ "id": vacancy_id(draft) }))
                .await,
            "NOT_FOUND"
        );
        let by_ref = "{ vacancy(organisation: \"IOM\", reference: \"DRAFT-1\") { reference } }";
        assert_eq!(app.error_code(by_ref, json!({})).await, "NOT_FOUND");
        let node = "query ($id: ID!) { node(id: $id) { id } }";
        assert_eq!(
            app.error_code(node, json!({ "id": vacancy_id(draft) }))
                .await,
            "NOT_FOUND"
        );
        let drafts = references(&app, json!({ "status": ["DRAFT"] })).await;
        assert!(drafts.is_empty());
    }
}

#[tokio::test]
async fn a_published_vacancy_closes_by_itself_at_its_closing_instant() {
    for app in TestApp::all_seeded().await {
        VacancyBuilder::new("ILO", "OPEN-1")
            .status(VacancyStatus::Published)
            .closing_in(Duration::days(7))
            .insert(&app.db)
            .await;
        VacancyBuilder::new("ILO", "PAST-1")
            .status(VacancyStatus::Published)
            .closing_in(-Duration::minutes(1))
            .insert(&app.db)
            .await;

        assert_eq!(
            references(&app, json!({ "openOnly": true })).await,
            ["OPEN-1"]
        );
        assert_eq!(
            references(&app, json!({ "status": ["PUBLISHED"] })).await,
            ["OPEN-1"]
        );
        let closed = references(&app, json!({ "status": ["CLOSED"], "organisation": "ILO" })).await;
        assert_eq!(closed, ["ALG/DC/P/2025/03", "PAST-1"]);

        let past = app
            .data(
                "{ vacancy(organisation: \"ILO\", reference: \"PAST-1\") { status isOpen } }",
                json!({}),
            )
            .await;
        assert_eq!(
            past["vacancy"],
            json!({ "status": "CLOSED", "isOpen": false })
        );
        let open = app
            .data(
                "{ vacancy(organisation: \"ILO\", reference: \"OPEN-1\") { status isOpen } }",
                json!({}),
            )
            .await;
        assert_eq!(
            open["vacancy"],
            json!({ "status": "PUBLISHED", "isOpen": true })
        );
    }
}

#[tokio::test]
async fn vacancies_filter_by_every_field() {
    for app in TestApp::all_seeded().await {
        assert_eq!(
            references(&app, json!({ "organisation": "BIT" })).await,
            ["ALG/DC/P/2025/03"]
        );
        assert_eq!(
            references(&app, json!({ "project": "orion" })).await,
            ["IOM-MA-2019-ORION"]
        );
        assert_eq!(
            references(&app, json!({ "country": "tn" })).await,
            ["IOM-TN-2025-MECC"]
        );
        assert_eq!(
            references(&app, json!({ "city": "RABAT" })).await,
            [
                "ALG/DC/P/2025/03",
                "IOM-MA-2019-ORION",
                "IOM-MA-AVRR-INTERN",
                "VN 2023/005"
            ]
        );
        assert_eq!(
            references(&app, json!({ "grade": "g6" })).await,
            ["IOM-MA-2019-ORION"]
        );
        assert_eq!(
            references(&app, json!({ "gradeCategory": "GENERAL_SERVICE" })).await,
            ["IOM-MA-2019-ORION", "VN 2023/005"]
        );
        assert_eq!(
            references(&app, json!({ "contractType": "FIXED_TERM" })).await,
            ["ALG/DC/P/2025/03", "VN 2023/005"]
        );
        assert_eq!(
            references(&app, json!({ "closingAfter": "2025-01-01T00:00:00Z", "closingBefore": "2025-07-01T00:00:00Z" })).await,
            ["ALG/DC/P/2025/03"]
        );
        assert_eq!(
            references(
                &app,
                json!({ "organisation": "IOM", "country": "MA", "grade": "G5" })
            )
            .await,
            ["VN 2023/005"]
        );

        let organisations = app
            .data(
                "{ organisation(acronym: \"ILO\") { id } project(code: \"MPTF\") { id } }",
                json!({}),
            )
            .await;
        let ilo = organisations["organisation"]["id"].clone();
        let mptf = organisations["project"]["id"].clone();
        assert_eq!(
            references(&app, json!({ "organisationId": ilo })).await,
            ["ALG/DC/P/2025/03"]
        );
        assert_eq!(
            references(&app, json!({ "projectId": mptf })).await,
            ["VN 2023/005"]
        );
    }
}

#[tokio::test]
async fn bad_filters_are_refused_with_the_offending_field() {
    for app in TestApp::all_seeded().await {
        let body = app
            .graphql(LIST, json!({ "filter": { "country": "Morocco" } }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "filter.country");

        let body = app
            .graphql(LIST, json!({ "filter": { "closingAfter": "2025-02-01T00:00:00Z", "closingBefore": "2025-01-01T00:00:00Z" } }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

        let body = app
            .graphql(LIST, json!({ "filter": { "projectId": "not-an-id" } }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "filter.projectId");
    }
}

#[tokio::test]
async fn a_vacancy_is_found_by_id_or_by_reference_and_organisation() {
    for app in TestApp::all_seeded().await {
        let by_ref = app
            .data(
                "{ vacancy(organisation: \"iom\", reference: \"VN 2023/005\") { id reference } }",
                json!({}),
            )
            .await;
        let id = by_ref["vacancy"]["id"].clone();
        let by_id = app.data("query ($id: ID!) { vacancy(id: $id) { reference } node(id: $id) { id ... on Vacancy { reference } } }", json!({ "id": id })).await;
        assert_eq!(by_id["vacancy"]["reference"], "VN 2023/005");
        assert_eq!(by_id["node"]["reference"], "VN 2023/005");

        assert_eq!(
            app.error_code("{ vacancy(reference: \"VN 2023/005\") { id } }", json!({}))
                .await,
            "BAD_USER_INPUT"
        );
        assert_eq!(
            app.error_code(
                "{ vacancy(organisation: \"ILO\", reference: \"VN 2023/005\") { id } }",
                json!({})
            )
            .await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code(
                "{ vacancy(organisation: \"XYZ\", reference: \"VN 2023/005\") { id } }",
                json!({})
            )
            .await,
            "NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn text_falls_back_to_the_authoritative_language() {
    for app in TestApp::all_seeded().await {
        let data = app
            .data("{ vacancy(organisation: \"IOM\", reference: \"VN 2023/005\") { title(language: \"en\") textLanguages text(language: \"ar\") { language title } } }", json!({}))
            .await;
        assert_eq!(data["vacancy"]["title"], "Assistant de Projet");
        assert_eq!(data["vacancy"]["textLanguages"], json!(["fr"]));
        assert_eq!(data["vacancy"]["text"]["language"], "fr");
    }
}
