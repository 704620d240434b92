use jobboard::domain::Role;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::TestApp;

const CREATE: &str = "mutation ($input: VacancyInput!, $org: ID) { createVacancy(input: $input, organisationId: $org) { id reference status version title gradeCategory closingAt dutyStations { city country } } }";
const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: VacancyInput!) { updateVacancy(id: $id, version: $version, input: $input) { id version title } }";
const PUBLISH: &str = "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id status version publishedAt isOpen } }";
const BY_ID: &str = "query ($id: ID!) { vacancy(id: $id) { reference status version } }";

/// A notice like the ORION one, closing in a month.
pub async fn orion_like(app: &TestApp, reference: &str) -> Value {
    let ids = app
        .data("{ project(code: \"ORION\", organisation: \"IOM\") { id } competencies(first: 100) { edges { node { id code } } } }", json!({}))
        .await;
    let competency = |code: &str| {
        ids["competencies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["code"] == code)
            .map(|e| e["node"]["id"].clone())
            .unwrap()
    };
    let closing = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    json!({
        "reference": reference,
        "projectId": ids["project"]["id"],
        "authoritativeLanguage": "fr",
        "grade": "G6",
        "durationMonths": 12,
        "renewable": true,
        "openToInternal": true,
        "openToExternal": true,
        "timeZone": "Africa/Casablanca",
        "closingDate": closing.to_string(),
        "applyEmail": "iomrecrute@iom.int",
        "applyEmailSubject": "Assistant à la réintégration",
        "dutyStations": [{ "city": "Rabat", "country": "MA" }],
        "languages": [
            { "language": "fr", "level": "EXCELLENT", "requirement": "REQUIRED" },
            { "language": "ary", "level": "FLUENT", "requirement": "REQUIRED", "oneOfGroup": 1 },
            { "language": "zgh", "level": "FLUENT", "requirement": "REQUIRED", "oneOfGroup": 1 },
            { "language": "en", "level": "FLUENT", "requirement": "REQUIRED" }
        ],
        "qualificationPaths": [{ "educationLevel": "BACHELOR", "minYearsExperience": 4, "fields": ["sciences sociales"] }],
        "competencies": [{ "competencyId": competency("TEAMWORK_2019"), "requirement": "REQUIRED" }],
        "requiredDocuments": [{ "kind": "CV" }, { "kind": "COVER_LETTER" }],
        "texts": [{
            "language": "fr",
            "title": "Assistant(e) à la réintégration (ORION)",
            "context": "Dans le cadre du projet ORION…",
            "responsibilities": ["Assister la Cheffe de Projet", "Assurer la communication régulière"],
            "howToApply": "Envoyer CV et lettre de motivation."
        }]
    })
}

fn ids(data: &Value, field: &str) -> (Value, i64) {
    (
        data[field]["id"].clone(),
        data[field]["version"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn a_recruiter_drafts_edits_and_publishes_a_notice_others_cannot_touch() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let mut input = orion_like(&app, "IOM-MA-2026-ORION").await;

        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        assert_eq!(created["createVacancy"]["status"], "DRAFT");
        assert_eq!(created["createVacancy"]["gradeCategory"], "GENERAL_SERVICE");
        let (id, v1) = ids(&created, "createVacancy");

        // The draft is invisible to the public and to another agency.
        assert_eq!(
            app.error_code(BY_ID, json!({ "id": id })).await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(Some(&ilo), BY_ID, json!({ "id": id }))
                .await,
            "NOT_FOUND"
        );
        let edit = json!({ "id": id, "version": v1, "input": input });
        assert_eq!(
            app.error_code_as(Some(&ilo), UPDATE, edit).await,
            "NOT_FOUND"
        );

        input["texts"][0]["title"] = json!("Assistant à la réintégration");
        let first = app
            .data_as(
                &iom,
                UPDATE,
                json!({ "id": id, "version": v1, "input": input }),
            )
            .await;
        assert_eq!(first["updateVacancy"]["version"], v1 + 1);
        input["texts"][0]["title"] = json!("Assistant(e) à la réintégration");
        let second = app
            .data_as(
                &iom,
                UPDATE,
                json!({ "id": id, "version": v1 + 1, "input": input }),
            )
            .await;
        let v3 = second["updateVacancy"]["version"].as_i64().unwrap();
        assert_eq!(v3, v1 + 2);

        // An edit based on an old read loses, and changes nothing.
        input["texts"][0]["title"] = json!("Stale title");
        let stale = json!({ "id": id, "version": v1 + 1, "input": input });
        assert_eq!(
            app.error_code_as(Some(&iom), UPDATE, stale).await,
            "CONFLICT"
        );
        let now = app
            .data_as(
                &iom,
                "query ($id: ID!) { vacancy(id: $id) { title version } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            now["vacancy"],
            json!({ "title": "Assistant(e) à la réintégration", "version": v3 })
        );

        let published = app
            .data_as(&iom, PUBLISH, json!({ "id": id, "version": v3 }))
            .await;
        assert_eq!(published["publishVacancy"]["status"], "PUBLISHED");
        assert_eq!(published["publishVacancy"]["isOpen"], true);
        assert!(published["publishVacancy"]["publishedAt"].is_string());

        let public = app
            .data("{ vacancies(filter: { openOnly: true }) { edges { node { reference organisation { acronym } } } } }", json!({}))
            .await;
        assert_eq!(
            public["vacancies"]["edges"][0]["node"]["reference"],
            "IOM-MA-2026-ORION"
        );

        // Published, the notice is visible to ILO, but still not theirs to change.
        let v4 = published["publishVacancy"]["version"].as_i64().unwrap();
        assert_eq!(
            app.data_as(&ilo, BY_ID, json!({ "id": id })).await["vacancy"]["status"],
            "PUBLISHED"
        );
        let edit = json!({ "id": id, "version": v4, "input": input });
        assert_eq!(
            app.error_code_as(Some(&ilo), UPDATE, edit).await,
            "FORBIDDEN"
        );
        let close = "mutation ($id: ID!, $version: Int!) { closeVacancy(id: $id, version: $version) { status } }";
        assert_eq!(
            app.error_code_as(Some(&ilo), close, json!({ "id": id, "version": v4 }))
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.data_as(&iom, close, json!({ "id": id, "version": v4 }))
                .await["closeVacancy"]["status"],
            "CLOSED"
        );
    }
}

#[tokio::test]
async fn every_vacancy_mutation_checks_who_calls() {
    for app in TestApp::all_seeded().await {
        let own = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let other = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let input = orion_like(&app, "IOM-POLICY-1").await;

        // Creating: the organisation's staff yes; a candidate or another agency's staff no.
        assert_eq!(
            app.error_code_as(None, CREATE, json!({ "input": input }))
                .await,
            "UNAUTHENTICATED"
        );
        assert_eq!(
            app.error_code_as(Some(&candidate), CREATE, json!({ "input": input }))
                .await,
            "FORBIDDEN"
        );
        let iom_id = app
            .data("{ organisation(acronym: \"IOM\") { id } }", json!({}))
            .await["organisation"]["id"]
            .clone();
        let for_iom = json!({ "input": input, "org": iom_id });
        assert_eq!(
            app.error_code_as(Some(&candidate), CREATE, for_iom.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code_as(Some(&other), CREATE, for_iom.clone())
                .await,
            "FORBIDDEN"
        );
        let by_admin = app
            .data_as(
                &admin,
                CREATE,
                json!({ "input": orion_like(&app, "IOM-POLICY-2").await }),
            )
            .await;
        assert_eq!(by_admin["createVacancy"]["status"], "DRAFT");
        let by_platform = app.data_as(&platform, CREATE, for_iom).await;
        let (id, version) = ids(&by_platform, "createVacancy");

        // Lifecycle mutations on the draft.
        let publish = json!({ "id": id, "version": version });
        assert_eq!(
            app.error_code_as(None, PUBLISH, publish.clone()).await,
            "UNAUTHENTICATED"
        );
        assert_eq!(
            app.error_code_as(Some(&candidate), PUBLISH, publish.clone())
                .await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(Some(&other), PUBLISH, publish.clone())
                .await,
            "NOT_FOUND"
        );
        let published = app.data_as(&own, PUBLISH, publish).await;
        let version = published["publishVacancy"]["version"].as_i64().unwrap();
        let cancel = "mutation ($id: ID!, $version: Int!) { cancelVacancy(id: $id, version: $version) { status } }";
        let args = json!({ "id": id, "version": version });
        assert_eq!(
            app.error_code_as(Some(&candidate), cancel, args.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code_as(Some(&other), cancel, args.clone()).await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.data_as(&own, cancel, args).await["cancelVacancy"]["status"],
            "CANCELLED"
        );
    }
}

#[tokio::test]
async fn publishing_says_what_is_missing() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = orion_like(&app, "IOM-INCOMPLETE").await;
        input["dutyStations"] = json!([]);
        input["qualificationPaths"] = json!([]);
        input.as_object_mut().unwrap().remove("closingDate");
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let (id, version) = ids(&created, "createVacancy");
        let body = app
            .graphql_as(Some(&iom), PUBLISH, json!({ "id": id, "version": version }))
            .await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        let message = error["message"].as_str().unwrap();
        for missing in ["closing date", "duty station", "qualification path"] {
            assert!(message.contains(missing), "{message}");
        }
        assert!(!message.contains("language requirement"), "{message}");
        assert_eq!(
            app.data_as(&iom, BY_ID, json!({ "id": id })).await["vacancy"]["status"],
            "DRAFT"
        );
    }
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let count = "{ vacancies(filter: { status: [DRAFT] }) { totalCount } }";
        let before = app.data_as(&iom, count, json!({})).await;
        let cases = [
            (
                "/dutyStations/0/country",
                json!("Maroc"),
                "input.dutyStations[0].country",
            ),
            ("/grade", json!("G9"), "input.grade"),
            ("/timeZone", json!("Geneva"), "input.timeZone"),
            (
                "/languages/1/language",
                json!("darija"),
                "input.languages[1].language",
            ),
            ("/texts/0/title", json!("  "), "input.texts[0].title"),
            (
                "/competencies/0/competencyId",
                json!("Q29tcGV0ZW5jeTo5OTk5"),
                "input.competencies[0].competencyId",
            ),
            ("/openToInternal", json!(false), "input.openToExternal"),
            ("/reference", json!("R".repeat(65)), "input.reference"),
        ];
        for (pointer, value, field) in cases {
            let mut input = orion_like(&app, "IOM-BAD").await;
            *input.pointer_mut(pointer).unwrap() = value;
            if field == "input.openToExternal" {
                input["openToExternal"] = json!(false);
            }
            let body = app
                .graphql_as(Some(&iom), CREATE, json!({ "input": input }))
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
                "{pointer}: {body}"
            );
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{pointer}");
        }
        let mut input = orion_like(&app, "IOM-BAD").await;
        input["externalJobId"] = json!("9".repeat(65));
        let body = app
            .graphql_as(Some(&iom), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "input.externalJobId",
            "{body}"
        );
        assert_eq!(app.data_as(&iom, count, json!({})).await, before);
    }
}

#[tokio::test]
async fn references_are_unique_per_organisation() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let input = orion_like(&app, "VN 2023/005").await;
        assert_eq!(
            app.error_code_as(Some(&iom), CREATE, json!({ "input": input }))
                .await,
            "CONFLICT"
        );
        let mut ilo_input = orion_like(&app, "VN 2023/005").await;
        ilo_input.as_object_mut().unwrap().remove("projectId");
        ilo_input["competencies"] = json!([]);
        let created = app
            .data_as(&ilo, CREATE, json!({ "input": ilo_input }))
            .await;
        assert_eq!(created["createVacancy"]["reference"], "VN 2023/005");
    }
}

#[tokio::test]
async fn importing_the_same_notice_twice_never_duplicates_it() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let import = "mutation ($input: VacancyInput!) { importVacancy(input: $input) { result vacancy { id reference version title } } }";
        let mut input = orion_like(&app, "HR-2026-0042").await;
        let first = app.data_as(&iom, import, json!({ "input": input })).await;
        assert_eq!(first["importVacancy"]["result"], "CREATED");
        let second = app.data_as(&iom, import, json!({ "input": input })).await;
        assert_eq!(second["importVacancy"]["result"], "UNCHANGED");
        assert_eq!(
            second["importVacancy"]["vacancy"]["id"],
            first["importVacancy"]["vacancy"]["id"]
        );
        assert_eq!(
            second["importVacancy"]["vacancy"]["version"],
            first["importVacancy"]["vacancy"]["version"]
        );

        input["texts"][0]["title"] = json!("Titre corrigé");
        let third = app.data_as(&iom, import, json!({ "input": input })).await;
        assert_eq!(third["importVacancy"]["result"], "UPDATED");
        assert_eq!(third["importVacancy"]["vacancy"]["title"], "Titre corrigé");

        let count = app
            .data_as(&iom, "{ vacancies(filter: { status: [DRAFT] }) { totalCount edges { node { reference } } } }", json!({}))
            .await;
        assert_eq!(count["vacancies"]["totalCount"], 1);
    }
}

#[tokio::test]
async fn drafts_are_deleted_and_published_notices_are_kept() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let delete = "mutation ($id: ID!, $version: Int!) { deleteVacancy(id: $id, version: $version) { deletedId } }";
        let created = app
            .data_as(
                &iom,
                CREATE,
                json!({ "input": orion_like(&app, "IOM-DEL").await }),
            )
            .await;
        let (id, version) = ids(&created, "createVacancy");

        let copy = app
            .data_as(&iom, "mutation ($id: ID!) { duplicateVacancy(id: $id, reference: \"IOM-DEL-COPY\") { reference status title dutyStations { city } } }", json!({ "id": id }))
            .await;
        assert_eq!(copy["duplicateVacancy"]["status"], "DRAFT");
        assert_eq!(
            copy["duplicateVacancy"]["title"],
            created["createVacancy"]["title"]
        );
        assert_eq!(
            copy["duplicateVacancy"]["dutyStations"],
            json!([{ "city": "Rabat" }])
        );

        let published = app
            .data_as(&iom, PUBLISH, json!({ "id": id, "version": version }))
            .await;
        let version = published["publishVacancy"]["version"].as_i64().unwrap();
        assert_eq!(
            app.error_code_as(Some(&iom), delete, json!({ "id": id, "version": version }))
                .await,
            "CONFLICT"
        );
        // Going back to draft is not a transition; publishing twice is refused.
        assert_eq!(
            app.error_code_as(Some(&iom), PUBLISH, json!({ "id": id, "version": version }))
                .await,
            "CONFLICT"
        );

        let draft = app
            .data_as(
                &iom,
                CREATE,
                json!({ "input": orion_like(&app, "IOM-DEL-2").await }),
            )
            .await;
        let (draft_id, draft_version) = ids(&draft, "createVacancy");
        let deleted = app
            .data_as(
                &iom,
                delete,
                json!({ "id": draft_id, "version": draft_version }),
            )
            .await;
        assert_eq!(deleted["deleteVacancy"]["deletedId"], draft_id);
        assert_eq!(
            app.error_code_as(Some(&iom), BY_ID, json!({ "id": draft_id }))
                .await,
            "NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn the_background_task_closes_notices_past_their_deadline() {
    for app in TestApp::all_seeded().await {
        let past = chrono::Utc::now() - chrono::Duration::minutes(5);
        let id = crate::helpers::VacancyBuilder::new("IOM", "EXPIRED-1")
            .status(jobboard::domain::VacancyStatus::Published)
            .closing_at(past)
            .insert(&app.db)
            .await;
        // The server's own task may get there first: either way the stored status ends CLOSED.
        jobboard::service::vacancy::write::close_expired(&app.db, chrono::Utc::now())
            .await
            .unwrap();
        let stored = entity::vacancy::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, "CLOSED");
        assert_eq!(stored.version, 2);
        let again = jobboard::service::vacancy::write::close_expired(&app.db, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(again, 0);
    }
}

#[tokio::test]
async fn an_integration_token_posts_a_notice_until_it_is_revoked() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let iom = app
            .data("{ organisation(acronym: \"IOM\") { id } }", json!({}))
            .await["organisation"]["id"]
            .clone();
        let expires = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
        let created = app
            .data_as(
                &admin,
                "mutation ($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { token integrationToken { id } } }",
                json!({ "input": { "organisationId": iom, "name": "HR system", "expiresAt": expires, "scopes": ["POSTINGS_WRITE"] } }),
            )
            .await;
        let token = created["createIntegrationToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let token_id = created["createIntegrationToken"]["integrationToken"]["id"].clone();

        let import = "mutation ($input: VacancyInput!) { importVacancy(input: $input) { result vacancy { id organisation { acronym } } } }";
        let input = orion_like(&app, "HR-TOKEN-1").await;
        let posted = app.data_as(&token, import, json!({ "input": input })).await;
        assert_eq!(posted["importVacancy"]["result"], "CREATED");
        assert_eq!(
            posted["importVacancy"]["vacancy"]["organisation"]["acronym"],
            "IOM"
        );

        app.data_as(
            &admin,
            "mutation ($id: ID!) { revokeIntegrationToken(id: $id) { revokedAt } }",
            json!({ "id": token_id }),
        )
        .await;
        let again = orion_like(&app, "HR-TOKEN-2").await;
        assert_eq!(
            app.error_code_as(Some(&token), import, json!({ "input": again }))
                .await,
            "UNAUTHENTICATED"
        );
    }
}

#[tokio::test]
async fn lifecycle_mutations_refuse_everyone_but_the_posting_organisation() {
    for app in TestApp::all_seeded().await {
        let own = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let other = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;

        // A published notice: visible to all, so outsiders are FORBIDDEN rather than NOT_FOUND.
        let created = app
            .data_as(
                &own,
                CREATE,
                json!({ "input": orion_like(&app, "IOM-TABLE-1").await }),
            )
            .await;
        let (id, version) = ids(&created, "createVacancy");
        let published = app
            .data_as(&own, PUBLISH, json!({ "id": id, "version": version }))
            .await;
        let version = published["publishVacancy"]["version"].as_i64().unwrap();
        let close = "mutation ($id: ID!, $version: Int!) { closeVacancy(id: $id, version: $version) { status version } }";
        let archive = "mutation ($id: ID!, $version: Int!) { archiveVacancy(id: $id, version: $version) { status } }";
        let duplicate = "mutation ($id: ID!) { duplicateVacancy(id: $id, reference: \"IOM-TABLE-COPY\") { status } }";
        let args = json!({ "id": id, "version": version });
        for (mutation, args) in [(close, &args), (duplicate, &json!({ "id": id }))] {
            assert_eq!(
                app.error_code_as(None, mutation, args.clone()).await,
                "UNAUTHENTICATED",
                "{mutation}"
            );
            assert_eq!(
                app.error_code_as(Some(&candidate), mutation, args.clone())
                    .await,
                "FORBIDDEN",
                "{mutation}"
            );
            assert_eq!(
                app.error_code_as(Some(&other), mutation, args.clone())
                    .await,
                "FORBIDDEN",
                "{mutation}"
            );
        }
        let closed = app.data_as(&own, close, args).await;
        let version = closed["closeVacancy"]["version"].as_i64().unwrap();
        let args = json!({ "id": id, "version": version });
        assert_eq!(
            app.error_code_as(Some(&other), archive, args.clone()).await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.data_as(&own, archive, args).await["archiveVacancy"]["status"],
            "ARCHIVED"
        );
        assert_eq!(
            app.data_as(&own, duplicate, json!({ "id": id })).await["duplicateVacancy"]["status"],
            "DRAFT"
        );

        // A draft: outsiders cannot even learn it exists.
        let draft = app
            .data_as(
                &own,
                CREATE,
                json!({ "input": orion_like(&app, "IOM-TABLE-2").await }),
            )
            .await;
        let (draft_id, draft_version) = ids(&draft, "createVacancy");
        let delete = "mutation ($id: ID!, $version: Int!) { deleteVacancy(id: $id, version: $version) { deletedId } }";
        let args = json!({ "id": draft_id, "version": draft_version });
        assert_eq!(
            app.error_code_as(None, delete, args.clone()).await,
            "UNAUTHENTICATED"
        );
        assert_eq!(
            app.error_code_as(Some(&candidate), delete, args.clone())
                .await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(Some(&other), delete, args.clone()).await,
            "NOT_FOUND"
        );
        let copy_draft = json!({ "id": draft_id });
        assert_eq!(
            app.error_code_as(Some(&other), duplicate, copy_draft).await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.data_as(&own, delete, args).await["deleteVacancy"]["deletedId"],
            draft_id
        );

        // Importing always writes into the caller's own organisation.
        let import = "mutation ($input: VacancyInput!, $org: ID) { importVacancy(input: $input, organisationId: $org) { result } }";
        let input = orion_like(&app, "IOM-TABLE-3").await;
        assert_eq!(
            app.error_code_as(None, import, json!({ "input": input }))
                .await,
            "UNAUTHENTICATED"
        );
        let iom_id = app
            .data("{ organisation(acronym: \"IOM\") { id } }", json!({}))
            .await["organisation"]["id"]
            .clone();
        let into_iom = json!({ "input": input, "org": iom_id });
        assert_eq!(
            app.error_code_as(Some(&other), import, into_iom.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.error_code_as(Some(&candidate), import, into_iom.clone())
                .await,
            "FORBIDDEN"
        );
        assert_eq!(
            app.data_as(&own, import, into_iom).await["importVacancy"]["result"],
            "CREATED"
        );
    }
}

#[tokio::test]
async fn concurrent_imports_all_land() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let import = "mutation ($input: VacancyInput!) { importVacancy(input: $input) { result } }";
        let mut inputs = Vec::new();
        for i in 0..12 {
            inputs.push(orion_like(&app, &format!("HR-PARALLEL-{i}")).await);
        }
        let requests = inputs
            .iter()
            .map(|input| app.graphql_as(Some(&iom), import, json!({ "input": input })));
        let results = futures::future::join_all(requests).await;
        for body in &results {
            assert_eq!(
                body["data"]["importVacancy"]["result"],
                "CREATED",
                "[{}] {body}",
                app.backend()
            );
        }
    }
}

/// The error of a refused write: its code and the field it names.
async fn refusal(app: &TestApp, token: &str, input: Value) -> (String, String) {
    let body = app
        .graphql_as(Some(token), CREATE, json!({ "input": input }))
        .await;
    let error = &body["errors"][0]["extensions"];
    (
        error["code"].as_str().unwrap_or_default().to_owned(),
        error["field"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn apply_urls_are_web_pages_or_mail_links_only() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        for (i, refused) in [
            "javascript:alert(document.cookie)",
            " JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "/relative/path",
        ]
        .into_iter()
        .enumerate()
        {
            let mut input = orion_like(&app, &format!("IOM-URL-{i}")).await;
            input["applyUrl"] = json!(refused);
            assert_eq!(
                refusal(&app, &iom, input).await,
                ("BAD_USER_INPUT".to_owned(), "input.applyUrl".to_owned()),
                "[{}] {refused}",
                app.backend()
            );
        }
        for (i, accepted) in [
            "https://careers.iom.int/apply/1",
            "http://jobs.example.org/",
            "mailto:hr@iom.int",
        ]
        .into_iter()
        .enumerate()
        {
            let mut input = orion_like(&app, &format!("IOM-URL-OK-{i}")).await;
            input["applyUrl"] = json!(accepted);
            app.data_as(&iom, CREATE, json!({ "input": input })).await;
        }
    }
}

/// Puts a text into one field of a notice input.
type SetText = fn(&mut Value, String);

#[tokio::test]
async fn every_text_of_a_notice_is_bounded() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let long = |n: usize| "a".repeat(n);
        let cases: [(&str, SetText, usize); 6] = [
            (
                "input.texts[0].title",
                |i, t| i["texts"][0]["title"] = json!(t),
                300,
            ),
            (
                "input.texts[0].context",
                |i, t| i["texts"][0]["context"] = json!(t),
                20_000,
            ),
            (
                "input.texts[0].responsibilities[1]",
                |i, t| i["texts"][0]["responsibilities"][1] = json!(t),
                2_000,
            ),
            ("input.unit", |i, t| i["unit"] = json!(t), 300),
            (
                "input.requiredDocuments[0].note",
                |i, t| i["requiredDocuments"][0]["note"] = json!(t),
                2_000,
            ),
            (
                "input.dutyStations[0].city",
                |i, t| i["dutyStations"][0]["city"] = json!(t),
                300,
            ),
        ];
        for (n, (field, set, limit)) in cases.into_iter().enumerate() {
            let mut input = orion_like(&app, &format!("IOM-LONG-{n}")).await;
            set(&mut input, long(limit + 1));
            assert_eq!(
                refusal(&app, &iom, input).await,
                ("BAD_USER_INPUT".to_owned(), field.to_owned()),
                "[{}] {field}",
                app.backend()
            );
            let mut input = orion_like(&app, &format!("IOM-LONG-OK-{n}")).await;
            set(&mut input, long(limit));
            app.data_as(&iom, CREATE, json!({ "input": input })).await;
        }
    }
}
