use serde_json::{json, Value};

use crate::helpers::TestApp;

const VACANCY: &str = r#"
query ($org: String!, $ref: String!) {
  vacancy(organisation: $org, reference: $ref) {
    reference externalJobId title authoritativeLanguage unit department jobFamily
    workingLanguage accommodationContact statedPublicationDate publicationDate
    localClosing { date time endOfDay timeZone utcOffset at }
    grade gradeCategory contractType durationMonths renewable positions
    openToInternal openToExternal internalFirst residency
    timeZone publishedAt closingAt startAsap status isOpen
    applyEmail applyEmailSubject
    organisation { acronym }
    project { code }
    projects { code }
    dutyStations { city country countryName(language: "fr") }
    languages { language level requirement oneOfGroup note }
    qualificationPaths { educationLevel minYearsExperience fields }
    competencies { level requirement competency { code kind } }
    requiredDocuments { kind count }
    text {
      language responsibilities conditions
      experienceLines { text requirement }
      skillLines { text requirement }
    }
  }
}"#;

async fn vacancy(app: &TestApp, org: &str, reference: &str) -> Value {
    app.data(VACANCY, json!({ "org": org, "ref": reference }))
        .await["vacancy"]
        .clone()
}

#[tokio::test]
async fn the_2023_iom_project_assistant_notice_matches_field_by_field() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "OIM", "VN 2023/005").await;
        assert_eq!(v["title"], "Assistant de Projet");
        assert_eq!(v["organisation"]["acronym"], "IOM");
        assert_eq!(v["project"]["code"], "MPTF");
        assert_eq!(v["grade"], "G5");
        assert_eq!(v["gradeCategory"], "GENERAL_SERVICE");
        assert_eq!(v["contractType"], "FIXED_TERM");
        assert_eq!(v["durationMonths"], 12);
        assert_eq!(v["renewable"], true);
        assert_eq!(v["internalFirst"], true);
        assert_eq!(v["residency"], "DUTY_STATION_OR_NEIGHBOURING");
        assert_eq!(
            v["dutyStations"],
            json!([{ "city": "Rabat", "country": "MA", "countryName": "Maroc" }])
        );
        assert_eq!(v["timeZone"], "Africa/Casablanca");
        // "Date de clôture : 7 Septembre 2023": the end of that day in Rabat (UTC+1).
        assert_eq!(v["closingAt"], "2023-09-07T23:00:00+00:00");
        assert_eq!(v["publishedAt"], "2023-08-23T23:00:00+00:00");
        assert_eq!(v["startAsap"], true);
        assert_eq!(v["status"], "CLOSED");
        assert_eq!(v["isOpen"], false);
        assert_eq!(v["applyEmail"], "oimrecrute@iom.int");
        assert_eq!(v["applyEmailSubject"], "Assistant de Projet");
        assert_eq!(
            v["languages"],
            json!([
                { "language": "fr", "level": "EXCELLENT", "requirement": "REQUIRED", "oneOfGroup": null, "note": null },
                { "language": "en", "level": "EXCELLENT", "requirement": "REQUIRED", "oneOfGroup": null, "note": null },
                { "language": "ary", "level": null, "requirement": "DESIRABLE", "oneOfGroup": 1, "note": null },
                { "language": "ar", "level": null, "requirement": "DESIRABLE", "oneOfGroup": 1, "note": null },
            ])
        );
        let paths = v["qualificationPaths"].as_array().unwrap();
        assert_eq!(paths.len(), 1);
        assert_eq!(paths[0]["educationLevel"], "BACHELOR");
        assert_eq!(paths[0]["minYearsExperience"], 3);
        let competencies = v["competencies"].as_array().unwrap();
        assert_eq!(competencies.len(), 8);
        assert!(competencies
            .iter()
            .any(|c| c["competency"]["code"] == "TEAMWORK" && c["level"] == 1));
        assert!(v["requiredDocuments"]
            .as_array()
            .unwrap()
            .contains(&json!({ "kind": "REFERENCES", "count": 2 })));
        assert_eq!(v["text"]["responsibilities"].as_array().unwrap().len(), 10);
        // "Expérience obligatoire …", "Obligatoire connaissance …", "… comme une valeur ajoutée".
        let requirements: Vec<&Value> = v["text"]["experienceLines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| &l["requirement"])
            .collect();
        assert_eq!(
            requirements,
            [
                &json!("REQUIRED"),
                &json!("REQUIRED"),
                &Value::Null,
                &json!("DESIRABLE")
            ]
        );
        assert!(v["text"]["experienceLines"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Expérience obligatoire minimum de 3 ans"));
        assert_eq!(v["text"]["skillLines"].as_array().unwrap().len(), 6);
        assert_eq!(v["statedPublicationDate"], "2023-08-24");
        assert_eq!(
            v["localClosing"],
            json!({
                "date": "2023-09-07", "time": "24:00", "endOfDay": true,
                "timeZone": "Africa/Casablanca", "utcOffset": "+01:00",
                "at": "2023-09-08T00:00:00+01:00",
            })
        );
    }
}

#[tokio::test]
async fn the_six_seeded_posts_are_public_and_closed_on_their_real_dates() {
    // (organisation, reference, publishedAt, closingAt): each notice's own dates, at the start
    // and the end of the day in its time zone; the AVRR terms of reference state neither.
    let posts = [
        (
            "IOM",
            "VN 2023/005",
            json!("2023-08-23T23:00:00+00:00"),
            json!("2023-09-07T23:00:00+00:00"),
        ),
        (
            "ILO",
            "ALG/DC/P/2025/03",
            json!("2025-05-13T22:00:00+00:00"),
            json!("2025-06-03T22:00:00+00:00"),
        ),
        (
            "IOM",
            "IOM-MA-2025-LMI",
            json!("2025-10-26T23:00:00+00:00"),
            json!("2025-11-10T23:00:00+00:00"),
        ),
        (
            "IOM",
            "IOM-TN-2025-MECC",
            json!("2025-10-26T23:00:00+00:00"),
            json!("2025-11-10T23:00:00+00:00"),
        ),
        (
            "IOM",
            "IOM-MA-2019-ORION",
            Value::Null,
            json!("2019-07-31T23:00:00+00:00"),
        ),
        ("IOM", "IOM-MA-AVRR-INTERN", Value::Null, Value::Null),
    ];
    for app in TestApp::all_seeded().await {
        for (org, reference, published_at, closing_at) in &posts {
            // Read anonymously: a post the public cannot see would be null.
            let v = vacancy(&app, org, reference).await;
            assert_eq!(
                v["reference"],
                *reference,
                "[{}] {reference}",
                app.backend()
            );
            assert_eq!(v["status"], "CLOSED", "{reference}");
            assert_eq!(v["isOpen"], false, "{reference}");
            assert_eq!(v["publishedAt"], *published_at, "{reference}");
            assert_eq!(v["closingAt"], *closing_at, "{reference}");
        }
    }
}

#[tokio::test]
async fn the_ilo_wafira_notice_closes_at_midnight_geneva_time() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "BIT", "ALG/DC/P/2025/03").await;
        assert_eq!(v["organisation"]["acronym"], "ILO");
        assert_eq!(v["project"]["code"], "WAFIRA II");
        assert_eq!(v["externalJobId"], "12986");
        assert_eq!(v["grade"], "P4");
        assert_eq!(v["gradeCategory"], "PROFESSIONAL");
        assert_eq!(v["durationMonths"], 12);
        assert_eq!(v["renewable"], true);
        assert_eq!(v["unit"], "BP-Alger");
        assert_eq!(
            v["dutyStations"],
            json!([{ "city": "Rabat", "country": "MA", "countryName": "Maroc" }])
        );
        assert_eq!(v["timeZone"], "Europe/Zurich");
        assert_eq!(v["closingAt"], "2025-06-03T22:00:00+00:00");
        assert_eq!(v["publishedAt"], "2025-05-13T22:00:00+00:00");
        // "Date de clôture (minuit, heure de Genève): 3 juin 2025", as the notice says it.
        assert_eq!(
            v["localClosing"],
            json!({
                "date": "2025-06-03", "time": "24:00", "endOfDay": true,
                "timeZone": "Europe/Zurich", "utcOffset": "+02:00",
                "at": "2025-06-04T00:00:00+02:00",
            })
        );
        // "Date de publication: 14 mai 2025".
        assert_eq!(v["statedPublicationDate"], "2025-05-14");
        assert_eq!(v["publicationDate"], "2025-05-14");
        // "Départment: BR-Afrique", "Unité: BP-Alger", "Tags: finance".
        assert_eq!(v["department"], "BR-Afrique");
        assert_eq!(v["jobFamily"], "Finance");
        assert_eq!(v["accommodationContact"], "ilojobs@ilo.org");
        assert_eq!(v["workingLanguage"], Value::Null);
    }
}

#[tokio::test]
async fn the_thamm_notice_has_two_qualification_paths() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "IOM", "IOM-MA-2025-LMI").await;
        assert_eq!(v["project"]["code"], "THAMM+");
        // The LMI portfolio is "principalement THAMM+ et Y-MED".
        assert_eq!(
            v["projects"],
            json!([{ "code": "THAMM+" }, { "code": "Y-MED" }])
        );
        let paths: Vec<(String, i64)> = v["qualificationPaths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["educationLevel"].as_str().unwrap().to_owned(),
                    p["minYearsExperience"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            paths,
            [("SECONDARY".to_owned(), 7), ("BACHELOR".to_owned(), 5)]
        );
        assert_eq!(v["closingAt"], "2025-11-10T23:00:00+00:00");
        let languages = &v["languages"];
        assert_eq!(
            languages[0],
            json!({ "language": "en", "level": "FLUENT", "requirement": "REQUIRED", "oneOfGroup": null, "note": null })
        );
        assert_eq!(
            languages[2],
            json!({ "language": "ar", "level": "WORKING", "requirement": "DESIRABLE", "oneOfGroup": null, "note": null })
        );
        // "Lieu du Travail : Maroc/Tunisie": the country, no city.
        assert_eq!(
            v["dutyStations"],
            json!([{ "city": null, "country": "MA", "countryName": "Maroc" }])
        );
        // "… préférée" and "… serait un avantage" are desirable; the others do not say.
        let desirable: Vec<usize> = v["text"]["experienceLines"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, l)| l["requirement"] == "DESIRABLE")
            .map(|(i, _)| i)
            .collect();
        assert_eq!(desirable, [3, 5]);
        assert_eq!(v["text"]["experienceLines"][0]["requirement"], Value::Null);
        assert_eq!(v["statedPublicationDate"], "2025-10-27");
        assert_eq!(v["localClosing"]["date"], "2025-11-10");
        assert_eq!(v["localClosing"]["time"], "24:00");
    }
}

#[tokio::test]
async fn the_mecc_post_is_based_in_tunisia_without_a_city() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "IOM", "IOM-TN-2025-MECC").await;
        assert_eq!(
            v["dutyStations"],
            json!([{ "city": null, "country": "TN", "countryName": "Tunisie" }]),
            "[{}]",
            app.backend()
        );
        assert_eq!(v["timeZone"], "Africa/Tunis");
        assert_eq!(
            v["localClosing"],
            json!({
                "date": "2025-11-10", "time": "24:00", "endOfDay": true,
                "timeZone": "Africa/Tunis", "utcOffset": "+01:00",
                "at": "2025-11-11T00:00:00+01:00",
            })
        );
    }
}

#[tokio::test]
async fn the_avrr_internship_works_in_french_and_states_no_dates() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "IOM", "IOM-MA-AVRR-INTERN").await;
        // "Arabe, Français (langue de travail), Anglais."
        assert_eq!(v["workingLanguage"], "fr", "[{}]", app.backend());
        assert_eq!(v["statedPublicationDate"], Value::Null);
        assert_eq!(v["localClosing"], Value::Null);
    }
}

#[tokio::test]
async fn the_orion_notice_accepts_any_one_local_language() {
    for app in TestApp::all_seeded().await {
        let v = vacancy(&app, "IOM", "IOM-MA-2019-ORION").await;
        assert_eq!(v["grade"], "G6");
        assert_eq!(v["project"]["code"], "ORION");
        assert_eq!(v["closingAt"], "2019-07-31T23:00:00+00:00");
        let local: Vec<&Value> = v["languages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["oneOfGroup"] == 1)
            .collect();
        let codes: Vec<&str> = local
            .iter()
            .map(|l| l["language"].as_str().unwrap())
            .collect();
        // "Maîtriser au moins une langue locale parlée au Maroc": any one of them, in the
        // notice's own words.
        assert_eq!(codes, ["ary", "zgh", "tzm", "shi", "rif", "mey"]);
        assert!(local.iter().all(|l| l["requirement"] == "REQUIRED"));
        assert!(local
            .iter()
            .all(|l| l["note"] == "Maîtriser au moins une langue locale parlée au Maroc"));
        // "31 juillet 2019 à minuit", in Rabat.
        assert_eq!(v["localClosing"]["date"], "2019-07-31");
        assert_eq!(v["localClosing"]["time"], "24:00");
        assert_eq!(v["localClosing"]["endOfDay"], true);
        assert_eq!(v["statedPublicationDate"], Value::Null);
        assert_eq!(v["qualificationPaths"][0]["minYearsExperience"], 4);
    }
}

#[tokio::test]
async fn projects_carry_their_partners_and_roles() {
    for app in TestApp::all_seeded().await {
        let query = "query ($code: String!) { project(code: $code) { code leadOrganisation { acronym } countries partners { role organisation { acronym } } } }";
        let mptf = app.data(query, json!({ "code": "MPTF" })).await;
        let partners: Vec<(String, String)> = mptf["project"]["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["organisation"]["acronym"].as_str().unwrap().to_owned(),
                    p["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(partners.contains(&("IOM".into(), "CONVENING".into())));
        for agency in ["UNHCR", "UNICEF", "UNFPA"] {
            assert!(
                partners.contains(&(agency.into(), "PARTICIPATING".into())),
                "{agency}"
            );
        }

        let wafira = app.data(query, json!({ "code": "wafira ii" })).await;
        assert_eq!(wafira["project"]["leadOrganisation"]["acronym"], "ILO");
        let roles: Vec<(String, String)> = wafira["project"]["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["organisation"]["acronym"].as_str().unwrap().to_owned(),
                    p["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(roles.contains(&("MISSM".into(), "LEAD".into())));
        assert!(roles.contains(&("EC".into(), "DONOR".into())));
        // The European Commission funds the Mobility Partnership Facility; ICMPD manages it.
        assert!(roles.contains(&("ICMPD".into(), "FUND_MANAGER".into())));
        assert!(!roles.contains(&("ICMPD".into(), "DONOR".into())));

        // THAMM+ "sera coordonné avec … l’OIT, la GIZ, l’OFII et ENABEL".
        let thamm = app.data(query, json!({ "code": "THAMM+" })).await;
        let roles: Vec<(String, String)> = thamm["project"]["partners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["organisation"]["acronym"].as_str().unwrap().to_owned(),
                    p["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        for (org, role) in [
            ("IOM", "IMPLEMENTING"),
            ("EU", "DONOR"),
            ("ILO", "COORDINATING"),
            ("GIZ", "COORDINATING"),
            ("OFII", "COORDINATING"),
            ("ENABEL", "COORDINATING"),
        ] {
            assert!(roles.contains(&(org.into(), role.into())), "{org} {role}");
        }
    }
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    for app in TestApp::all_seeded().await {
        let report = jobboard::seed::load_demo(&app.db)
            .await
            .expect("second seed");
        assert_eq!(
            report,
            jobboard::seed::SeedReport::default(),
            "{}",
            app.backend()
        );
        let counts = app
            .data("{ organisations { totalCount } projects { totalCount } competencies { totalCount } }", json!({}))
            .await;
        assert_eq!(counts["organisations"]["totalCount"], 18);
        assert_eq!(counts["projects"]["totalCount"], 6);
        assert_eq!(counts["competencies"]["totalCount"], 17);
    }
}

#[tokio::test]
async fn anonymous_vacancies_lists_all_six_real_posts() {
    // A past deadline means CLOSED, not hidden: the AVRR internship, which states no dates,
    // is listed like the five others.
    for app in TestApp::all_seeded().await {
        let list = app
            .data(
                "{ vacancies(first: 20) { totalCount edges { node { reference status isSample } } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            list["vacancies"]["totalCount"],
            6,
            "[{}] {list}",
            app.backend()
        );
        let mut references: Vec<&str> = list["vacancies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_eq!(e["node"]["status"], "CLOSED");
                assert_eq!(e["node"]["isSample"], false);
                e["node"]["reference"].as_str().unwrap()
            })
            .collect();
        references.sort_unstable();
        assert_eq!(
            references,
            [
                "ALG/DC/P/2025/03",
                "IOM-MA-2019-ORION",
                "IOM-MA-2025-LMI",
                "IOM-MA-AVRR-INTERN",
                "IOM-TN-2025-MECC",
                "VN 2023/005"
            ]
        );
    }
}
