//! What a notice says beyond the basics, posted over GraphQL and read back everywhere it is
//! printed: a duty station that is a whole country, the deadline on the notice's own clock,
//! required and desirable lines, the working language, job family, department, contact for
//! reasonable accommodation, and the publication date the notice states.

use chrono::{Duration, NaiveDate, Utc};
use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::vacancy_writes::orion_like;

const CREATE: &str =
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
const PUBLISH: &str = "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id version publishedAt statedPublicationDate publicationDate } }";
const READ: &str = r#"query ($id: ID!) { vacancy(id: $id) {
    unit department jobFamily workingLanguage accommodationContact
    statedPublicationDate publishedAt publicationDate closingAt
    localClosing { date time endOfDay timeZone utcOffset at }
    dutyStations { city country countryName(language: "fr") }
    languages { language note }
    text(language: "fr") {
      experience skills
      experienceLines { text requirement }
      skillLines { text requirement }
    }
} }"#;

/// The day a month from now: a closing date in the future whatever day the tests run.
fn closing_date() -> NaiveDate {
    (Utc::now() + Duration::days(30)).date_naive()
}

/// An ORION-like notice based in Tunisia (no city) and Rabat, closing at the end of
/// `closing_date()` in Tunis (UTC+1 all year), with every detail this module covers.
async fn detailed(app: &TestApp, reference: &str) -> Value {
    let mut input = orion_like(app, reference).await;
    input["timeZone"] = json!("Africa/Tunis");
    input["closingDate"] = json!(closing_date().to_string());
    input["dutyStations"] = json!([{ "country": "TN" }, { "city": " Rabat ", "country": "MA" }]);
    input["unit"] = json!("MECC");
    input["department"] = json!("Migration et développement");
    input["jobFamily"] = json!("Finance");
    input["workingLanguage"] = json!("FR");
    input["accommodationContact"] = json!("iomrecrute@iom.int");
    input["statedPublicationDate"] = json!("2025-10-27");
    input["languages"][1]["note"] = json!("Maîtriser au moins une langue locale parlée au Maroc");
    input["texts"][0]["experienceLines"] = json!([
        { "text": "Expérience obligatoire minimum de 3 ans", "requirement": "REQUIRED" },
        { "text": "Précédente expérience dans le suivi de projet" },
        { "text": "Expérience avec des groupes vulnérables", "requirement": "DESIRABLE" },
    ]);
    input["texts"][0]["skillLines"] =
        json!([{ "text": "Connaissance de l'arabe", "requirement": "DESIRABLE" }]);
    input
}

/// Creates and publishes `input` as an IOM recruiter; returns the notice's global id.
async fn post(app: &TestApp, iom: &str, input: Value) -> (Value, Value) {
    let created = app.data_as(iom, CREATE, json!({ "input": input })).await;
    let id = created["createVacancy"]["id"].clone();
    let version = created["createVacancy"]["version"].clone();
    let published = app
        .data_as(iom, PUBLISH, json!({ "id": id, "version": version }))
        .await;
    (id, published["publishVacancy"].clone())
}

#[tokio::test]
async fn a_posted_notice_reads_back_as_it_was_written() {
    for app in TestApp::all_seeded().await {
        let backend = app.backend();
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let before = Utc::now();
        let (id, published) = post(&app, &iom, detailed(&app, "IOM-TN-DETAILS").await).await;

        // Published now, the notice keeps the date it states.
        let live = chrono::DateTime::parse_from_rfc3339(published["publishedAt"].as_str().unwrap())
            .unwrap();
        assert!(live >= before - Duration::seconds(1), "[{backend}] {live}");
        assert_eq!(published["statedPublicationDate"], "2025-10-27");
        assert_eq!(published["publicationDate"], "2025-10-27");

        let v = app.data(READ, json!({ "id": id })).await["vacancy"].clone();
        assert_eq!(v["unit"], "MECC");
        assert_eq!(v["department"], "Migration et développement");
        assert_eq!(v["jobFamily"], "Finance");
        assert_eq!(v["workingLanguage"], "fr");
        assert_eq!(v["accommodationContact"], "iomrecrute@iom.int");
        assert_eq!(
            v["dutyStations"],
            json!([
                { "city": null, "country": "TN", "countryName": "Tunisie" },
                { "city": "Rabat", "country": "MA", "countryName": "Maroc" },
            ]),
            "[{backend}]"
        );
        let day = closing_date();
        let next = day.succ_opt().unwrap();
        assert_eq!(v["closingAt"], format!("{day}T23:00:00+00:00"));
        assert_eq!(
            v["localClosing"],
            json!({
                "date": day.to_string(), "time": "24:00", "endOfDay": true,
                "timeZone": "Africa/Tunis", "utcOffset": "+01:00",
                "at": format!("{next}T00:00:00+01:00"),
            })
        );
        assert_eq!(
            v["languages"][1]["note"],
            "Maîtriser au moins une langue locale parlée au Maroc"
        );
        assert_eq!(v["languages"][0]["note"], Value::Null);
        let text = &v["text"];
        assert_eq!(
            text["experienceLines"],
            json!([
                { "text": "Expérience obligatoire minimum de 3 ans", "requirement": "REQUIRED" },
                { "text": "Précédente expérience dans le suivi de projet", "requirement": null },
                { "text": "Expérience avec des groupes vulnérables", "requirement": "DESIRABLE" },
            ])
        );
        assert_eq!(
            text["experience"][2],
            "Expérience avec des groupes vulnérables"
        );
        assert_eq!(
            text["skillLines"],
            json!([{ "text": "Connaissance de l'arabe", "requirement": "DESIRABLE" }])
        );
        assert_eq!(text["skills"], json!(["Connaissance de l'arabe"]));
    }
}

#[tokio::test]
async fn a_closing_time_within_the_day_and_no_stated_date_read_as_such() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = detailed(&app, "IOM-TN-FIVE-PM").await;
        input["closingTime"] = json!("17:00");
        input["statedPublicationDate"] = Value::Null;
        let (id, published) = post(&app, &iom, input).await;
        assert_eq!(published["statedPublicationDate"], Value::Null);
        // Without a stated date, the day it went live in the notice's zone.
        let today = (Utc::now() + Duration::hours(1)).date_naive().to_string();
        let yesterday = Utc::now().date_naive().to_string();
        let printed = published["publicationDate"].as_str().unwrap();
        assert!(printed == today || printed == yesterday, "{printed}");
        let v = app.data(READ, json!({ "id": id })).await["vacancy"].clone();
        assert_eq!(v["localClosing"]["date"], closing_date().to_string());
        assert_eq!(v["localClosing"]["time"], "17:00");
        assert_eq!(v["localClosing"]["endOfDay"], false, "[{}]", app.backend());
    }
}

#[tokio::test]
async fn bad_details_are_refused_with_the_field_named() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let base = detailed(&app, "IOM-TN-REFUSED").await;
        // (where, what, the field the refusal names)
        let cases: [(&str, &str, Value, &str); 4] = [
            (
                "/texts/0",
                "experience",
                json!(["plain too"]),
                "input.texts[0].experienceLines",
            ),
            (
                "",
                "workingLanguage",
                json!("French!"),
                "input.workingLanguage",
            ),
            (
                "/texts/0",
                "skillLines",
                json!([{ "text": "  ", "requirement": "REQUIRED" }]),
                "input.texts[0].skills[0].text",
            ),
            (
                "",
                "dutyStations",
                json!([{ "country": "Tunisie" }]),
                "input.dutyStations[0].country",
            ),
        ];
        for (pointer, key, value, field) in cases {
            let mut input = base.clone();
            input.pointer_mut(pointer).unwrap()[key] = value;
            let body = app
                .graphql_as(Some(&iom), CREATE, json!({ "input": input }))
                .await;
            let error = &body["errors"][0]["extensions"];
            assert_eq!(error["code"], "BAD_USER_INPUT", "{key}: {body}");
            assert_eq!(error["field"], field, "{key}: {body}");
        }
        // A recruiter of another agency cannot post on IOM's project: the details change
        // nothing to who may write.
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let body = app
            .graphql_as(Some(&ilo), CREATE, json!({ "input": base }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        // Nothing was written: IOM's own list, drafts included, does not have it.
        let none = app
            .data_as(
                &iom,
                "{ vacancies(filter: { search: \"IOM-TN-REFUSED\" }) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(none["vacancies"]["totalCount"], 0);
    }
}

#[tokio::test]
async fn the_posting_feed_facets_and_search_print_the_notices_place_and_deadline() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let (id, _) = post(&app, &iom, detailed(&app, "IOM-TN-PRINTED").await).await;
        let day = closing_date();
        let next = day.succ_opt().unwrap();

        // JSON-LD: the notice's clock, the stated date, a country without a locality.
        let posting = app
            .data(
                "query ($id: ID!) { vacancy(id: $id) { jobPosting } }",
                json!({ "id": id }),
            )
            .await["vacancy"]["jobPosting"]
            .clone();
        assert_eq!(posting["validThrough"], format!("{next}T00:00:00+01:00"));
        assert_eq!(posting["datePosted"], "2025-10-27");
        assert_eq!(
            posting["jobLocation"],
            json!([
                { "@type": "Place", "address": { "@type": "PostalAddress", "addressCountry": "TN" } },
                { "@type": "Place", "address": { "@type": "PostalAddress", "addressLocality": "Rabat", "addressCountry": "MA" } },
            ])
        );

        // Atom: the deadline as the notice says it, the country by its name.
        let feed = app
            .client
            .get(app.url("/feeds/vacancies.atom"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let entry = feed
            .split("<entry>")
            .find(|e| e.contains("IOM-TN-PRINTED"))
            .unwrap_or_else(|| panic!("{feed}"));
        assert!(
            entry.contains(&format!("closes {day} 24:00 (Africa/Tunis)")),
            "{entry}"
        );
        assert!(entry.contains("Tunisia (TN), Rabat (MA)"), "{entry}");

        // Facets: the country-only station is a bucket of its own.
        let facets = app
            .data(
                "{ vacancies(filter: { openOnly: true }) { facets { dutyStations { city country count } } } }",
                json!({}),
            )
            .await;
        let stations = facets["vacancies"]["facets"]["dutyStations"]
            .as_array()
            .unwrap();
        assert!(
            stations.contains(&json!({ "city": null, "country": "TN", "count": 1 })),
            "[{}] {stations:?}",
            app.backend()
        );

        // Search finds it by the country's name, its department and its job family.
        for words in ["Tunisie", "Migration et développement", "Finance"] {
            let found = app
                .data(
                    "query ($q: String!) { vacancies(filter: { search: $q, openOnly: true }) { edges { node { reference } } } }",
                    json!({ "q": words }),
                )
                .await;
            let references: Vec<&str> = found["vacancies"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["reference"].as_str().unwrap())
                .collect();
            assert!(
                references.contains(&"IOM-TN-PRINTED"),
                "{words}: {references:?}"
            );
        }
    }
}

#[tokio::test]
async fn alerts_mail_the_deadline_as_the_notice_writes_it() {
    for (app, smtp) in TestApp::all_seeded_with_smtp().await {
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let email = app.data_as(&candidate, "{ me { email } }", json!({})).await["me"]["email"]
            .as_str()
            .unwrap()
            .to_owned();
        app.data_as(
            &candidate,
            "mutation ($input: SavedSearchInput!) { saveSearch(input: $input) { id } }",
            json!({ "input": { "name": "IOM", "filter": { "organisation": "IOM" }, "alert": "INSTANT" } }),
        )
        .await;
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        post(&app, &iom, detailed(&app, "IOM-TN-MAILED").await).await;
        let text = smtp.first_to(&email).await.text();
        assert!(
            text.contains(&format!("{} 24:00 (Africa/Tunis)", closing_date())),
            "[{}] {text}",
            app.backend()
        );
        assert!(text.contains("Tunisia (TN), Rabat (MA)"), "{text}");
    }
}

#[tokio::test]
async fn competencies_can_be_functional_with_labels_in_three_languages() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let iom = app
            .data("{ organisation(acronym: \"IOM\") { id } }", json!({}))
            .await["organisation"]["id"]
            .clone();
        let input = json!({ "input": {
            "organisationId": iom, "code": "BUDGETING", "kind": "FUNCTIONAL",
            "nameEn": "Budgeting", "nameFr": "Budgétisation",
        } });
        let create = "mutation ($input: CreateCompetencyInput!) { createCompetency(input: $input) { kind } }";
        let created = app.data_as(&admin, create, input.clone()).await;
        assert_eq!(created["createCompetency"]["kind"], "FUNCTIONAL");
        // A candidate may not add to a framework, whatever its kind.
        let candidate = app.sign_in_as(Role::Candidate, None).await;
        assert_eq!(
            app.error_code_as(Some(&candidate), create, input).await,
            "FORBIDDEN"
        );
        for (language, label) in [
            ("en", "Functional competency"),
            ("fr", "Compétence fonctionnelle"),
            ("ar", "كفاءة وظيفية"),
        ] {
            let labels = app
                .data(
                    "query ($l: String!) { labels(language: $l, kinds: [COMPETENCY_KIND]) { code label } }",
                    json!({ "l": language }),
                )
                .await;
            assert!(
                labels["labels"]
                    .as_array()
                    .unwrap()
                    .contains(&json!({ "code": "FUNCTIONAL", "label": label })),
                "{language}: {labels}"
            );
        }
    }
}

#[tokio::test]
async fn an_imported_notice_keeps_its_details_and_importing_it_again_changes_nothing() {
    const IMPORT: &str = "mutation ($input: VacancyInput!) { importVacancy(input: $input) { result vacancy { statedPublicationDate publishedAt localClosing { date time } text(language: \"fr\") { experienceLines { requirement } } } } }";
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = detailed(&app, "IOM-TN-IMPORTED").await;
        let first =
            app.data_as(&iom, IMPORT, json!({ "input": input })).await["importVacancy"].clone();
        assert_eq!(first["result"], "CREATED");
        let imported = &first["vacancy"];
        assert_eq!(imported["statedPublicationDate"], "2025-10-27");
        assert_eq!(imported["publishedAt"], Value::Null);
        assert_eq!(imported["localClosing"]["time"], "24:00");
        let again = app.data_as(&iom, IMPORT, json!({ "input": input })).await;
        assert_eq!(
            again["importVacancy"]["result"],
            "UNCHANGED",
            "[{}]",
            app.backend()
        );
        // A line's requirement is part of the notice: changing it alone is an update.
        input["texts"][0]["experienceLines"][1]["requirement"] = json!("REQUIRED");
        let changed = app.data_as(&iom, IMPORT, json!({ "input": input })).await;
        assert_eq!(changed["importVacancy"]["result"], "UPDATED");
        assert_eq!(
            changed["importVacancy"]["vacancy"]["text"]["experienceLines"][1]["requirement"],
            "REQUIRED"
        );
    }
}
