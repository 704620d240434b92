//! The write API for organisations, projects and competencies, and the audit trail: who may
//! write what, optimistic locking, duplicates, validation with field paths, all-or-nothing
//! writes, and the trail each write leaves.

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// Who calls: anonymous, or a fresh account of a role and organisation, or an integration token.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    Account(Role, Option<&'static str>),
    Token(&'static str),
}

use Caller::{Account, Anonymous, Token};

const CANDIDATE: Caller = Account(Role::Candidate, None);
const PLATFORM_ADMIN: Caller = Account(Role::PlatformAdmin, None);
const IOM_RECRUITER: Caller = Account(Role::Recruiter, Some("IOM"));
const IOM_ADMIN: Caller = Account(Role::AgencyAdmin, Some("IOM"));
const ILO_RECRUITER: Caller = Account(Role::Recruiter, Some("ILO"));
const ILO_ADMIN: Caller = Account(Role::AgencyAdmin, Some("ILO"));
const IOM_TOKEN: Caller = Token("IOM");

async fn token_for(app: &TestApp, caller: Caller) -> Option<String> {
    match caller {
        Anonymous => None,
        Account(role, org) => Some(app.sign_in_as(role, org).await),
        Token(org) => Some(integration_token(app, org).await),
    }
}

/// Creates an integration token of an organisation straight in the database, with every scope.
pub async fn integration_token(app: &TestApp, acronym: &str) -> String {
    integration_token_with(app, acronym, jobboard::domain::IntegrationScope::ALL, None).await
}

/// Creates an integration token with these scopes, limited to these networks (stored form).
pub async fn integration_token_with(
    app: &TestApp,
    acronym: &str,
    scopes: &[jobboard::domain::IntegrationScope],
    allowed_networks: Option<&str>,
) -> String {
    use entity::{integration_token, organisation_acronym};
    use jobboard::auth::jwt::Subject;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    let org = organisation_acronym::Entity::find()
        .filter(organisation_acronym::Column::Acronym.eq(acronym))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a seeded organisation")
        .organisation_id;
    let now = chrono::Utc::now();
    let row = integration_token::ActiveModel {
        organisation_id: Set(org),
        name: Set("HR system".into()),
        jti: Set(uuid::Uuid::new_v4().to_string()),
        expires_at: Set(now + chrono::Duration::hours(1)),
        created_at: Set(now),
        scopes: Set(scopes
            .iter()
            .copied()
            .collect::<jobboard::domain::ScopeSet>()
            .to_db()),
        allowed_networks: Set(allowed_networks.map(str::to_owned)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let issued = app
        .jwt
        .issue(
            Subject::Integration(row.id),
            Role::Recruiter.as_str(),
            Some(org),
            chrono::Duration::minutes(10),
        )
        .unwrap();
    let mut row: integration_token::ActiveModel = row.into();
    row.jti = Set(issued.jti);
    row.update(&app.db).await.unwrap();
    issued.token
}

/// Runs an operation that must fail; returns its first error.
async fn error_as(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    let body = app.graphql_as(token, query, variables).await;
    let error = body["errors"][0].clone();
    assert!(
        error.is_object(),
        "[{}] expected an error: {body}",
        app.backend()
    );
    error
}

/// Asserts that an operation fails with `BAD_USER_INPUT` on `field`.
async fn assert_bad_input(app: &TestApp, token: &str, query: &str, variables: Value, field: &str) {
    let error = error_as(app, Some(token), query, variables).await;
    assert_eq!(
        error["extensions"]["code"],
        "BAD_USER_INPUT",
        "[{}] {error}",
        app.backend()
    );
    assert_eq!(
        error["extensions"]["field"],
        field,
        "[{}] {error}",
        app.backend()
    );
}

/// Every refused caller gets its code; `input` is built fresh for each (unique codes).
async fn assert_refused(app: &TestApp, query: &str, variables: Value, refused: &[(Caller, &str)]) {
    for (caller, code) in refused {
        let token = token_for(app, *caller).await;
        assert_eq!(
            app.error_code_as(token.as_deref(), query, variables.clone())
                .await,
            *code,
            "[{}] {caller:?}",
            app.backend()
        );
    }
}

async fn organisation(app: &TestApp, acronym: &str) -> Value {
    app.data(
        "query ($a: String!) { organisation(acronym: $a) { id version acronym website acronyms { language acronym } offices { name city country } } }",
        json!({ "a": acronym }),
    )
    .await["organisation"]
        .clone()
}

const PROJECT: &str = "query ($c: String!) { project(code: $c) { id version code nameEn status countries partners { role note organisation { acronym } } } }";

async fn project(app: &TestApp, code: &str) -> Value {
    let body = app.graphql(PROJECT, json!({ "c": code })).await;
    body["data"]["project"].clone()
}

async fn audit(app: &TestApp, token: &str, variables: Value) -> Vec<Value> {
    app.data_as(
        token,
        "query ($org: ID, $type: String, $first: Int) { auditEvents(organisationId: $org, entityType: $type, first: $first) { nodes { id actorAccountId actorTokenId organisation { acronym } entityType entityId action changes createdAt } } }",
        variables,
    )
    .await["auditEvents"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

const CREATE_ORGANISATION: &str = "mutation ($input: CreateOrganisationInput!) { createOrganisation(input: $input) { id acronym version nameFr kind foundedYear acronyms { language acronym } offices { name city country } } }";
const UPDATE_ORGANISATION: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, version: $version, input: $input) { id version website offices { city country } acronyms { acronym } } }";

fn new_organisation(acronym: &str) -> Value {
    json!({
        "acronym": acronym,
        "otherAcronyms": [{ "language": "fr", "acronym": format!("{acronym}-FR") }],
        "nameEn": "Ministry of Labour",
        "nameFr": "Ministère du Travail",
        "kind": "GOVERNMENT",
        "foundedYear": 1956,
        "website": "https://travail.example.org",
        "recruitmentEmail": "jobs@travail.example.org",
        "offices": [{ "name": "Head office", "city": "Rabat", "country": "ma" }],
    })
}

#[tokio::test]
async fn only_platform_admins_create_organisations() {
    for app in TestApp::all_seeded().await {
        assert_refused(
            &app,
            CREATE_ORGANISATION,
            json!({ "input": new_organisation("MOL") }),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
                (IOM_ADMIN, "FORBIDDEN"),
                (IOM_TOKEN, "FORBIDDEN"),
            ],
        )
        .await;

        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let created = app
            .data_as(
                &admin,
                CREATE_ORGANISATION,
                json!({ "input": new_organisation("mol") }),
            )
            .await["createOrganisation"]
            .clone();
        assert_eq!(created["acronym"], "MOL");
        assert_eq!(created["version"], 1);
        assert_eq!(created["kind"], "GOVERNMENT");
        assert_eq!(
            created["acronyms"],
            json!([{ "language": "en", "acronym": "MOL" }, { "language": "fr", "acronym": "MOL-FR" }])
        );
        assert_eq!(
            created["offices"],
            json!([{ "name": "Head office", "city": "Rabat", "country": "MA" }])
        );
        // It is found by its other acronym, like the seeded ones.
        assert_eq!(organisation(&app, "mol-fr").await["id"], created["id"]);
    }
}

#[tokio::test]
async fn organisations_refuse_taken_acronyms_and_bad_input() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        for taken in ["IOM", "oim", "BIT"] {
            assert_eq!(
                app.error_code_as(
                    Some(&admin),
                    CREATE_ORGANISATION,
                    json!({ "input": new_organisation(taken) })
                )
                .await,
                "CONFLICT",
                "{taken}"
            );
        }
        let mut taken_other = new_organisation("NEW");
        taken_other["otherAcronyms"] = json!([{ "language": "fr", "acronym": "OIT" }]);
        assert_eq!(
            app.error_code_as(
                Some(&admin),
                CREATE_ORGANISATION,
                json!({ "input": taken_other })
            )
            .await,
            "CONFLICT"
        );

        let cases: Vec<(&str, Value)> = vec![
            ("input.acronym", json!({ "acronym": "  " })),
            ("input.nameEn", json!({ "nameEn": "" })),
            ("input.foundedYear", json!({ "foundedYear": 1066 })),
            ("input.website", json!({ "website": "travail.example.org" })),
            (
                "input.recruitmentEmail",
                json!({ "recruitmentEmail": "jobs at travail" }),
            ),
            (
                "input.offices[1].country",
                json!({ "offices": [{ "city": "Rabat", "country": "MA" }, { "city": "Tunis", "country": "Tunisia" }] }),
            ),
            (
                "input.offices[0].city",
                json!({ "offices": [{ "city": " ", "country": "MA" }] }),
            ),
            (
                "input.otherAcronyms[0].language",
                json!({ "otherAcronyms": [{ "language": "french", "acronym": "MT" }] }),
            ),
            (
                "input.otherAcronyms[1].acronym",
                json!({ "otherAcronyms": [{ "language": "fr", "acronym": "MT" }, { "language": "ar", "acronym": "mt" }] }),
            ),
        ];
        for (field, patch) in cases {
            let mut input = new_organisation("BAD");
            for (key, value) in patch.as_object().unwrap() {
                input[key] = value.clone();
            }
            assert_bad_input(
                &app,
                &admin,
                CREATE_ORGANISATION,
                json!({ "input": input }),
                field,
            )
            .await;
        }
        let none = app
            .graphql("{ organisation(acronym: \"BAD\") { id } }", json!({}))
            .await;
        assert_eq!(none["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
}

#[tokio::test]
async fn an_organisation_admin_edits_its_profile_with_the_version_it_read() {
    for app in TestApp::all_seeded().await {
        let iom = organisation(&app, "IOM").await;
        let change = |version: &Value| {
            json!({
                "id": iom["id"],
                "version": version,
                "input": { "website": "https://morocco.iom.int", "offices": [{ "city": "Tanger", "country": "MA" }] },
            })
        };
        assert_refused(
            &app,
            UPDATE_ORGANISATION,
            change(&iom["version"]),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
                (IOM_TOKEN, "FORBIDDEN"),
                (ILO_ADMIN, "FORBIDDEN"),
            ],
        )
        .await;

        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let updated = app
            .data_as(&admin, UPDATE_ORGANISATION, change(&iom["version"]))
            .await["updateOrganisation"]
            .clone();
        assert_eq!(updated["version"], iom["version"].as_i64().unwrap() + 1);
        assert_eq!(updated["website"], "https://morocco.iom.int");
        assert_eq!(
            updated["offices"],
            json!([{ "city": "Tanger", "country": "MA" }])
        );

        // The version read before that edit is stale: refused, and nothing changes.
        let stale = json!({ "id": iom["id"], "version": iom["version"], "input": { "website": "https://stale.example.org" } });
        assert_eq!(
            app.error_code_as(Some(&admin), UPDATE_ORGANISATION, stale)
                .await,
            "CONFLICT"
        );
        let after = organisation(&app, "IOM").await;
        assert_eq!(after["website"], "https://morocco.iom.int");
        assert_eq!(after["version"], updated["version"]);

        // Sending what is already stored changes nothing, not even the version.
        let same = app
            .data_as(&admin, UPDATE_ORGANISATION, change(&updated["version"]))
            .await;
        assert_eq!(same["updateOrganisation"]["version"], updated["version"]);

        // An acronym another organisation goes by is a conflict; a bad country names its field
        // and leaves the offices as they were.
        for input in [
            json!({ "acronym": "ILO" }),
            json!({ "otherAcronyms": [{ "language": "fr", "acronym": "HCR" }] }),
        ] {
            let variables =
                json!({ "id": iom["id"], "version": updated["version"], "input": input });
            assert_eq!(
                app.error_code_as(Some(&admin), UPDATE_ORGANISATION, variables)
                    .await,
                "CONFLICT"
            );
        }
        assert_bad_input(
            &app,
            &admin,
            UPDATE_ORGANISATION,
            json!({ "id": iom["id"], "version": updated["version"], "input": { "offices": [{ "city": "Rabat", "country": "MA" }, { "city": "Tunis", "country": "TUN" }] } }),
            "input.offices[1].country",
        )
        .await;
        let after = organisation(&app, "IOM").await;
        assert_eq!(
            after["offices"],
            json!([{ "name": null, "city": "Tanger", "country": "MA" }])
        );
        assert!(after["acronyms"]
            .as_array()
            .unwrap()
            .contains(&json!({ "language": "fr", "acronym": "OIM" })));

        // Clearing an optional field with null; a platform admin may edit any organisation.
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let cleared = app
            .data_as(
                &platform,
                UPDATE_ORGANISATION,
                json!({ "id": iom["id"], "version": after["version"], "input": { "website": null } }),
            )
            .await;
        assert_eq!(cleared["updateOrganisation"]["website"], Value::Null);
    }
}

const CREATE_PROJECT: &str = "mutation ($input: CreateProjectInput!) { createProject(input: $input) { id version code nameEn status countries startDate endDate objectives(language: \"fr\") leadOrganisation { acronym } partners { role note organisation { acronym } } } }";
const UPDATE_PROJECT: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateProjectInput!) { updateProject(id: $id, version: $version, input: $input) { id version nameEn countries partners { role organisation { acronym } } } }";
const ARCHIVE_PROJECT: &str = "mutation ($id: ID!, $version: Int!) { archiveProject(id: $id, version: $version) { id version status } }";

async fn new_project(app: &TestApp, code: &str) -> Value {
    let iom = organisation(app, "IOM").await;
    let unhcr = organisation(app, "UNHCR").await;
    json!({
        "code": code,
        "nameEn": "Safe migration",
        "nameFr": "Migration sûre",
        "descriptionFr": "Un projet de test.",
        "objectives": [{ "language": "fr", "items": ["Protéger", "Informer"] }],
        "countries": ["MA", "tn"],
        "startDate": "2025-01-01",
        "endDate": "2026-12-31",
        "leadOrganisationId": iom["id"],
        "partners": [
            { "organisationId": iom["id"], "role": "LEAD" },
            { "organisationId": unhcr["id"], "role": "PARTICIPATING", "note": "PUNO" },
        ],
    })
}

#[tokio::test]
async fn projects_are_created_by_whoever_posts_for_the_lead_organisation() {
    for app in TestApp::all_seeded().await {
        let input = new_project(&app, "SAFE").await;
        assert_refused(
            &app,
            CREATE_PROJECT,
            json!({ "input": input }),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (ILO_RECRUITER, "FORBIDDEN"),
                (ILO_ADMIN, "FORBIDDEN"),
            ],
        )
        .await;

        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let created = app
            .data_as(&recruiter, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();
        assert_eq!(created["code"], "SAFE");
        assert_eq!(created["version"], 1);
        assert_eq!(created["status"], "ACTIVE");
        assert_eq!(created["countries"], json!(["MA", "TN"]));
        assert_eq!(created["objectives"], json!(["Protéger", "Informer"]));
        assert_eq!(created["startDate"], "2025-01-01");
        assert_eq!(created["leadOrganisation"]["acronym"], "IOM");
        assert_eq!(
            created["partners"],
            json!([
                { "role": "LEAD", "note": null, "organisation": { "acronym": "IOM" } },
                { "role": "PARTICIPATING", "note": "PUNO", "organisation": { "acronym": "UNHCR" } },
            ])
        );

        // The organisation's HR system and its admins may create projects too.
        for (caller, code) in [
            (IOM_TOKEN, "SAFE-2"),
            (IOM_ADMIN, "SAFE-3"),
            (PLATFORM_ADMIN, "SAFE-4"),
        ] {
            let token = token_for(&app, caller).await.unwrap();
            let input = new_project(&app, code).await;
            let data = app
                .data_as(&token, CREATE_PROJECT, json!({ "input": input }))
                .await;
            assert_eq!(data["createProject"]["code"], code, "{caller:?}");
        }

        // Codes are unique whatever their case.
        for taken in ["safe", "ORION"] {
            let input = new_project(&app, taken).await;
            assert_eq!(
                app.error_code_as(Some(&recruiter), CREATE_PROJECT, json!({ "input": input }))
                    .await,
                "CONFLICT",
                "{taken}"
            );
        }
    }
}

/// A project of `lead` (an organisation read with `organisation`) with this code and no partners.
async fn project_led_by(app: &TestApp, lead: &Value, code: &str) -> Value {
    let mut input = new_project(app, code).await;
    input["leadOrganisationId"] = lead["id"].clone();
    input["partners"] = json!([]);
    input
}

const UPDATE_PROJECT_CODE: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateProjectInput!) { updateProject(id: $id, version: $version, input: $input) { id version code leadOrganisation { acronym } } }";

/// Asserts a `CONFLICT` whose message names the organisation that has the code.
async fn assert_code_taken(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    acronym: &str,
    code: &str,
) {
    let error = error_as(app, Some(token), query, variables).await;
    assert_eq!(
        error["extensions"]["code"],
        "CONFLICT",
        "[{}] {error}",
        app.backend()
    );
    assert_eq!(
        error["message"],
        format!("this organisation ({acronym}) already has a project with the code {code}"),
        "[{}]",
        app.backend()
    );
}

#[tokio::test]
async fn another_agency_may_have_a_project_with_the_same_code_but_none_may_have_two() {
    for app in TestApp::all_seeded().await {
        let (iom, ilo) = (
            organisation(&app, "IOM").await,
            organisation(&app, "ILO").await,
        );
        let ilo_recruiter = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let iom_recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;

        // IOM leads ORION (demo data); ILO's recruiter creates an ORION of ILO's own. When codes
        // were unique across projects this was a CONFLICT, and any agency could take another's
        // code first to block it.
        let input = project_led_by(&app, &ilo, "orion").await;
        let ilo_orion = app
            .data_as(&ilo_recruiter, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();
        assert_eq!(ilo_orion["code"], "ORION");
        assert_eq!(ilo_orion["leadOrganisation"]["acronym"], "ILO");

        // Neither organisation can have a second ORION, whatever the case.
        for (token, lead, acronym) in [(&ilo_recruiter, &ilo, "ILO"), (&iom_recruiter, &iom, "IOM")]
        {
            let input = project_led_by(&app, lead, "Orion").await;
            assert_code_taken(
                &app,
                token,
                CREATE_PROJECT,
                json!({ "input": input }),
                acronym,
                "ORION",
            )
            .await;
        }

        // A new code for an existing project: free in its lead organisation only.
        let input = project_led_by(&app, &ilo, "PILOT").await;
        let pilot = app
            .data_as(&ilo_recruiter, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();
        let rename =
            |code: &str| json!({ "id": pilot["id"], "version": 1, "input": { "code": code } });
        assert_code_taken(
            &app,
            &ilo_recruiter,
            UPDATE_PROJECT_CODE,
            rename("orion"),
            "ILO",
            "ORION",
        )
        .await;
        // IOM's code, not ILO's: allowed.
        let renamed = app
            .data_as(&ilo_recruiter, UPDATE_PROJECT_CODE, rename("THAMM+"))
            .await["updateProject"]
            .clone();
        assert_eq!(renamed["code"], "THAMM+");
        assert_eq!(renamed["version"], 2);

        // Handing ILO's THAMM+ to IOM, which has a THAMM+: refused, naming IOM.
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        assert_code_taken(
            &app,
            &admin,
            UPDATE_PROJECT_CODE,
            json!({ "id": pilot["id"], "version": 2, "input": { "leadOrganisationId": iom["id"] } }),
            "IOM",
            "THAMM+",
        )
        .await;
        // Handing it over under a code IOM does not have: allowed.
        let moved = app
            .data_as(
                &admin,
                UPDATE_PROJECT_CODE,
                json!({ "id": pilot["id"], "version": 2, "input": { "code": "THAMM-ILO", "leadOrganisationId": iom["id"] } }),
            )
            .await["updateProject"]
            .clone();
        assert_eq!(moved["code"], "THAMM-ILO");
        assert_eq!(moved["leadOrganisation"]["acronym"], "IOM");
    }
}

const PROJECT_BY_CODE: &str = "query ($c: String!, $o: String) { project(code: $c, organisation: $o) { id code leadOrganisation { acronym } } }";

#[tokio::test]
async fn a_project_code_two_agencies_use_is_looked_up_with_the_lead_organisation() {
    for app in TestApp::all_seeded().await {
        let ilo = organisation(&app, "ILO").await;
        let ilo_recruiter = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let iom_orion = app.data(PROJECT_BY_CODE, json!({ "c": "ORION" })).await["project"].clone();
        assert_eq!(iom_orion["leadOrganisation"]["acronym"], "IOM");

        let input = project_led_by(&app, &ilo, "ORION").await;
        let ilo_orion = app
            .data_as(&ilo_recruiter, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();

        // The code alone is ambiguous now: no arbitrary pick, a bad input naming the argument.
        let error = error_as(&app, None, PROJECT_BY_CODE, json!({ "c": "orion" })).await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
        assert_eq!(error["extensions"]["field"], "organisation", "{error}");
        assert!(
            error["message"].as_str().unwrap().contains("ORION"),
            "{error}"
        );

        // With the lead organisation, by any of its acronyms, in any case.
        for (acronym, expected) in [
            ("IOM", &iom_orion),
            ("oim", &iom_orion),
            ("BIT", &ilo_orion),
        ] {
            let found = app
                .data(PROJECT_BY_CODE, json!({ "c": "Orion", "o": acronym }))
                .await["project"]
                .clone();
            assert_eq!(found["id"], expected["id"], "[{}] {acronym}", app.backend());
        }
        // An organisation that leads no ORION (a partner is not the lead), or none at all.
        for acronym in ["UNHCR", "NOPE"] {
            assert_eq!(
                app.error_code(PROJECT_BY_CODE, json!({ "c": "ORION", "o": acronym }))
                    .await,
                "NOT_FOUND",
                "{acronym}"
            );
        }
        // A code only one organisation uses needs no organisation; an organisation alone is
        // no lookup.
        let mptf = app.data(PROJECT_BY_CODE, json!({ "c": "MPTF" })).await;
        assert_eq!(mptf["project"]["leadOrganisation"]["acronym"], "IOM");
        assert_eq!(
            app.error_code("{ project(organisation: \"IOM\") { id } }", json!({}))
                .await,
            "BAD_USER_INPUT"
        );

        // A vacancy filter by project code matches the code in every organisation, and with an
        // organisation, that organisation's vacancies.
        let mut notice = crate::vacancy_writes::orion_like(&app, "ILO-ORION-1").await;
        notice["projectId"] = ilo_orion["id"].clone();
        notice["competencies"] = json!([]);
        let created = app
            .data_as(
                &ilo_recruiter,
                "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }",
                json!({ "input": notice }),
            )
            .await["createVacancy"]
            .clone();
        app.data_as(
            &ilo_recruiter,
            "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id } }",
            json!({ "id": created["id"], "version": created["version"] }),
        )
        .await;
        let references = |filter: Value| {
            let app = &app;
            async move {
                let data = app
                    .data(
                        "query ($f: VacancyFilterInput) { vacancies(first: 50, filter: $f) { edges { node { reference project { id } } } } }",
                        json!({ "f": filter }),
                    )
                    .await;
                let mut found: Vec<String> = data["vacancies"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["node"]["reference"].as_str().unwrap().to_owned())
                    .collect();
                found.sort();
                found
            }
        };
        assert_eq!(
            references(json!({ "project": "orion" })).await,
            ["ILO-ORION-1", "IOM-MA-2019-ORION"]
        );
        assert_eq!(
            references(json!({ "project": "ORION", "organisation": "OIT" })).await,
            ["ILO-ORION-1"]
        );
        assert_eq!(
            references(json!({ "project": "ORION", "organisation": "IOM" })).await,
            ["IOM-MA-2019-ORION"]
        );
    }
}

async fn row_counts(app: &TestApp) -> [u64; 4] {
    use sea_orm::{EntityTrait, PaginatorTrait};
    [
        entity::project::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        entity::project_country::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        entity::project_partner::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        entity::audit_event::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
    ]
}

#[tokio::test]
async fn a_bad_project_names_its_field_and_writes_nothing() {
    for app in TestApp::all_seeded().await {
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let iom = organisation(&app, "IOM").await;
        let before = row_counts(&app).await;
        let cases: Vec<(&str, Value)> = vec![
            ("input.code", json!({ "code": " " })),
            ("input.nameFr", json!({ "nameFr": "" })),
            (
                "input.countries[1]",
                json!({ "countries": ["MA", "Maroc"] }),
            ),
            ("input.countries[1]", json!({ "countries": ["MA", "ma"] })),
            (
                "input.endDate",
                json!({ "startDate": "2025-06-01", "endDate": "2025-05-31" }),
            ),
            (
                "input.objectives[0].items[1]",
                json!({ "objectives": [{ "language": "fr", "items": ["ok", "  "] }] }),
            ),
            (
                "input.objectives[0].language",
                json!({ "objectives": [{ "language": "xx-yy", "items": ["ok"] }] }),
            ),
            (
                "input.leadOrganisationId",
                json!({ "leadOrganisationId": "bm9wZQ" }),
            ),
            (
                "input.partners[0].organisationId",
                json!({ "partners": [{ "organisationId": base64_id("Project", 1), "role": "DONOR" }] }),
            ),
            (
                "input.partners[1]",
                json!({ "partners": [{ "organisationId": iom["id"], "role": "LEAD" }, { "organisationId": iom["id"], "role": "LEAD" }] }),
            ),
            // This partner is checked after the project row and its countries are written: the
            // whole write is undone.
            (
                "input.partners[1].organisationId",
                json!({ "partners": [{ "organisationId": iom["id"], "role": "LEAD" }, { "organisationId": base64_id("Organisation", 999_999), "role": "DONOR" }] }),
            ),
        ];
        for (field, patch) in cases {
            let mut input = new_project(&app, "HALF").await;
            for (key, value) in patch.as_object().unwrap() {
                input[key] = value.clone();
            }
            assert_bad_input(
                &app,
                &recruiter,
                CREATE_PROJECT,
                json!({ "input": input }),
                field,
            )
            .await;
            assert_eq!(project(&app, "HALF").await, Value::Null, "{field}");
        }
        assert_eq!(
            row_counts(&app).await,
            before,
            "[{}] no project, country, partner or audit row left behind",
            app.backend()
        );
    }
}

/// The global ID the API gives a row of `kind`.
fn base64_id(kind: &str, row: i32) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}:{row}"))
}

#[tokio::test]
async fn projects_are_updated_and_archived_with_the_version_read() {
    for app in TestApp::all_seeded().await {
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let input = new_project(&app, "EDIT").await;
        let created = app
            .data_as(&recruiter, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();
        let unicef = organisation(&app, "UNICEF").await;
        let change = json!({
            "id": created["id"],
            "version": 1,
            "input": {
                "nameEn": "Safer migration",
                "countries": ["TN"],
                "partners": [{ "organisationId": unicef["id"], "role": "DONOR" }],
            },
        });
        assert_refused(
            &app,
            UPDATE_PROJECT,
            change.clone(),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (ILO_RECRUITER, "FORBIDDEN"),
                (ILO_ADMIN, "FORBIDDEN"),
            ],
        )
        .await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let updated =
            app.data_as(&admin, UPDATE_PROJECT, change.clone()).await["updateProject"].clone();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["nameEn"], "Safer migration");
        assert_eq!(updated["countries"], json!(["TN"]));
        assert_eq!(
            updated["partners"],
            json!([{ "role": "DONOR", "organisation": { "acronym": "UNICEF" } }])
        );

        // Version 1 is stale now: refused, and the project keeps its edit.
        let stale =
            json!({ "id": created["id"], "version": 1, "input": { "nameEn": "Lost update" } });
        assert_eq!(
            app.error_code_as(Some(&recruiter), UPDATE_PROJECT, stale)
                .await,
            "CONFLICT"
        );
        let stored = project(&app, "EDIT").await;
        assert_eq!(stored["nameEn"], "Safer migration");
        assert_eq!(stored["version"], 2);

        // A bad partner in an update leaves the stored partners and countries alone.
        assert_bad_input(
            &app,
            &recruiter,
            UPDATE_PROJECT,
            json!({ "id": created["id"], "version": 2, "input": { "countries": ["MA"], "partners": [{ "organisationId": base64_id("Organisation", 999_999), "role": "DONOR" }] } }),
            "input.partners[0].organisationId",
        )
        .await;
        // UNICEF is proposed, not yet accepted: the lead organisation's staff see it.
        let stored = app
            .data_as(&recruiter, PROJECT, json!({ "c": "EDIT" }))
            .await["project"]
            .clone();
        assert_eq!(stored["countries"], json!(["TN"]));
        assert_eq!(stored["partners"][0]["organisation"]["acronym"], "UNICEF");
        assert_eq!(stored["version"], 2);

        // Handing the project to ILO needs the right to post for ILO.
        let ilo = organisation(&app, "ILO").await;
        assert_eq!(
            app.error_code_as(
                Some(&recruiter),
                UPDATE_PROJECT,
                json!({ "id": created["id"], "version": 2, "input": { "leadOrganisationId": ilo["id"] } })
            )
            .await,
            "FORBIDDEN"
        );

        // Archiving.
        let archive = |version: i64| json!({ "id": created["id"], "version": version });
        assert_refused(
            &app,
            ARCHIVE_PROJECT,
            archive(2),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (ILO_RECRUITER, "FORBIDDEN"),
            ],
        )
        .await;
        assert_eq!(
            app.error_code_as(Some(&recruiter), ARCHIVE_PROJECT, archive(1))
                .await,
            "CONFLICT"
        );
        let archived = app.data_as(&recruiter, ARCHIVE_PROJECT, archive(2)).await;
        assert_eq!(
            archived["archiveProject"],
            json!({ "id": created["id"], "version": 3, "status": "ARCHIVED" })
        );
        assert_eq!(
            app.error_code_as(Some(&recruiter), ARCHIVE_PROJECT, archive(3))
                .await,
            "CONFLICT"
        );
        let missing = json!({ "id": base64_id("Project", 999_999), "version": 1 });
        assert_eq!(
            app.error_code_as(Some(&recruiter), ARCHIVE_PROJECT, missing)
                .await,
            "NOT_FOUND"
        );
    }
}

const CREATE_COMPETENCY: &str = "mutation ($input: CreateCompetencyInput!) { createCompetency(input: $input) { id version code kind nameEn organisation { acronym } indicators { level language text } } }";
const UPDATE_COMPETENCY: &str = "mutation ($id: ID!, $version: Int!, $input: UpdateCompetencyInput!) { updateCompetency(id: $id, version: $version, input: $input) { id version code nameEn description(language: \"en\") indicators { level text } } }";

fn new_competency(organisation_id: &Value, code: &str) -> Value {
    json!({
        "organisationId": organisation_id,
        "code": code,
        "kind": "TECHNICAL",
        "nameEn": "Data protection",
        "nameFr": "Protection des données",
        "descriptionEn": "Handles personal data lawfully.",
        "indicators": [
            { "level": 1, "language": "en", "text": "Knows the rules" },
            { "language": "fr", "text": "Applique les règles" },
        ],
    })
}

#[tokio::test]
async fn an_organisations_admins_edit_its_competency_framework() {
    for app in TestApp::all_seeded().await {
        let iom = organisation(&app, "IOM").await;
        let input = new_competency(&iom["id"], "DATA_PROTECTION");
        assert_refused(
            &app,
            CREATE_COMPETENCY,
            json!({ "input": input }),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
                (IOM_TOKEN, "FORBIDDEN"),
                (ILO_ADMIN, "FORBIDDEN"),
            ],
        )
        .await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let created = app
            .data_as(&admin, CREATE_COMPETENCY, json!({ "input": input }))
            .await["createCompetency"]
            .clone();
        assert_eq!(created["code"], "DATA_PROTECTION");
        assert_eq!(created["organisation"]["acronym"], "IOM");
        assert_eq!(
            created["indicators"][0],
            json!({ "level": 1, "language": "en", "text": "Knows the rules" })
        );
        assert_eq!(created["indicators"][1]["level"], Value::Null);

        // Codes are unique within a framework, not across frameworks.
        for taken in ["data_protection", "TEAMWORK"] {
            assert_eq!(
                app.error_code_as(
                    Some(&admin),
                    CREATE_COMPETENCY,
                    json!({ "input": new_competency(&iom["id"], taken) })
                )
                .await,
                "CONFLICT",
                "{taken}"
            );
        }
        let ilo = organisation(&app, "ILO").await;
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let ilo_copy = app
            .data_as(
                &ilo_admin,
                CREATE_COMPETENCY,
                json!({ "input": new_competency(&ilo["id"], "TEAMWORK") }),
            )
            .await;
        assert_eq!(
            ilo_copy["createCompetency"]["organisation"]["acronym"],
            "ILO"
        );

        for (field, input) in [
            ("input.code", json!({ "code": "DATA PROTECTION" })),
            ("input.nameEn", json!({ "nameEn": " " })),
            (
                "input.indicators[1].level",
                json!({ "indicators": [{ "level": 3, "language": "en", "text": "ok" }, { "level": 4, "language": "en", "text": "too high" }] }),
            ),
            (
                "input.indicators[0].text",
                json!({ "indicators": [{ "language": "en", "text": "" }] }),
            ),
            (
                "input.indicators[0].language",
                json!({ "indicators": [{ "language": "english", "text": "ok" }] }),
            ),
        ] {
            let mut full = new_competency(&iom["id"], "BAD_ONE");
            for (key, value) in input.as_object().unwrap() {
                full[key] = value.clone();
            }
            assert_bad_input(
                &app,
                &admin,
                CREATE_COMPETENCY,
                json!({ "input": full }),
                field,
            )
            .await;
        }

        // Updating, with the version read.
        let change = |version: i64| {
            json!({
                "id": created["id"],
                "version": version,
                "input": { "nameEn": "Personal data protection", "descriptionEn": null, "indicators": [{ "level": 2, "language": "en", "text": "Trains others" }] },
            })
        };
        assert_refused(
            &app,
            UPDATE_COMPETENCY,
            change(1),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
                (ILO_ADMIN, "FORBIDDEN"),
            ],
        )
        .await;
        let updated =
            app.data_as(&admin, UPDATE_COMPETENCY, change(1)).await["updateCompetency"].clone();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["nameEn"], "Personal data protection");
        assert_eq!(updated["description"], Value::Null);
        assert_eq!(
            updated["indicators"],
            json!([{ "level": 2, "text": "Trains others" }])
        );
        let stale =
            json!({ "id": created["id"], "version": 1, "input": { "nameEn": "Lost update" } });
        assert_eq!(
            app.error_code_as(Some(&admin), UPDATE_COMPETENCY, stale)
                .await,
            "CONFLICT"
        );
        let stored = app
            .data(
                "query ($id: ID!) { node(id: $id) { ... on Competency { version nameEn } } }",
                json!({ "id": created["id"] }),
            )
            .await;
        assert_eq!(
            stored["node"],
            json!({ "version": 2, "nameEn": "Personal data protection" })
        );
        // Renaming to a code the framework has is a conflict.
        assert_eq!(
            app.error_code_as(
                Some(&admin),
                UPDATE_COMPETENCY,
                json!({ "id": created["id"], "version": 2, "input": { "code": "TEAMWORK" } })
            )
            .await,
            "CONFLICT"
        );
    }
}

#[tokio::test]
async fn global_competencies_are_for_platform_admins() {
    for app in TestApp::all_seeded().await {
        let input = new_competency(&Value::Null, "ETHICS");
        assert_refused(
            &app,
            CREATE_COMPETENCY,
            json!({ "input": input }),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_ADMIN, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
            ],
        )
        .await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let created = app
            .data_as(&platform, CREATE_COMPETENCY, json!({ "input": input }))
            .await["createCompetency"]
            .clone();
        assert_eq!(created["organisation"], Value::Null);
        // The database cannot refuse a second global one with the same code; the service does.
        assert_eq!(
            app.error_code_as(
                Some(&platform),
                CREATE_COMPETENCY,
                json!({ "input": new_competency(&Value::Null, "ethics") })
            )
            .await,
            "CONFLICT"
        );
        let change = json!({ "id": created["id"], "version": 1, "input": { "kind": "CORE" } });
        assert_refused(
            &app,
            UPDATE_COMPETENCY,
            change.clone(),
            &[(IOM_ADMIN, "FORBIDDEN"), (Anonymous, "UNAUTHENTICATED")],
        )
        .await;
        let updated = app.data_as(&platform, UPDATE_COMPETENCY, change).await;
        assert_eq!(updated["updateCompetency"]["version"], 2);
    }
}

#[tokio::test]
async fn every_write_leaves_an_audit_event_that_only_the_right_admins_read() {
    for app in TestApp::all_seeded().await {
        let iom = organisation(&app, "IOM").await;
        let ilo = organisation(&app, "ILO").await;
        let iom_admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let iom_token = integration_token(&app, "IOM").await;
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;

        app.data_as(
            &iom_admin,
            UPDATE_ORGANISATION,
            json!({ "id": iom["id"], "version": iom["version"], "input": { "website": "https://audit.iom.int", "nameFr": null } }),
        )
        .await;
        let input = new_project(&app, "AUDITED").await;
        let project = app
            .data_as(&iom_token, CREATE_PROJECT, json!({ "input": input }))
            .await["createProject"]
            .clone();
        app.data_as(
            &ilo_admin,
            CREATE_COMPETENCY,
            json!({ "input": new_competency(&ilo["id"], "SOCIAL_DIALOGUE") }),
        )
        .await;
        app.data_as(
            &platform,
            CREATE_COMPETENCY,
            json!({ "input": new_competency(&Value::Null, "GLOBAL_ONE") }),
        )
        .await;

        // The IOM admin reads IOM's trail (other writers may add to it: the counts below are of
        // what this test wrote), newest first, with the changed fields only.
        let events = audit(&app, &iom_admin, json!({ "first": 50 })).await;
        assert!(
            events.iter().all(|e| e["organisation"]["acronym"] == "IOM"),
            "[{}] {events:?}",
            app.backend()
        );
        assert!(events
            .windows(2)
            .all(|w| w[0]["id"].as_i64() > w[1]["id"].as_i64()));
        let find = |entity_type: &str, action: &str| {
            events
                .iter()
                .find(|e| e["entityType"] == entity_type && e["action"] == action)
                .cloned()
                .unwrap_or_else(|| panic!("no {entity_type} {action} in {events:?}"))
        };
        let (updated, created) = (find("organisation", "update"), find("project", "create"));
        assert!(created["id"].as_i64() > updated["id"].as_i64());
        assert_eq!(
            updated["entityId"]
                .as_i64()
                .map(|id| base64_id("Organisation", id as i32)),
            iom["id"].as_str().map(str::to_owned)
        );
        assert!(updated["actorAccountId"].is_i64());
        assert_eq!(updated["actorTokenId"], Value::Null);
        assert_eq!(
            updated["changes"],
            json!({ "website": "https://audit.iom.int" }),
            "unchanged and absent fields are not recorded"
        );
        assert_eq!(created["entityType"], "project");
        assert_eq!(created["action"], "create");
        assert_eq!(created["actorAccountId"], Value::Null);
        assert!(created["actorTokenId"].is_i64());
        assert_eq!(
            created["entityId"]
                .as_i64()
                .map(|id| base64_id("Project", id as i32)),
            project["id"].as_str().map(str::to_owned)
        );
        assert_eq!(created["changes"]["code"], "AUDITED");
        assert_eq!(created["changes"]["countries"], json!(["MA", "TN"]));
        assert_eq!(created["changes"]["partners"][1]["organisation"], "UNHCR");
        let filtered = audit(
            &app,
            &iom_admin,
            json!({ "org": iom["id"], "type": "project" }),
        )
        .await;
        assert_eq!(filtered.len(), 1);

        // Another organisation's trail is forbidden; staff and candidates read none.
        let read = "query ($org: ID) { auditEvents(organisationId: $org) { totalCount } }";
        assert_eq!(
            app.error_code_as(Some(&iom_admin), read, json!({ "org": ilo["id"] }))
                .await,
            "FORBIDDEN"
        );
        assert_refused(
            &app,
            read,
            json!({}),
            &[
                (Anonymous, "UNAUTHENTICATED"),
                (CANDIDATE, "FORBIDDEN"),
                (IOM_RECRUITER, "FORBIDDEN"),
                (IOM_TOKEN, "FORBIDDEN"),
            ],
        )
        .await;
        assert_eq!(
            app.error_code_as(
                Some(&iom_admin),
                "{ auditEvents(first: 0) { totalCount } }",
                json!({})
            )
            .await,
            "BAD_USER_INPUT"
        );

        // Platform admins read everything, global competencies included, and may filter.
        let all = audit(&app, &platform, json!({ "first": 50 })).await;
        for acronym in ["IOM", "ILO"] {
            assert!(all.iter().any(|e| e["organisation"]["acronym"] == acronym));
        }
        let competencies = audit(&app, &platform, json!({ "type": "competency" })).await;
        assert_eq!(competencies.len(), 2);
        assert_eq!(competencies[0]["organisation"], Value::Null);
        assert_eq!(competencies[0]["changes"]["code"], "GLOBAL_ONE");
        assert_eq!(competencies[1]["organisation"]["acronym"], "ILO");
        let ilo_competencies = audit(
            &app,
            &platform,
            json!({ "org": ilo["id"], "type": "competency" }),
        )
        .await;
        assert_eq!(ilo_competencies.len(), 1);
        assert_eq!(ilo_competencies[0]["changes"]["code"], "SOCIAL_DIALOGUE");
        let newest = audit(&app, &platform, json!({ "type": "competency", "first": 1 })).await;
        assert_eq!(newest, competencies[..1].to_vec());
    }
}

#[tokio::test]
async fn a_partnership_is_shown_to_everyone_only_once_the_partners_admins_accept_it() {
    const PARTNERS: &str = "query ($c: String!) { project(code: $c) { partners { accepted organisation { acronym } } } }";
    const ACCEPT: &str = "mutation ($p: ID!, $o: ID!) { acceptProjectPartnership(projectId: $p, organisationId: $o) { id } }";
    const UNHCR_PARTNERSHIPS: &str =
        r#"{ organisation(acronym: "UNHCR") { partnerships { project { code } } } }"#;
    const UNHCR_PROJECTS: &str =
        "query ($o: ID!) { projects(filter: { organisationId: $o }) { edges { node { code } } } }";
    for app in TestApp::all_seeded().await {
        let unhcr = organisation(&app, "UNHCR").await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let project = app
            .data_as(
                &recruiter,
                CREATE_PROJECT,
                json!({ "input": new_project(&app, "PROPOSED").await }),
            )
            .await["createProject"]["id"]
            .clone();
        let partners = |token: Option<String>| {
            let app = &app;
            async move {
                let body = app
                    .graphql_as(token.as_deref(), PARTNERS, json!({ "c": "PROPOSED" }))
                    .await;
                body["data"]["project"]["partners"].clone()
            }
        };
        let unhcr_projects = || async {
            app.graphql(UNHCR_PROJECTS, json!({ "o": unhcr["id"] }))
                .await["data"]["projects"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["node"]["code"] == "PROPOSED")
        };
        // IOM stands for itself; UNHCR is only proposed: the public does not see it.
        let proposed = json!([
            { "accepted": true, "organisation": { "acronym": "IOM" } },
            { "accepted": false, "organisation": { "acronym": "UNHCR" } },
        ]);
        assert_eq!(
            partners(None).await,
            json!([{ "accepted": true, "organisation": { "acronym": "IOM" } }]),
            "[{}]",
            app.backend()
        );
        assert!(!unhcr_projects().await);
        assert_eq!(partners(Some(recruiter.clone())).await, proposed);
        let unhcr_recruiter = app.sign_in_as(Role::Recruiter, Some("UNHCR")).await;
        assert_eq!(partners(Some(unhcr_recruiter.clone())).await, proposed);
        let in_partnerships = |token: Option<String>| {
            let app = &app;
            async move {
                let body = app
                    .graphql_as(token.as_deref(), UNHCR_PARTNERSHIPS, json!({}))
                    .await;
                body["data"]["organisation"]["partnerships"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["project"]["code"] == "PROPOSED")
            }
        };
        assert!(!in_partnerships(None).await, "[{}]", app.backend());
        assert!(in_partnerships(Some(unhcr_recruiter.clone())).await);

        // Only UNHCR's admins accept; others are refused, or cannot tell it exists.
        let accept = json!({ "p": project, "o": unhcr["id"] });
        assert_eq!(
            app.error_code_as(Some(&unhcr_recruiter), ACCEPT, accept.clone())
                .await,
            "FORBIDDEN"
        );
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), ACCEPT, accept.clone())
                .await,
            "NOT_FOUND"
        );
        let unhcr_admin = app.sign_in_as(Role::AgencyAdmin, Some("UNHCR")).await;
        app.data_as(&unhcr_admin, ACCEPT, accept.clone()).await;
        assert_eq!(
            partners(None).await,
            json!([
                { "accepted": true, "organisation": { "acronym": "IOM" } },
                { "accepted": true, "organisation": { "acronym": "UNHCR" } },
            ]),
            "[{}]",
            app.backend()
        );
        assert!(unhcr_projects().await);
        assert!(in_partnerships(None).await);
    }
}
