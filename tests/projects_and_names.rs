//! Posts serving several projects, partners that coordinate or manage funds, filters by partner
//! and role, and names in any language (issue 16).

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::vacancy_writes::orion_like;

const CREATE_VACANCY: &str = "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id project { code } projects { code } } }";
const UPDATE_VACANCY: &str = "mutation ($id: ID!, $version: Int!, $input: VacancyInput!) { updateVacancy(id: $id, version: $version, input: $input) { projects { code } } }";

/// The global ID of the project with this code (led by `org`).
async fn project_id(app: &TestApp, code: &str, org: &str) -> Value {
    app.data(
        "query ($code: String!, $org: String) { project(code: $code, organisation: $org) { id } }",
        json!({ "code": code, "org": org }),
    )
    .await["project"]["id"]
        .clone()
}

async fn organisation_id(app: &TestApp, acronym: &str) -> Value {
    app.data(
        "query ($a: String!) { organisation(acronym: $a) { id } }",
        json!({ "a": acronym }),
    )
    .await["organisation"]["id"]
        .clone()
}

/// The `field` of the first error (a `BAD_USER_INPUT`).
async fn bad_field(app: &TestApp, token: &str, query: &str, variables: Value) -> String {
    let body = app.graphql_as(Some(token), query, variables).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    body["errors"][0]["extensions"]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

fn references(data: &Value) -> Vec<String> {
    data["vacancies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["reference"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_lmi_post_serves_thamm_and_y_med_and_each_finds_it() {
    for app in TestApp::all_seeded().await {
        let lmi = app
            .data(
                "{ vacancy(organisation: \"IOM\", reference: \"IOM-MA-2025-LMI\") { project { code } projects { code } } }",
                json!({}),
            )
            .await;
        assert_eq!(lmi["vacancy"]["project"]["code"], "THAMM+");
        assert_eq!(codes(&lmi["vacancy"]["projects"]), ["THAMM+", "Y-MED"]);

        let list = "query ($f: VacancyFilterInput) { vacancies(filter: $f, first: 50) { nodes { reference } } }";
        let by_code = app.data(list, json!({ "f": { "project": "Y-MED" } })).await;
        assert_eq!(references(&by_code), ["IOM-MA-2025-LMI"]);
        let y_med = project_id(&app, "Y-MED", "IOM").await;
        let by_id = app.data(list, json!({ "f": { "projectId": y_med } })).await;
        assert_eq!(references(&by_id), ["IOM-MA-2025-LMI"]);
        let of_project = app
            .data(
                "query ($id: ID!) { node(id: $id) { ... on Project { vacancies { nodes { reference } } } } }",
                json!({ "id": y_med }),
            )
            .await;
        assert_eq!(
            of_project["node"]["vacancies"]["nodes"][0]["reference"],
            "IOM-MA-2025-LMI"
        );
        // The main project still finds it, and another project does not.
        let thamm = app
            .data(list, json!({ "f": { "project": "THAMM+" } }))
            .await;
        assert!(references(&thamm).contains(&"IOM-MA-2025-LMI".to_owned()));
        let orion = app.data(list, json!({ "f": { "project": "ORION" } })).await;
        assert!(!references(&orion).contains(&"IOM-MA-2025-LMI".to_owned()));

        // The project facet counts the post under each of its projects, with or without a
        // project filter (which the facet ignores).
        let facets = "query ($f: VacancyFilterInput) { vacancies(filter: $f) { facets { projects { count project { code } } } } }";
        for filter in [
            json!({ "organisation": "IOM" }),
            json!({ "organisation": "IOM", "project": "ORION" }),
        ] {
            let data = app.data(facets, json!({ "f": filter })).await;
            let buckets = data["vacancies"]["facets"]["projects"]
                .as_array()
                .unwrap()
                .clone();
            let count = |code: &str| {
                buckets
                    .iter()
                    .find(|b| b["project"]["code"] == code)
                    .map_or(0, |b| b["count"].as_i64().unwrap())
            };
            assert_eq!(count("Y-MED"), 1, "{filter} {buckets:?}");
            assert!(count("THAMM+") >= 1, "{filter} {buckets:?}");
        }
    }
}

#[tokio::test]
async fn a_recruiter_names_other_projects_its_organisation_takes_part_in() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = orion_like(&app, "IOM-MA-2026-MULTI").await;
        let (avrr, y_med) = (
            project_id(&app, "AVRR", "IOM").await,
            project_id(&app, "Y-MED", "IOM").await,
        );
        input["otherProjectIds"] = json!([avrr, y_med]);
        let created = app
            .data_as(&iom, CREATE_VACANCY, json!({ "input": input }))
            .await;
        assert_eq!(
            codes(&created["createVacancy"]["projects"]),
            ["ORION", "AVRR", "Y-MED"]
        );
        let id = created["createVacancy"]["id"].clone();

        // A project the organisation neither leads nor partners in is refused, by its position.
        let wafira = project_id(&app, "WAFIRA II", "ILO").await;
        input["otherProjectIds"] = json!([y_med, wafira]);
        let field = bad_field(&app, &iom, CREATE_VACANCY, json!({ "input": input })).await;
        assert_eq!(field, "input.otherProjectIds[1]");
        // So is a project given twice, or others without a main project.
        input["otherProjectIds"] = json!([y_med, y_med]);
        let field = bad_field(&app, &iom, CREATE_VACANCY, json!({ "input": input })).await;
        assert_eq!(field, "input.otherProjectIds[1]");
        let mut no_main = input.clone();
        no_main["projectId"] = Value::Null;
        no_main["otherProjectIds"] = json!([y_med]);
        let field = bad_field(&app, &iom, CREATE_VACANCY, json!({ "input": no_main })).await;
        assert_eq!(field, "input.otherProjectIds[0]");

        // An update replaces the list; the stored order is the given one.
        input["reference"] = json!("IOM-MA-2026-MULTI");
        input["otherProjectIds"] = json!([y_med]);
        let updated = app
            .data_as(
                &iom,
                UPDATE_VACANCY,
                json!({ "id": id, "version": 1, "input": input }),
            )
            .await;
        assert_eq!(
            codes(&updated["updateVacancy"]["projects"]),
            ["ORION", "Y-MED"]
        );
        // Another organisation's recruiter may not touch it.
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let code = app
            .error_code_as(
                Some(&ilo),
                UPDATE_VACANCY,
                json!({ "id": id, "version": 2, "input": input }),
            )
            .await;
        assert!(code == "FORBIDDEN" || code == "NOT_FOUND", "{code}");
    }
}

#[tokio::test]
async fn thamm_is_coordinated_with_four_actors_and_the_ec_funds_wafira_through_icmpd() {
    for app in TestApp::all_seeded().await {
        let query = "query ($code: String!) { project(code: $code) { partners { role organisation { acronym } through { acronym } } } }";
        let roles = |data: &Value| -> Vec<(String, String, Option<String>)> {
            data["project"]["partners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["organisation"]["acronym"].as_str().unwrap().to_owned(),
                        p["role"].as_str().unwrap().to_owned(),
                        p["through"]["acronym"].as_str().map(str::to_owned),
                    )
                })
                .collect()
        };
        let thamm = roles(&app.data(query, json!({ "code": "THAMM+" })).await);
        let coordinating: Vec<&str> = thamm
            .iter()
            .filter(|(_, role, _)| role == "COORDINATING")
            .map(|(org, _, _)| org.as_str())
            .collect();
        assert_eq!(coordinating, ["ILO", "GIZ", "OFII", "ENABEL"]);
        assert!(thamm.contains(&("EU".into(), "DONOR".into(), None)));

        let wafira = roles(&app.data(query, json!({ "code": "WAFIRA II" })).await);
        assert!(wafira.contains(&("EC".into(), "DONOR".into(), Some("ICMPD".into()))));
        assert!(wafira.contains(&("ICMPD".into(), "FUND_MANAGER".into(), None)));
        assert!(!wafira
            .iter()
            .any(|(org, role, _)| org == "ICMPD" && role == "DONOR"));

        let labels = app
            .data(
                "{ labels(language: \"ar\", kinds: [PARTNER_ROLE]) { code label } }",
                json!({}),
            )
            .await;
        let fund_manager = labels["labels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["code"] == "FUND_MANAGER")
            .cloned()
            .unwrap();
        assert_eq!(fund_manager["label"], "الجهة المديرة للصندوق");
    }
}

#[tokio::test]
async fn a_partner_says_through_whom_a_donors_funds_flow() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let (eu, icmpd, giz) = (
            organisation_id(&app, "EU").await,
            organisation_id(&app, "ICMPD").await,
            organisation_id(&app, "GIZ").await,
        );
        let lead = organisation_id(&app, "IOM").await;
        let create = "mutation ($input: CreateProjectInput!) { createProject(input: $input) { code partners { role through { acronym } organisation { acronym } } } }";
        let input = |partners: Value| {
            json!({ "input": {
                "code": "MOBILITY", "nameEn": "Mobility", "nameFr": "Mobilité",
                "leadOrganisationId": lead, "partners": partners,
            }})
        };
        let created = app
            .data_as(
                &iom,
                create,
                input(json!([
                    { "organisationId": eu, "role": "DONOR", "throughOrganisationId": icmpd },
                    { "organisationId": icmpd, "role": "FUND_MANAGER" },
                    { "organisationId": giz, "role": "COORDINATING" },
                ])),
            )
            .await;
        let partners = &created["createProject"]["partners"];
        assert_eq!(partners[0]["through"]["acronym"], "ICMPD");
        assert_eq!(partners[2]["role"], "COORDINATING");

        // Only a donor's funds flow through someone, and never through the donor itself.
        let field = bad_field(
            &app,
            &iom,
            create,
            input(json!([{ "organisationId": giz, "role": "COORDINATING", "throughOrganisationId": icmpd }])),
        )
        .await;
        assert_eq!(field, "input.partners[0].throughOrganisationId");
        let field = bad_field(
            &app,
            &iom,
            create,
            input(json!([{ "organisationId": eu, "role": "DONOR", "throughOrganisationId": eu }])),
        )
        .await;
        assert_eq!(field, "input.partners[0].throughOrganisationId");
    }
}

#[tokio::test]
async fn projects_and_organisations_are_filtered_by_partner_and_role() {
    for app in TestApp::all_seeded().await {
        let (eu, ec, icmpd, ilo) = (
            organisation_id(&app, "EU").await,
            organisation_id(&app, "EC").await,
            organisation_id(&app, "ICMPD").await,
            organisation_id(&app, "ILO").await,
        );
        let projects = "query ($f: ProjectFilterInput) { projects(filter: $f, first: 50) { totalCount nodes { code } } }";
        let found = |data: Value| codes(&data["projects"]["nodes"]);
        let funded = app
            .data(projects, json!({ "f": { "partner": eu, "role": "DONOR" } }))
            .await;
        assert_eq!(found(funded), ["THAMM+"]);
        let funded = app
            .data(projects, json!({ "f": { "partner": ec, "role": "DONOR" } }))
            .await;
        assert_eq!(found(funded), ["WAFIRA II"]);
        // ICMPD manages funds; it funds nothing.
        let none = app
            .data(
                projects,
                json!({ "f": { "partner": icmpd, "role": "DONOR" } }),
            )
            .await;
        assert_eq!(none["projects"]["totalCount"], 0);
        let managed = app
            .data(projects, json!({ "f": { "partner": icmpd } }))
            .await;
        assert_eq!(found(managed), ["WAFIRA II"]);
        // The ILO coordinates with THAMM+ and carries out WAFIRA II.
        let ilo_partner = app.data(projects, json!({ "f": { "partner": ilo } })).await;
        assert_eq!(found(ilo_partner), ["THAMM+", "WAFIRA II"]);
        let coordinated = app
            .data(projects, json!({ "f": { "role": "COORDINATING" } }))
            .await;
        assert_eq!(found(coordinated), ["THAMM+"]);

        let organisations = "query ($f: OrganisationFilterInput, $first: Int) { organisations(filter: $f, first: $first) { totalCount pageInfo { hasNextPage } nodes { acronym } } }";
        let acronyms = |data: &Value| -> Vec<String> {
            data["organisations"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["acronym"].as_str().unwrap().to_owned())
                .collect()
        };
        let wafira = project_id(&app, "WAFIRA II", "ILO").await;
        let donors = app
            .data(
                organisations,
                json!({ "f": { "partnerOf": wafira, "role": "DONOR" } }),
            )
            .await;
        assert_eq!(acronyms(&donors), ["EC"]);
        let coordinating = app
            .data(organisations, json!({ "f": { "role": "COORDINATING" } }))
            .await;
        assert_eq!(acronyms(&coordinating), ["ILO", "OFII", "GIZ", "ENABEL"]);
        // Paged like every list.
        let page = app
            .data(
                organisations,
                json!({ "f": { "partnerOf": wafira }, "first": 2 }),
            )
            .await;
        assert_eq!(acronyms(&page).len(), 2);
        assert_eq!(page["organisations"]["pageInfo"]["hasNextPage"], true);
        assert!(page["organisations"]["totalCount"].as_i64().unwrap() > 2);

        // A proposed partnership counts only once the partner's admins accept it.
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let unhcr = organisation_id(&app, "UNHCR").await;
        let created = app
            .data_as(
                &iom,
                "mutation ($input: CreateProjectInput!) { createProject(input: $input) { id partners { accepted } } }",
                json!({ "input": {
                    "code": "PROPOSED", "nameEn": "Proposed", "nameFr": "Proposé",
                    "leadOrganisationId": organisation_id(&app, "IOM").await,
                    "partners": [{ "organisationId": unhcr, "role": "DONOR" }],
                }}),
            )
            .await;
        assert_eq!(created["createProject"]["partners"][0]["accepted"], false);
        let unhcr_funds = json!({ "f": { "partner": unhcr, "role": "DONOR" } });
        let before = app.data(projects, unhcr_funds.clone()).await;
        assert_eq!(before["projects"]["totalCount"], 0);
        let unhcr_admin = app.sign_in_as(Role::AgencyAdmin, Some("UNHCR")).await;
        app.data_as(
            &unhcr_admin,
            "mutation ($p: ID!, $o: ID!) { acceptProjectPartnership(projectId: $p, organisationId: $o) { id } }",
            json!({ "p": created["createProject"]["id"], "o": unhcr }),
        )
        .await;
        let after = app.data(projects, unhcr_funds).await;
        assert_eq!(found(after), ["PROPOSED"]);

        // An ID of the wrong kind is a bad input on its field.
        let body = app
            .graphql(organisations, json!({ "f": { "partnerOf": eu } }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "filter.partnerOf");
    }
}

#[tokio::test]
async fn the_agencies_have_their_official_arabic_names_and_any_language_falls_back() {
    for app in TestApp::all_seeded().await {
        let query = "query ($a: String!) { organisation(acronym: $a) { ar: name(language: \"ar\") es: name(language: \"es\") fr: name(language: \"fr\") translations { language name } } }";
        for (acronym, arabic) in [
            ("IOM", "المنظمة الدولية للهجرة"),
            ("ILO", "منظمة العمل الدولية"),
            ("UNHCR", "المفوضية السامية للأمم المتحدة لشؤون اللاجئين"),
            ("UNICEF", "منظمة الأمم المتحدة للطفولة (اليونيسف)"),
            ("UNFPA", "صندوق الأمم المتحدة للسكان"),
            ("EU", "الاتحاد الأوروبي"),
        ] {
            let org = app.data(query, json!({ "a": acronym })).await["organisation"].clone();
            assert_eq!(org["ar"], arabic, "{acronym}");
            let languages: Vec<&str> = org["translations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["language"].as_str().unwrap())
                .collect();
            assert_eq!(languages, ["en", "fr", "ar"], "{acronym}");
        }
        let iom = app.data(query, json!({ "a": "IOM" })).await["organisation"].clone();
        assert_eq!(iom["es"], "International Organization for Migration");
        assert_eq!(iom["fr"], "Organisation internationale pour les migrations");

        let competency = app
            .data(
                "{ competencies(first: 100) { nodes { code ar: name(language: \"ar\") } } }",
                json!({}),
            )
            .await;
        let teamwork = competency["competencies"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "TEAMWORK")
            .cloned()
            .unwrap();
        assert_eq!(teamwork["ar"], "العمل الجماعي");

        // A language that is not an ISO 639 code is a bad input.
        let body = app
            .graphql(
                "{ organisation(acronym: \"IOM\") { name(language: \"arabic\") } }",
                json!({}),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

        // The Arabic name feeds search.
        let found = app
            .data(
                "{ vacancies(filter: { search: \"منظمة العمل الدولية\" }, first: 10) { nodes { reference } } }",
                json!({}),
            )
            .await;
        assert_eq!(references(&found), ["ALG/DC/P/2025/03"]);
    }
}

#[tokio::test]
async fn an_agency_admin_names_its_organisation_in_another_language_and_it_is_audited() {
    for app in TestApp::all_seeded().await {
        let update = "mutation ($id: ID!, $v: Int!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, version: $v, input: $input) { version es: name(language: \"es\") description(language: \"es\") } }";
        let read = "{ organisation(acronym: \"IOM\") { id version } }";
        let iom = app.data(read, json!({})).await["organisation"].clone();
        let input = json!({ "translations": [
            { "language": "ar", "name": "المنظمة الدولية للهجرة" },
            { "language": "es", "name": "Organización Internacional para las Migraciones", "description": "Organismo de las Naciones Unidas para la Migración" },
        ]});
        let vars = json!({ "id": iom["id"], "v": iom["version"], "input": input });

        // Another agency's admin may not; IOM's may.
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), update, vars.clone())
                .await,
            "FORBIDDEN"
        );
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let updated = app.data_as(&admin, update, vars).await["updateOrganisation"].clone();
        assert_eq!(
            updated["es"],
            "Organización Internacional para las Migraciones"
        );
        assert_eq!(
            updated["description"],
            "Organismo de las Naciones Unidas para la Migración"
        );

        // English and French have their own fields; a language twice is refused.
        let version = updated["version"].clone();
        for (translations, field) in [
            (
                json!([{ "language": "en", "name": "IOM" }]),
                "input.translations[0].language",
            ),
            (
                json!([{ "language": "es", "name": "OIM" }, { "language": "ES", "name": "OIM" }]),
                "input.translations[1].language",
            ),
            (
                json!([{ "language": "español", "name": "OIM" }]),
                "input.translations[0].language",
            ),
        ] {
            let vars =
                json!({ "id": iom["id"], "v": version, "input": { "translations": translations } });
            assert_eq!(bad_field(&app, &admin, update, vars).await, field);
        }

        // The Spanish name now finds IOM's notices.
        let found = app
            .data(
                "{ vacancies(filter: { search: \"Organización Internacional\" }, first: 50) { totalCount } }",
                json!({}),
            )
            .await;
        assert!(found["vacancies"]["totalCount"].as_i64().unwrap() > 0);

        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let audit = app
            .data_as(
                &platform,
                "query ($org: ID) { auditEvents(organisationId: $org, entityType: \"organisation\", first: 100) { nodes { action changes } } }",
                json!({ "org": iom["id"] }),
            )
            .await;
        let events = audit["auditEvents"]["nodes"].as_array().unwrap();
        let change = events
            .iter()
            .find(|e| e["action"] == "update")
            .expect("an update event");
        let changes = change["changes"].to_string();
        assert!(
            changes.contains("Organización Internacional para las Migraciones"),
            "{changes}"
        );
    }
}

#[tokio::test]
async fn projects_and_competencies_are_created_with_names_in_other_languages() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let lead = organisation_id(&app, "IOM").await;
        let project = app
            .data_as(
                &admin,
                "mutation ($input: CreateProjectInput!) { createProject(input: $input) { ar: name(language: \"ar\") de: name(language: \"de\") description(language: \"ar\") } }",
                json!({ "input": {
                    "code": "AR-NAMES", "nameEn": "Return", "nameFr": "Retour", "leadOrganisationId": lead,
                    "translations": [{ "language": "ar", "name": "العودة", "description": "وصف المشروع" }],
                }}),
            )
            .await;
        assert_eq!(project["createProject"]["ar"], "العودة");
        assert_eq!(project["createProject"]["de"], "Return");
        assert_eq!(project["createProject"]["description"], "وصف المشروع");

        let create = "mutation ($input: CreateCompetencyInput!) { createCompetency(input: $input) { ar: name(language: \"ar\") translations { language } } }";
        let input = |translations: Value| {
            json!({ "input": {
                "organisationId": lead, "code": "RESILIENCE", "kind": "CORE",
                "nameEn": "Resilience", "nameFr": "Résilience", "translations": translations,
            }})
        };
        let field = bad_field(
            &app,
            &admin,
            create,
            input(json!([{ "language": "fr", "name": "Résilience" }])),
        )
        .await;
        assert_eq!(field, "input.translations[0].language");
        let created = app
            .data_as(
                &admin,
                create,
                input(json!([{ "language": "ar", "name": "المرونة" }])),
            )
            .await;
        assert_eq!(created["createCompetency"]["ar"], "المرونة");
        // A recruiter does not edit the competency framework.
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut other = input(json!([{ "language": "ar", "name": "المرونة" }]));
        other["input"]["code"] = json!("RESILIENCE_2");
        assert_eq!(
            app.error_code_as(Some(&recruiter), create, other).await,
            "FORBIDDEN"
        );
    }
}
