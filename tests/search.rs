//! Full-text search, orders and facets of the vacancy list, on both databases.

use std::collections::HashSet;

use jobboard::domain::Role;
use jobboard::seed::synthetic::{generate, SyntheticOptions};
use serde_json::{json, Value};

use crate::helpers::TestApp;

const SEARCH: &str = "query ($filter: VacancyFilterInput, $orderBy: VacancyOrder) {
  vacancies(filter: $filter, orderBy: $orderBy, first: 100) {
    totalCount edges { node { reference } }
  }
}";

fn references(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["reference"].as_str().unwrap().to_owned())
        .collect()
}

/// The references a search finds, in the list's order.
async fn search(app: &TestApp, text: &str) -> Vec<String> {
    let data = app
        .data(SEARCH, json!({ "filter": { "search": text } }))
        .await;
    let refs = references(&data["vacancies"]);
    assert_eq!(data["vacancies"]["totalCount"], refs.len(), "{text}");
    refs
}

fn sorted(mut refs: Vec<String>) -> Vec<String> {
    refs.sort();
    refs
}

const ORION: &str = "IOM-MA-2019-ORION";
const LMI: &str = "IOM-MA-2025-LMI";
const MECC: &str = "IOM-TN-2025-MECC";
const VN: &str = "VN 2023/005";
const ALG: &str = "ALG/DC/P/2025/03";
const AVRR: &str = "IOM-MA-AVRR-INTERN";

#[tokio::test]
async fn a_table_of_searches_finds_the_same_notices_on_both_databases() {
    // (search, the public notices it must find, in any order)
    let table: &[(&str, &[&str])] = &[
        ("reintegration maroc", &[ORION, ALG, AVRR]),
        ("Réintégration", &[ORION, ALG, AVRR]),
        ("REINTEGRATION", &[ORION, ALG, AVRR]),
        ("orion", &[ORION]),
        ("coordonnateur", &[LMI, ORION]),
        // The LMI notice's text names Tunisia, the ILO one's too.
        ("tunisie", &[ALG, LMI, MECC]),
        ("Tunisia", &[MECC]),
        ("mecc", &[MECC]),
        ("VN 2023/005", &[VN]),
        ("vn 2023 005", &[VN]),
        ("wafira", &[ALG]),
        ("ILO", &[ALG]),
        // The ILO notice by its French acronym, and the LMI notice whose text names "l’OIT".
        ("OIT", &[ALG, LMI]),
        ("BIT", &[ALG]),
        ("algerie", &[ALG]),
        ("thamm", &[LMI]),
        ("IOM", &[ORION, LMI, MECC, VN, AVRR]),
        ("OIM", &[ORION, LMI, MECC, VN, AVRR]),
        ("orion tunisie", &[]),
        ("zzzyzzy", &[]),
        // Prefixes, with or without accents.
        ("reinteg", &[ORION, ALG, AVRR]),
        ("réintég", &[ORION, ALG, AVRR]),
        ("orio", &[ORION]),
        // Quoted phrases: the words in a row, and never a prefix.
        ("\"coordonnateur de projet\"", &[LMI]),
        ("\"Assistant de Projet\"", &[VN]),
        ("\"projet principal\"", &[MECC, ALG]),
        ("\"reintegration maroc\"", &[]),
        ("\"VN 2023/005\"", &[VN]),
        ("\"orio\"", &[]),
        ("\"orion\"", &[ORION]),
        // A token with punctuation is the phrase of its words (its last word a prefix).
        ("l'OIT", &[LMI, ALG]),
        ("VN-2023/00", &[VN]),
        // Exclusions, of a word or of a phrase.
        ("projet -tunisie", &[VN, ORION]),
        ("assistant -projet", &[AVRR]),
        ("projet -\"projet principal\"", &[VN, LMI, ORION]),
        ("reintegration -maroc", &[]),
        // OR between two terms (uppercase only); a dangling OR is dropped.
        ("orion OR mecc", &[ORION, MECC]),
        ("tunisia OR wafira", &[MECC, ALG]),
        ("orion OR mecc proj", &[ORION, MECC]),
        ("\"projet principal\" OR thamm -ilo", &[MECC, LMI]),
        ("wafira OR", &[ALG]),
    ];
    for app in TestApp::all_seeded().await {
        let mut wrong = Vec::new();
        for (text, expected) in table {
            let found = sorted(search(&app, text).await);
            let expected = sorted(expected.iter().map(|s| (*s).to_owned()).collect());
            if found != expected {
                wrong.push(format!("{text:?} found {found:?}, expected {expected:?}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "[{}]\n{}",
            app.backend(),
            wrong.join("\n")
        );
    }
}

#[tokio::test]
async fn accents_and_case_are_ignored_both_ways() {
    for app in TestApp::all_seeded().await {
        let plain = search(&app, "reintegration").await;
        assert!(plain.contains(&ORION.to_owned()), "[{}]", app.backend());
        assert_eq!(search(&app, "Réintégration").await, plain);
        assert_eq!(search(&app, "RÉINTÉGRATION").await, plain);
        // LMI's title says "Coordonnateur", ORION's text "coordonnateur": case does not matter.
        assert_eq!(search(&app, "COORDONNATEUR").await, [LMI, ORION]);
    }
}

#[tokio::test]
async fn iom_finds_oim_notices_and_the_reverse() {
    for app in TestApp::all_seeded().await {
        let iom = sorted(search(&app, "iom").await);
        assert_eq!(iom.len(), 5, "[{}] {iom:?}", app.backend());
        assert_eq!(sorted(search(&app, "oim").await), iom);
        assert_eq!(search(&app, "ilo").await, search(&app, "bit").await);
    }
}

#[tokio::test]
async fn the_last_word_may_be_a_prefix_and_the_others_are_whole_words() {
    for app in TestApp::all_seeded().await {
        assert_eq!(
            search(&app, "coordonnat").await,
            [LMI, ORION],
            "[{}]",
            app.backend()
        );
        assert_eq!(search(&app, "maroc reinteg").await, [ORION, ALG, AVRR]);
        // Only the last word is a prefix: "reinteg" in first place is a whole word, found nowhere.
        assert!(search(&app, "reinteg maroc").await.is_empty());
    }
}

#[tokio::test]
async fn every_word_must_match() {
    for app in TestApp::all_seeded().await {
        let mecc = search(&app, "mecc").await;
        let orion = search(&app, "orion").await;
        assert_eq!((mecc.len(), orion.len()), (1, 1), "[{}]", app.backend());
        assert!(search(&app, "mecc orion").await.is_empty());
        assert_eq!(search(&app, "mecc oim").await, mecc);
        assert!(search(&app, "mecc ilo").await.is_empty());
    }
}

#[tokio::test]
async fn title_matches_come_first_when_searching() {
    for app in TestApp::all_seeded().await {
        // These notices are in Rabat and speak of reintegration; ORION's title says so.
        assert_eq!(
            search(&app, "reintegration maroc").await,
            [ORION, ALG, AVRR]
        );
        // "projet" is in the LMI and MECC titles ("Coordonnateur de projet", "Associé de projet
        // principal") and VN's ("Assistant de Projet"), and in the text of the others.
        let found = search(&app, "projet").await;
        assert!(found.len() > 3, "[{}] {found:?}", app.backend());
        let mut in_title: Vec<String> = found[..3].to_vec();
        in_title.sort();
        assert_eq!(in_title, sorted(vec![LMI.into(), MECC.into(), VN.into()]));
        // Asking for another order wins over relevance.
        let data = app
            .data(
                SEARCH,
                json!({ "filter": { "search": "projet" }, "orderBy": "TITLE" }),
            )
            .await;
        let by_title = references(&data["vacancies"]);
        assert_eq!(sorted(by_title.clone()), sorted(found.clone()));
        assert_ne!(by_title, found, "[{}]", app.backend());
    }
}

#[tokio::test]
async fn title_and_reference_matches_rank_before_text_matches_for_every_kind_of_term() {
    for app in TestApp::all_seeded().await {
        // VN's title holds both words, ORION's one; ALG's text holds both, its title neither.
        assert_eq!(
            search(&app, "assistant projet").await,
            [VN, ORION, ALG],
            "[{}]",
            app.backend()
        );
        // An OR group counts once: LMI, MECC and VN have "projet" in their title, ORION has
        // "orion" in its own; ALG only in its text.
        let found = search(&app, "projet OR orion").await;
        assert_eq!(found.len(), 5, "[{}] {found:?}", app.backend());
        assert_eq!(found.last().map(String::as_str), Some(ALG));
        // A phrase in the title, and a reference matched as a phrase-prefix.
        assert_eq!(search(&app, "\"projet principal\"").await, [MECC, ALG]);
        assert_eq!(search(&app, "2025 alg").await, [ALG]);
    }
}

#[tokio::test]
async fn a_search_with_nothing_to_find_is_refused_with_its_field() {
    for app in TestApp::all_seeded().await {
        for text in ["-maroc", "-\"projet principal\" -iom", "OR"] {
            let body = app
                .graphql(SEARCH, json!({ "filter": { "search": text } }))
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                "BAD_USER_INPUT",
                "[{}] {text}",
                app.backend()
            );
            assert_eq!(body["errors"][0]["extensions"]["field"], "filter.search");
        }
    }
}

#[tokio::test]
async fn arabic_is_found_however_its_letters_and_digits_are_written() {
    for app in TestApp::all_seeded().await {
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = crate::vacancy_writes::orion_like(&app, "IOM/AR/٢٠٢٦/٠٠٧").await;
        input["authoritativeLanguage"] = json!("ar");
        input["texts"] = json!([{
            "language": "ar",
            "title": "مُساعِد(ة) إعادة الإدماج",
            "context": "في إطار مشروع أوريون لدعم المهاجرين العائدين في المغرب، تعمل المنظمة الدولية للهجرة مع الشركاء.",
            "responsibilities": ["تنسيق الأنشطة الميدانية"],
            "howToApply": "إرسال السيرة الذاتية."
        }]);
        crate::applications::publish(&app, &recruiter, input).await;
        // The AVRR notice speaks Arabic of reintegration too: ours must be among those found.
        let ours = "IOM/AR/٢٠٢٦/٠٠٧".to_owned();
        for text in [
            // As written, without harakat, without hamza on the alef, ة as ه.
            "إعادة الإدماج",
            "مساعد اعادة الادماج",
            "اعاده الادماج",
            // With tatweel, as a phrase, as a prefix.
            "الإدمـــاج",
            "\"إعادة الإدماج\"",
            "الاد",
            // In the text, and the reference's Arabic-Indic digits as ASCII ones.
            "المهاجرين العائدين",
            "٢٠٢٦ الادماج",
        ] {
            let found = search(&app, text).await;
            assert!(
                found.contains(&ours),
                "[{}] {text}: {found:?}",
                app.backend()
            );
        }
        assert_eq!(
            search(&app, "iom ar 2026 007").await,
            std::slice::from_ref(&ours)
        );
        assert_eq!(search(&app, "مساعد الإدماج").await.first(), Some(&ours));
        for text in ["الادماج -المغرب", "\"الادماج اعاده\""] {
            let found = search(&app, text).await;
            assert!(
                !found.contains(&ours),
                "[{}] {text}: {found:?}",
                app.backend()
            );
        }
    }
}

const PAGE: &str = "query ($filter: VacancyFilterInput, $orderBy: VacancyOrder, $first: Int, $after: String, $last: Int, $before: String) {
  vacancies(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
  }
}";

fn ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Every id of the list, read forwards `size` at a time.
async fn forwards(app: &TestApp, token: &str, vars: &Value, size: i32) -> (Vec<String>, i64) {
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut total;
    loop {
        let mut v = vars.clone();
        v["first"] = json!(size);
        v["after"] = after.clone();
        let page = app.data_as(token, PAGE, v).await["vacancies"].clone();
        total = page["totalCount"].as_i64().unwrap();
        assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
        seen.extend(ids(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    (seen, total)
}

/// Every id of the list, read backwards `size` at a time, in the list's order.
async fn backwards(app: &TestApp, token: &str, vars: &Value, size: i32) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut before = Value::Null;
    loop {
        let mut v = vars.clone();
        v["last"] = json!(size);
        v["before"] = before.clone();
        let page = app.data_as(token, PAGE, v).await["vacancies"].clone();
        let mut chunk = ids(&page);
        chunk.extend(seen);
        seen = chunk;
        if page["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    seen
}

fn assert_each_once(seen: &[String], total: i64, what: &str) {
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "{what}: an item was repeated");
    assert_eq!(seen.len() as i64, total, "{what}: an item was skipped");
}

#[tokio::test]
async fn every_order_pages_forwards_and_backwards_seeing_each_item_once() {
    for app in TestApp::all_seeded().await {
        let options = SyntheticOptions {
            organisations: 3,
            projects: 4,
            vacancies: 60,
            applications: 0,
            ..Default::default()
        };
        generate(&app.db, &options).await.unwrap();
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        for order in ["CLOSING_SOON", "NEWEST", "RELEVANCE", "TITLE"] {
            for filter in [
                json!({}),
                json!({ "search": "assistant" }),
                json!({ "openOnly": true }),
            ] {
                let vars = json!({ "orderBy": order, "filter": filter });
                let what = format!("[{}] {order} {filter}", app.backend());
                let (seen, total) = forwards(&app, &admin, &vars, 7).await;
                assert!(total > 7, "{what}: {total} items only");
                assert_each_once(&seen, total, &what);
                let back = backwards(&app, &admin, &vars, 6).await;
                assert_eq!(back, seen, "{what}: backwards");
            }
        }
    }
}

#[tokio::test]
async fn paging_through_a_thousand_search_results_twenty_at_a_time_sees_each_once() {
    for app in TestApp::all_seeded().await {
        let options = SyntheticOptions {
            organisations: 5,
            projects: 10,
            vacancies: 1000,
            applications: 0,
            ..Default::default()
        };
        generate(&app.db, &options).await.unwrap();
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        // Every synthetic notice asks to "coordinate" activities: the relevance of all ties.
        let vars = json!({ "filter": { "search": "coordinate" } });
        let (seen, total) = forwards(&app, &admin, &vars, 20).await;
        assert!(total >= 1000, "[{}] {total}", app.backend());
        assert_each_once(&seen, total, &format!("[{}] relevance", app.backend()));
    }
}

#[tokio::test]
async fn reintegration_maroc_finds_orion_first_among_synthetic_notices() {
    for app in TestApp::all_seeded().await {
        let options = SyntheticOptions {
            organisations: 3,
            projects: 4,
            vacancies: 200,
            applications: 0,
            ..Default::default()
        };
        generate(&app.db, &options).await.unwrap();
        let found = search(&app, "reintegration maroc").await;
        assert_eq!(
            found.first().map(String::as_str),
            Some(ORION),
            "[{}]",
            app.backend()
        );
    }
}

const FACETS: &str = "query ($filter: VacancyFilterInput) {
  vacancies(filter: $filter, first: 1) {
    totalCount
    facets {
      organisations { organisation { acronym } count }
      projects { project { code } count }
      countries { country count }
      dutyStations { city country count }
      gradeCategories { gradeCategory count }
      grades { grade count }
      contractTypes { contractType count }
      openToInternal { value count }
      openToExternal { value count }
    }
  }
}";

fn sum(buckets: &Value) -> i64 {
    buckets
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum()
}

fn count_of(buckets: &Value, key: &str, value: &str) -> Option<i64> {
    buckets.as_array().unwrap().iter().find_map(|b| {
        let v = key
            .split('.')
            .fold(b, |v, k| &v[k])
            .as_str()
            .filter(|v| *v == value)?;
        let _ = v;
        b["count"].as_i64()
    })
}

#[tokio::test]
async fn single_valued_facets_add_up_to_the_total() {
    for app in TestApp::all_seeded().await {
        generate(
            &app.db,
            &SyntheticOptions {
                organisations: 3,
                projects: 4,
                vacancies: 80,
                applications: 0,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        for filter in [
            json!({}),
            json!({ "search": "officer" }),
            json!({ "openOnly": true }),
        ] {
            let data = app.data(FACETS, json!({ "filter": filter })).await;
            let total = data["vacancies"]["totalCount"].as_i64().unwrap();
            let facets = &data["vacancies"]["facets"];
            assert!(total > 0, "[{}] {filter}", app.backend());
            for facet in [
                "organisations",
                "gradeCategories",
                "grades",
                "contractTypes",
                "openToInternal",
                "openToExternal",
            ] {
                assert_eq!(
                    sum(&facets[facet]),
                    total,
                    "[{}] {facet} with {filter}",
                    app.backend()
                );
            }
            // A vacancy with stations in two countries counts in both, one serving two
            // projects in both (the LMI post serves THAMM+ and Y-MED): at least the total.
            assert!(sum(&facets["projects"]) >= total);
            assert!(sum(&facets["countries"]) >= total);
            assert!(sum(&facets["dutyStations"]) >= total);
        }
    }
}

#[tokio::test]
async fn a_facet_ignores_its_own_filter_and_applies_the_others() {
    for app in TestApp::all_seeded().await {
        let all = app.data(FACETS, json!({ "filter": {} })).await;
        let iom_all = count_of(
            &all["vacancies"]["facets"]["organisations"],
            "organisation.acronym",
            "IOM",
        );
        assert_eq!(iom_all, Some(5), "[{}]", app.backend());

        let ilo = app
            .data(FACETS, json!({ "filter": { "organisation": "ILO" } }))
            .await;
        assert_eq!(ilo["vacancies"]["totalCount"], 1);
        let facets = &ilo["vacancies"]["facets"];
        // Its own filter is ignored: IOM's count is still there to switch to.
        assert_eq!(
            count_of(&facets["organisations"], "organisation.acronym", "IOM"),
            Some(5)
        );
        assert_eq!(
            count_of(&facets["organisations"], "organisation.acronym", "ILO"),
            Some(1)
        );
        // Every other facet applies it: only the ILO notice counts.
        assert_eq!(sum(&facets["grades"]), 1);
        assert_eq!(
            facets["countries"],
            json!([{ "country": "MA", "count": 1 }])
        );

        // The same for a country: the country facet keeps Morocco and Tunisia.
        let tn = app
            .data(FACETS, json!({ "filter": { "country": "TN" } }))
            .await;
        let facets = &tn["vacancies"]["facets"];
        assert_eq!(tn["vacancies"]["totalCount"], 1);
        assert_eq!(count_of(&facets["countries"], "country", "TN"), Some(1));
        assert!(count_of(&facets["countries"], "country", "MA").unwrap() >= 2);
        assert_eq!(sum(&facets["organisations"]), 1);

        // openToInternal: false leaves nothing, but its own facet still shows the true count.
        let closed_in = app
            .data(FACETS, json!({ "filter": { "openToInternal": false } }))
            .await;
        assert_eq!(closed_in["vacancies"]["totalCount"], 0);
        let own = &closed_in["vacancies"]["facets"]["openToInternal"];
        assert_eq!(own, &json!([{ "value": true, "count": 6 }]));
        assert_eq!(sum(&closed_in["vacancies"]["facets"]["openToExternal"]), 0);
    }
}

#[tokio::test]
async fn facets_are_null_on_nested_lists() {
    for app in TestApp::all_seeded().await {
        let data = app
            .data(
                "{ organisation(acronym: \"ILO\") { vacancies { totalCount facets { grades { count } } } } }",
                json!({}),
            )
            .await;
        assert_eq!(data["organisation"]["vacancies"]["totalCount"], 1);
        assert!(data["organisation"]["vacancies"]["facets"].is_null());
    }
}

#[tokio::test]
async fn a_cursor_from_another_order_or_search_is_refused() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let page = |vars: Value| {
            let app = &app;
            let admin = admin.clone();
            async move { app.graphql_as(Some(&admin), PAGE, vars).await }
        };
        let first = page(json!({ "orderBy": "NEWEST", "first": 2 })).await;
        let cursor = first["data"]["vacancies"]["pageInfo"]["endCursor"].clone();
        assert!(cursor.is_string());

        // The same order takes it.
        let next = page(json!({ "orderBy": "NEWEST", "first": 2, "after": cursor })).await;
        assert!(next["errors"].is_null(), "[{}] {next}", app.backend());

        // Another order, or the same order with a search, refuses it.
        for vars in [
            json!({ "orderBy": "TITLE", "after": cursor }),
            json!({ "orderBy": "NEWEST", "before": cursor, "filter": { "search": "oim" } }),
        ] {
            let body = page(vars).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            assert!(
                body["errors"][0]["extensions"]["field"] == "after"
                    || body["errors"][0]["extensions"]["field"] == "before"
            );
        }
        // Garbage, and the id-keyed cursors of other lists, are refused.
        for bad in ["nope", "azo6MQ"] {
            let body = page(json!({ "orderBy": "NEWEST", "after": bad })).await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
            assert_eq!(body["errors"][0]["extensions"]["field"], "after");
        }
    }
}

#[tokio::test]
async fn a_search_too_long_is_refused_with_its_field() {
    for app in TestApp::all_seeded().await {
        let long = "a".repeat(201);
        let body = app
            .graphql(SEARCH, json!({ "filter": { "search": long } }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "filter.search");
        let many = vec!["w"; 13].join(" ");
        assert_eq!(
            app.error_code(SEARCH, json!({ "filter": { "search": many } }))
                .await,
            "BAD_USER_INPUT"
        );
        // At the limit, it is a search like any other.
        let ok = "a".repeat(200);
        assert!(search(&app, &ok).await.is_empty());
        // A blank search is no search.
        assert_eq!(search(&app, "  -- ").await.len(), 6);
    }
}

#[tokio::test]
async fn renaming_an_organisation_or_editing_a_notice_refreshes_the_search() {
    for app in TestApp::all_seeded().await {
        assert!(search(&app, "zorglub").await.is_empty());
        let read = "{ organisation(acronym: \"ILO\") { id version } }";
        let ilo = app.data(read, json!({})).await["organisation"].clone();
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let update = "mutation ($id: ID!, $version: Int!, $input: UpdateOrganisationInput!) { updateOrganisation(id: $id, version: $version, input: $input) { version } }";
        app.data_as(
            &admin,
            update,
            json!({ "id": ilo["id"], "version": ilo["version"], "input": { "nameFr": "Bureau Zorglub" } }),
        )
        .await;
        assert_eq!(search(&app, "zorglub").await, [ALG], "[{}]", app.backend());
    }
}

#[tokio::test]
async fn vacancies_stored_before_search_existed_are_indexed_when_the_server_starts() {
    use crate::helpers::{TestDatabase, VacancyBuilder};
    use jobboard::domain::VacancyStatus;
    for database in TestDatabase::all().await {
        let first = TestApp::spawn(database.shared(), true).await;
        // Written straight into the table, as rows from before the search migration are.
        let closing = chrono::Utc::now() + chrono::Duration::days(30);
        VacancyBuilder::new("IOM", "OLD/2022/7")
            .status(VacancyStatus::Published)
            .closing_at(closing)
            .insert(&first.db)
            .await;
        assert!(search(&first, "ol").await.is_empty());
        drop(first);
        let restarted = TestApp::spawn(database, true).await;
        assert_eq!(search(&restarted, "test post old").await, ["OLD/2022/7"]);
    }
}

#[tokio::test]
async fn documents_folded_before_arabic_folding_are_rewritten_after_the_migration() {
    use crate::helpers::{demo_data_before, TestDatabase};
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Statement};
    for database in TestDatabase::all().await {
        let db = database.connect().await;
        demo_data_before(&db, Migrator::migrations().len() as u32 - 1).await;
        // A taa marbuta, as the folding before Arabic wrote it.
        let vn = "(SELECT id FROM vacancy WHERE reference = 'VN 2023/005')";
        db.execute_unprepared(&format!(
            "UPDATE vacancy_search SET document = document || 'مدرسة ' WHERE vacancy_id = {vn}"
        ))
        .await
        .unwrap();
        Migrator::up(&db, None).await.unwrap();
        let left = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM vacancy_search WHERE vacancy_id = {vn}"),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(
            left,
            0,
            "[{}] the stale document stayed",
            database.backend()
        );
        db.close().await.ok();
        let app = TestApp::spawn(database, true).await;
        assert_eq!(
            search(&app, "vn 2023 005").await,
            [VN],
            "[{}]",
            app.backend()
        );
    }
}
