use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;

fn label<'a>(labels: &'a Value, kind: &str, code: &str) -> &'a str {
    labels
        .as_array()
        .and_then(|all| all.iter().find(|l| l["kind"] == kind && l["code"] == code))
        .and_then(|l| l["label"].as_str())
        .unwrap_or_else(|| panic!("no label for {kind} {code} in {labels}"))
}

#[tokio::test]
async fn labels_come_in_english_french_and_arabic() {
    for app in TestApp::all_seeded().await {
        let query = "query ($l: String!) { labels(language: $l) { kind code label } }";
        let ar = app.data(query, json!({ "l": "ar" })).await["labels"].take();
        assert_eq!(
            label(&ar, "APPLICATION_STATUS", "REJECTED"),
            "لم يتم اختياره"
        );
        assert_eq!(label(&ar, "REQUIREMENT", "DESIRABLE"), "مرغوب فيه");
        assert_eq!(label(&ar, "COUNTRY", "MA"), "المغرب");
        assert_eq!(label(&ar, "LANGUAGE", "fr"), "الفرنسية");

        let fr = app.data(query, json!({ "l": "FR" })).await["labels"].take();
        assert_eq!(label(&fr, "APPLICATION_STATUS", "REJECTED"), "Non retenue");
        assert_eq!(
            label(&fr, "GRADE_CATEGORY", "NATIONAL_OFFICER"),
            "Administrateur recruté sur le plan national"
        );
        assert_eq!(label(&fr, "COUNTRY", "TN"), "Tunisie");
        assert_eq!(ar.as_array().map(Vec::len), fr.as_array().map(Vec::len));

        // A language without labels reads English, as notice texts do.
        let es = app.data(query, json!({ "l": "es" })).await["labels"].take();
        assert_eq!(label(&es, "VACANCY_STATUS", "CLOSED"), "Closed");

        let only = app
            .data(
                "{ labels(language: \"en\", kinds: [REQUIREMENT]) { kind code label } }",
                json!({}),
            )
            .await;
        assert_eq!(only["labels"].as_array().map(Vec::len), Some(2), "{only}");
    }
}

#[tokio::test]
async fn a_malformed_language_is_bad_user_input_naming_language() {
    for app in TestApp::all_seeded().await {
        let body = app
            .graphql("{ labels(language: \"french\") { code } }", json!({}))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "language",
            "{body}"
        );
    }
}

#[tokio::test]
async fn duty_stations_and_languages_name_themselves_in_a_language() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        let data = app
            .data_as(
                &admin,
                "{ vacancy(organisation: \"IOM\", reference: \"VN 2023/005\") {
                    dutyStations { country countryName(language: \"ar\") fr: countryName(language: \"fr\") }
                    languages { language languageName(language: \"fr\") en: languageName }
                } }",
                json!({}),
            )
            .await;
        let vacancy = &data["vacancy"];
        assert_eq!(
            vacancy["dutyStations"][0]["countryName"], "المغرب",
            "{data}"
        );
        assert_eq!(vacancy["dutyStations"][0]["fr"], "Maroc", "{data}");
        let darija = vacancy["languages"]
            .as_array()
            .and_then(|all| all.iter().find(|l| l["language"] == "ary"))
            .unwrap_or_else(|| panic!("no Darija in {data}"));
        assert_eq!(darija["languageName"], "Arabe marocain (darija)");
        assert_eq!(darija["en"], "Moroccan Arabic (Darija)");
    }
}
