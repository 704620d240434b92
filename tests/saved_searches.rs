//! Saved searches: a signed-in person keeps named searches and sees how many vacancies matching
//! each were published since they last looked; nobody else sees or touches them.

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};
use crate::vacancy_writes::orion_like;

const SAVE: &str = "mutation ($input: SavedSearchInput!) { saveSearch(input: $input) { id name search filter version newMatchCount lastSeenAt } }";
const LIST: &str = "{ savedSearches(first: 10) { totalCount nodes { id name newMatchCount vacancies(first: 10) { totalCount nodes { reference } } } } }";
const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: SavedSearchInput!) { updateSavedSearch(id: $id, version: $version, input: $input) { id name version filter } }";
const DELETE: &str = "mutation ($id: ID!) { deleteSavedSearch(id: $id) { deletedId } }";
const SEEN: &str =
    "mutation ($id: ID!) { markSavedSearchSeen(id: $id) { id newMatchCount version } }";
const NODE: &str =
    "query ($id: ID!) { node(id: $id) { ... on SavedSearch { name newMatchCount } } }";

/// Publishes a notice like the ORION one, based in `country`, titled `title` when given.
async fn publish_orion_like(app: &TestApp, reference: &str, country: &str, title: Option<&str>) {
    let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
    let mut input = orion_like(app, reference).await;
    input["dutyStations"][0]["country"] = json!(country);
    if let Some(title) = title {
        input["texts"][0]["title"] = json!(title);
    }
    let created = app
        .data_as(
            &iom,
            "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }",
            json!({ "input": input }),
        )
        .await;
    app.data_as(
        &iom,
        "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id } }",
        json!({
            "id": created["createVacancy"]["id"],
            "version": created["createVacancy"]["version"],
        }),
    )
    .await;
}

fn morocco(name: &str) -> Value {
    json!({ "input": { "name": name, "search": "  assistant ", "filter": { "country": "ma", "organisation": "IOM" } } })
}

#[tokio::test]
async fn new_matches_count_vacancies_published_since_last_seen() {
    for app in TestApp::all_seeded().await {
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let saved = app.data_as(&candidate, SAVE, morocco("Maroc")).await["saveSearch"].clone();
        assert_eq!(saved["name"], "Maroc");
        assert_eq!(saved["search"], "assistant");
        // The filter reads back in the shape `vacancies(filter:)` takes, normalised.
        assert_eq!(
            saved["filter"],
            json!({ "country": "MA", "organisation": "IOM" })
        );
        assert_eq!(saved["newMatchCount"], 0);

        // A matching notice is published; another one elsewhere does not count.
        publish_orion_like(&app, "IOM-MA-NEW-1", "MA", None).await;
        publish_orion_like(&app, "IOM-TN-NEW", "TN", None).await;
        // In Morocco, but without the saved words.
        publish_orion_like(&app, "IOM-MA-OTHER", "MA", Some("Chargé(e) de suivi")).await;
        let list = app.data_as(&candidate, LIST, json!({})).await;
        let mine = &list["savedSearches"];
        assert_eq!(mine["totalCount"], 1);
        assert_eq!(mine["nodes"][0]["newMatchCount"], 1, "[{}]", app.backend());
        // Its vacancies are today's matches, the demo's closed Moroccan notices included.
        let refs: Vec<&str> = mine["nodes"][0]["vacancies"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["reference"].as_str().unwrap())
            .collect();
        assert!(
            refs.contains(&"IOM-MA-NEW-1") && refs.contains(&"VN 2023/005"),
            "{refs:?}"
        );
        assert!(!refs.contains(&"IOM-TN-NEW") && !refs.contains(&"IOM-MA-OTHER"));

        let id = saved["id"].clone();
        let seen = app.data_as(&candidate, SEEN, json!({ "id": id })).await;
        assert_eq!(seen["markSavedSearchSeen"]["newMatchCount"], 0);
        assert_eq!(seen["markSavedSearchSeen"]["version"], saved["version"]);

        publish_orion_like(&app, "IOM-MA-NEW-2", "MA", None).await;
        let node = app.data_as(&candidate, NODE, json!({ "id": id })).await;
        assert_eq!(node["node"], json!({ "name": "Maroc", "newMatchCount": 1 }));
    }
}

#[tokio::test]
async fn a_saved_search_is_its_owners_alone() {
    for app in TestApp::all_seeded().await {
        let owner = app.sign_in_as(Role::Candidate, None).await;
        let other = app.sign_in_as(Role::Candidate, None).await;
        let saved = app.data_as(&owner, SAVE, morocco("Mine")).await["saveSearch"].clone();
        let id = saved["id"].clone();
        let edit = json!({ "id": id, "version": saved["version"], "input": { "name": "Renamed" } });

        // Refused: anonymous callers, and every other account (which does not learn it exists).
        assert_eq!(app.error_code(LIST, json!({})).await, "UNAUTHENTICATED");
        assert_eq!(
            app.error_code(SAVE, morocco("Anon")).await,
            "UNAUTHENTICATED"
        );
        let theirs = app.data_as(&other, LIST, json!({})).await;
        assert_eq!(theirs["savedSearches"]["totalCount"], 0);
        for (query, vars) in [
            (NODE, json!({ "id": id })),
            (UPDATE, edit.clone()),
            (SEEN, json!({ "id": id })),
            (DELETE, json!({ "id": id })),
        ] {
            assert_eq!(
                app.error_code_as(Some(&other), query, vars).await,
                "NOT_FOUND",
                "{query}"
            );
        }
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        assert_eq!(
            app.error_code_as(Some(&admin), NODE, json!({ "id": id }))
                .await,
            "NOT_FOUND"
        );

        // Allowed: the owner reads, edits, marks seen and deletes it.
        assert_eq!(
            app.data_as(&owner, NODE, json!({ "id": id })).await["node"]["name"],
            "Mine"
        );
        let updated = app.data_as(&owner, UPDATE, edit.clone()).await;
        assert_eq!(updated["updateSavedSearch"]["name"], "Renamed");
        assert_eq!(updated["updateSavedSearch"]["filter"], json!({}));
        assert_eq!(updated["updateSavedSearch"]["version"], 2);
        // The same edit again is stale.
        assert_eq!(
            app.error_code_as(Some(&owner), UPDATE, edit).await,
            "CONFLICT"
        );
        app.data_as(&owner, SEEN, json!({ "id": id })).await;
        let deleted = app.data_as(&owner, DELETE, json!({ "id": id })).await;
        assert_eq!(deleted["deleteSavedSearch"]["deletedId"], id);
        assert_eq!(
            app.error_code_as(Some(&owner), NODE, json!({ "id": id }))
                .await,
            "NOT_FOUND"
        );

        // Staff keep saved searches too.
        let recruiter = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        app.data_as(&recruiter, SAVE, morocco("Staff")).await;
    }
}

#[tokio::test]
async fn saved_searches_are_checked_and_bounded() {
    for app in TestApp::all_seeded().await {
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let bad = |input: Value| json!({ "input": input });
        let field = |body: &Value| body["errors"][0]["extensions"]["field"].clone();

        let body = app
            .graphql_as(
                Some(&candidate),
                SAVE,
                bad(json!({ "name": "x", "filter": { "country": "Maroc" } })),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(field(&body), "filter.country");
        let body = app
            .graphql_as(Some(&candidate), SAVE, bad(json!({ "name": "  " })))
            .await;
        assert_eq!(field(&body), "input.name");

        app.data_as(&candidate, SAVE, morocco("Twice")).await;
        assert_eq!(
            app.error_code_as(Some(&candidate), SAVE, morocco("Twice"))
                .await,
            "CONFLICT"
        );
        for i in 1..50 {
            app.data_as(&candidate, SAVE, morocco(&format!("Search {i}")))
                .await;
        }
        let body = app
            .graphql_as(Some(&candidate), SAVE, morocco("One too many"))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(field(&body), "input");
        // Another person's allowance is their own.
        let other = app.sign_in_as(Role::Candidate, None).await;
        app.data_as(&other, SAVE, morocco("Twice")).await;
    }
}

/// Reads the stored filter of saved search `id` as JSON, whatever the database keeps it as.
async fn stored_filter(db: &sea_orm::DatabaseConnection, id: i32) -> Value {
    use sea_orm::{ConnectionTrait, Statement};

    let backend = db.get_database_backend();
    let row = db
        .query_one(Statement::from_string(
            backend,
            format!("SELECT CAST(filter AS TEXT) AS filter FROM saved_search WHERE id = {id}"),
        ))
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(&row.try_get::<String>("", "filter").unwrap()).unwrap()
}

#[tokio::test]
async fn a_search_saved_before_filters_were_stored_as_the_service_reads_them_reads_the_same_after()
{
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use migration::{Migrator, MigratorTrait};
    use sea_orm::sea_query::{Alias, Query};
    use sea_orm::ConnectionTrait;

    /// The migrations before saved-search filters changed shape.
    const BEFORE: u32 = 13;
    let project = URL_SAFE_NO_PAD.encode("Project:4");
    let as_input = json!({
        "country": "MA",
        "organisation": "IOM",
        "projectId": project,
        "status": ["PUBLISHED", "CLOSED"],
        "openToExternal": true,
        "closingAfter": "2025-01-01T00:00:00+00:00",
    });
    let as_service = json!({
        "country": "MA",
        "organisationAcronym": "IOM",
        "projectId": 4,
        "statuses": ["PUBLISHED", "CLOSED"],
        "openToExternal": true,
        "closingAfter": "2025-01-01T00:00:00+00:00",
    });
    for database in TestDatabase::all().await {
        let db = database.connect().await;
        Migrator::up(&db, Some(BEFORE)).await.unwrap();
        // The tables as they were then: written with plain statements, not today's entities.
        let now = chrono::Utc::now();
        let backend = db.get_database_backend();
        let insert = |table: &str, columns: Vec<(&str, sea_orm::Value)>| {
            let mut query = Query::insert();
            query
                .into_table(Alias::new(table))
                .columns(columns.iter().map(|(c, _)| Alias::new(*c)))
                .values_panic(columns.into_iter().map(|(_, v)| v.into()))
                .returning_col(Alias::new("id"));
            backend.build(&query)
        };
        let id_of =
            |row: Option<sea_orm::QueryResult>| row.unwrap().try_get::<i32>("", "id").unwrap();
        let owner = id_of(
            db.query_one(insert(
                "account",
                vec![
                    ("email", "before@example.org".into()),
                    ("password_hash", "!".into()),
                    ("full_name", "Before".into()),
                    ("role", "CANDIDATE".into()),
                    ("active", true.into()),
                    ("version", 1.into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
            ))
            .await
            .unwrap(),
        );
        let row_id = id_of(
            db.query_one(insert(
                "saved_search",
                vec![
                    ("account_id", owner.into()),
                    ("name", "Maroc".into()),
                    ("search", "assistant".into()),
                    ("filter", as_input.clone().into()),
                    ("last_seen_at", now.into()),
                    ("version", 1.into()),
                    ("created_at", now.into()),
                    ("updated_at", now.into()),
                ],
            ))
            .await
            .unwrap(),
        );

        Migrator::up(&db, None).await.unwrap();
        assert_eq!(
            stored_filter(&db, row_id).await,
            as_service,
            "{}",
            database.backend()
        );
        let after = Migrator::migrations().len() as u32 - BEFORE;
        Migrator::down(&db, Some(after)).await.unwrap();
        assert_eq!(
            stored_filter(&db, row_id).await,
            as_input,
            "{}",
            database.backend()
        );
        Migrator::up(&db, None).await.unwrap();
        db.close().await.ok();

        let app = TestApp::spawn(database, true).await;
        let token = app.token_for(owner).await;
        let list = app
            .data_as(
                &token,
                "{ savedSearches(first: 5) { nodes { name search filter } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            list["savedSearches"]["nodes"][0],
            json!({ "name": "Maroc", "search": "assistant", "filter": as_input }),
            "{}",
            app.backend()
        );
    }
}
