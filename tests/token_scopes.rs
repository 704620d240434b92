//! Least-privilege integration tokens: each does only what its scopes say, only from its
//! allowed networks, and tokens stored before scopes keep every right.

use jobboard::domain::IntegrationScope::{
    self, ApplicationsRead, ApplicationsWrite, DocumentsRead, PostingsWrite,
};
use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::accounts::organisation_id;
use crate::applications::{application, apply_ok, cv, get, pdf, publish, register};
use crate::catalogue_writes::integration_token_with;
use crate::helpers::{TestApp, TestDatabase};
use crate::vacancy_writes::orion_like;

const CREATE_TOKEN: &str = "mutation ($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { token integrationToken { scopes allowedNetworks } } }";
const LIST_TOKENS: &str =
    "query ($org: ID!) { integrationTokens(organisationId: $org) { name scopes allowedNetworks } }";
const CREATE_VACANCY: &str =
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id } }";
const READ: &str = "query ($id: ID!) { application(id: $id) { id documents { fileName } } }";
const LIST: &str = "query ($v: ID!) { applications(vacancyId: $v) { totalCount } }";
const MOVE: &str = "mutation ($id: ID!, $status: ApplicationStatus!) { updateApplicationStatus(id: $id, status: $status) { status } }";
const DRAFTS: &str = "{ vacancies(filter: { status: [DRAFT] }) { totalCount } }";

/// An application with a CV to an IOM vacancy: the vacancy's and the application's IDs, and
/// the CV's and the CSV export's paths.
struct Applied {
    vacancy: String,
    id: Value,
    download: String,
    csv: String,
}

async fn an_application(app: &TestApp, reference: &str) -> Applied {
    let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
    let vacancy = publish(app, &iom, orion_like(app, reference).await).await;
    let candidate = register(app, "Amina").await;
    let applied = apply_ok(app, &candidate, application(&vacancy), vec![cv(pdf(500))]).await;
    Applied {
        csv: format!("/vacancies/{vacancy}/applications.csv"),
        download: applied["documents"][0]["downloadUrl"]
            .as_str()
            .unwrap()
            .to_owned(),
        id: applied["id"].clone(),
        vacancy,
    }
}

async fn token(app: &TestApp, scopes: &[IntegrationScope]) -> String {
    integration_token_with(app, "IOM", scopes, None).await
}

#[tokio::test]
async fn a_postings_token_posts_but_reads_no_application_cv_or_export() {
    for app in TestApp::all_seeded().await {
        let applied = an_application(&app, "IOM-SCOPE-1").await;
        let postings = token(&app, &[PostingsWrite]).await;
        let input = orion_like(&app, "IOM-SCOPE-2").await;
        let created = app
            .data_as(&postings, CREATE_VACANCY, json!({ "input": input }))
            .await;
        assert!(created["createVacancy"]["id"].is_string());

        let id = json!({ "id": applied.id });
        for (what, query, variables) in [
            ("read", READ, id.clone()),
            ("list", LIST, json!({ "v": applied.vacancy })),
            (
                "move",
                MOVE,
                json!({ "id": applied.id, "status": "SCREENING" }),
            ),
        ] {
            assert_eq!(
                app.error_code_as(Some(&postings), query, variables).await,
                "FORBIDDEN",
                "[{}] {what}",
                app.backend()
            );
        }
        assert_eq!(
            get(&app, Some(&postings), &applied.download).await.status(),
            403
        );
        assert_eq!(get(&app, Some(&postings), &applied.csv).await.status(), 403);
        // Another organisation's token with every scope still finds nothing.
        let ilo = integration_token_with(&app, "ILO", IntegrationScope::ALL, None).await;
        assert_eq!(app.error_code_as(Some(&ilo), READ, id).await, "NOT_FOUND");
        assert_eq!(get(&app, Some(&ilo), &applied.download).await.status(), 404);
    }
}

#[tokio::test]
async fn reading_applications_needs_its_scope_and_cvs_and_moves_need_theirs() {
    for app in TestApp::all_seeded().await {
        let applied = an_application(&app, "IOM-SCOPE-3").await;
        let id = json!({ "id": applied.id });

        let reader = token(&app, &[ApplicationsRead]).await;
        let read = app.data_as(&reader, READ, id.clone()).await;
        assert_eq!(read["application"]["documents"][0]["fileName"], "cv.pdf");
        let listed = app
            .data_as(&reader, LIST, json!({ "v": applied.vacancy }))
            .await;
        assert_eq!(listed["applications"]["totalCount"], 1);
        assert_eq!(get(&app, Some(&reader), &applied.csv).await.status(), 200);
        assert_eq!(
            get(&app, Some(&reader), &applied.download).await.status(),
            403
        );
        let screening = json!({ "id": applied.id, "status": "SCREENING" });
        assert_eq!(
            app.error_code_as(Some(&reader), MOVE, screening.clone())
                .await,
            "FORBIDDEN"
        );
        let input = orion_like(&app, "IOM-SCOPE-4").await;
        assert_eq!(
            app.error_code_as(Some(&reader), CREATE_VACANCY, json!({ "input": input }))
                .await,
            "FORBIDDEN"
        );

        let documents = token(&app, &[ApplicationsRead, DocumentsRead]).await;
        let response = get(&app, Some(&documents), &applied.download).await;
        assert_eq!(response.status(), 200);
        assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));

        let mover = token(&app, &[ApplicationsRead, ApplicationsWrite]).await;
        let moved = app.data_as(&mover, MOVE, screening).await;
        assert_eq!(moved["updateApplicationStatus"]["status"], "SCREENING");
    }
}

#[tokio::test]
async fn a_token_limited_to_networks_works_only_from_them() {
    for app in TestApp::all_seeded().await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let create = |networks: Value| {
            json!({ "input": {
                "organisationId": iom,
                "name": "Oracle HR",
                "expiresAt": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
                "scopes": ["APPLICATIONS_READ", "POSTINGS_WRITE"],
                "allowedNetworks": networks,
            }})
        };
        let elsewhere = app
            .data_as(&admin, CREATE_TOKEN, create(json!(["10.0.0.0/8"])))
            .await;
        let elsewhere = elsewhere["createIntegrationToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let local = app
            .data_as(
                &admin,
                CREATE_TOKEN,
                create(json!(["127.0.0.0/8", "::1/128"])),
            )
            .await;
        assert_eq!(
            local["createIntegrationToken"]["integrationToken"],
            json!({
                "scopes": ["POSTINGS_WRITE", "APPLICATIONS_READ"],
                "allowedNetworks": ["127.0.0.0/8", "::1/128"],
            })
        );
        let local = local["createIntegrationToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned();

        assert_eq!(
            app.error_code_as(Some(&elsewhere), DRAFTS, json!({})).await,
            "UNAUTHENTICATED"
        );
        let csv = "/vacancies/VmFjYW5jeTox/applications.csv";
        assert_eq!(get(&app, Some(&elsewhere), csv).await.status(), 401);
        app.data_as(&local, DRAFTS, json!({})).await;
        assert_ne!(get(&app, Some(&local), csv).await.status(), 401);

        let listed = app
            .data_as(&admin, LIST_TOKENS, json!({ "org": iom }))
            .await;
        let networks: Vec<&Value> = listed["integrationTokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| &t["allowedNetworks"])
            .collect();
        assert!(networks.contains(&&json!(["10.0.0.0/8"])), "{listed}");
    }
}

#[tokio::test]
async fn a_token_needs_a_scope_and_well_formed_networks() {
    for app in TestApp::all_seeded().await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let input = |scopes: Value, networks: Value| {
            json!({ "input": {
                "organisationId": iom,
                "name": "HR",
                "expiresAt": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339(),
                "scopes": scopes,
                "allowedNetworks": networks,
            }})
        };
        for (scopes, networks, field) in [
            (json!([]), Value::Null, "input.scopes"),
            (
                json!(["POSTINGS_WRITE"]),
                json!([]),
                "input.allowedNetworks",
            ),
            (
                json!(["POSTINGS_WRITE"]),
                json!(["203.0.113.0/24", "10.0.0.1/8"]),
                "input.allowedNetworks[1]",
            ),
            (
                json!(["POSTINGS_WRITE"]),
                json!(["example.org"]),
                "input.allowedNetworks[0]",
            ),
        ] {
            let body = app
                .graphql_as(Some(&admin), CREATE_TOKEN, input(scopes, networks))
                .await;
            let error = &body["errors"][0]["extensions"];
            assert_eq!(error["code"], "BAD_USER_INPUT", "{body}");
            assert_eq!(error["field"], field, "{body}");
        }
        // Nothing was stored.
        let listed = app
            .data_as(&admin, LIST_TOKENS, json!({ "org": iom }))
            .await;
        assert_eq!(listed["integrationTokens"], json!([]));
    }
}

/// A token created before scopes existed gets every scope from the migration, and keeps
/// working with today's rights.
#[tokio::test]
async fn a_token_stored_before_scopes_keeps_every_right() {
    use entity::integration_token;
    use jobboard::auth::jwt::Subject;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name().ends_with("_integration_token_scopes"))
        .expect("the migration is listed") as u32;
    for database in TestDatabase::all().await {
        let db = sea_orm::Database::connect(database.url()).await.unwrap();
        // The demo data is loaded by today's code, so on today's schema; then down to before.
        Migrator::up(&db, None).await.unwrap();
        jobboard::seed::load_demo(&db).await.expect("demo data");
        let after = Migrator::migrations().len() as u32 - before;
        Migrator::down(&db, Some(after)).await.unwrap();
        let org: i32 = db
            .query_one(
                db.get_database_backend().build(
                    &Query::select()
                        .column(Alias::new("organisation_id"))
                        .from(Alias::new("organisation_acronym"))
                        .and_where(sea_orm::sea_query::Expr::col(Alias::new("acronym")).eq("IOM"))
                        .to_owned(),
                ),
            )
            .await
            .unwrap()
            .unwrap()
            .try_get("", "organisation_id")
            .unwrap();
        // The table as it was then: written with a plain statement, not today's entity.
        let now = chrono::Utc::now();
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new("integration_token"))
            .columns(["organisation_id", "name", "jti", "expires_at", "created_at"].map(Alias::new))
            .values_panic([
                org.into(),
                "Old HR".into(),
                "old-jti".into(),
                (now + chrono::Duration::days(30)).into(),
                now.into(),
            ])
            .returning_col(Alias::new("id"));
        let id: i32 = db
            .query_one(db.get_database_backend().build(&insert))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "id")
            .unwrap();
        Migrator::up(&db, None).await.unwrap();
        db.close().await.ok();

        let app = TestApp::spawn(database, false).await;
        let issued = app
            .jwt
            .issue(
                Subject::Integration(id),
                Role::Recruiter.as_str(),
                Some(org),
                chrono::Duration::minutes(10),
            )
            .unwrap();
        let row = integration_token::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.allowed_networks, None);
        let mut row: integration_token::ActiveModel = row.into();
        row.jti = Set(issued.jti);
        row.update(&app.db).await.unwrap();
        let old = issued.token;

        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let listed = app
            .data_as(&admin, LIST_TOKENS, json!({ "org": iom }))
            .await;
        assert_eq!(
            listed["integrationTokens"][0]["scopes"],
            json!([
                "POSTINGS_WRITE",
                "APPLICATIONS_READ",
                "APPLICATIONS_WRITE",
                "DOCUMENTS_READ"
            ]),
            "[{}] {listed}",
            app.backend()
        );
        let applied = an_application(&app, "IOM-SCOPE-OLD").await;
        assert_eq!(
            app.data_as(&old, READ, json!({ "id": applied.id })).await["application"]["id"],
            applied.id
        );
        assert_eq!(get(&app, Some(&old), &applied.download).await.status(), 200);
        assert_eq!(get(&app, Some(&old), &applied.csv).await.status(), 200);
        let moved = app
            .data_as(
                &old,
                MOVE,
                json!({ "id": applied.id, "status": "SCREENING" }),
            )
            .await;
        assert_eq!(moved["updateApplicationStatus"]["status"], "SCREENING");
        let input = orion_like(&app, "IOM-SCOPE-OLD-2").await;
        app.data_as(&old, CREATE_VACANCY, json!({ "input": input }))
            .await;
    }
}
