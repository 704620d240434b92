//! The candidate profile (`myProfile`, `updateMyProfile`), how it pre-fills applications, the
//! nationality rule, and screening vacancies for the signed-in candidate (`eligibleForMe`,
//! `Vacancy.eligibility`).

use chrono::Duration;
use entity::{application, candidate_profile, vacancy, vacancy_language};
use jobboard::domain::{Role, VacancyStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

use crate::helpers::{create_account, vacancy_id, TestApp, VacancyBuilder};

const MY_PROFILE: &str = "{ myProfile { residenceCountry nationality educationLevel \
    educationField yearsExperience languages { language level } internalCandidate complete \
    version } }";
const UPDATE: &str = "mutation ($version: Int, $input: CandidateProfileInput!) { \
    updateMyProfile(version: $version, input: $input) { residenceCountry nationality \
    educationLevel yearsExperience languages { language level } complete version } }";
const APPLY: &str = "mutation ($input: ApplyInput!) { applyToVacancy(input: $input) { id \
    residenceCountry nationality educationLevel educationField yearsExperience internalCandidate \
    languages { language level } eligibility { eligible unmet { kind message } } } }";
const FOR_ME: &str = "query ($first: Int, $after: String) { vacancies(first: $first, after: \
    $after, filter: { eligibleForMe: true }) { totalCount pageInfo { hasNextPage endCursor } \
    edges { node { reference eligibility { eligible } } } } }";

/// A profile living in Tunisia, French national, bachelor's with 5 years, French fluent.
fn tunisian_resident() -> Value {
    json!({
        "residenceCountry": "TN",
        "nationality": "FR",
        "educationLevel": "BACHELOR",
        "educationField": "Economics",
        "yearsExperience": 5,
        "languages": [{ "language": "fr", "level": "FLUENT" }],
    })
}

async fn open_vacancy(app: &TestApp, reference: &str) -> i32 {
    VacancyBuilder::new("IOM", reference)
        .status(VacancyStatus::Published)
        .published_at(chrono::Utc::now() - Duration::days(1))
        .closing_in(Duration::days(10))
        .insert(&app.db)
        .await
}

async fn set_nationality_rule(app: &TestApp, id: i32, rule: &str) {
    vacancy::Entity::update_many()
        .col_expr(vacancy::Column::NationalityRule, Expr::value(rule))
        .filter(vacancy::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

async fn require_language(app: &TestApp, id: i32, language: &str) {
    vacancy_language::ActiveModel {
        vacancy_id: Set(id),
        language_code: Set(language.into()),
        level: Set(Some("FLUENT".into())),
        requirement: Set("REQUIRED".into()),
        one_of: Set(None),
        sort_order: Set(0),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_candidate_keeps_a_profile_and_staff_keep_none() {
    for app in TestApp::all_seeded().await {
        assert_eq!(
            app.error_code(MY_PROFILE, json!({})).await,
            "UNAUTHENTICATED"
        );
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        assert_eq!(
            app.error_code_as(Some(&recruiter), MY_PROFILE, json!({}))
                .await,
            "FORBIDDEN"
        );
        let update = json!({ "input": tunisian_resident() });
        assert_eq!(
            app.error_code_as(Some(&recruiter), UPDATE, update.clone())
                .await,
            "FORBIDDEN"
        );

        let candidate = app.sign_in_as(Role::Candidate, None).await;
        let none = app.data_as(&candidate, MY_PROFILE, json!({})).await;
        assert_eq!(none["myProfile"], Value::Null);
        let saved = app.data_as(&candidate, UPDATE, update.clone()).await;
        let saved = &saved["updateMyProfile"];
        assert_eq!(saved["residenceCountry"], "TN", "[{}]", app.backend());
        assert_eq!(saved["nationality"], "FR");
        assert_eq!(saved["educationLevel"], "BACHELOR");
        assert_eq!(
            saved["languages"],
            json!([{ "language": "fr", "level": "FLUENT" }])
        );
        assert_eq!(saved["complete"], true);
        assert_eq!(saved["version"], 1);
        let read = app.data_as(&candidate, MY_PROFILE, json!({})).await;
        assert_eq!(read["myProfile"]["yearsExperience"], 5);

        // A second creation, or an edit naming an old version, is a conflict.
        assert_eq!(
            app.error_code_as(Some(&candidate), UPDATE, update.clone())
                .await,
            "CONFLICT"
        );
        let edit = json!({ "version": 1, "input": { "residenceCountry": "MA" } });
        let edited = app.data_as(&candidate, UPDATE, edit.clone()).await;
        assert_eq!(edited["updateMyProfile"]["version"], 2);
        assert_eq!(edited["updateMyProfile"]["residenceCountry"], "MA");
        // The whole profile is replaced: nationality left out is not kept.
        assert_eq!(edited["updateMyProfile"]["nationality"], Value::Null);
        assert_eq!(edited["updateMyProfile"]["complete"], false);
        assert_eq!(
            app.error_code_as(Some(&candidate), UPDATE, edit).await,
            "CONFLICT"
        );

        let bad = json!({ "input": { "residenceCountry": "Tunisia" } });
        assert_eq!(
            app.error_code_as(Some(&candidate), UPDATE, bad).await,
            "BAD_USER_INPUT"
        );
    }
}

#[tokio::test]
async fn the_profile_prefills_an_application_and_explicit_input_wins() {
    for app in TestApp::all_seeded().await {
        let first = open_vacancy(&app, "PROFILE/1").await;
        let second = open_vacancy(&app, "PROFILE/2").await;
        let candidate = app.sign_in_as(Role::Candidate, None).await;

        // Without a profile, what the form leaves out is asked for by name.
        let bare = json!({ "input": { "vacancyId": vacancy_id(first) } });
        let body = app.graphql_as(Some(&candidate), APPLY, bare.clone()).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "input.residenceCountry"
        );

        app.data_as(&candidate, UPDATE, json!({ "input": tunisian_resident() }))
            .await;
        let applied = app.data_as(&candidate, APPLY, bare).await;
        let applied = &applied["applyToVacancy"];
        assert_eq!(applied["residenceCountry"], "TN", "[{}]", app.backend());
        assert_eq!(applied["educationLevel"], "BACHELOR");
        assert_eq!(applied["educationField"], "Economics");
        assert_eq!(applied["yearsExperience"], 5);
        assert_eq!(
            applied["languages"],
            json!([{ "language": "fr", "level": "FLUENT" }])
        );
        // The notice asks no nationality: none is stored, though the profile holds one.
        assert_eq!(applied["nationality"], Value::Null);

        let explicit = json!({ "input": {
            "vacancyId": vacancy_id(second),
            "residenceCountry": "MA",
            "yearsExperience": 2,
            "languages": [],
        } });
        let applied = app.data_as(&candidate, APPLY, explicit).await;
        let applied = &applied["applyToVacancy"];
        assert_eq!(applied["residenceCountry"], "MA");
        assert_eq!(applied["yearsExperience"], 2);
        assert_eq!(applied["educationLevel"], "BACHELOR");
        assert_eq!(applied["languages"], json!([]));
    }
}

#[tokio::test]
async fn a_nationality_rule_is_not_a_residency_rule() {
    for app in TestApp::all_seeded().await {
        // A National Officer post in Tunis: nationals of Tunisia only.
        let post = open_vacancy(&app, "NO/TN/1").await;
        set_nationality_rule(&app, post, "DUTY_STATION_COUNTRY").await;
        let read = app
            .data(
                "query ($id: ID!) { vacancy(id: $id) { nationality nationalityCountries isSample } }",
                json!({ "id": vacancy_id(post) }),
            )
            .await;
        assert_eq!(read["vacancy"]["nationality"], "DUTY_STATION_COUNTRY");
        assert_eq!(read["vacancy"]["isSample"], false);

        // A French national living in Tunis does not meet it.
        let resident = app.sign_in_as(Role::Candidate, None).await;
        app.data_as(&resident, UPDATE, json!({ "input": tunisian_resident() }))
            .await;
        let applied = app
            .data_as(
                &resident,
                APPLY,
                json!({ "input": { "vacancyId": vacancy_id(post) } }),
            )
            .await;
        let applied = &applied["applyToVacancy"];
        assert_eq!(applied["nationality"], "FR", "[{}]", app.backend());
        assert_eq!(applied["eligibility"]["eligible"], false);
        assert_eq!(
            applied["eligibility"]["unmet"],
            json!([{ "kind": "NATIONALITY", "message": "must be a national of Tunisia" }])
        );

        // A Tunisian living in France does.
        let national = app.sign_in_as(Role::Candidate, None).await;
        let input = json!({ "input": {
            "vacancyId": vacancy_id(post),
            "residenceCountry": "FR",
            "nationality": "TN",
            "educationLevel": "MASTER",
            "yearsExperience": 3,
        } });
        let applied = app.data_as(&national, APPLY, input).await;
        assert_eq!(applied["applyToVacancy"]["eligibility"]["eligible"], true);
        assert_eq!(applied["applyToVacancy"]["nationality"], "TN");
    }
}

#[tokio::test]
async fn eligible_for_me_lists_only_what_the_profile_meets_and_pages() {
    for app in TestApp::all_seeded().await {
        let mut eligible = Vec::new();
        for n in 0..5 {
            let reference = format!("FOR-ME/OK/{n}");
            open_vacancy(&app, &reference).await;
            eligible.push(reference);
        }
        let nationals = open_vacancy(&app, "FOR-ME/NO").await;
        set_nationality_rule(&app, nationals, "DUTY_STATION_COUNTRY").await;
        let arabic = open_vacancy(&app, "FOR-ME/AR").await;
        require_language(&app, arabic, "ar").await;
        VacancyBuilder::new("IOM", "FOR-ME/CLOSED")
            .status(VacancyStatus::Published)
            .closing_in(Duration::days(-1))
            .insert(&app.db)
            .await;

        let candidate = app.sign_in_as(Role::Candidate, None).await;
        // No profile yet: refused, naming the filter.
        let body = app
            .graphql_as(Some(&candidate), FOR_ME, json!({ "first": 2 }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "filter.eligibleForMe"
        );
        app.data_as(&candidate, UPDATE, json!({ "input": tunisian_resident() }))
            .await;

        // Two at a time, every eligible one exactly once, the total right on every page.
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let page = app
                .data_as(&candidate, FOR_ME, json!({ "first": 2, "after": after }))
                .await;
            let page = &page["vacancies"];
            assert_eq!(page["totalCount"], 5, "[{}] {page}", app.backend());
            for edge in page["edges"].as_array().unwrap() {
                assert_eq!(edge["node"]["eligibility"]["eligible"], true);
                seen.push(edge["node"]["reference"].as_str().unwrap().to_owned());
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        seen.sort();
        assert_eq!(seen, eligible);

        // The reasons, on the vacancies left out.
        let reasons = app
            .data_as(
                &candidate,
                "query ($a: ID!, $b: ID!) { a: vacancy(id: $a) { eligibility { eligible unmet { kind } } } \
                 b: vacancy(id: $b) { eligibility { eligible unmet { kind message } } } }",
                json!({ "a": vacancy_id(nationals), "b": vacancy_id(arabic) }),
            )
            .await;
        assert_eq!(
            reasons["a"]["eligibility"],
            json!({ "eligible": false, "unmet": [{ "kind": "NATIONALITY" }] })
        );
        assert_eq!(
            reasons["b"]["eligibility"]["unmet"],
            json!([{ "kind": "LANGUAGE", "message": "needs Arabic at fluent level (has no Arabic)" }])
        );

        // Anonymous callers and staff: refused for the filter, no eligibility on a vacancy.
        assert_eq!(
            app.error_code(FOR_ME, json!({ "first": 2 })).await,
            "UNAUTHENTICATED"
        );
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        assert_eq!(
            app.error_code_as(Some(&recruiter), FOR_ME, json!({ "first": 2 }))
                .await,
            "FORBIDDEN"
        );
        let query = "query ($id: ID!) { vacancy(id: $id) { eligibility { eligible } } }";
        let anonymous = app.data(query, json!({ "id": vacancy_id(arabic) })).await;
        assert_eq!(anonymous["vacancy"]["eligibility"], Value::Null);
        let staff = app
            .data_as(&recruiter, query, json!({ "id": vacancy_id(arabic) }))
            .await;
        assert_eq!(staff["vacancy"]["eligibility"], Value::Null);
    }
}

#[tokio::test]
async fn my_data_holds_the_profile_and_erasure_deletes_it() {
    for app in TestApp::all_seeded().await {
        let (id, _) = create_account(&app.db, Role::Candidate, None).await;
        let candidate = app.token_for(id).await;
        app.data_as(&candidate, UPDATE, json!({ "input": tunisian_resident() }))
            .await;
        let post = open_vacancy(&app, "ERASE/NO").await;
        set_nationality_rule(&app, post, "DUTY_STATION_COUNTRY").await;
        app.data_as(
            &candidate,
            APPLY,
            json!({ "input": { "vacancyId": vacancy_id(post) } }),
        )
        .await;

        let data = app.data_as(&candidate, "{ myData }", json!({})).await;
        let profile = &data["myData"]["candidateProfile"];
        assert_eq!(
            profile["residenceCountry"],
            "TN",
            "[{}] {data}",
            app.backend()
        );
        assert_eq!(profile["nationality"], "FR");
        assert_eq!(data["myData"]["applications"][0]["nationality"], "FR");

        let admin = app.sign_in_as(Role::PlatformAdmin, None).await;
        app.data_as(
            &admin,
            "mutation ($id: ID!) { eraseAccount(id: $id, reason: \"REQ-1\") { erased } }",
            json!({ "id": crate::helpers::global_id("Account", id) }),
        )
        .await;
        let left = candidate_profile::Entity::find()
            .filter(candidate_profile::Column::AccountId.eq(id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        let stored = application::Entity::find()
            .filter(application::Column::CandidateId.eq(id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.nationality, None);
    }
}

#[tokio::test]
async fn a_notice_states_its_nationality_rule_and_the_listed_countries_are_checked() {
    const CREATE: &str = "mutation ($input: VacancyInput!) { createVacancy(input: $input) { \
        nationality nationalityCountries residency isSample } }";
    for app in TestApp::all_seeded().await {
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut input = crate::vacancy_writes::orion_like(&app, "NAT/1").await;
        input["grade"] = json!("NO-B");
        input["nationality"] = json!("LISTED_COUNTRIES");
        input["nationalityCountries"] = json!(["ma", "TN", "MA"]);
        let created = app
            .data_as(&recruiter, CREATE, json!({ "input": input.clone() }))
            .await;
        let created = &created["createVacancy"];
        assert_eq!(
            created["nationality"],
            "LISTED_COUNTRIES",
            "[{}]",
            app.backend()
        );
        assert_eq!(created["nationalityCountries"], json!(["MA", "TN"]));
        assert_eq!(created["residency"], "NONE");
        assert_eq!(created["isSample"], false);

        let refused = |reference: &str, rule: &str, countries: Value| {
            let mut input = input.clone();
            input["reference"] = json!(reference);
            input["nationality"] = json!(rule);
            input["nationalityCountries"] = countries;
            input
        };
        for input in [
            refused("NAT/2", "LISTED_COUNTRIES", json!([])),
            refused("NAT/3", "DUTY_STATION_COUNTRY", json!(["MA"])),
            refused("NAT/4", "LISTED_COUNTRIES", json!(["Maroc"])),
        ] {
            let body = app
                .graphql_as(Some(&recruiter), CREATE, json!({ "input": input }))
                .await;
            let error = &body["errors"][0]["extensions"];
            assert_eq!(error["code"], "BAD_USER_INPUT", "{body}");
            assert!(
                error["field"]
                    .as_str()
                    .unwrap()
                    .starts_with("input.nationalityCountries"),
                "{body}"
            );
        }
    }
}
