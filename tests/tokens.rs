use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, Utc};
use jobboard::auth::jwt::{JwtKeys, Subject};
use jobboard::cli::{mint_token, TokenArgs};
use jobboard::config::Environment;
use jobboard::domain::{Role, VacancyStatus};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::accounts::organisation_id;
use crate::helpers::{create_account, TestApp, VacancyBuilder};

const CREATE: &str = "mutation ($input: CreateIntegrationTokenInput!) { createIntegrationToken(input: $input) { token integrationToken { id name active expiresAt revokedAt organisation { acronym } } } }";
const LIST: &str = "query ($org: ID!) { integrationTokens(organisationId: $org) { id name createdAt expiresAt revokedAt active createdBy { email } organisation { acronym } } }";
const REVOKE: &str =
    "mutation ($id: ID!) { revokeIntegrationToken(id: $id) { id revokedAt active } }";
const DRAFTS: &str = "{ vacancies(filter: { status: [DRAFT] }) { totalCount } }";
const ME: &str = "{ me { email role organisation { acronym } } }";

fn new_token(organisation: &str, name: &str, expires_in: Duration) -> Value {
    json!({ "input": {
        "organisationId": organisation,
        "name": name,
        "expiresAt": (Utc::now() + expires_in).to_rfc3339(),
        "scopes": ["POSTINGS_WRITE", "APPLICATIONS_READ"],
    }})
}

async fn drafts_seen(app: &TestApp, token: Option<&str>) -> i64 {
    let body = app.graphql_as(token, DRAFTS, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"]["vacancies"]["totalCount"].as_i64().unwrap()
}

#[tokio::test]
async fn an_integration_token_acts_as_a_recruiter_of_its_organisation() {
    for app in TestApp::all_seeded().await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let created = app
            .data_as(
                &admin,
                CREATE,
                new_token(&iom, "Oracle HR", Duration::days(90)),
            )
            .await;
        let created = &created["createIntegrationToken"];
        let secret = created["token"].as_str().unwrap().to_owned();
        assert_eq!(created["integrationToken"]["name"], "Oracle HR");
        assert_eq!(created["integrationToken"]["active"], true);
        assert_eq!(
            created["integrationToken"]["organisation"]["acronym"],
            "IOM"
        );

        VacancyBuilder::new("IOM", "HR-DRAFT-1")
            .status(VacancyStatus::Draft)
            .closing_in(Duration::days(30))
            .insert(&app.db)
            .await;
        assert_eq!(drafts_seen(&app, Some(&secret)).await, 1);
        assert_eq!(drafts_seen(&app, None).await, 0);
        // A token is not a person.
        assert_eq!(app.data_as(&secret, ME, json!({})).await["me"], Value::Null);

        // Listed for the organisation's admins, never with its secret.
        let list = app.data_as(&admin, LIST, json!({ "org": iom })).await;
        let tokens = list["integrationTokens"].as_array().unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0]["name"], "Oracle HR");
        assert_eq!(tokens[0]["revokedAt"], Value::Null);
        assert!(tokens[0]["createdBy"]["email"].as_str().is_some());
        assert!(!list.to_string().contains(&secret));
        let introspection = app
            .data(
                r#"{ __type(name: "IntegrationToken") { fields { name } } }"#,
                json!({}),
            )
            .await;
        assert!(!introspection.to_string().contains("\"token\""));

        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        for (token, code) in [
            (Some(ilo_admin.as_str()), "FORBIDDEN"),
            (Some(recruiter.as_str()), "FORBIDDEN"),
            (Some(secret.as_str()), "FORBIDDEN"),
            (None, "UNAUTHENTICATED"),
        ] {
            assert_eq!(
                app.error_code_as(token, LIST, json!({ "org": iom })).await,
                code
            );
        }
    }
}

#[tokio::test]
async fn a_revoked_integration_token_is_refused_on_the_next_request() {
    for app in TestApp::all_seeded().await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let created = app
            .data_as(
                &admin,
                CREATE,
                new_token(&iom, "Workday", Duration::days(1)),
            )
            .await;
        let secret = created["createIntegrationToken"]["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let id = created["createIntegrationToken"]["integrationToken"]["id"].clone();
        assert_eq!(drafts_seen(&app, Some(&secret)).await, 0);

        // Only the organisation's admins revoke it; to another organisation it does not exist.
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        for (token, code) in [(&ilo_admin, "NOT_FOUND"), (&recruiter, "FORBIDDEN")] {
            assert_eq!(
                app.error_code_as(Some(token), REVOKE, json!({ "id": id }))
                    .await,
                code
            );
        }
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), REVOKE, json!({ "id": jobboard::domain::global_id::global_id(jobboard::domain::global_id::NodeKind::IntegrationToken, 9999).0 }))
                .await,
            "NOT_FOUND"
        );

        let revoked = app.data_as(&admin, REVOKE, json!({ "id": id })).await;
        let revoked_at = revoked["revokeIntegrationToken"]["revokedAt"].clone();
        assert!(revoked_at.is_string());
        assert_eq!(revoked["revokeIntegrationToken"]["active"], false);
        assert_eq!(
            app.error_code_as(Some(&secret), DRAFTS, json!({})).await,
            "UNAUTHENTICATED"
        );

        // Revoking again changes nothing.
        let again = app.data_as(&admin, REVOKE, json!({ "id": id })).await;
        assert_eq!(again["revokeIntegrationToken"]["revokedAt"], revoked_at);
    }
}

#[tokio::test]
async fn integration_tokens_are_for_admins_and_live_at_most_a_year() {
    for app in TestApp::all_seeded().await {
        let iom = organisation_id(&app, "IOM").await;
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let platform = app.sign_in_as(Role::PlatformAdmin, None).await;
        let recruiter = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        let cases = [
            (Some(&admin), Duration::hours(-1), "BAD_USER_INPUT"),
            (Some(&admin), Duration::days(400), "BAD_USER_INPUT"),
            (Some(&recruiter), Duration::days(30), "FORBIDDEN"),
            (Some(&ilo_admin), Duration::days(30), "FORBIDDEN"),
            (None, Duration::days(30), "UNAUTHENTICATED"),
        ];
        for (token, expires_in, code) in cases {
            assert_eq!(
                app.error_code_as(
                    token.map(String::as_str),
                    CREATE,
                    new_token(&iom, "HR", expires_in)
                )
                .await,
                code
            );
        }
        let created = app
            .data_as(
                &platform,
                CREATE,
                new_token(&iom, "By the platform", Duration::days(365)),
            )
            .await;
        assert_eq!(
            created["createIntegrationToken"]["integrationToken"]["active"],
            true
        );
    }
}

#[tokio::test]
async fn the_token_command_mints_a_token_the_server_accepts() {
    for app in TestApp::all_seeded().await {
        let args = TokenArgs {
            role: Role::Recruiter,
            org: Some("OIM".into()),
            subject_account: None,
            ttl_minutes: Some(5),
        };
        let minted = mint_token(
            &app.db,
            &app.jwt,
            Environment::Development,
            Duration::minutes(60),
            &args,
        )
        .await
        .unwrap();
        let me = app.data_as(&minted.token.token, ME, json!({})).await;
        assert_eq!(me["me"]["role"], "RECRUITER");
        assert_eq!(me["me"]["organisation"]["acronym"], "IOM");
        assert_eq!(me["me"]["email"], "recruiter.iom@dev.jobboard.invalid");
        let lifetime = minted.token.expires_at - Utc::now();
        assert!(lifetime <= Duration::minutes(5) && lifetime > Duration::minutes(4));

        // The same account again, and by id.
        let again = mint_token(
            &app.db,
            &app.jwt,
            Environment::Production,
            Duration::minutes(60),
            &args,
        )
        .await
        .unwrap();
        assert_eq!(again.account.id, minted.account.id);
        let by_id = TokenArgs {
            subject_account: Some(minted.account.id),
            org: Some("IOM".into()),
            ..args.clone()
        };
        let by_id = mint_token(
            &app.db,
            &app.jwt,
            Environment::Development,
            Duration::minutes(60),
            &by_id,
        )
        .await
        .unwrap();
        assert_eq!(by_id.account.id, minted.account.id);

        // Refused: production creates no account; a mismatched role; a missing organisation.
        let ilo_admin = TokenArgs {
            role: Role::AgencyAdmin,
            org: Some("ILO".into()),
            subject_account: None,
            ttl_minutes: None,
        };
        let refusals = [
            (ilo_admin.clone(), Environment::Production),
            (
                TokenArgs {
                    subject_account: Some(minted.account.id),
                    ..ilo_admin.clone()
                },
                Environment::Development,
            ),
            (
                TokenArgs {
                    org: None,
                    ..ilo_admin.clone()
                },
                Environment::Development,
            ),
            (
                TokenArgs {
                    org: Some("NOPE".into()),
                    ..ilo_admin.clone()
                },
                Environment::Development,
            ),
        ];
        for (args, env) in refusals {
            let result = mint_token(&app.db, &app.jwt, env, Duration::minutes(60), &args).await;
            assert!(result.is_err(), "{args:?} in {env:?}");
        }
    }
}

/// The secret `TestApp` signs with: no `JWT_SECRET` in development means the development one.
const TEST_APP_SECRET: &[u8] = b"development-only-secret-do-not-use-in-production!";

fn claims(sub: &str, role: &str, exp_from_now: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({
        "sub": sub, "role": role, "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now, "exp": now + exp_from_now, "iss": "jobboard", "aud": "jobboard-api",
    })
}

fn sign(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_refused_with_a_generic_message() {
    for app in TestApp::all_seeded().await {
        let (id, _) = create_account(&app.db, Role::Candidate, None).await;
        let sub = app.jwt.verify(&app.token_for(id).await).unwrap().sub;

        // The control: a token made this way with the right secret works, so the refusals below
        // are about what each one changes.
        let valid = sign(&claims(&sub, "CANDIDATE", 600), TEST_APP_SECRET);
        assert_eq!(
            app.data_as(&valid, "{ me { role } }", json!({})).await["me"]["role"],
            "CANDIDATE"
        );

        let other_secret = JwtKeys::hs256(
            b"another-secret-of-at-least-32-bytes!",
            "jobboard",
            "jobboard-api",
        )
        .unwrap()
        .issue(
            Subject::parse(&sub).unwrap(),
            "CANDIDATE",
            None,
            Duration::minutes(10),
        )
        .unwrap()
        .token;
        let expired = sign(&claims(&sub, "CANDIDATE", -3600), TEST_APP_SECRET);
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({ "alg": "none", "typ": "JWT" })),
            b64(&claims(&sub, "CANDIDATE", 600))
        );
        let [header, _, signature]: [&str; 3] =
            valid.split('.').collect::<Vec<_>>().try_into().unwrap();
        let promoted = format!(
            "{header}.{}.{signature}",
            b64(&claims(&sub, "PLATFORM_ADMIN", 600))
        );

        let mut messages = Vec::new();
        for (what, token) in [
            ("another secret", other_secret),
            ("expired", expired),
            ("alg none", unsigned),
            ("tampered role", promoted),
            ("garbage", "not-a-jwt".to_owned()),
        ] {
            let body = app
                .graphql_as(Some(&token), "{ me { role } }", json!({}))
                .await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                "UNAUTHENTICATED",
                "[{}] {what}: {body}",
                app.backend()
            );
            messages.push(body["errors"][0]["message"].as_str().unwrap().to_owned());
        }
        messages.dedup();
        assert_eq!(
            messages.len(),
            1,
            "one message for every refusal: {messages:?}"
        );
        for word in ["expired", "signature", "algorithm", "alg"] {
            assert!(
                !messages[0].to_lowercase().contains(word),
                "{}",
                messages[0]
            );
        }
    }
}
