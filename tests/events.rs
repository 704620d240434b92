//! Domain events: every write that changes what subscribers and webhooks care about records
//! exactly one event of its kind, in its own transaction.

use entity::domain_event;
use jobboard::domain::{Role, VacancyStatus};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::{json, Value};

use crate::helpers::{vacancy_id, TestApp, VacancyBuilder};
use crate::vacancy_writes::orion_like;

pub const CREATE: &str =
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
pub const PUBLISH: &str = "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id version } }";
const UPDATE: &str = "mutation ($id: ID!, $version: Int!, $input: VacancyInput!) { updateVacancy(id: $id, version: $version, input: $input) { id version } }";
const CLOSE: &str = "mutation ($id: ID!, $version: Int!) { closeVacancy(id: $id, version: $version) { id version } }";
const IMPORT: &str =
    "mutation ($input: VacancyInput!) { importVacancy(input: $input) { result vacancy { id } } }";
pub const APPLY: &str =
    "mutation ($input: ApplyInput!) { applyToVacancy(input: $input) { id status version } }";
pub const MOVE: &str = "mutation ($id: ID!, $status: ApplicationStatus!, $version: Int) { updateApplicationStatus(id: $id, status: $status, version: $version) { id status version } }";
const WITHDRAW: &str = "mutation ($id: ID!) { withdrawApplication(id: $id) { id status } }";

/// A complete notice that asks for no documents, so a plain JSON request can apply to it.
pub async fn notice(app: &TestApp, reference: &str) -> Value {
    let mut input = orion_like(app, reference).await;
    input["requiredDocuments"] = json!([]);
    input
}

/// An application that meets [`notice`]'s requirements.
pub fn application(vacancy: &Value) -> Value {
    json!({
        "vacancyId": vacancy,
        "internalCandidate": false,
        "residenceCountry": "MA",
        "educationLevel": "BACHELOR",
        "yearsExperience": 6,
        "languages": [
            { "language": "fr", "level": "EXCELLENT" },
            { "language": "ary", "level": "FLUENT" },
            { "language": "en", "level": "FLUENT" }
        ]
    })
}

/// Creates and publishes a notice as `token`; returns its global ID and version.
pub async fn publish(app: &TestApp, token: &str, input: Value) -> (Value, Value) {
    let created = app.data_as(token, CREATE, json!({ "input": input })).await;
    let id = created["createVacancy"]["id"].clone();
    let version = created["createVacancy"]["version"].clone();
    let published = app
        .data_as(token, PUBLISH, json!({ "id": id, "version": version }))
        .await;
    (id, published["publishVacancy"]["version"].clone())
}

/// The newest event's id.
async fn last_id(db: &DatabaseConnection) -> i32 {
    domain_event::Entity::find()
        .order_by_desc(domain_event::Column::Id)
        .one(db)
        .await
        .unwrap()
        .map_or(0, |e| e.id)
}

/// The events recorded after `after`, oldest first, as (kind, payload).
async fn events_after(db: &DatabaseConnection, after: i32) -> Vec<(String, Value)> {
    domain_event::Entity::find()
        .filter(domain_event::Column::Id.gt(after))
        .order_by_asc(domain_event::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, serde_json::from_str(&e.payload).unwrap()))
        .collect()
}

/// Asserts that exactly one event, of `kind`, was recorded after `*mark`, moves the mark past
/// it and returns its payload.
async fn one_event(app: &TestApp, mark: &mut i32, kind: &str) -> Value {
    let events = events_after(&app.db, *mark).await;
    assert_eq!(
        events.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        vec![kind],
        "[{}] events after {mark}",
        app.backend()
    );
    *mark = last_id(&app.db).await;
    events[0].1.clone()
}

async fn no_event(app: &TestApp, mark: i32, what: &str) {
    assert_eq!(
        events_after(&app.db, mark).await,
        vec![],
        "[{}] {what} recorded an event",
        app.backend()
    );
}

#[tokio::test]
async fn every_write_records_exactly_one_event_of_its_kind() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let mut mark = last_id(&app.db).await;
        let mut input = notice(&app, "EVT/2026/001").await;

        // A draft is nobody's business but its organisation's: no event.
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let id = created["createVacancy"]["id"].clone();
        no_event(&app, mark, "creating a draft").await;
        let updated = app
            .data_as(
                &iom,
                UPDATE,
                json!({ "id": id, "version": created["createVacancy"]["version"], "input": input }),
            )
            .await;
        let payload = one_event(&app, &mut mark, "vacancy.updated").await;
        assert_eq!(payload["vacancy"]["id"], id);

        let published = app
            .data_as(
                &iom,
                PUBLISH,
                json!({ "id": id, "version": updated["updateVacancy"]["version"] }),
            )
            .await;
        let payload = one_event(&app, &mut mark, "vacancy.published").await;
        assert_eq!(payload["vacancy"]["id"], id);
        assert_eq!(payload["vacancy"]["reference"], "EVT/2026/001");
        assert_eq!(
            payload["vacancy"]["title"],
            "Assistant(e) à la réintégration (ORION)"
        );
        assert_eq!(
            payload["status"],
            json!({ "from": "DRAFT", "to": "PUBLISHED" })
        );
        assert!(payload["eventId"].as_str().is_some_and(|e| e.len() == 36));

        input["texts"][0]["title"] = json!("Assistant(e) de projet");
        let edited = app
            .data_as(
                &iom,
                UPDATE,
                json!({ "id": id, "version": published["publishVacancy"]["version"], "input": input }),
            )
            .await;
        let payload = one_event(&app, &mut mark, "vacancy.updated").await;
        assert_eq!(payload["changedFields"], json!(["texts"]));
        assert_eq!(payload["vacancy"]["title"], "Assistant(e) de projet");

        let applied = app
            .data_as(&candidate, APPLY, json!({ "input": application(&id) }))
            .await;
        let application_id = applied["applyToVacancy"]["id"].clone();
        let payload = one_event(&app, &mut mark, "application.submitted").await;
        assert_eq!(payload["application"]["id"], application_id);
        assert_eq!(payload["vacancy"]["id"], id);

        app.data_as(
            &iom,
            MOVE,
            json!({ "id": application_id, "status": "SCREENING" }),
        )
        .await;
        let payload = one_event(&app, &mut mark, "application.status_changed").await;
        assert_eq!(
            payload["status"],
            json!({ "from": "SUBMITTED", "to": "SCREENING" })
        );
        app.data_as(&candidate, WITHDRAW, json!({ "id": application_id }))
            .await;
        let payload = one_event(&app, &mut mark, "application.status_changed").await;
        assert_eq!(
            payload["status"],
            json!({ "from": "SCREENING", "to": "WITHDRAWN" })
        );

        app.data_as(
            &iom,
            CLOSE,
            json!({ "id": id, "version": edited["updateVacancy"]["version"] }),
        )
        .await;
        let payload = one_event(&app, &mut mark, "vacancy.closed").await;
        assert_eq!(
            payload["status"],
            json!({ "from": "PUBLISHED", "to": "CLOSED" })
        );

        // Every row carries the ids readers filter on.
        let rows = domain_event::Entity::find()
            .filter(domain_event::Column::Kind.eq("application.status_changed"))
            .all(&app.db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows
            .iter()
            .all(|r| r.application_id.is_some() && r.candidate_account_id.is_some()));
    }
}

#[tokio::test]
async fn a_refused_write_records_no_event() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let created = app
            .data_as(
                &iom,
                CREATE,
                json!({ "input": notice(&app, "EVT/2026/002").await }),
            )
            .await;
        let id = created["createVacancy"]["id"].clone();
        let version = created["createVacancy"]["version"].clone();
        let mark = last_id(&app.db).await;

        let stale = json!({ "id": id, "version": version.as_i64().unwrap() + 5 });
        assert_eq!(
            app.error_code_as(Some(&iom), PUBLISH, stale).await,
            "CONFLICT"
        );
        let foreign = json!({ "id": id, "version": version });
        assert_eq!(
            app.error_code_as(Some(&ilo), PUBLISH, foreign).await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(
                Some(&candidate),
                APPLY,
                json!({ "input": application(&id) })
            )
            .await,
            "NOT_FOUND"
        );
        no_event(&app, mark, "a refused write").await;
    }
}

#[tokio::test]
async fn concurrent_status_moves_record_one_event_for_the_one_winner() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let (id, _) = publish(&app, &iom, notice(&app, "EVT/2026/003").await).await;
        let applied = app
            .data_as(&candidate, APPLY, json!({ "input": application(&id) }))
            .await;
        let application_id = applied["applyToVacancy"]["id"].clone();
        let mark = last_id(&app.db).await;

        let moves = ["SCREENING", "REJECTED", "SCREENING", "REJECTED"].map(|status| {
            app.graphql_as(
                Some(&iom),
                MOVE,
                json!({ "id": application_id, "status": status, "version": 1 }),
            )
        });
        let answers = futures::future::join_all(moves).await;
        let winners = answers.iter().filter(|a| a.get("errors").is_none()).count();
        assert_eq!(winners, 1, "[{}] {answers:?}", app.backend());
        let events = events_after(&app.db, mark).await;
        assert_eq!(events.len(), 1, "[{}] {events:?}", app.backend());
        assert_eq!(events[0].0, "application.status_changed");
    }
}

#[tokio::test]
async fn imports_record_an_update_only_when_a_published_notice_changes() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = notice(&app, "EVT/2026/004").await;
        let mark = last_id(&app.db).await;
        let created = app.data_as(&iom, IMPORT, json!({ "input": input })).await;
        assert_eq!(created["importVacancy"]["result"], "CREATED");
        no_event(&app, mark, "importing a new draft").await;
        let id = created["importVacancy"]["vacancy"]["id"].clone();
        app.data_as(&iom, PUBLISH, json!({ "id": id, "version": 1 }))
            .await;
        let mut mark = last_id(&app.db).await;

        let same = app.data_as(&iom, IMPORT, json!({ "input": input })).await;
        assert_eq!(same["importVacancy"]["result"], "UNCHANGED");
        no_event(&app, mark, "an unchanged import").await;

        input["durationMonths"] = json!(24);
        let changed = app.data_as(&iom, IMPORT, json!({ "input": input })).await;
        assert_eq!(changed["importVacancy"]["result"], "UPDATED");
        let payload = one_event(&app, &mut mark, "vacancy.updated").await;
        assert_eq!(payload["changedFields"], json!(["durationMonths"]));
        assert_eq!(payload["vacancy"]["status"], "PUBLISHED");
    }
}

#[tokio::test]
async fn the_deadline_closes_each_notice_with_one_event() {
    for app in TestApp::all_seeded().await {
        let past = chrono::Utc::now() - chrono::Duration::minutes(5);
        let future = chrono::Utc::now() + chrono::Duration::days(5);
        let mut mark = last_id(&app.db).await;
        let expired = VacancyBuilder::new("IOM", "EVT-EXPIRED")
            .status(VacancyStatus::Published)
            .closing_at(past)
            .insert(&app.db)
            .await;
        VacancyBuilder::new("IOM", "EVT-OPEN")
            .status(VacancyStatus::Published)
            .closing_at(future)
            .insert(&app.db)
            .await;
        VacancyBuilder::new("IOM", "EVT-DRAFT")
            .status(VacancyStatus::Draft)
            .closing_at(past)
            .insert(&app.db)
            .await;
        // The server's own task may get there first: either way exactly one event is recorded.
        jobboard::service::vacancy::write::close_expired(&app.db, chrono::Utc::now())
            .await
            .unwrap();
        jobboard::service::vacancy::write::close_expired(&app.db, chrono::Utc::now())
            .await
            .unwrap();
        let payload = one_event(&app, &mut mark, "vacancy.closed").await;
        assert_eq!(payload["vacancy"]["id"], vacancy_id(expired));
        assert_eq!(
            payload["status"],
            json!({ "from": "PUBLISHED", "to": "CLOSED" })
        );
    }
}

#[tokio::test]
async fn an_event_exists_only_if_its_transaction_commits_and_old_ones_are_purged() {
    use jobboard::service::events::{self, DomainEvent, VacancyFacts};
    for app in TestApp::all_seeded().await {
        let row = VacancyBuilder::new("IOM", "EVT-TXN")
            .status(VacancyStatus::Published)
            .closing_in(chrono::Duration::days(5))
            .insert(&app.db)
            .await;
        let row = entity::vacancy::Entity::find_by_id(row)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mark = last_id(&app.db).await;
        let txn = app.db.begin().await.unwrap();
        let facts = VacancyFacts::load(&txn, &row).await.unwrap();
        events::record(
            &txn,
            DomainEvent::VacancyPublished {
                vacancy: facts.clone(),
            },
        )
        .await
        .unwrap();
        txn.rollback().await.unwrap();
        no_event(&app, mark, "a rolled-back transaction").await;

        let txn = app.db.begin().await.unwrap();
        let stored = events::record(&txn, DomainEvent::VacancyPublished { vacancy: facts })
            .await
            .unwrap();
        txn.commit().await.unwrap();
        assert_eq!(
            events::after(&app.db, mark, 10).await.unwrap(),
            vec![stored.clone()]
        );

        let kept =
            events::purge_older_than(&app.db, stored.occurred_at - chrono::Duration::days(1))
                .await
                .unwrap();
        assert_eq!(kept, 0);
        let purged =
            events::purge_older_than(&app.db, stored.occurred_at + chrono::Duration::seconds(1))
                .await
                .unwrap();
        assert!(purged >= 1);
        assert_eq!(
            domain_event::Entity::find().count(&app.db).await.unwrap(),
            0,
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_forged_notification_delivers_nothing_and_blocks_nothing() {
    use futures::StreamExt;
    use sea_orm::{ConnectionTrait, Statement};

    let Some(database) = crate::helpers::TestDatabase::postgres_only().await else {
        return;
    };
    let app = TestApp::spawn(database, true).await;
    let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
    publish(&app, &iom, notice(&app, "NOTIFY/1").await).await;
    let real = jobboard::service::events::after(&app.db, 0, 1_000)
        .await
        .unwrap()
        .pop()
        .unwrap();
    let mut heard = Box::pin(app.bus.subscribe());

    // Any database role may NOTIFY: one forges a whole event, another announces the id the next
    // real event will have before it exists.
    let forged_id = real.id + 1_000;
    let mut forged = real.clone();
    forged.id = forged_id;
    let next_id = real.id + 1;
    for text in [
        json!({ "id": forged_id, "event": forged }).to_string(),
        json!({ "id": next_id }).to_string(),
    ] {
        app.db
            .execute(Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT pg_notify('jobboard_events', $1)",
                [text.into()],
            ))
            .await
            .unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    publish(&app, &iom, notice(&app, "NOTIFY/2").await).await;

    // Everything the bus delivers until the real publication arrives, which it must.
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            let delivered = heard.next().await.unwrap();
            assert_ne!(delivered.id, forged_id, "a forged event was delivered");
            if delivered.payload["vacancy"]["reference"] == "NOTIFY/2" {
                break;
            }
        }
    })
    .await
    .expect("the real event arrives");
}
