use entity::{account, application, application_event, vacancy_item};
use jobboard::seed::synthetic::{generate, SyntheticOptions};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};

const COUNT: &str = r#"
query ($status: [VacancyStatus!]) {
  vacancies(filter: { status: $status }) { totalCount }
}"#;

async fn count(app: &TestApp, status: Value) -> u64 {
    app.data(COUNT, json!({ "status": status })).await["vacancies"]["totalCount"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn synthetic_data_is_generated_beside_the_demo_data_and_served() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn(database, true).await;
        let published_before = count(&app, json!(["PUBLISHED"])).await;
        let closed_before = count(&app, json!(["CLOSED"])).await;

        let options = SyntheticOptions {
            organisations: 5,
            projects: 10,
            vacancies: 200,
            applications: 100,
            ..Default::default()
        };
        let report = generate(&app.db, &options).await.unwrap();
        assert_eq!(
            (report.organisations, report.projects, report.vacancies),
            (5, 10, 200),
            "[{}] {report}",
            app.backend()
        );
        assert_eq!(report.applications, 100, "[{}]", app.backend());
        assert!(
            report.published > 100,
            "[{}] mostly published: {report}",
            app.backend()
        );
        assert!(
            report.closed > 0,
            "[{}] some closed: {report}",
            app.backend()
        );

        assert_eq!(
            count(&app, json!(["PUBLISHED"])).await,
            published_before + report.published as u64,
            "[{}]",
            app.backend()
        );
        assert_eq!(
            count(&app, json!(["CLOSED"])).await,
            closed_before + report.closed as u64,
            "[{}]",
            app.backend()
        );
        let synthetic_orgs = app
            .data(
                r#"{ vacancies(filter: { organisation: "ORG001" }) { totalCount } }"#,
                json!({}),
            )
            .await;
        assert!(synthetic_orgs["vacancies"]["totalCount"].as_u64().unwrap() > 0);

        // Full sections and applications are stored.
        let items = vacancy_item::Entity::find().count(&app.db).await.unwrap();
        assert!(items >= 200 * 2 * 5, "[{}] {items} items", app.backend());
        let applications = application::Entity::find()
            .filter(application::Column::Status.eq("SUBMITTED"))
            .count(&app.db)
            .await
            .unwrap();
        assert!(applications >= 100, "[{}]", app.backend());
        // Screened at generation, as `applyToVacancy` screens: none is left unassessed.
        let unscreened = application::Entity::find()
            .filter(application::Column::Eligible.is_null())
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(unscreened, 0, "[{}]", app.backend());
        let events = application_event::Entity::find()
            .count(&app.db)
            .await
            .unwrap();
        assert!(events >= 100, "[{}]", app.backend());
        let candidates = account::Entity::find()
            .filter(account::Column::Email.like("%@synthetic.jobboard.invalid"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(
            candidates as usize,
            report.candidates,
            "[{}]",
            app.backend()
        );

        // The list query still works over the mixed data.
        let list = app
            .data(
                r#"{ vacancies(first: 100) {
                    nodes { reference organisation { acronym } dutyStations { city } }
                } }"#,
                json!({}),
            )
            .await;
        let nodes = list["vacancies"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 100, "[{}]", app.backend());
        assert!(nodes
            .iter()
            .all(|n| !n["dutyStations"].as_array().unwrap().is_empty()
                && n["organisation"]["acronym"].is_string()));

        // A second run on the same database is refused, and writes nothing.
        let again = generate(&app.db, &options).await.unwrap_err();
        assert!(again.to_string().contains("ORG001"), "{again}");
        assert_eq!(
            count(&app, json!(["PUBLISHED"])).await,
            published_before + report.published as u64
        );
    }
}
