//! A vacancy list's page, `totalCount` and facets, read together from one match set.

use jobboard::config::ServerConfig;
use jobboard::domain::Role;
use jobboard::seed::synthetic::{generate, SyntheticOptions};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};

const COUNTED: &str = "query ($filter: VacancyFilterInput, $orderBy: VacancyOrder, $first: Int) {
  vacancies(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount totalCountIsExact
    nodes { id }
    facets {
      organisations { count } projects { count } countries { country count }
      dutyStations { city country count } gradeCategories { count } grades { grade count }
      contractTypes { count } openToInternal { value count } openToExternal { value count }
    }
  }
}";

const TOTAL: &str = "query ($filter: VacancyFilterInput, $orderBy: VacancyOrder, $first: Int) {
  vacancies(filter: $filter, orderBy: $orderBy, first: $first) {
    totalCount totalCountIsExact nodes { id }
  }
}";

const PAGE: &str = "query ($filter: VacancyFilterInput, $orderBy: VacancyOrder, $first: Int) {
  vacancies(filter: $filter, orderBy: $orderBy, first: $first) { nodes { id } }
}";

async fn spawn_with_vacancies(database: TestDatabase, bound: Option<u64>) -> TestApp {
    let mut config = ServerConfig::for_database(database.url());
    config.seed_demo_data = Some(true);
    if let Some(bound) = bound {
        config.exact_count_bound = bound;
    }
    let app = TestApp::spawn_with(database, config).await;
    let options = SyntheticOptions {
        organisations: 3,
        projects: 4,
        vacancies: 60,
        applications: 0,
        ..Default::default()
    };
    generate(&app.db, &options).await.unwrap();
    app
}

fn ids(list: &Value) -> Vec<Value> {
    list["nodes"].as_array().unwrap().clone()
}

fn sum(buckets: &Value) -> i64 {
    buckets
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_page_is_the_same_in_every_order_whether_or_not_its_counts_are_read_with_it() {
    for database in TestDatabase::all().await {
        let app = spawn_with_vacancies(database, None).await;
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        for order in ["CLOSING_SOON", "NEWEST", "RELEVANCE", "TITLE"] {
            for filter in [
                json!({}),
                json!({ "search": "assistant" }),
                json!({ "openOnly": true }),
            ] {
                let vars = json!({ "orderBy": order, "filter": filter, "first": 25 });
                let what = format!("[{}] {order} {filter}", app.backend());
                let page = app.data_as(&admin, PAGE, vars.clone()).await["vacancies"].clone();
                let total = app.data_as(&admin, TOTAL, vars.clone()).await["vacancies"].clone();
                let counted = app.data_as(&admin, COUNTED, vars).await["vacancies"].clone();
                assert!(ids(&page).len() > 7, "{what}");
                assert_eq!(ids(&total), ids(&page), "{what}: with the total");
                assert_eq!(ids(&counted), ids(&page), "{what}: with the facets");
                assert_eq!(total["totalCount"], counted["totalCount"], "{what}");
                let n = counted["totalCount"].as_i64().unwrap();
                let facets = &counted["facets"];
                for single in [
                    "organisations",
                    "gradeCategories",
                    "grades",
                    "contractTypes",
                    "openToInternal",
                    "openToExternal",
                ] {
                    assert_eq!(
                        sum(&facets[single]),
                        n,
                        "{what}: {single} add up to the total"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn a_facet_whose_own_filter_is_set_counts_what_choosing_each_value_would_give() {
    for database in TestDatabase::all().await {
        let app = spawn_with_vacancies(database, None).await;
        let all = app.data(COUNTED, json!({})).await["vacancies"].clone();
        let grades = all["facets"]["grades"].as_array().unwrap().clone();
        let grade = grades.iter().find(|b| b["grade"].is_string()).unwrap()["grade"].clone();
        let of_grade = app
            .data(COUNTED, json!({ "filter": { "grade": grade } }))
            .await["vacancies"]
            .clone();
        let country = of_grade["facets"]["countries"][0]["country"].clone();
        let filter = json!({ "grade": grade, "country": country });
        let chosen = app.data(COUNTED, json!({ "filter": filter })).await["vacancies"].clone();
        let what = format!("[{}] {filter}", app.backend());
        let n = chosen["totalCount"].as_i64().unwrap();
        assert!(n > 0, "{what}");
        assert_eq!(sum(&chosen["facets"]["organisations"]), n, "{what}");

        // Each grade's count is the total of the list with that grade instead.
        for bucket in chosen["facets"]["grades"].as_array().unwrap() {
            let Some(other) = bucket["grade"].as_str() else {
                continue;
            };
            let vars = json!({ "filter": { "grade": other, "country": country } });
            let list = app.data(TOTAL, vars).await["vacancies"].clone();
            assert_eq!(list["totalCount"], bucket["count"], "{what}: grade {other}");
        }
        // Each country's count is the total of the list in that country instead.
        for bucket in chosen["facets"]["countries"].as_array().unwrap() {
            let vars = json!({ "filter": { "grade": grade, "country": bucket["country"] } });
            let list = app.data(TOTAL, vars).await["vacancies"].clone();
            assert_eq!(list["totalCount"], bucket["count"], "{what}: {bucket}");
        }
        // Without the grade, the grades facet is the same: it ignores its own filter.
        let wider = app
            .data(COUNTED, json!({ "filter": { "country": country } }))
            .await["vacancies"]
            .clone();
        assert_eq!(
            wider["facets"]["grades"], chosen["facets"]["grades"],
            "{what}"
        );
    }
}

#[tokio::test]
async fn past_the_bound_the_total_is_at_least_the_bound_and_says_so() {
    for database in TestDatabase::all().await {
        let app = spawn_with_vacancies(database, Some(5)).await;
        let what = app.backend();

        let list = app.data(TOTAL, json!({ "first": 2 })).await["vacancies"].clone();
        assert_eq!(list["totalCount"], 5, "[{what}]");
        assert_eq!(list["totalCountIsExact"], false, "[{what}]");
        assert_eq!(ids(&list).len(), 2, "[{what}]");

        // With facets every match is counted: the total is exact past the bound.
        let counted = app.data(COUNTED, json!({ "first": 2 })).await["vacancies"].clone();
        let n = counted["totalCount"].as_i64().unwrap();
        assert!(n > 5, "[{what}] {n}");
        assert_eq!(counted["totalCountIsExact"], true, "[{what}]");
        assert_eq!(sum(&counted["facets"]["organisations"]), n, "[{what}]");

        // Up to the bound, the total is exact.
        let small = counted["facets"]["grades"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["grade"].is_string() && b["count"].as_i64().unwrap() <= 5)
            .cloned()
            .unwrap();
        let vars = json!({ "filter": { "grade": small["grade"] } });
        let list = app.data(TOTAL, vars).await["vacancies"].clone();
        assert_eq!(list["totalCount"], small["count"], "[{what}]");
        assert_eq!(list["totalCountIsExact"], true, "[{what}]");
    }
}

#[tokio::test]
async fn facets_alone_or_with_an_empty_page_are_read_too() {
    const FACETS_ONLY: &str = "query ($filter: VacancyFilterInput) {
      vacancies(filter: $filter) { facets { grades { grade count } } }
    }";
    for database in TestDatabase::all().await {
        let app = spawn_with_vacancies(database, None).await;
        let all = app.data(COUNTED, json!({})).await["vacancies"].clone();
        let alone = app.data(FACETS_ONLY, json!({})).await["vacancies"].clone();
        assert_eq!(
            alone["facets"]["grades"],
            all["facets"]["grades"],
            "[{}]",
            app.backend()
        );

        // Nothing matches: an empty page, a zero total and empty facets.
        let filter = json!({ "search": "zzzzunfound" });
        let none = app.data(COUNTED, json!({ "filter": filter })).await["vacancies"].clone();
        assert_eq!(none["totalCount"], 0, "[{}]", app.backend());
        assert_eq!(none["nodes"], json!([]), "[{}]", app.backend());
        assert_eq!(none["facets"]["grades"], json!([]), "[{}]", app.backend());
    }
}
