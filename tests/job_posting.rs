//! The schema.org `JobPosting` of a vacancy: Google for Jobs' required properties and the
//! recommended ones the notice fills, the same through GraphQL and `jobposting.json`.

use jobboard::domain::Role;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::vacancy_writes::orion_like;

const BY_REF: &str = "query ($org: String!, $ref: String!) { vacancy(organisation: $org, reference: $ref) { id closingAt jobPosting } }";
const CREATE: &str =
    "mutation ($input: VacancyInput!) { createVacancy(input: $input) { id version } }";
const PUBLISH: &str =
    "mutation ($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id } }";

/// GETs the posting route, with a token or none; returns the status, content type and body.
async fn fetch(app: &TestApp, id: &str, token: Option<&str>) -> (u16, String, String) {
    let mut request = app
        .client
        .get(app.url(&format!("/vacancies/{id}/jobposting.json")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

/// Google's required properties: title, description, datePosted, hiringOrganization with a
/// name, jobLocation with an address, and validThrough when the notice has a deadline.
fn assert_google_required(posting: &Value, closing_at: &Value) {
    assert_eq!(posting["@context"], "https://schema.org/");
    assert_eq!(posting["@type"], "JobPosting");
    assert!(!posting["title"].as_str().unwrap().is_empty(), "{posting}");
    let description = posting["description"].as_str().unwrap();
    assert!(description.starts_with('<'), "{description}");
    // The date the notice states (`2023-08-24`), else the instant it went live.
    let posted = posting["datePosted"].as_str().unwrap();
    assert!(
        chrono::NaiveDate::parse_from_str(posted, "%Y-%m-%d").is_ok()
            || chrono::DateTime::parse_from_rfc3339(posted).is_ok(),
        "datePosted is ISO 8601: {posted}"
    );
    assert!(!posting["hiringOrganization"]["name"]
        .as_str()
        .unwrap()
        .is_empty());
    let places = posting["jobLocation"].as_array().unwrap();
    assert!(!places.is_empty());
    for place in places {
        assert_eq!(place["@type"], "Place");
        assert_eq!(place["address"]["@type"], "PostalAddress");
        assert!(place["address"]["addressLocality"].is_string());
        assert_eq!(
            place["address"]["addressCountry"].as_str().unwrap().len(),
            2
        );
    }
    let valid = chrono::DateTime::parse_from_rfc3339(posting["validThrough"].as_str().unwrap())
        .expect("validThrough is ISO 8601");
    let closing = chrono::DateTime::parse_from_rfc3339(closing_at.as_str().unwrap()).unwrap();
    assert_eq!(valid, closing);
}

#[tokio::test]
async fn demo_notices_carry_googles_required_and_recommended_properties() {
    for app in TestApp::all_seeded().await {
        let data = app
            .data(BY_REF, json!({ "org": "IOM", "ref": "VN 2023/005" }))
            .await;
        let vn = &data["vacancy"];
        let posting = &vn["jobPosting"];
        assert_google_required(posting, &vn["closingAt"]);
        assert_eq!(posting["title"], "Assistant de Projet");
        // "Période de publication" from 24 August 2023, as the notice states it.
        assert_eq!(posting["datePosted"], "2023-08-24");
        // "7 Septembre 2023", the end of that day in Rabat.
        assert_eq!(posting["validThrough"], "2023-09-08T00:00:00+01:00");
        assert_eq!(
            posting["identifier"],
            json!({ "@type": "PropertyValue", "name": "IOM", "value": "VN 2023/005" })
        );
        assert_eq!(posting["employmentType"], "FULL_TIME");
        let org = &posting["hiringOrganization"];
        assert_eq!(org["@type"], "Organization");
        assert_eq!(org["sameAs"], "https://www.iom.int");
        assert_eq!(org["alternateName"], "IOM");
        assert_eq!(
            posting["jobLocation"][0]["address"],
            json!({ "@type": "PostalAddress", "addressLocality": "Rabat", "addressCountry": "MA" })
        );
        // Residence in Morocco or a neighbouring country.
        let countries: Vec<&str> = posting["applicantLocationRequirements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert_eq!(c["@type"], "Country");
                c["name"].as_str().unwrap()
            })
            .collect();
        assert_eq!(countries[0], "MA");
        assert!(
            countries.contains(&"DZ") && countries.contains(&"ES"),
            "{countries:?}"
        );
        assert!(
            posting.get("jobLocationType").is_none(),
            "not a remote post"
        );
        assert_eq!(
            posting["educationRequirements"],
            json!({ "@type": "EducationalOccupationalCredential", "credentialCategory": "bachelor degree" })
        );
        assert_eq!(
            posting["experienceRequirements"],
            json!({ "@type": "OccupationalExperienceRequirements", "monthsOfExperience": 36 })
        );
        for text in ["qualifications", "responsibilities", "skills"] {
            assert!(!posting[text].as_str().unwrap().is_empty(), "{text}");
        }
        assert!(posting["responsibilities"]
            .as_str()
            .unwrap()
            .starts_with("Coordonner avec l’Assistant Senior"));
        let description = posting["description"].as_str().unwrap();
        assert!(
            description.contains("<h3>Responsabilités</h3>"),
            "{description}"
        );
        assert!(description.contains("<li>Coordonner avec"));
        // Closed: no longer takes applications.
        assert_eq!(posting["directApply"], false);

        // The route serves the same document, as JSON-LD, to anyone.
        let id = vn["id"].as_str().unwrap();
        let (status, kind, body) = fetch(&app, id, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(kind, "application/ld+json");
        let served: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(&served, posting);

        // The ORION terms of reference: no residency rule, no contract type.
        let data = app
            .data(BY_REF, json!({ "org": "OIM", "ref": "IOM-MA-2019-ORION" }))
            .await;
        let orion = &data["vacancy"];
        let posting = &orion["jobPosting"];
        assert_google_required(posting, &orion["closingAt"]);
        assert_eq!(posting["title"], "Assistant à la réintégration (ORION)");
        assert!(posting.get("applicantLocationRequirements").is_none());
        assert!(posting.get("employmentType").is_none());
        assert_eq!(posting["experienceRequirements"]["monthsOfExperience"], 48);
        assert_eq!(posting["identifier"]["value"], "IOM-MA-2019-ORION");
    }
}

#[tokio::test]
async fn notice_text_is_escaped_in_the_html_description_and_open_notices_take_direct_applications()
{
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = orion_like(&app, "IOM-ESCAPE-1").await;
        input["texts"][0]["context"] =
            json!("Tom & Jerry <script>alert(1)</script>\n\nSecond paragraph");
        input["texts"][0]["responsibilities"] = json!(["<b>bold</b> claims"]);
        input["contractType"] = json!("CONSULTANCY");
        // "A secondary diploma with 7 years, or a bachelor's with 5": two paths.
        input["qualificationPaths"] = json!([
            { "educationLevel": "SECONDARY", "minYearsExperience": 7 },
            { "educationLevel": "BACHELOR", "minYearsExperience": 5, "fields": ["droit"] }
        ]);
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let id = created["createVacancy"]["id"].clone();
        let version = created["createVacancy"]["version"].clone();
        app.data_as(&iom, PUBLISH, json!({ "id": id, "version": version }))
            .await;

        let (status, _, body) = fetch(&app, id.as_str().unwrap(), None).await;
        assert_eq!(status, 200, "{body}");
        let posting: Value = serde_json::from_str(&body).unwrap();
        let description = posting["description"].as_str().unwrap();
        assert!(!description.contains("<script>"), "{description}");
        assert!(!description.contains("<b>"), "{description}");
        assert!(
            description.contains("<p>Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;</p><p>Second paragraph</p>"),
            "{description}"
        );
        assert!(description.contains("<li>&lt;b&gt;bold&lt;/b&gt; claims</li>"));
        assert_eq!(posting["employmentType"], "CONTRACTOR");
        assert_eq!(
            posting["educationRequirements"]["credentialCategory"],
            "high school"
        );
        assert_eq!(posting["experienceRequirements"]["monthsOfExperience"], 60);
        assert_eq!(posting["experienceInPlaceOfEducation"], true);
        assert_eq!(
            posting["qualifications"],
            "Secondary school diploma with 7 years of relevant experience\nBachelor's degree in droit with 5 years of relevant experience"
        );
        assert_eq!(posting["directApply"], true);
        // With the offset of the notice's zone: `…T00:00:00+01:00`.
        assert_eq!(posting["validThrough"].as_str().unwrap().len(), 25);
    }
}

#[tokio::test]
async fn a_drafts_posting_is_for_its_organisations_staff_only() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo = app.sign_in_as(Role::Recruiter, Some("ILO")).await;
        let input = orion_like(&app, "IOM-DRAFT-POSTING").await;
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let id = created["createVacancy"]["id"].as_str().unwrap().to_owned();

        // Allowed: the posting organisation's recruiter, over HTTP and GraphQL.
        let (status, _, body) = fetch(&app, &id, Some(&iom)).await;
        assert_eq!(status, 200, "{body}");
        let query = "query ($id: ID!) { vacancy(id: $id) { jobPosting } }";
        let data = app.data_as(&iom, query, json!({ "id": id })).await;
        assert_eq!(data["vacancy"]["jobPosting"]["directApply"], false);

        // Refused: anyone else does not learn it exists.
        assert_eq!(fetch(&app, &id, None).await.0, 404);
        assert_eq!(fetch(&app, &id, Some(&ilo)).await.0, 404);
        assert_eq!(
            app.error_code(query, json!({ "id": id })).await,
            "NOT_FOUND"
        );
        // Not a vacancy ID, or a bad token.
        assert_eq!(fetch(&app, "garbage", None).await.0, 404);
        assert_eq!(fetch(&app, "T3JnYW5pc2F0aW9uOjE", None).await.0, 404);
        assert_eq!(fetch(&app, &id, Some("not-a-token")).await.0, 401);
    }
}

#[tokio::test]
async fn the_posting_route_is_safe_to_embed_in_a_script_element() {
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let title = "</script><script>alert(1)</script> <!-- \u{2028} & x";
        let mut input = orion_like(&app, "IOM-SCRIPT-1").await;
        input["texts"][0]["title"] = json!(title);
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let id = created["createVacancy"]["id"].clone();
        let version = created["createVacancy"]["version"].clone();
        app.data_as(&iom, PUBLISH, json!({ "id": id, "version": version }))
            .await;

        let (status, _, body) = fetch(&app, id.as_str().unwrap(), None).await;
        assert_eq!(status, 200, "{body}");
        for forbidden in ["</script", "<!--", "<", ">", "&", "\u{2028}"] {
            assert!(!body.contains(forbidden), "[{}] {body}", app.backend());
        }
        let posting: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(posting["title"], title);
    }
}

#[tokio::test]
async fn the_job_posting_script_field_is_safe_to_embed_and_reads_back_as_job_posting() {
    const BOTH: &str =
        "query ($id: ID!) { vacancy(id: $id) { jobPosting jobPostingScript fr: jobPostingScript(language: \"fr\") } }";
    for app in TestApp::all_seeded().await {
        let iom = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let title = "</script><script>alert(1)</script> <!-- x --> \u{2028} & y";
        let mut input = orion_like(&app, "IOM-SCRIPT-FIELD").await;
        input["texts"][0]["title"] = json!(title);
        input["texts"][0]["context"] = json!("<!-- <script>alert(2)</script>");
        let created = app.data_as(&iom, CREATE, json!({ "input": input })).await;
        let id = created["createVacancy"]["id"].clone();
        let version = created["createVacancy"]["version"].clone();
        app.data_as(&iom, PUBLISH, json!({ "id": id, "version": version }))
            .await;

        let data = app.data(BOTH, json!({ "id": id })).await;
        let vacancy = &data["vacancy"];
        let script = vacancy["jobPostingScript"].as_str().unwrap();
        for forbidden in ["<", ">", "&", "\u{2028}"] {
            assert!(
                !script.contains(forbidden),
                "[{}] {forbidden:?} in {script}",
                app.backend()
            );
        }
        // It parses back to the very value `jobPosting` answers, the hostile title included.
        let parsed: Value = serde_json::from_str(script).unwrap();
        assert_eq!(parsed, vacancy["jobPosting"], "[{}]", app.backend());
        assert_eq!(parsed["title"], title);
        // The notice's only language is its authoritative one: the same text.
        assert_eq!(vacancy["fr"], vacancy["jobPostingScript"]);
        // And the same text as the route serves.
        let (status, _, body) = fetch(&app, id.as_str().unwrap(), None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body, script, "[{}]", app.backend());
    }
}
