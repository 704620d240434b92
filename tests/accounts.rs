use std::time::{Duration, Instant};

use entity::login_throttle;
use jobboard::config::ServerConfig;
use jobboard::domain::Role;
use jobboard::service::account::{Pacing, ADDRESS_LOCK_AFTER_FAILURES};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestDatabase};

const REGISTER: &str = "mutation ($input: RegisterInput!) { register(input: $input) { email } }";
const LOGIN: &str = "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt account { email role } } }";
const ME: &str = "{ me { id email fullName role active organisation { acronym } } }";
const DEACTIVATE: &str = "mutation ($id: ID!) { deactivateAccount(id: $id) { id active } }";

const PASSWORD: &str = "correct horse battery";

/// The global ID of an organisation, by acronym.
pub async fn organisation_id(app: &TestApp, acronym: &str) -> String {
    let data = app
        .data(
            "query ($a: String!) { organisation(acronym: $a) { id } }",
            json!({ "a": acronym }),
        )
        .await;
    data["organisation"]["id"].as_str().unwrap().to_owned()
}

async fn register(app: &TestApp, email: &str) -> Value {
    let input = json!({ "email": email, "password": PASSWORD, "fullName": "Amina Benali" });
    app.data(REGISTER, json!({ "input": input })).await["register"].clone()
}

async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    app.graphql(LOGIN, json!({ "email": email, "password": password }))
        .await
}

/// A staff account with [`PASSWORD`], made straight in the database (as an accepted invitation
/// would); returns its global ID.
pub async fn staff_with_password(app: &TestApp, email: &str, role: Role, acronym: &str) -> String {
    use sea_orm::{ActiveModelTrait, Set};
    let (id, _) = crate::helpers::create_account(&app.db, role, Some(acronym)).await;
    let row = entity::account::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: entity::account::ActiveModel = row.into();
    row.email = Set(email.to_owned());
    row.password_hash = Set(jobboard::auth::password::hash_password(PASSWORD).unwrap());
    row.update(&app.db).await.unwrap();
    crate::helpers::global_id("Account", id)
}

#[tokio::test]
async fn a_candidate_registers_signs_in_and_reads_itself() {
    for app in TestApp::all_seeded().await {
        let registered = register(&app, "  Amina.Benali@Example.org ").await;
        assert_eq!(registered["email"], "amina.benali@example.org");

        // The e-mail's case does not matter when signing in.
        let body = login(&app, "AMINA.BENALI@example.org", PASSWORD).await;
        assert!(body.get("errors").is_none(), "{body}");
        let token = body["data"]["login"]["token"].as_str().unwrap();
        assert_eq!(body["data"]["login"]["account"]["role"], "CANDIDATE");
        let me = app.data_as(token, ME, json!({})).await;
        assert_eq!(me["me"]["email"], "amina.benali@example.org");
        assert_eq!(me["me"]["fullName"], "Amina Benali");
        assert_eq!(me["me"]["role"], "CANDIDATE");
        assert_eq!(me["me"]["organisation"], Value::Null);

        assert_eq!(app.data(ME, json!({})).await["me"], Value::Null);
    }
}

#[tokio::test]
async fn registering_a_taken_email_answers_the_same_and_weak_input_is_refused() {
    for app in TestApp::all_seeded().await {
        let first = register(&app, "karim@example.org").await;
        let again = json!({ "input": {
            "email": "KARIM@example.org", "password": "another passphrase", "fullName": "Karim"
        }});
        // No oracle: the answer to a taken address is the answer to a new one.
        let body = app.graphql(REGISTER, again).await;
        assert_eq!(body, json!({ "data": { "register": first } }));
        // And the owner's password still works, the intruder's does not.
        let body = login(&app, "karim@example.org", PASSWORD).await;
        assert!(body.get("errors").is_none(), "{body}");
        let body = login(&app, "karim@example.org", "another passphrase").await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        let common = json!({ "input": {
            "email": "common@example.org", "password": "1234567890", "fullName": "Common"
        }});
        let body = app.graphql(REGISTER, common).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.password");

        let short = json!({ "input": {
            "email": "short@example.org", "password": "123456789", "fullName": "Short"
        }});
        let body = app.graphql(REGISTER, short).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.password");

        let bad_email = json!({ "input": {
            "email": "not-an-address", "password": PASSWORD, "fullName": "Nobody"
        }});
        let body = app.graphql(REGISTER, bad_email).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "input.email");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_error() {
    for app in TestApp::all_seeded().await {
        register(&app, "salma@example.org").await;
        let wrong_password = login(&app, "salma@example.org", "not the password").await;
        let unknown_email = login(&app, "nobody@example.org", PASSWORD).await;
        for body in [&wrong_password, &unknown_email] {
            assert_eq!(body["data"], Value::Null, "{body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
            assert_eq!(body["errors"][0]["message"], "invalid e-mail or password");
        }
        assert_eq!(
            wrong_password["errors"][0]["extensions"],
            unknown_email["errors"][0]["extensions"]
        );
    }
}

async fn throttle_row(app: &TestApp, key: &str) -> Option<login_throttle::Model> {
    login_throttle::Entity::find()
        .filter(login_throttle::Column::Key.eq(key))
        .one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_successful_login_clears_the_accounts_failures() {
    for app in TestApp::all_seeded().await {
        register(&app, "yasmine@example.org").await;
        for _ in 0..3 {
            login(&app, "yasmine@example.org", "not the password").await;
        }
        let pair_key = "pair:127.0.0.1|yasmine@example.org";
        assert_eq!(throttle_row(&app, pair_key).await.unwrap().failures, 3);

        let body = login(&app, "yasmine@example.org", PASSWORD).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(throttle_row(&app, pair_key).await.is_none());
        // The client address keeps its three failures; the success itself is not counted.
        assert_eq!(
            throttle_row(&app, "ip:127.0.0.1").await.unwrap().failures,
            3
        );
    }
}

/// The tests' sign-in delays (`ServerConfig::for_database`), every wait allowed.
fn test_pacing() -> Pacing {
    let limits = ServerConfig::for_database("sqlite::memory:").limits;
    Pacing {
        first_delay: Duration::from_millis(limits.sign_in_delay_ms),
        max_delay: Duration::from_millis(limits.sign_in_max_delay_ms),
        max_wait: Duration::MAX,
    }
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_then_the_address_is_rate_limited() {
    for app in TestApp::all_seeded().await {
        register(&app, "omar@example.org").await;
        let started = Instant::now();
        for attempt in 1..=ADDRESS_LOCK_AFTER_FAILURES {
            let body = login(&app, "omar@example.org", "not the password").await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                "UNAUTHENTICATED",
                "[{}] attempt {attempt}: {body}",
                app.backend()
            );
        }
        // Each attempt waited for its turn: longer after each failure before it.
        let pacing = test_pacing();
        let delays: Duration = (1..ADDRESS_LOCK_AFTER_FAILURES)
            .map(|failures| pacing.delay_after(failures))
            .sum();
        assert!(
            started.elapsed() >= delays,
            "each failure puts the next attempt off: {:?} < {delays:?}",
            started.elapsed()
        );

        // The address is locked: even the right password is refused from it, quickly, saying
        // when to come back.
        let started = Instant::now();
        let body = login(&app, "omar@example.org", PASSWORD).await;
        assert!(started.elapsed() < Duration::from_secs(1));
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "RATE_LIMITED", "{body}");
        assert!(error["message"].as_str().unwrap().contains("try again"));
        let retry_after = error["extensions"]["retryAfter"].as_u64().unwrap();
        assert!(retry_after > 0 && retry_after <= 15 * 60, "{retry_after}");

        // Another account cannot be tried from it either.
        register(&app, "other@example.org").await;
        let body = login(&app, "other@example.org", PASSWORD).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    }
}

/// Signs in as a client at `address`, behind one trusted proxy.
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> Value {
    app.client
        .post(app.url("/graphql"))
        .header("x-forwarded-for", address)
        .json(&json!({ "query": LOGIN, "variables": { "email": email, "password": password } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn failures_from_elsewhere_never_keep_the_owner_out() {
    for database in TestDatabase::all().await {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(true);
        config.forwarded_hops = 1;
        let app = TestApp::spawn_with(database, config).await;
        register(&app, "leila@example.org").await;
        let attacker = "203.0.113.7";
        for attempt in 1..=ADDRESS_LOCK_AFTER_FAILURES + 2 {
            let body = login_from(&app, attacker, "leila@example.org", "guess").await;
            let code = &body["errors"][0]["extensions"]["code"];
            assert!(
                code == "UNAUTHENTICATED" || code == "RATE_LIMITED",
                "[{}] attempt {attempt}: {body}",
                app.backend()
            );
        }
        // The attacker's address is refused, even with the right password.
        let body = login_from(&app, attacker, "leila@example.org", PASSWORD).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");

        // The owner, from elsewhere, gets in at once, as often as she likes.
        for _ in 0..2 {
            let started = Instant::now();
            let body = login_from(&app, "198.51.100.9", "leila@example.org", PASSWORD).await;
            assert!(body.get("errors").is_none(), "[{}] {body}", app.backend());
            assert!(started.elapsed() < Duration::from_secs(2));
        }
    }
}

#[tokio::test]
async fn a_deactivated_account_is_refused_at_once() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let id = staff_with_password(&app, "leaving@iom.int", Role::Recruiter, "IOM").await;
        let body = login(&app, "leaving@iom.int", PASSWORD).await;
        let token = body["data"]["login"]["token"].as_str().unwrap().to_owned();
        assert_eq!(
            app.data_as(&token, ME, json!({})).await["me"]["email"],
            "leaving@iom.int"
        );

        // Another organisation's admin may not (and cannot tell the account exists); a recruiter
        // may not deactivate even their own account.
        let ilo_admin = app.sign_in_as(Role::AgencyAdmin, Some("ILO")).await;
        assert_eq!(
            app.error_code_as(Some(&ilo_admin), DEACTIVATE, json!({ "id": id }))
                .await,
            "NOT_FOUND"
        );
        assert_eq!(
            app.error_code_as(Some(&token), DEACTIVATE, json!({ "id": id }))
                .await,
            "FORBIDDEN"
        );

        let done = app.data_as(&admin, DEACTIVATE, json!({ "id": id })).await;
        assert_eq!(done["deactivateAccount"]["active"], false);
        // Idempotent.
        app.data_as(&admin, DEACTIVATE, json!({ "id": id })).await;

        assert_eq!(
            app.error_code_as(Some(&token), ME, json!({})).await,
            "UNAUTHENTICATED"
        );
        let body = login(&app, "leaving@iom.int", PASSWORD).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert_eq!(body["errors"][0]["message"], "invalid e-mail or password");
    }
}

#[tokio::test]
async fn nobody_deactivates_their_own_account() {
    for app in TestApp::all_seeded().await {
        let admin = app.sign_in_as(Role::AgencyAdmin, Some("IOM")).await;
        let me = app.data_as(&admin, ME, json!({})).await;
        let body = app
            .graphql_as(Some(&admin), DEACTIVATE, json!({ "id": me["me"]["id"] }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(
            app.data_as(&admin, ME, json!({})).await["me"]["active"],
            true
        );
    }
}

#[tokio::test]
async fn concurrent_failures_are_all_counted() {
    for app in TestApp::all_seeded().await {
        register(&app, "burst@example.org").await;
        let attempts = ADDRESS_LOCK_AFTER_FAILURES + 4;
        let mut tasks = Vec::new();
        for _ in 0..attempts {
            let request = app.client.post(app.url("/graphql")).json(&json!({
                "query": LOGIN,
                "variables": { "email": "burst@example.org", "password": "not the password" },
            }));
            tasks.push(tokio::spawn(async move {
                let body: Value = request.send().await.unwrap().json().await.unwrap();
                body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }));
        }
        let mut refused = 0;
        let mut limited = 0;
        for task in tasks {
            match task.await.unwrap().as_str() {
                "UNAUTHENTICATED" => refused += 1,
                "RATE_LIMITED" => limited += 1,
                other => panic!("[{}] {other}", app.backend()),
            }
        }
        // Every attempt that reached the password check was counted, none twice, and no
        // more than the pacing and the address lock allow got through. The address may keep
        // an attempt the pair refused when taking it back met contention too: the safe side.
        let pair = throttle_row(&app, "pair:127.0.0.1|burst@example.org").await;
        assert_eq!(pair.unwrap().failures, refused, "[{}]", app.backend());
        let address = throttle_row(&app, "ip:127.0.0.1").await.unwrap().failures;
        assert!(address >= refused, "[{}] {address}", app.backend());
        assert!(
            refused <= ADDRESS_LOCK_AFTER_FAILURES,
            "[{}] {refused}",
            app.backend()
        );
        assert_eq!(refused + limited, attempts);
    }
}
