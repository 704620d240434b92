//! The WebSocket transport has the protections of `/graphql` over HTTP: document limits, the
//! rate limit, no mutations, bounded messages, a time limit on `connection_init`, a cap on
//! running subscriptions, and callers checked again while the socket is open.

use std::time::Duration;

use futures::StreamExt;
use jobboard::config::ServerConfig;
use jobboard::domain::Role;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, TestDatabase};
use crate::subscriptions::{WsClient, PUBLISHED};

/// A seeded server on each database, with `configure` applied to its settings.
async fn servers(configure: impl Fn(&mut ServerConfig)) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for database in TestDatabase::all().await {
        let mut config = ServerConfig::for_database(database.url());
        config.seed_demo_data = Some(true);
        configure(&mut config);
        apps.push(TestApp::spawn_with(database, config).await);
    }
    apps
}

fn bearer(token: &str) -> Value {
    json!({ "Authorization": format!("Bearer {token}") })
}

/// The code of the first error of subscription `id`'s next message.
async fn refusal(client: &mut WsClient, id: &str) -> Value {
    let payload = client.next(id).await;
    payload["errors"][0]["extensions"]["code"].clone()
}

/// How the server closed the socket: its close code, after any other messages.
async fn close_code(client: &mut WsClient) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let frame = tokio::time::timeout_at(deadline, client.socket.next())
            .await
            .expect("the socket closes in time");
        match frame {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

#[tokio::test]
async fn mutations_are_refused_over_the_websocket() {
    for app in TestApp::all_seeded().await {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        let register = "mutation { register(input: { email: \"ws@example.org\", password: \"a long enough password\", fullName: \"Over WS\" }) { token } }";
        client.subscribe("m", register, json!({})).await;
        assert_eq!(
            refusal(&mut client, "m").await,
            "GRAPHQL_VALIDATION_FAILED",
            "[{}]",
            app.backend()
        );
        let accounts = entity::account::Entity::find().all(&app.db).await.unwrap();
        assert!(
            accounts.iter().all(|a| a.email != "ws@example.org"),
            "[{}] the account was created",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_websocket_operation_passes_the_document_limits() {
    for app in TestApp::all_seeded().await {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        let aliases: String = (0..40).map(|i| format!("a{i}: __typename ")).collect();
        client
            .subscribe("q", &format!("query {{ {aliases} }}"), json!({}))
            .await;
        assert_eq!(
            refusal(&mut client, "q").await,
            "GRAPHQL_VALIDATION_FAILED",
            "[{}]",
            app.backend()
        );
        assert_eq!(client.message().await["type"], "complete");
        // Within the limits, the same socket still works.
        client
            .subscribe("ok", "query { __typename }", json!({}))
            .await;
        let answer = client.next("ok").await;
        assert_eq!(answer["data"]["__typename"], "Query", "{answer}");
    }
}

#[tokio::test]
async fn websocket_operations_spend_the_callers_rate() {
    let apps = servers(|config| {
        config.limits.rate_limit_operations_per_minute = 1;
        config.limits.rate_limit_burst = 2;
    })
    .await;
    for app in apps {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        for id in ["1", "2"] {
            client
                .subscribe(id, "query { __typename }", json!({}))
                .await;
            assert!(client.next(id).await["errors"].is_null());
            assert_eq!(client.message().await["type"], "complete");
        }
        client
            .subscribe("3", "query { __typename }", json!({}))
            .await;
        assert_eq!(
            refusal(&mut client, "3").await,
            "RATE_LIMITED",
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_socket_runs_a_bounded_number_of_subscriptions() {
    let apps = servers(|config| config.limits.ws_max_subscriptions = 2).await;
    for app in apps {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        client.subscribe("1", PUBLISHED, json!({})).await;
        client.subscribe("2", PUBLISHED, json!({})).await;
        crate::subscriptions::wait_for_subscribers(&app, 2).await;
        client.subscribe("3", PUBLISHED, json!({})).await;
        assert_eq!(
            refusal(&mut client, "3").await,
            "RATE_LIMITED",
            "[{}]",
            app.backend()
        );
        // Completing one makes room for another.
        client.send(json!({ "type": "complete", "id": "1" })).await;
        assert_eq!(client.message().await["type"], "complete");
        tokio::time::sleep(Duration::from_millis(200)).await;
        client.subscribe("4", PUBLISHED, json!({})).await;
        crate::subscriptions::wait_for_subscribers(&app, 2).await;
    }
}

#[tokio::test]
async fn a_client_that_never_initialises_is_closed() {
    let apps = servers(|config| config.limits.ws_init_timeout_seconds = 1).await;
    for app in apps {
        let mut request = app.ws_url().into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        let mut client = WsClient { socket };
        assert_eq!(
            close_code(&mut client).await,
            Some(4408),
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_message_larger_than_a_json_body_closes_the_socket() {
    let apps = servers(|config| config.limits.max_json_body_bytes = 1024).await;
    for app in apps {
        let mut client = WsClient::connect(&app.ws_url(), json!({})).await;
        let padding = "x".repeat(4096);
        client
            .subscribe(
                "big",
                &format!("query {{ __typename }} # {padding}"),
                json!({}),
            )
            .await;
        // Closed as too big (1009), or dropped outright: either way nothing ran.
        let code = close_code(&mut client).await;
        assert!(
            matches!(code, None | Some(1009)),
            "[{}] {code:?}",
            app.backend()
        );
    }
}

#[tokio::test]
async fn a_deactivated_account_loses_its_open_socket() {
    let apps = servers(|config| config.limits.ws_recheck_seconds = 1).await;
    for app in apps {
        let token = app.sign_in_as(Role::Recruiter, Some("IOM")).await;
        let mut client = WsClient::connect(&app.ws_url(), bearer(&token)).await;
        client.subscribe("1", PUBLISHED, json!({})).await;
        crate::subscriptions::wait_for_subscribers(&app, 1).await;
        let Some(jobboard::auth::jwt::Subject::Session(session)) =
            app.jwt.verify(&token).unwrap().subject()
        else {
            panic!("a person's token");
        };
        let id = entity::account_session::Entity::find_by_id(session)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .account_id;
        let account = entity::account::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let mut deactivated: entity::account::ActiveModel = account.into();
        deactivated.active = Set(false);
        deactivated.update(&app.db).await.unwrap();
        assert_eq!(
            close_code(&mut client).await,
            Some(4403),
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn an_expired_token_loses_its_open_socket() {
    let apps = servers(|config| config.limits.ws_recheck_seconds = 60).await;
    for app in apps {
        let (id, org) = crate::helpers::create_account(&app.db, Role::Candidate, None).await;
        let _ = org;
        let token = app.token_with_ttl(id, chrono::Duration::seconds(2)).await;
        let mut client = WsClient::connect(&app.ws_url(), bearer(&token)).await;
        client.subscribe("1", PUBLISHED, json!({})).await;
        assert_eq!(
            close_code(&mut client).await,
            Some(4401),
            "[{}]",
            app.backend()
        );
    }
}

#[tokio::test]
async fn signing_out_closes_the_sessions_open_socket() {
    let apps = servers(|config| config.limits.ws_recheck_seconds = 1).await;
    for app in apps {
        let token = app.sign_in_as(Role::Candidate, None).await;
        let mut client = WsClient::connect(&app.ws_url(), bearer(&token)).await;
        client.subscribe("1", PUBLISHED, json!({})).await;
        crate::subscriptions::wait_for_subscribers(&app, 1).await;
        app.data_as(&token, "mutation { signOut }", json!({})).await;
        assert_eq!(
            close_code(&mut client).await,
            Some(4403),
            "[{}]",
            app.backend()
        );
    }
}
