use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn organisations_are_found_by_any_acronym() {
    for app in TestApp::all_seeded().await {
        let query = "query ($a: String!) { organisation(acronym: $a) { acronym nameFr kind } }";
        for (acronym, canonical) in [
            ("OIM", "IOM"),
            ("iom", "IOM"),
            ("BIT", "ILO"),
            ("OIT", "ILO"),
            ("HCR", "UNHCR"),
        ] {
            let data = app.data(query, json!({ "a": acronym })).await;
            assert_eq!(data["organisation"]["acronym"], canonical, "{acronym}");
        }
        let ilo = app.data(query, json!({ "a": "ILO" })).await;
        assert_eq!(ilo["organisation"]["kind"], "UN_AGENCY");
        assert_eq!(
            ilo["organisation"]["nameFr"],
            "Organisation internationale du Travail"
        );
        assert_eq!(
            app.error_code(query, json!({ "a": "NOPE" })).await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code("{ organisation { acronym } }", json!({}))
                .await,
            "BAD_USER_INPUT"
        );
    }
}

#[tokio::test]
async fn every_relation_is_reachable_both_ways() {
    for app in TestApp::all_seeded().await {
        let data = app
            .data(
                r#"{
                  organisation(acronym: "IOM") {
                    offices { city country }
                    projectsLed { code }
                    partnerships { role project { code } }
                    projects(first: 10) { totalCount edges { node { code vacancies(first: 5) { edges { node { reference organisation { acronym } } } } } } }
                    competencies(first: 50) { totalCount edges { node { code vacancies(first: 1) { totalCount } } } }
                    vacancies { totalCount }
                  }
                }"#,
                json!({}),
            )
            .await;
        let iom = &data["organisation"];
        assert!(iom["offices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["city"] == "Rabat"));
        assert_eq!(iom["vacancies"]["totalCount"], 5);
        assert_eq!(iom["competencies"]["totalCount"], 17);
        assert!(iom["partnerships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["role"] == "CONVENING" && p["project"]["code"] == "MPTF"));
        let orion = iom["projects"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["code"] == "ORION")
            .expect("IOM leads ORION");
        assert_eq!(
            orion["node"]["vacancies"]["edges"][0]["node"]["reference"],
            "IOM-MA-2019-ORION"
        );
        let teamwork = iom["competencies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["code"] == "TEAMWORK")
            .expect("IOM's framework has teamwork");
        assert_eq!(teamwork["node"]["vacancies"]["totalCount"], 1);

        let unhcr = app
            .data("{ organisation(acronym: \"UNHCR\") { partnerships { role project { code leadOrganisation { acronym } } } } }", json!({}))
            .await;
        assert_eq!(
            unhcr["organisation"]["partnerships"],
            json!([{ "role": "PARTICIPATING", "project": { "code": "MPTF", "leadOrganisation": { "acronym": "IOM" } } }])
        );
    }
}

#[tokio::test]
async fn node_refetches_every_kind_of_object() {
    for app in TestApp::all_seeded().await {
        let ids = app
            .data("{ organisation(acronym: \"ILO\") { id } project(code: \"ORION\") { id } competencies(first: 1) { edges { node { id code } } } }", json!({}))
            .await;
        let query = "query ($id: ID!) { node(id: $id) { id __typename } }";
        for (id, typename) in [
            (&ids["organisation"]["id"], "Organisation"),
            (&ids["project"]["id"], "Project"),
            (&ids["competencies"]["edges"][0]["node"]["id"], "Competency"),
        ] {
            let node = app.data(query, json!({ "id": id })).await;
            assert_eq!(node["node"]["__typename"], typename);
            assert_eq!(&node["node"]["id"], id);
        }
        assert_eq!(
            app.error_code(query, json!({ "id": "bm9wZQ" })).await,
            "BAD_USER_INPUT"
        );
    }
}

#[tokio::test]
async fn competencies_carry_their_indicators() {
    for app in TestApp::all_seeded().await {
        let data = app
            .data("{ competencies(first: 100, filter: { kind: VALUE }) { totalCount edges { node { code organisation { acronym } } } } }", json!({}))
            .await;
        assert_eq!(data["competencies"]["totalCount"], 3);
        let all = app.data("{ competencies(first: 100) { edges { node { code indicators(level: 1) { level language text } } } } }", json!({})).await;
        let teamwork = all["competencies"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["code"] == "TEAMWORK")
            .unwrap();
        let indicator = &teamwork["node"]["indicators"][0];
        assert_eq!(indicator["level"], 1);
        assert_eq!(indicator["language"], "fr");
    }
}
